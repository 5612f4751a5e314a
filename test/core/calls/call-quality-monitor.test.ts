import { expect } from '@esm-bundle/chai';
import {
  CallQualityMonitor,
  HIGH_RTT_MS,
  MICROPHONE_SILENT_MS,
  NO_INBOUND_AUDIO_MS,
  PACKET_LOSS,
  type QualityChange,
  type QualitySample,
} from '../../../src/core/calls/call-quality-monitor.js';

/**
 * A call sampled every 2 s: each step() adds 2 s of healthy media (100 audio packets, a speaking
 * microphone) unless `change` says otherwise; returns the monitor's changes for that sample.
 */
function call() {
  const monitor = new CallQualityMonitor();
  let last: QualitySample = {
    at: 0,
    rttMs: 50,
    jitterMs: 5,
    packetsReceived: 0,
    packetsLost: 0,
    audioPacketsReceived: 0,
    microphoneEnergy: 0,
    microphoneDuration: 0,
    microphone: 'live',
    held: false,
    muted: false,
    mediaConnected: true,
  };
  monitor.update(last);
  const step = (change: Partial<QualitySample> & { audioPackets?: number; lost?: number; micLevel?: number } = {}): QualityChange[] => {
    const { audioPackets = 100, lost = 0, micLevel = 0.05, ...rest } = change;
    last = {
      ...last,
      rttMs: 50,
      jitterMs: 5,
      microphone: 'live',
      held: false,
      muted: false,
      mediaConnected: true,
      at: last.at + 2000,
      packetsReceived: last.packetsReceived + audioPackets,
      audioPacketsReceived: last.audioPacketsReceived + audioPackets,
      packetsLost: last.packetsLost + lost,
      microphoneEnergy: (last.microphoneEnergy ?? 0) + micLevel * micLevel * 2,
      microphoneDuration: (last.microphoneDuration ?? 0) + 2,
      ...rest,
    };
    return monitor.update(last);
  };
  return { monitor, step };
}

