import { html } from 'lit';
import type { Call, CallInfo } from '../core/calls/call.js';
import type { Strings } from '../i18n/strings.js';
import { callControls } from '../parts/call-controls.js';
import { callerCard } from '../parts/caller-card.js';
import { callVideo } from '../parts/call-video.js';
import { dialPad } from '../parts/dial-pad.js';
import { qualityWarning } from '../parts/quality-warning.js';
import type { CoreController } from '../controllers/core-controller.js';
import type { DiallerController } from '../controllers/dialler-controller.js';
import type { RingController } from '../controllers/ring-controller.js';

/** What the call view reads from the element (its public properties and methods). */
export interface CallViewHost {
  readonly activeCall: CallInfo | null;
  /** Offer video on the next call (the "Video" checkbox). */
  video: boolean;
  hangup(): Promise<void>;
  answer(): Promise<void>;
  reject(): Promise<void>;
  ignore(): Promise<void>;
  hold(): Promise<void>;
  unhold(): Promise<void>;
  mute(kind?: 'audio' | 'video'): Promise<void>;
  unmute(kind?: 'audio' | 'video'): Promise<void>;
  transfer(target: string): Promise<void>;
  shareScreen(): Promise<void>;
  stopScreenShare(): Promise<void>;
}

/** Over the video while the call is held, by us or by the other side. */
function heldText(t: Strings, call: CallInfo): string {
  return call.held ? t.onHoldLabel : call.remoteHeld ? t.heldByOtherLabel : '';
}

/**
 * The streams the call's video elements play. Starting a player costs tens of ms of CPU, so none
 * starts while the call is being set up: the other side's media once the media path connects
 * (there is nothing to play before), our camera then too, or once the ringback sounds.
 */
function playingStreams(call: CallInfo, media: Call | undefined, sounding: boolean): { remoteStream: MediaStream | null; localStream: MediaStream | null } {
  const live = call.mediaConnected;
  return {
    remoteStream: live ? (media?.remoteStream ?? null) : null,
    localStream: live || (call.state === 'ringing' && sounding) ? (media?.localStream ?? null) : null,
  };
}

const ignore = () => {};

/**
 * The call pane, for every screen: idle and dialling (the contact field, Call, the dial pad), a
 * call ringing in (the caller card, Answer, Reject) and a call placed or in progress (the caller
 * card, its quality, the video, the in-call controls). One template for all, so the controls and
 * the video elements stay the same nodes (and keep focus) as the call moves on.
 */
export function callView(t: Strings, el: CallViewHost, core: CoreController, dialler: DiallerController, rings: RingController, extras: unknown = '') {
  const call = el.activeCall;
  const media = call ? core.getCall(call.id) : undefined;
  return html`<div class="call-pane">
    ${call ? callerCard({ t, call, localStream: media?.localStream ?? null }) : ''}
    ${extras}
    ${call?.state === 'active' ? qualityWarning(t, call.qualityWarnings) : ''}
    ${call && call.state !== 'incoming' ? callVideo({ t, video: call.video, heldText: heldText(t, call), ...playingStreams(call, media, rings.sounding) }) : ''}
    ${callControls({
      t,
      target: dialler.target,
      video: el.video,
      call,
      dialPadOpen: dialler.dialPadOpen,
      soundBlocked: rings.blocked,
      onTargetInput: dialler.setTarget,
      onVideoToggle: (value) => (el.video = value),
      onCall: () => dialler.call(),
      onHangup: () => void el.hangup().catch(ignore),
      onAnswer: () => void el.answer().catch(ignore),
      onReject: () => void el.reject().catch(ignore),
      onIgnore: () => void el.ignore().catch(ignore),
      onHold: (hold) => void (hold ? el.hold() : el.unhold()).catch(ignore),
      onMute: (mute) => void (mute ? el.mute() : el.unmute()).catch(ignore),
      onCamera: (off) => void (off ? el.mute('video') : el.unmute('video')).catch(ignore),
      onDialPad: dialler.setDialPadOpen,
      onSound: () => rings.unblock(),
      onTransfer: () => void el.transfer(dialler.target).catch(ignore),
      onShareScreen: (share) => void (share ? el.shareScreen() : el.stopScreenShare()).catch(ignore),
    })}
    ${dialPad(t, dialler.pressKey, !!call && !dialler.dialPadOpen)}
  </div>`;
}
