/**
 * A local three-way (or larger) conference: each merged call keeps its own peer connection, and
 * what it sends becomes our microphone mixed with what the other merged calls receive (Web Audio,
 * one mix per call, put on the call's audio sender with RTCRtpSender.replaceTrack). No server and
 * no renegotiation: it works with every peer. Its own chunk: loaded the first time a page merges.
 */
import type { Call } from '../calls/call.js';
import { runningAudioContext } from '../media/web-audio.js';

/** What the conference needs of a call (a Call; tests pass stand-ins). */
export type ConferenceCall = Pick<Call, 'id' | 'state' | 'localStream' | 'remoteStream' | 'peerConnection' | 'replaceTrack' | 'mute' | 'setConference'> & {
  readonly info: { muted: { audio: boolean } };
};

interface Member {
  call: ConferenceCall;
  /** Our microphone as this call sent it before the merge: it goes back when the conference ends. */
  plainTrack: MediaStreamTrack | null;
  /** The remote audio in the mix (null before any arrived). */
  remoteTrack: MediaStreamTrack | null;
  remoteSource: MediaStreamAudioSourceNode | null;
  /** What this call sends: our microphone and the others. */
  mix: MediaStreamAudioDestinationNode;
}

function audioOf(stream: MediaStream | null): MediaStreamTrack | null {
  return stream?.getAudioTracks().find((track) => track.readyState === 'live') ?? null;
}

function audioSender(call: ConferenceCall): RTCRtpSender | undefined {
  return call.peerConnection?.getSenders().find((sender) => sender.track?.kind === 'audio');
}

export class AudioConference {
  private readonly context: AudioContext;
  private readonly members: Member[] = [];
  private mic: { track: MediaStreamTrack; source: MediaStreamAudioSourceNode } | null = null;
  /** Set while sync() mutes the other calls (their mute events come back into sync()). */
  private syncing = false;

  /** A conference with no calls yet; rejects with 'media-unavailable' when Web Audio does not start (see web-audio.ts). */
  static async create(createContext?: () => AudioContext): Promise<AudioConference> {
    return new AudioConference(await runningAudioContext(createContext));
  }

  private constructor(context: AudioContext) {
    this.context = context;
  }

  /** The ids of the merged calls. */
  get ids(): string[] {
    return this.members.map((member) => member.call.id);
  }

  has(callId: string): boolean {
    return this.members.some((member) => member.call.id === callId);
  }

  /** Merges an active call in: from now on it sends our microphone mixed with the other calls. */
  async add(call: ConferenceCall): Promise<void> {
    if (this.has(call.id)) return;
    const sender = audioSender(call);
    const mix = this.context.createMediaStreamDestination();
    const member: Member = { call, plainTrack: sender?.track ?? audioOf(call.localStream), remoteTrack: null, remoteSource: null, mix };
    this.members.push(member);
    this.wire();
    await sender?.replaceTrack(mix.stream.getAudioTracks()[0]);
    // A call muted before the merge mutes the others: we are one speaker in all of them.
    this.sync(call);
    this.announce();
  }

  /**
   * A merged call ended or leaves: it goes back to sending the plain microphone (if it goes on).
   * With one call left the conference is over (see `over`), and that call is an ordinary call again.
   */
  async remove(callId: string): Promise<void> {
    const index = this.members.findIndex((member) => member.call.id === callId);
    if (index < 0) return;
    const [member] = this.members.splice(index, 1);
    const ending = this.members.length < 2 ? this.members.splice(0) : [];
    for (const left of [member, ...ending]) await this.release(left);
    if (this.members.length) this.wire();
    else await this.context.close().catch(() => {});
    this.announce();
  }

  /** Whether the conference is over (fewer than two calls). */
  get over(): boolean {
    return this.members.length < 2;
  }

  /**
   * After a merged call changed (mute, hold, a new remote stream): one mute for all the merged
   * calls, our microphone in the mix silent while muted, and the mixes sending (JsSIP's mute and
   * resume switch the track on the sender, which is a mix here: the others go on hearing each other).
   */
  sync(changed?: ConferenceCall): void {
    if (this.syncing || !this.members.length) return;
    this.syncing = true;
    try {
      const muted = changed ? changed.info.muted.audio : this.members.some(({ call }) => call.info.muted.audio);
      if (changed) for (const { call } of this.members) if (call.info.muted.audio !== muted && call.state === 'active') call.mute('audio', muted);
      // Another microphone chosen meanwhile (selectDevices() put it on the senders): it is our
      // voice in the mix now, and the mixes go back on the senders.
      const switched = this.members.filter((member) => {
        const track = audioSender(member.call)?.track;
        return track && track !== this.mixOf(member) && track.readyState === 'live' && (member.plainTrack = track);
      });
      if (switched.length || this.members.some((member) => audioOf(member.call.remoteStream) !== member.remoteTrack)) this.wire();
      for (const member of switched)
        void audioSender(member.call)
          ?.replaceTrack(this.mixOf(member))
          .catch(() => {});
      // Every call's own microphone track, not only the one in the mix: a recording of a merged
      // call takes its call's microphone, and muted must be silent there too.
      for (const { plainTrack } of this.members) if (plainTrack) plainTrack.enabled = !muted;
      if (this.mic) this.mic.track.enabled = !muted;
      for (const member of this.members) this.mixOf(member).enabled = true;
    } finally {
      this.syncing = false;
    }
  }

  private mixOf(member: Member): MediaStreamTrack {
    return member.mix.stream.getAudioTracks()[0];
  }

  /** (Re)connects the graph: our microphone into every mix, each call's remote audio into the others' mixes. */
  private wire(): void {
    const micTrack = this.members.map((member) => member.plainTrack).find((track) => track?.readyState === 'live') ?? null;
    if (this.mic?.track !== micTrack) {
      this.mic?.source.disconnect();
      this.mic = micTrack && { track: micTrack, source: this.context.createMediaStreamSource(new MediaStream([micTrack])) };
    } else this.mic?.source.disconnect();
    for (const member of this.members) {
      const remote = audioOf(member.call.remoteStream);
      if (remote !== member.remoteTrack) {
        member.remoteSource?.disconnect();
        member.remoteTrack = remote;
        member.remoteSource = remote && this.context.createMediaStreamSource(new MediaStream([remote]));
      } else member.remoteSource?.disconnect();
    }
    for (const member of this.members) {
      this.mic?.source.connect(member.mix);
      for (const other of this.members) if (other !== member) other.remoteSource?.connect(member.mix);
    }
  }

  /** A call leaves: its plain microphone back on its sender (muted as the call is), its mix gone. */
  private async release(member: Member): Promise<void> {
    member.remoteSource?.disconnect();
    member.mix.stream.getAudioTracks()[0].stop();
    if (member.call.state === 'ended') return;
    member.call.setConference(null);
    if (!member.plainTrack) return;
    member.plainTrack.enabled = !member.call.info.muted.audio;
    await member.call.replaceTrack(member.plainTrack).catch(() => {});
    if (this.mic?.track === member.plainTrack) {
      this.mic.source.disconnect();
      this.mic = null;
    }
  }

  /** Each call's CallInfo.conference: the ids of the calls merged with it (null once out). */
  private announce(): void {
    for (const { call } of this.members) call.setConference(this.ids.filter((id) => id !== call.id));
  }
}
