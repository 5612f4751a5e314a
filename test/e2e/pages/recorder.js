// Runs in the test page (no inline script: the page has a strict CSP). Records every sip-* event
// and gives the tests a few helpers to wait for events and read WebRTC statistics.
const names = [
  'sip-connecting',
  'sip-connected',
  'sip-connection-lost',
  'sip-registered',
  'sip-unregistered',
  'sip-registration-failed',
  'sip-incoming-call',
  'sip-call-state',
  'sip-call-ended',
  'sip-call-updated',
  'sip-dtmf',
  'sip-call-stats',
  'sip-call-quality',
  'sip-call-reconnecting',
  'sip-call-reconnected',
  'sip-voicemail',
  'sip-error',
  'sip-trace',
  'sip-message',
  'sip-presence',
  'sip-recording',
];
window.sipEvents = [];
window.pageErrors = [];
addEventListener('error', (e) => window.pageErrors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => window.pageErrors.push(String(e.reason?.message ?? e.reason)));
for (const name of names) {
  document.addEventListener(name, (e) => window.sipEvents.push({ type: name, detail: JSON.parse(JSON.stringify(e.detail)), at: performance.now() }));
}

/** Adds a <sip-phone> with these attributes (and the password as a property). */
window.addPhone = (attributes, password) => {
  const phone = document.createElement('sip-phone');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) phone.setAttribute(name, '');
    else if (value !== false && value != null) phone.setAttribute(name, String(value));
  }
  if (password) phone.password = password;
  document.body.append(phone);
  return phone;
};

window.phone = () => document.querySelector('sip-phone');

/** Resolves with the first recorded event of this type (after index `from`) matching `filter`. */
window.waitForEvent = (type, filter = {}, timeout = 15000, from = 0) =>
  new Promise((resolve, reject) => {
    const matches = (e) => e.type === type && Object.entries(filter).every(([k, v]) => JSON.stringify(dig(e.detail, k)) === JSON.stringify(v));
    const started = Date.now();
    const tick = () => {
      const found = window.sipEvents.slice(from).find(matches);
      if (found) return resolve(found);
      if (Date.now() - started > timeout)
        return reject(new Error(`no ${type} ${JSON.stringify(filter)} within ${timeout} ms; saw ${window.sipEvents.map((e) => e.type).join(', ')}`));
      setTimeout(tick, 20);
    };
    tick();
  });

function dig(object, path) {
  return path.split('.').reduce((o, k) => (o == null ? o : o[k]), object);
}

/** Inbound/outbound counters and the selected candidate pair of the phone's current call. */
window.callStats = async () => {
  const pc = window.phone().getPeerConnection();
  if (!pc) return null;
  return statsOf(pc);
};

/**
 * The counters of one RTCPeerConnection (also used by pages with another SIP stack).
 * audioEnergyIn: the received audio's totalAudioEnergy (grows only with sound, not with silence
 * packets). The selected
 * pair: addresses, candidate types ('host', 'srflx', 'prflx', 'relay') and, for a local relay
 * candidate, the protocol between the browser and its TURN server (`localRelayProtocol`).
 */
window.peerConnectionStats = statsOf;
async function statsOf(pc) {
  const report = await pc.getStats();
  const stats = {
    audioBytesIn: 0,
    audioEnergyIn: 0,
    videoBytesIn: 0,
    framesDecoded: 0,
    bytesOut: 0,
    connectionState: pc.connectionState,
    localAddress: null,
    remoteAddress: null,
    localCandidateType: null,
    remoteCandidateType: null,
    localRelayProtocol: null,
  };
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      stats.audioBytesIn += s.bytesReceived ?? 0;
      stats.audioEnergyIn += s.totalAudioEnergy ?? 0;
    }
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      stats.videoBytesIn += s.bytesReceived ?? 0;
      stats.framesDecoded += s.framesDecoded ?? 0;
    }
    if (s.type === 'outbound-rtp') stats.bytesOut += s.bytesSent ?? 0;
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      const pair = byId.get(s.selectedCandidatePairId);
      const local = byId.get(pair?.localCandidateId);
      const remote = byId.get(pair?.remoteCandidateId);
      stats.localAddress = local?.address ?? null;
      stats.remoteAddress = remote?.address ?? null;
      stats.localCandidateType = local?.candidateType ?? null;
      stats.remoteCandidateType = remote?.candidateType ?? null;
      stats.localRelayProtocol = local?.relayProtocol ?? null;
    }
  });
  return stats;
}

/** Live local media tracks anywhere on the page's phone (0 after a call released its media). */
window.liveLocalTracks = () => {
  const videos = [...(window.phone()?.shadowRoot?.querySelectorAll('video') ?? [])];
  return videos.flatMap((v) => v.srcObject?.getTracks?.() ?? []).filter((t) => t.readyState === 'live').length;
};

// Leak accounting: every RTCPeerConnection and every captured track the page ever made.
const peerConnections = [];
// (A browser without WebRTC, Debian's WebKitGTK, has no RTCPeerConnection to count.)
const NativePeerConnection = window.RTCPeerConnection;
if (NativePeerConnection) {
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      peerConnections.push(this);
    }
  };
}
const capturedTracks = [];
const nativeGetUserMedia = navigator.mediaDevices?.getUserMedia.bind(navigator.mediaDevices);
if (nativeGetUserMedia) {
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await nativeGetUserMedia(constraints);
    capturedTracks.push(...stream.getTracks());
    return stream;
  };
}
window.leaks = () => ({
  peerConnections: peerConnections.length,
  openPeerConnections: peerConnections.filter((pc) => pc.signalingState !== 'closed').length,
  capturedTracks: capturedTracks.length,
  liveTracks: capturedTracks.filter((t) => t.readyState === 'live').length,
});

