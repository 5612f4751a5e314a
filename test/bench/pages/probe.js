// Shared by both benchmark pages: notes every RTCPeerConnection and resolves when the newest
// one (made after t0) shows its first remote video frame.
const made = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(...args) {
    super(...args);
    made.push({ pc: this, at: performance.now() });
  }
};

window.firstRemoteFrameAfter = (t0, timeout = 60000) =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const find = () => {
      const entry = made.findLast?.((m) => m.at >= t0) ?? [...made].reverse().find((m) => m.at >= t0);
      if (!entry) return performance.now() - started > timeout ? reject(new Error('no RTCPeerConnection')) : setTimeout(find, 5);
      const watch = (stream) => {
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.srcObject = stream;
        video.requestVideoFrameCallback(() => {
          resolve(performance.now() - t0);
          video.srcObject = null;
        });
        video.play().catch(() => {});
      };
      const receivers = entry.pc.getReceivers().filter((r) => r.track.kind === 'video');
      if (receivers.length) watch(new MediaStream([receivers[0].track]));
      else entry.pc.addEventListener('track', (e) => e.track.kind === 'video' && watch(new MediaStream([e.track])));
    };
    find();
  });

window.heapUsed = () => performance.memory?.usedJSHeapSize ?? 0;
