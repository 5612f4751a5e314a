// Another WebRTC SIP stack as the other party: SIP.js 0.21's SimpleUser, bundled with esbuild at
// test time (support/sipjs-bundle.mjs → /.test-tmp/e2e/sipjs-peer.js), in a page with the same
// strict CSP as phone.html. Tests drive it through window.peer; every SIP message it sends or
// receives over its WebSocket is kept in window.sipTrace (who sent what, when).
import { SimpleUser } from 'sip.js/lib/platform/web/index.js';

window.sipTrace = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener(
      'message',
      ({ data }) => typeof data === 'string' && data.trim() && window.sipTrace.push({ direction: 'in', text: data, at: Date.now() }),
    );
  }

  send(data) {
    if (typeof data === 'string' && data.trim()) window.sipTrace.push({ direction: 'out', text: data, at: Date.now() });
    super.send(data);
  }
};

/**
 * What happened to the peer, in order: { type, at } with type received, answered, hangup, held,
 * resumed, registered, and dtmf (with `tone`: a digit received by SIP INFO).
 */
window.peerEvents = [];
const record = (type, extra = {}) => window.peerEvents.push({ type, at: Date.now(), ...extra });

let user = null;
let remoteAudio = null;
/**
 * The call the peer is in: SimpleUser's own, else the newest one its SessionManager still runs.
 * (When SIP.js follows a REFER, the new call is SimpleUser's session only until the old call's
 * BYE arrives; SimpleUser then sets its session to undefined although the new call goes on.)
 */
const currentSession = () => user?.session ?? user?.sessionManager.managedSessions.at(-1)?.session;

window.peer = {
  /** Connects to `server` and registers `aor` with digest credentials; resolves once registered. */
  async start({ server, aor, password, video = false }) {
    remoteAudio = document.createElement('audio');
    remoteAudio.autoplay = true;
    const remoteVideo = document.createElement('video');
    remoteVideo.autoplay = true;
    // SimpleUser plays the whole remote stream in the video element when there is one: it must not
    // be muted, or Chromium never plays the audio out and its totalAudioEnergy stays 0.
    document.body.append(remoteAudio, remoteVideo);
    user = new SimpleUser(server, {
      aor,
      media: { constraints: { audio: true, video }, remote: { audio: remoteAudio, video: video ? remoteVideo : undefined } },
      userAgentOptions: {
        authorizationUsername: aor.replace(/^sip:/, '').split('@')[0],
        authorizationPassword: password,
        logLevel: 'warn',
      },
      delegate: {
        onCallReceived: () => record('received'),
        onCallAnswered: () => record('answered'),
        onCallHangup: () => record('hangup'),
        onCallHold: (held) => record(held ? 'held' : 'resumed'),
        onRegistered: () => record('registered'),
        // SimpleUser accepts only INFO with an application/dtmf-relay body (Signal=…, Duration=…).
        onCallDTMFReceived: (tone) => record('dtmf', { tone }),
      },
    });
    await user.connect();
    await user.register();
    await until(() => window.peerEvents.some((e) => e.type === 'registered'), 10000, 'registered');
  },
  call: (target, options) => user.call(target, options),
  answer: () => user.answer(),
  hangup: () => user.hangup(),
  hold: () => user.hold(),
  unhold: () => user.unhold(),
  isHeld: () => user.isHeld(),
  /** Re-INVITEs with new ICE credentials: an ICE restart, as a phone makes after a network change. */
  restartIce: async () => {
    await currentSession().invite({ sessionDescriptionHandlerOptions: { offerOptions: { iceRestart: true } } });
  },
  inCall: () => !!user.session,
  /** Sends one tone by SIP INFO (application/dtmf-relay), resolving once it was answered. */
  sendDtmf: (tone) => user.sendDTMF(tone),
  /** The digits received by SIP INFO, in order. */
  dtmf: () =>
    window.peerEvents
      .filter((e) => e.type === 'dtmf')
      .map((e) => e.tone)
      .join(''),
  /** Who the current call is with (the remote URI of its dialog). */
  remoteUri: () => currentSession()?.remoteIdentity.uri.toString() ?? null,
  /** Whether the page plays a remote stream (SimpleUser empties its media elements when a call ends). */
  /** Plays the current call's remote audio in the page's audio element again (what an app must do after SIP.js followed a REFER). */
  playCurrentCall: async () => {
    const pc = currentSession()?.sessionDescriptionHandler?.peerConnection;
    remoteAudio.srcObject = new MediaStream(
      pc
        .getReceivers()
        .map((r) => r.track)
        .filter((t) => t?.kind === 'audio'),
    );
    await remoteAudio.play();
  },
  /** Counters of the call's RTCPeerConnection, as recorder.js reads them (audioEnergyIn, framesDecoded, …). */
  stats: async () => {
    const pc = currentSession()?.sessionDescriptionHandler?.peerConnection;
    return pc ? window.peerConnectionStats(pc) : null;
  },
  stop: async () => {
    await user?.unregister().catch(() => {});
    await user?.disconnect().catch(() => {});
  },
};

function until(fn, timeout, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (fn()) return resolve();
      if (Date.now() - started > timeout) return reject(new Error(`SIP.js peer: no ${what} within ${timeout} ms`));
      setTimeout(tick, 20);
    };
    tick();
  });
}