// Tone accounting: oscillators the page started and stopped (ringtone, ringback).
window.oscillators = { started: 0, stopped: 0 };
const createOscillator = window.AudioContext?.prototype.createOscillator;
if (createOscillator)
  AudioContext.prototype.createOscillator = function () {
    const oscillator = createOscillator.call(this);
    const start = oscillator.start.bind(oscillator);
    const stop = oscillator.stop.bind(oscillator);
    oscillator.start = (...args) => (window.oscillators.started++, start(...args));
    oscillator.stop = (...args) => (window.oscillators.stopped++, stop(...args));
    return oscillator;
  };

/** The newest RTCPeerConnection's local and remote SDP (the offer/answer as sent and received). */
window.lastSdp = () => {
  const pc = peerConnections.filter((p) => p.remoteDescription || p.localDescription).at(-1);
  return { local: pc?.localDescription?.sdp ?? '', remote: pc?.remoteDescription?.sdp ?? '' };
};

/**
 * Decodes Opus packets (base64 payloads, 20 ms each) with WebCodecs and resolves to each packet's
 * RMS level in dBFS: what a peer that received them would hear.
 */
window.opusLevels = async (payloads) => {
  const levels = [];
  const decoder = new AudioDecoder({
    output: (data) => {
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      data.close();
      const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / Math.max(1, samples.length));
      levels.push(20 * Math.log10(rms));
    },
    error: (e) => levels.push(`error: ${e.message}`),
  });
  decoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
  payloads.forEach((b64, i) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 20000, duration: 20000, data }));
  });
  await decoder.flush();
  decoder.close();
  return levels;
};

/**
 * The strongest frequency (Hz) in the audio the phone's current call receives, measured with a
 * Web Audio analyser over `ms`; null when it receives only silence.
 */
window.remoteTonePeak = async (ms = 400) => {
  const pc = window.phone().getPeerConnection();
  const track = pc
    ?.getReceivers()
    .map((r) => r.track)
    .find((t) => t?.kind === 'audio');
  if (!track) return null;
  const context = new AudioContext();
  try {
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    source.connect(analyser);
    await new Promise((r) => setTimeout(r, ms));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let peak = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
    return bins[peak] > -80 ? Math.round((peak * context.sampleRate) / analyser.fftSize) : null;
  } finally {
    await context.close();
  }
};

/**
 * The remote video's mean brightness (0–255) from one frame drawn on a canvas, or null with no
 * picture yet: a disabled track sends black frames, which still count as decoded frames.
 */
window.remoteVideoLuma = () => {
  const video = window.phone()?.shadowRoot?.querySelector('[part~="remote-video"]');
  if (!video?.videoWidth) return null;
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return sum / (data.length / 4);
};

/** Starts recording the RFC 4733 tones this page's browser plays out (RTCDTMFSender tonechange). */
window.recordOutgoingTones = () => {
  window.tonesPlayed = [];
  const sender = window
    .phone()
    .getPeerConnection()
    .getSenders()
    .find((s) => s.track?.kind === 'audio' || s.dtmf);
  sender.dtmf.addEventListener('tonechange', (e) => e.tone && window.tonesPlayed.push(e.tone));
};

/** The blobs of the phone's recordings (`sip-recording` 'stopped'), newest last. */
window.recordedBlobs = [];
document.addEventListener('sip-recording', (e) => e.detail.blob && window.recordedBlobs.push(e.detail.blob));

/**
 * Decodes a recording (AudioContext.decodeAudioData) and resolves to { duration, type, peaks }:
 * for each [from, to] window (seconds) the loudest 20 ms frame's RMS (0..1) over all channels.
 */
window.recordingPeaks = async (index, windows) => {
  const blob = window.recordedBlobs.at(index);
  const context = new AudioContext();
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const frame = Math.round(audio.sampleRate * 0.02);
    const channels = Array.from({ length: audio.numberOfChannels }, (_, i) => audio.getChannelData(i));
    const peaks = windows.map(([from, to]) => {
      let peak = 0;
      for (let start = Math.round(from * audio.sampleRate); start + frame <= Math.min(audio.length, to * audio.sampleRate); start += frame) {
        for (const data of channels) {
          let sum = 0;
          for (let i = start; i < start + frame; i++) sum += data[i] * data[i];
          peak = Math.max(peak, Math.sqrt(sum / frame));
        }
      }
      return Number(peak.toFixed(4));
    });
    return { duration: audio.duration, type: blob.type, size: blob.size, peaks };
  } finally {
    await context.close();
  }
};

/** The received audio energy (totalAudioEnergy) of each of the phone's calls, by call id. */
window.callEnergies = async () => {
  const result = {};
  for (const call of window.phone().calls) {
    const report = await window.phone().getPeerConnection(call.id).getStats();
    result[call.id] = 0;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') result[call.id] += s.totalAudioEnergy ?? 0;
    });
  }
  return result;
};
