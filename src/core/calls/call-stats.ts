/**
 * Call quality figures from RTCPeerConnection.getStats(), as the `call-stats` event reports them.
 * Rates are computed between two consecutive samples.
 */
export interface CallStats {
  callId: string;
  /** Round-trip time of the selected candidate pair, ms (null before the first measurement). */
  rttMs: number | null;
  /** Inbound audio jitter, ms. */
  jitterMs: number | null;
  /** Inbound packets lost, audio and video together, since the call started. */
  packetsLost: number;
  /** Inbound audio bitrate, kbit/s. */
  audioKbps: number;
  /** Inbound video bitrate, kbit/s. */
  videoKbps: number;
}

/** The counters of one getStats() call, kept for the rates of the next (and the quality monitor). */
export interface StatsSample {
  at: number;
  audioBytes: number;
  videoBytes: number;
  /** Inbound packets received (audio and video), and audio packets alone. */
  packetsReceived: number;
  audioPacketsReceived: number;
  /** Our microphone's `totalAudioEnergy` and `totalSamplesDuration` (audio media-source), null where the browser gives none. */
  microphoneEnergy: number | null;
  microphoneDuration: number | null;
}

/** Reads one sample; `previous` gives the bitrates. */
export async function readCallStats(pc: RTCPeerConnection, callId: string, previous: StatsSample | null): Promise<{ stats: CallStats; sample: StatsSample }> {
  const report = await pc.getStats();
  let rttMs: number | null = null;
  let jitterMs: number | null = null;
  let packetsLost = 0;
  const sample: StatsSample = {
    at: performance.now(),
    audioBytes: 0,
    videoBytes: 0,
    packetsReceived: 0,
    audioPacketsReceived: 0,
    microphoneEnergy: null,
    microphoneDuration: null,
  };
  report.forEach((s) => {
    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && typeof s.currentRoundTripTime === 'number') {
      rttMs = Math.round(s.currentRoundTripTime * 1000);
    }
    if (s.type === 'media-source' && s.kind === 'audio' && typeof s.totalAudioEnergy === 'number') {
      sample.microphoneEnergy = (sample.microphoneEnergy ?? 0) + s.totalAudioEnergy;
      sample.microphoneDuration = (sample.microphoneDuration ?? 0) + (s.totalSamplesDuration ?? 0);
    }
    if (s.type === 'inbound-rtp') {
      packetsLost += Math.max(0, s.packetsLost ?? 0);
      sample.packetsReceived += s.packetsReceived ?? 0;
      if (s.kind === 'audio') {
        sample.audioBytes += s.bytesReceived ?? 0;
        sample.audioPacketsReceived += s.packetsReceived ?? 0;
        if (typeof s.jitter === 'number') jitterMs = Math.round(s.jitter * 1000);
      } else if (s.kind === 'video') {
        sample.videoBytes += s.bytesReceived ?? 0;
      }
    }
  });
  const seconds = previous ? (sample.at - previous.at) / 1000 : 0;
  const kbps = (now: number, before: number) => (seconds > 0 ? Math.max(0, Math.round(((now - before) * 8) / 1000 / seconds)) : 0);
  return {
    stats: {
      callId,
      rttMs,
      jitterMs,
      packetsLost,
      audioKbps: previous ? kbps(sample.audioBytes, previous.audioBytes) : 0,
      videoKbps: previous ? kbps(sample.videoBytes, previous.videoBytes) : 0,
    },
    sample,
  };
}

/** A coarse verdict for the indicator: good, fair or poor. */
export function callQuality(stats: CallStats): 'good' | 'fair' | 'poor' {
  const rtt = stats.rttMs ?? 0;
  const jitter = stats.jitterMs ?? 0;
  if (rtt > 400 || jitter > 60) return 'poor';
  if (rtt > 200 || jitter > 30) return 'fair';
  return 'good';
}
