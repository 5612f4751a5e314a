// A minimal phone on plain JsSIP 3.13 with its defaults (WebSocketInterface, JsSIP's own
// getUserMedia, waiting for ICE gathering to complete): the baseline sip-phone is compared with.
import JsSIP from '/.test-tmp/jssip.js';

let ua;
let iceServers = [];

function register({ server, user, password, autoAnswer }) {
  const t0 = performance.now();
  ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(server)], uri: `sip:${user}@sip-phone.test`, password, register: true });
  ua.on('newRTCSession', ({ originator, session }) => {
    // The experiment: release JsSIP on the first candidate instead of waiting for gathering.
    if (window.earlyReady) session.on('icecandidate', (e) => e.ready());
    if (originator === 'remote' && autoAnswer) {
      session.answer({ mediaConstraints: { audio: true, video: true }, pcConfig: { iceServers } });
    }
  });
  return new Promise((resolve, reject) => {
    ua.on('registered', () => resolve({ registerMs: performance.now() - t0 }));
    ua.on('registrationFailed', (e) => reject(new Error(e.cause)));
    ua.start();
  });
}

window.bench = {
  start(options) {
    iceServers = options.iceServers;
    window.startOptions = options;
    return register(options);
  },
  async reregister() {
    await new Promise((resolve) => {
      ua.on('disconnected', resolve);
      ua.stop();
    });
    return register(window.startOptions);
  },
  setIceServers(servers) {
    iceServers = servers;
  },
  call(target) {
    const t0 = performance.now();
    const frame = window.firstRemoteFrameAfter(t0);
    return new Promise((resolve, reject) => {
      const session = ua.call(target, { mediaConstraints: { audio: true, video: true }, pcConfig: { iceServers } });
      session.on('failed', (e) => reject(new Error(e.cause)));
      session.on('confirmed', async () => {
        const activeMs = performance.now() - t0;
        const firstFrameMs = await frame;
        session.on('ended', () => resolve({ activeMs, firstFrameMs }));
        session.terminate();
      });
    });
  },
};
