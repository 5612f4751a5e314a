/**
 * What a call sends: our tracks on its peer connection's senders. They come off the senders while
 * we hold, a device switch or a screen share replaces one, media that started after the offer or
 * answer went out goes onto the senders waiting for it, and RTP tones wait for the microphone.
 */
import { PhoneError } from '../kernel/errors.js';
import type { Call } from './call.js';
import type { RTCSession, UA } from '../kernel/jssip-adapter.js';
import { reuseDialogIdentity, type DialogIdentity } from '../kernel/jssip-ua-hooks.js';
import { preferCodecs } from '../media/codec-preferences.js';

/**
 * RFC 4733 tone length and gap (ms). Chromium times a telephone-event/8000 tone in the audio's
 * 48 kHz steps when the answer has no telephone-event/48000 (opus): JsSIP's 100 ms then goes out
 * as end packets only, which baresip ignores; 250 ms gives two start packets (measured).
 */
export const RTP_TONE = { duration: 250, interToneGap: 100 } as const;

export class CallSenders {
  /** Tracks taken off the senders while we hold the call (so nothing at all is sent). */
  private heldTracks: [RTCRtpSender, MediaStreamTrack | null][] = [];
  /** RFC 4733 tones waiting for the microphone to reach its sender. */
  private pendingTones = '';

  constructor(private readonly call: Call) {}

  /** While we hold, take the tracks off the senders: a disabled track still sends black frames. */
  detach(detach: boolean): void {
    const pc = this.call.peerConnection;
    if (!pc) return;
    if (detach) {
      this.heldTracks = pc.getSenders().map((sender) => [sender, sender.track]);
      for (const [sender] of this.heldTracks) void sender.replaceTrack(null).catch(() => {});
    } else {
      // JsSIP re-enables only the tracks it finds on the senders at resume, and ours were off them
      // then: without this they go back disabled (silence and black frames), as muted as on hold.
      const { audio, video } = this.call.session.isMuted();
      const remoteHeld = this.call.session.isOnHold().remote;
      for (const [sender, track] of this.heldTracks.splice(0)) {
        if (track) track.enabled = !remoteHeld && !(track.kind === 'audio' ? audio : video);
        void sender.replaceTrack(track).catch(() => {});
      }
    }
  }

  /** Sends tones over RTP (RFC 4733), or keeps them until the microphone is on its sender. */
  sendTones(tones: string): void {
    // JsSIP silently drops RTP tones while no microphone track is on a sender (it is still starting).
    if (!this.call.peerConnection?.getSenders().some((sender) => sender.track?.kind === 'audio')) this.pendingTones += tones;
    else this.call.session.sendDTMF(tones, { transportType: 'RFC2833', ...RTP_TONE } as never);
  }

  /** Puts `track` on the sender of its kind (or keeps it for unhold while held); returns the track it replaced. */
  async replace(track: MediaStreamTrack): Promise<MediaStreamTrack | null> {
    const sender = this.call.peerConnection?.getSenders().find((s) => (s.track ?? this.heldTrack(s))?.kind === track.kind);
    if (!sender) throw new PhoneError('invalid-call-state', `This call sends no ${track.kind}.`);
    const old = sender.track ?? this.heldTrack(sender);
    const held = this.heldTracks.find(([s]) => s === sender);
    if (held)
      held[1] = track; // restored on unhold
    else await sender.replaceTrack(track);
    return old;
  }

  /** Media that started after the offer or answer: its tracks go onto the senders waiting for them. */
  supply(pc: RTCPeerConnection, media: MediaStream): void {
    const muted = this.call.session.isMuted();
    for (const track of media.getTracks()) {
      // A mute or hold from before the media came applies to it too.
      track.enabled = !(track.kind === 'audio' ? muted.audio : muted.video);
      const waiting = pc.getTransceivers().find((t) => !t.sender.track && t.receiver.track.kind === track.kind && /send/.test(t.direction));
      const held = this.heldTracks.find(([sender]) => sender === waiting?.sender);
      if (held) held[1] = track;
      else
        void waiting?.sender
          .replaceTrack(track)
          .then(() => this.sendPendingTones())
          .catch(() => {});
    }
  }

  private heldTrack(sender: RTCRtpSender): MediaStreamTrack | null {
    return this.heldTracks.find(([s]) => s === sender)?.[1] ?? null;
  }

  /** RTP tones asked for before the microphone was on its sender go out once it is. */
  private sendPendingTones(): void {
    const tones = this.pendingTones;
    this.pendingTones = '';
    const session = this.call.session;
    if (tones && this.call.state === 'active' && !session.isOnHold().local) session.sendDTMF(tones, { transportType: 'RFC2833', ...RTP_TONE } as never);
  }
}

/** Sending transceivers carrying the tracks of `stream`, or waiting for them while the media starts (see Call.supplyMedia). */
export function addSenders(pc: RTCPeerConnection, stream: MediaStream, video: boolean): void {
  for (const kind of video ? ['audio', 'video'] : ['audio']) {
    pc.addTransceiver(stream.getTracks().find((track) => track.kind === kind) ?? kind, { direction: 'sendrecv', streams: [stream] });
  }
}

/** Whether an SDP offer sends and receives all its media (no hold, no one-way streams). */
export function sendsAndReceivesAll(sdp: string): boolean {
  return !!sdp && !/^a=(sendonly|recvonly|inactive)\r?$/m.test(sdp);
}

/** What an INVITE of ours may carry beyond the media: headers, and the identity of a dialog to keep (a 422's retry). */
export interface InviteOptions {
  sameDialog?: DialogIdentity;
  extraHeaders?: string[];
}

/** Sends an INVITE on `ua` offering `stream`'s tracks (and senders for those still to come), codecs in the page's order. */
export function sendInvite(
  ua: UA,
  target: string,
  media: { stream: MediaStream; video: boolean; codecs: RTCRtpCodec[]; pcConfig: RTCConfiguration },
  { sameDialog, ...options }: InviteOptions,
): RTCSession {
  if (sameDialog) reuseDialogIdentity(ua, sameDialog);
  return ua.call(target, {
    ...options,
    mediaConstraints: { audio: false, video: false },
    eventHandlers: {
      peerconnection: ({ peerconnection }: { peerconnection: RTCPeerConnection }) => {
        addSenders(peerconnection, media.stream, media.video);
        for (const transceiver of peerconnection.getTransceivers()) preferCodecs(transceiver, media.codecs);
      },
    },
    pcConfig: media.pcConfig,
  });
}
