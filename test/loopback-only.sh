#!/usr/bin/env bash
# Runs a command in a fresh network namespace that has only `lo` (as root), so WebRTC offers
# 127.0.0.1 candidates and no test traffic can leave the machine. The PID namespace ends every
# process the command started (Kamailio, Chromium) when it exits.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "loopback-only.sh: needs root (unshare --net); run as root or use sudo" >&2
  exit 1
fi
exec unshare --net --pid --fork --mount-proc --kill-child bash -c 'ip link set lo up && exec "$@"' bash "$@"
