// The many-calls benchmark's page: one <sip-phone>, counters of its calls, and leak accounting that
// holds nothing alive. Chromium counts every RTCPeerConnection object until it is garbage-collected
// (500 at most, closed or not), so the e2e recorder's list of connections would itself be the leak.
const madePeerConnections = [];
let peerConnectionsMade = 0;
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(...args) {
    super(...args);
    peerConnectionsMade++;
    madePeerConnections.push(new WeakRef(this));
  }
};
const capturedTracks = [];
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  for (const track of stream.getTracks()) capturedTracks.push(new WeakRef(track));
  return stream;
};

/**
 * Peer connections made, not yet collected, and not closed; tracks captured and still live.
 * Forgets what was collected, so the accounting itself stays small.
 */
window.leaks = () => {
  const alive = madePeerConnections.map((r) => r.deref()).filter(Boolean);
  madePeerConnections.splice(0, madePeerConnections.length, ...alive.map((pc) => new WeakRef(pc)));
  const tracks = capturedTracks.map((r) => r.deref()).filter(Boolean);
  capturedTracks.splice(0, capturedTracks.length, ...tracks.map((t) => new WeakRef(t)));
  return {
    peerConnectionsMade,
    peerConnectionsUncollected: alive.length,
    openPeerConnections: alive.filter((pc) => pc.signalingState !== 'closed').length,
    liveTracks: tracks.filter((t) => t.readyState === 'live').length,
  };
};

const tally = { active: 0, media: 0, ended: 0, causes: {}, errors: [] };
window.tally = tally;
let phone;

const waitFor = (type, test, timeoutMs, what) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      phone.removeEventListener(type, on);
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (e) => {
      if (!test(e.detail)) return;
      clearTimeout(timer);
      phone.removeEventListener(type, on);
      resolve(e.detail);
    };
    phone.addEventListener(type, on);
  });

/** Inbound audio bytes of the phone's current call (0 without one). */
async function audioBytesIn() {
  const pc = phone.getPeerConnection();
  if (!pc) return 0;
  let bytes = 0;
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived ?? 0;
  });
  return bytes;
}

window.bench = {
  async start({ server, user, password, autoAnswer }) {
    phone = document.createElement('sip-phone');
    phone.server = server;
    phone.uri = `sip:${user}@sip-phone.test`;
    phone.password = password;
    phone.autoAnswer = autoAnswer;
    phone.addEventListener('sip-call-state', (e) => e.detail.call.state === 'active' && tally.active++);
    phone.addEventListener('sip-call-updated', (e) => e.detail.change === 'media' && e.detail.call.mediaConnected && tally.media++);
    phone.addEventListener('sip-call-ended', (e) => {
      tally.ended++;
      tally.causes[e.detail.cause] = (tally.causes[e.detail.cause] ?? 0) + 1;
    });
    phone.addEventListener('sip-error', (e) => tally.errors.length < 20 && tally.errors.push(`${e.detail.code}: ${e.detail.message}`));
    document.body.append(phone);
    await phone.updateComplete;
    await phone.register();
  },
  /** Places an audio call; resolves once it is active and its media path connected. */
  async call(target, timeoutMs) {
    const t0 = performance.now();
    const active = waitFor('sip-call-state', (d) => d.call.state === 'active', timeoutMs, 'active');
    const ended = waitFor('sip-call-ended', () => true, timeoutMs, 'end').then((d) => {
      throw new Error(`ended before active: ${d.cause}${d.statusCode ? ` ${d.statusCode}` : ''}`);
    });
    ended.catch(() => {});
    const media = waitFor('sip-call-updated', (d) => d.change === 'media' && d.call.mediaConnected, timeoutMs, 'media connected');
    media.catch(() => {});
    await phone.call(target, { video: false });
    const info = await Promise.race([active, ended]);
    const activeMs = performance.now() - t0;
    if (!info.call.mediaConnected) await Promise.race([media, ended]);
    return { activeMs, mediaMs: performance.now() - t0 };
  },
  /** Whether the current call is active with its media path connected. */
  callUp: () => phone.calls.some((c) => c.state === 'active' && c.mediaConnected),
  /** Resolves to whether the current call's audio sender carries a live microphone track (within `timeoutMs`). */
  async sendsAudio(timeoutMs) {
    const started = performance.now();
    const sending = () =>
      !!phone
        .getPeerConnection()
        ?.getSenders()
        .some((s) => s.track?.kind === 'audio' && s.track.readyState === 'live');
    while (!sending() && performance.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 20));
    return sending();
  },
  /** Resolves to the inbound audio bytes once they grow past `atLeast` (or after `timeoutMs`). */
  async audioArrives(atLeast, timeoutMs) {
    const started = performance.now();
    let bytes = 0;
    while ((bytes = await audioBytesIn()) <= atLeast && performance.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 20));
    return bytes;
  },
  /** Hangs up every call this phone has. */
  async hangupAll() {
    for (const c of phone.calls) await phone.hangup(c.id).catch(() => {});
  },
  callCount: () => phone.calls.length,
  heapUsed: () => performance.memory?.usedJSHeapSize ?? 0,
};
