#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and a fresh Debian 12 machine lacks: Debian's
# packages (browsers, SIP servers, media relay, TURN, other phones) and node_modules (`npm ci`
# when it is missing or older than package-lock.json). Does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  chromium firefox-esr                        # the browsers the tests drive (never downloaded)
  webkit2gtk-driver xvfb                      # WebKitGTK's MiniBrowser + WebKitWebDriver on a virtual display: a browser without WebRTC
  kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-outbound-modules
  kamailio-presence-modules                   # presence + presence_mwi: the voicemail waiting indicator
  kamailio-autheph-modules                    # auth_ephemeral: credentials a web backend mints (demo login)
  kamailio-postgres-modules postgresql        # the cluster (npm start -- --cluster): shared location, presence and msilo tables
  rtpengine-daemon                            # media relay between browsers and plain SIP phones
  coturn                                      # TURN server for relay-only calls
  nginx                                       # a WSS-terminating proxy in front of Kamailio (proxies test)
  baresip-core sip-tester                     # plain SIP phones (baresip) and scripted peers (sipp)
  openssl iproute2 util-linux ca-certificates # certificates, the loopback-only namespace
  iptables                                    # network faults inside that namespace (call recovery test)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# node_modules is current when it was installed from this very package-lock.json.
stamp=node_modules/.sip-phone-lock.sha1
wanted=$(sha1sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "ensure-deps: npm ci (node_modules missing or older than package-lock.json)" >&2
  npm ci --no-audit --no-fund
  echo "$wanted" > "$stamp"
fi
