import { expect } from '@esm-bundle/chai';
import { CallRecording } from '../../../src/core/recording/call-recording.js';
import { toneIn, withWebAudio } from '../media-tones.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The recording decoded: the power of each frequency over its second half. */
async function tonesIn(blob: Blob, frequencies: number[]): Promise<number[]> {
  const context = new AudioContext();
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const samples = audio.getChannelData(0).subarray(Math.floor(audio.length / 2));
    return frequencies.map((f) => Number(toneIn(samples, audio.sampleRate, f).toFixed(4)));
  } finally {
    await context.close();
  }
}

describe('CallRecording', () => {
  const web = withWebAudio();

  it('records our microphone and the other side mixed into one track, not what it was not given', async () => {
    const recording = await CallRecording.start([web.tones.track(440), web.tones.track(1500)]);
    web.tones.track(3000); // playing in the page, but not in this call
    await wait(1200);
    const blob = await recording.stop();
    expect(blob.size).to.be.greaterThan(1000);
    expect(blob.type).to.match(/^audio\//);
    const [mic, remote, other] = await tonesIn(blob, [440, 1500, 3000]);
    expect(mic, 'our side').to.be.greaterThan(0.01);
    expect(remote, 'their side').to.be.greaterThan(0.01);
    expect(other, 'a tone not given').to.be.lessThan(0.001);
  });

  it('takes new tracks into the mix and drops the ones no longer given', async () => {
    const mic = web.tones.track(440);
    const recording = await CallRecording.start([mic]);
    await wait(300);
    recording.mix([web.tones.track(1500)]);
    await wait(1200);
    const [before, after] = await tonesIn(await recording.stop(), [440, 1500]);
    expect(before).to.be.lessThan(0.001);
    expect(after).to.be.greaterThan(0.01);
  });

  it('stop() twice gives the same recording', async () => {
    const recording = await CallRecording.start([web.tones.track(440)]);
    await wait(300);
    const [a, b] = await Promise.all([recording.stop(), recording.stop()]);
    expect(a).to.equal(b);
  });
});

describe('CallRecording where Web Audio does not start', () => {
  it("rejects with 'media-unavailable' (no silent recording) and closes its context", async () => {
    let closed = false;
    const stuck = { state: 'suspended', resume: () => new Promise(() => {}), close: async () => void (closed = true) } as unknown as AudioContext;
    const error = await CallRecording.start([], { audioContext: () => stuck }).catch((e: { code: string }) => e);
    expect((error as { code: string }).code).to.equal('media-unavailable');
    expect(closed).to.equal(true);
  });
});
