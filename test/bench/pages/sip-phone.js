// The benchmark's driver for <sip-phone>: the same steps as plain-jssip.js.
const wait = (el, type, test = () => true) =>
  new Promise((resolve) => {
    const on = (e) => test(e.detail) && (el.removeEventListener(type, on), resolve(e.detail));
    el.addEventListener(type, on);
  });

let phone;

window.bench = {
  async start({ server, user, password, autoAnswer, iceServers }) {
    phone = document.createElement('sip-phone');
    phone.server = server;
    phone.uri = `sip:${user}@sip-phone.test`;
    phone.password = password;
    phone.autoAnswer = autoAnswer;
    phone.iceServers = iceServers;
    document.body.append(phone);
    await phone.updateComplete;
    const t0 = performance.now();
    await phone.register();
    return { registerMs: performance.now() - t0 };
  },
  async reregister() {
    await phone.unregister();
    const t0 = performance.now();
    await phone.register();
    return { registerMs: performance.now() - t0 };
  },
  setIceServers(iceServers) {
    phone.iceServers = iceServers;
  },
  async call(target) {
    const t0 = performance.now();
    const active = wait(phone, 'sip-call-state', (d) => d.call.state === 'active');
    const frame = window.firstRemoteFrameAfter(t0);
    await phone.call(target, { video: true });
    await active;
    const activeMs = performance.now() - t0;
    const firstFrameMs = await frame;
    const ended = wait(phone, 'sip-call-ended');
    await phone.hangup();
    await ended;
    return { activeMs, firstFrameMs };
  },
  /** An audio call (to a plain SIP phone): call() → active, and → first sound heard (inbound audio energy). */
  async callAudio(target) {
    const t0 = performance.now();
    const active = wait(phone, 'sip-call-state', (d) => d.call.state === 'active');
    await phone.call(target, { video: false });
    await active;
    const activeMs = performance.now() - t0;
    let soundMs = null;
    while (soundMs === null && performance.now() - t0 < 10000) {
      let energy = 0;
      (await phone.getPeerConnection().getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') energy += s.totalAudioEnergy ?? 0;
      });
      if (energy > 0) soundMs = performance.now() - t0;
      else await new Promise((r) => setTimeout(r, 10));
    }
    const ended = wait(phone, 'sip-call-ended');
    await phone.hangup();
    await ended;
    return { activeMs, soundMs };
  },
  async waitForCallEnded() {
    await wait(phone, 'sip-call-ended');
  },
};