describe('CallQualityMonitor', () => {
  it('a healthy call raises nothing', () => {
    const { monitor, step } = call();
    for (let i = 0; i < 10; i++) expect(step()).to.deep.equal([]);
    expect(monitor.warnings).to.deep.equal([]);
  });

  it('round-trip time: raised after two samples above 400 ms, cleared after two below 300 ms, not on a single spike', () => {
    const { monitor, step } = call();
    expect(step({ rttMs: 900 })).to.deep.equal([]);
    expect(step({ rttMs: 100 })).to.deep.equal([]); // a spike alone
    expect(step({ rttMs: 450 })).to.deep.equal([]);
    expect(step({ rttMs: 500 })).to.deep.equal([{ warning: 'high-rtt', active: true, value: 500, threshold: HIGH_RTT_MS.raise }]);
    expect(monitor.warnings).to.deep.equal(['high-rtt']);
    // Between the thresholds: stays raised (no flapping about 400 ms).
    for (const rttMs of [350, 390, 320, 410, 350]) expect(step({ rttMs })).to.deep.equal([]);
    expect(step({ rttMs: 250 })).to.deep.equal([]);
    expect(step({ rttMs: 200 })).to.deep.equal([{ warning: 'high-rtt', active: false, value: 200, threshold: HIGH_RTT_MS.clear }]);
    expect(monitor.warnings).to.deep.equal([]);
  });

  it('jitter above 60 ms is a warning', () => {
    const { step } = call();
    step({ jitterMs: 80 });
    expect(step({ jitterMs: 90 })).to.deep.equal([{ warning: 'high-jitter', active: true, value: 90, threshold: 60 }]);
  });

  it('packet loss is the fraction lost over the last 10 s, not since the call started', () => {
    const { monitor, step } = call();
    for (let i = 0; i < 30; i++) step(); // a minute of clean audio: 3000 packets
    const raised = [1, 2, 3].flatMap(() => step({ audioPackets: 80, lost: 20 }));
    expect(raised).to.have.length(1);
    expect(raised[0]).to.include({ warning: 'packet-loss', active: true, threshold: PACKET_LOSS.raise });
    // 60 lost of 500 in the window; since the call started it would be under 2 %.
    expect(raised[0].value).to.equal(0.12);
    // Loss stops: the window forgets it within 10 s; cleared after two samples below 2 %.
    const cleared = [1, 2, 3, 4, 5, 6, 7, 8].flatMap(() => step());
    expect(cleared).to.deep.equal([{ warning: 'packet-loss', active: false, value: 0, threshold: PACKET_LOSS.clear }]);
    expect(monitor.warnings).to.deep.equal([]);
  });

  it('too few packets to tell say nothing about loss', () => {
    const { step } = call();
    for (let i = 0; i < 5; i++) expect(step({ audioPackets: 5, lost: 5 })).to.deep.equal([]);
  });

  it('no inbound audio for 3 s raises no-inbound-audio; the first packets again clear it', () => {
    const { monitor, step } = call();
    expect(step({ audioPackets: 0 })).to.deep.equal([]);
    expect(step({ audioPackets: 0 })).to.deep.equal([{ warning: 'no-inbound-audio', active: true, value: 4000, threshold: NO_INBOUND_AUDIO_MS }]);
    expect(step({ audioPackets: 0 })).to.deep.equal([]);
    expect(monitor.warnings).to.deep.equal(['no-inbound-audio']);
    expect(step()).to.deep.equal([{ warning: 'no-inbound-audio', active: false }]);
  });

  it('a held call (either side) is expected to be silent: no no-inbound-audio, and one in force clears', () => {
    const { step } = call();
    for (let i = 0; i < 5; i++) expect(step({ audioPackets: 0, held: true })).to.deep.equal([]);
    // Resumed: counted from the resume, not from the last packet before the hold.
    expect(step({ audioPackets: 0 })).to.deep.equal([]);
    expect(step({ audioPackets: 0 })).to.deep.equal([]);
    expect(step({ audioPackets: 0 })).to.deep.equal([{ warning: 'no-inbound-audio', active: true, value: 4000, threshold: NO_INBOUND_AUDIO_MS }]);
    expect(step({ audioPackets: 0, held: true })).to.deep.equal([{ warning: 'no-inbound-audio', active: false }]);
  });

  it('before the media path connects nothing is judged', () => {
    const { step } = call();
    for (let i = 0; i < 5; i++) expect(step({ audioPackets: 0, micLevel: 0, mediaConnected: false })).to.deep.equal([]);
  });

  it('a microphone delivering digital silence for 5 s raises microphone-silent; sound clears it', () => {
    const { monitor, step } = call();
    step({ micLevel: 0 });
    expect(step({ micLevel: 0 })).to.deep.equal([]);
    expect(step({ micLevel: 0 })).to.deep.equal([{ warning: 'microphone-silent', active: true, value: 6000, threshold: MICROPHONE_SILENT_MS }]);
    expect(monitor.warnings).to.deep.equal(['microphone-silent']);
    expect(step({ micLevel: 0.001 })).to.deep.equal([{ warning: 'microphone-silent', active: false }]);
  });

  it('a live track that delivers no audio at all counts as silent', () => {
    const { step } = call();
    const frozen = () => step({ microphoneEnergy: 1, microphoneDuration: 10 } as never);
    expect([1, 2, 3, 4].flatMap(frozen).map((c) => c.warning)).to.deep.equal(['microphone-silent']);
  });

  it('a quiet room is not silence', () => {
    const { step } = call();
    for (let i = 0; i < 5; i++) expect(step({ micLevel: 0.0003 })).to.deep.equal([]); // −70 dBFS
  });

  it('a sender track that is gone, ended, muted by the browser or disabled behind our back counts as silent', () => {
    for (const microphone of ['none', 'ended', 'muted', 'disabled'] as const) {
      const { step } = call();
      const changes = [1, 2, 3].flatMap(() => step({ microphone }));
      expect(changes, microphone).to.deep.equal([{ warning: 'microphone-silent', active: true, value: 6000, threshold: MICROPHONE_SILENT_MS }]);
    }
  });

  it('our own mute, or a hold, is no microphone warning', () => {
    const { step } = call();
    for (let i = 0; i < 5; i++) expect(step({ micLevel: 0, microphone: 'disabled', muted: true })).to.deep.equal([]);
    for (let i = 0; i < 5; i++) expect(step({ micLevel: 0, microphone: 'none', held: true, audioPackets: 0 })).to.deep.equal([]);
  });

  it('without media-source statistics only the track state counts', () => {
    const { step } = call();
    for (let i = 0; i < 5; i++) expect(step({ microphoneEnergy: null, microphoneDuration: null } as never)).to.deep.equal([]);
  });
});
