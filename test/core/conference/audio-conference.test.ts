import { expect } from '@esm-bundle/chai';
import { AudioConference, type ConferenceCall } from '../../../src/core/conference/audio-conference.js';
import { withWebAudio } from '../media-tones.js';

/** A stand-in for a connected call: its microphone on an audio sender, a remote tone, JsSIP's mute. */
function fakeCall(id: string, mic: MediaStreamTrack, remote: MediaStreamTrack) {
  const sender = {
    track: mic as MediaStreamTrack | null,
    replaceTrack: async (track: MediaStreamTrack | null) => void (sender.track = track),
  };
  const call = {
    id,
    state: 'active',
    localStream: new MediaStream([mic]),
    remoteStream: new MediaStream([remote]),
    peerConnection: { getSenders: () => [sender] } as unknown as RTCPeerConnection,
    info: { muted: { audio: false } },
    conference: null as string[] | null,
    replaceTrack: async (track: MediaStreamTrack) => ((sender.track = track), mic),
    setConference: (ids: string[] | null) => void (call.conference = ids),
    // As JsSIP does: the track on the audio sender is switched off or on.
    mute: (_kind: 'audio' | 'video', muted: boolean) => {
      call.info.muted.audio = muted;
      if (sender.track) sender.track.enabled = !muted;
    },
  };
  return { call: call as typeof call & ConferenceCall, sender };
}

describe('AudioConference', () => {
  const web = withWebAudio();

  it('each merged call sends our microphone and the other party, not its own party back', async () => {
    const mic = web.tones.track(440);
    const bob = fakeCall('bob', mic, web.tones.track(1000));
    const carol = fakeCall('carol', web.tones.track(440), web.tones.track(2000));
    const conference = await AudioConference.create();
    await conference.add(bob.call);
    await conference.add(carol.call);
    expect(bob.call.conference).to.deep.equal(['carol']);
    expect(carol.call.conference).to.deep.equal(['bob']);
    const [toBobMic, toBobBob, toBobCarol] = await web.tones.levels(bob.sender.track!, [440, 1000, 2000]);
    const [toCarolMic, toCarolBob, toCarolCarol] = await web.tones.levels(carol.sender.track!, [440, 1000, 2000]);
    expect(toBobMic, 'our microphone to bob').to.be.greaterThan(-40);
    expect(toBobCarol, 'carol to bob').to.be.greaterThan(-40);
    expect(toBobBob, 'bob back to bob').to.be.lessThan(-80);
    expect(toCarolMic, 'our microphone to carol').to.be.greaterThan(-40);
    expect(toCarolBob, 'bob to carol').to.be.greaterThan(-40);
    expect(toCarolCarol, 'carol back to carol').to.be.lessThan(-80);
  });

  it('a mute on one call mutes us in all: the others still hear each other', async () => {
    const bob = fakeCall('bob', web.tones.track(440), web.tones.track(1000));
    const carol = fakeCall('carol', web.tones.track(440), web.tones.track(2000));
    const conference = await AudioConference.create();
    await conference.add(bob.call);
    await conference.add(carol.call);
    bob.call.mute('audio', true);
    conference.sync(bob.call);
    expect(carol.call.info.muted.audio).to.equal(true);
    // Each call's own microphone is off too (a recording of a merged call takes it).
    expect([bob.call, carol.call].map((c) => c.localStream.getAudioTracks()[0].enabled)).to.deep.equal([false, false]);
    const [mic, , carolToBob] = await web.tones.levels(bob.sender.track!, [440, 1000, 2000]);
    expect(mic, 'our microphone, muted').to.be.lessThan(-80);
    expect(carolToBob, 'carol, still heard by bob').to.be.greaterThan(-40);
  });

  it('another microphone put on a sender (selectDevices) becomes our voice in the mix, and the mix goes back on', async () => {
    const bob = fakeCall('bob', web.tones.track(440), web.tones.track(1000));
    const carol = fakeCall('carol', web.tones.track(440), web.tones.track(2000));
    const conference = await AudioConference.create();
    await conference.add(bob.call);
    await conference.add(carol.call);
    const mix = bob.sender.track;
    const headset = web.tones.track(700);
    bob.sender.track = headset;
    carol.sender.track = web.tones.track(700);
    conference.sync();
    await new Promise((r) => setTimeout(r, 50));
    expect(bob.sender.track).to.equal(mix);
    const [newMic, carolToBob] = await web.tones.levels(bob.sender.track!, [700, 2000]);
    expect(newMic, 'the new microphone to bob').to.be.greaterThan(-40);
    expect(carolToBob, 'carol to bob').to.be.greaterThan(-40);
    expect(headset.readyState).to.equal('live');
  });

  it('when one call ends the other sends the plain microphone again and the conference is over', async () => {
    const mic = web.tones.track(440);
    const bob = fakeCall('bob', web.tones.track(440), web.tones.track(1000));
    const carol = fakeCall('carol', mic, web.tones.track(2000));
    const conference = await AudioConference.create();
    await conference.add(bob.call);
    await conference.add(carol.call);
    expect(carol.sender.track).to.not.equal(mic);
    bob.call.state = 'ended';
    await conference.remove('bob');
    expect(conference.over).to.equal(true);
    expect(carol.sender.track).to.equal(mic);
    expect(carol.call.conference).to.equal(null);
  });
});

describe('AudioConference where Web Audio does not start', () => {
  it("rejects with 'media-unavailable' (rather than merge calls into silence)", async () => {
    const stuck = { state: 'suspended', resume: () => new Promise(() => {}), close: async () => {} } as unknown as AudioContext;
    const error = await AudioConference.create(() => stuck).catch((e: { code: string }) => e);
    expect((error as { code: string }).code).to.equal('media-unavailable');
  });
});
