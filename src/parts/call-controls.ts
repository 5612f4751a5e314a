import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { keyed } from 'lit/directives/keyed.js';
import type { CallInfo } from '../core/calls/call.js';
import type { Strings } from '../i18n/strings.js';
import { icon, type IconName } from './icons.js';

export interface CallControlsView {
  t: Strings;
  target: string;
  video: boolean;
  call: CallInfo | null;
  /** Whether the dial pad is open during a call. */
  dialPadOpen: boolean;
  /** Whether the browser blocked the ringtone (autoplay policy): offer a click to turn it on. */
  soundBlocked: boolean;
  onTargetInput(value: string): void;
  onVideoToggle(value: boolean): void;
  onCall(): void;
  onHangup(): void;
  onAnswer(): void;
  onReject(): void;
  onIgnore(): void;
  onHold(hold: boolean): void;
  onMute(mute: boolean): void;
  onCamera(off: boolean): void;
  onTransfer(): void;
  onShareScreen(share: boolean): void;
  onDialPad(open: boolean): void;
  onSound(): void;
}

/** A round button a thumb can hit (Call, Answer, Reject, Bye): the icon shows, the name is read. */
function roundButton({
  part,
  name,
  label,
  onClick,
  describedBy,
}: {
  part: string;
  name: IconName;
  label: string;
  onClick: (() => void) | null;
  describedBy?: string;
}) {
  return html`<button type=${onClick ? 'button' : 'submit'} class="round" part=${part} aria-describedby=${ifDefined(describedBy)} title=${label} @click=${onClick ?? (() => {})}>
    ${icon(name)}<span class="visually-hidden">${label}</span>
  </button>`;
}

/** An in-call button: an icon over its name; `pressed` for the toggles. */
interface ToolButton {
  part: string;
  name: IconName;
  label: string;
  onClick: () => void;
  pressed?: boolean;
  expanded?: boolean;
  disabled?: boolean;
  title?: string;
}

function toolButton({ part, name, label, onClick, pressed, expanded, disabled = false, title }: ToolButton) {
  return html`<button
    type="button"
    class="tool"
    part=${part}
    aria-pressed=${ifDefined(pressed?.toString())}
    aria-expanded=${ifDefined(expanded?.toString())}
    ?disabled=${disabled}
    title=${title ?? label}
    @click=${onClick}
  >
    ${icon(name)}<span>${label}</span>
  </button>`;
}

/** Mute, camera, hold, dial pad, transfer and screen sharing for the call in progress, then the page's own buttons (`call-actions`). */
function inCallButtons(call: CallInfo, view: CallControlsView) {
  const t = view.t;
  return html`
    <div class="tools" part="in-call-controls">
      ${toolButton({ part: 'mute-button', name: call.muted.audio ? 'micOff' : 'mic', label: call.muted.audio ? t.unmute : t.mute, onClick: () => view.onMute(!call.muted.audio), pressed: call.muted.audio })}
      ${
        call.video
          ? toolButton({
              part: 'camera-button',
              name: call.muted.video ? 'cameraOff' : 'camera',
              label: call.muted.video ? t.startCamera : t.stopCamera,
              onClick: () => view.onCamera(!call.muted.video),
              pressed: call.muted.video,
            })
          : ''
      }
      ${toolButton({ part: 'hold-button', name: call.held ? 'resume' : 'hold', label: call.held ? t.resume : t.hold, onClick: () => view.onHold(!call.held), pressed: call.held })}
      ${toolButton({ part: 'dialpad-button', name: 'dialpad', label: t.dialPad, onClick: () => view.onDialPad(!view.dialPadOpen), expanded: view.dialPadOpen })}
      ${toolButton({ part: 'transfer-button', name: 'transfer', label: t.transferButton, onClick: view.onTransfer, disabled: !view.target.trim(), title: t.transferTitle })}
      ${
        call.video
          ? toolButton({
              part: 'share-button',
              name: 'screenShare',
              label: call.screenSharing ? t.stopSharing : t.shareScreen,
              onClick: () => view.onShareScreen(!call.screenSharing),
              pressed: call.screenSharing,
            })
          : ''
      }
      <slot name="call-actions"></slot>
    </div>
  `;
}

/** Who is calling, written as text (display names come from the network). */
export function callerText(call: CallInfo): string {
  return call.remoteDisplayName ? `${call.remoteDisplayName} <${call.remoteUri}>` : call.remoteUri;
}

/** The contact to call with Call and Bye, or Answer and Reject while a call rings in. */
export function callControls(view: CallControlsView) {
  const { call, t } = view;
  if (call?.state === 'incoming') {
    return html`
      <div class="incoming stack" part="incoming">
        ${
          view.soundBlocked
            ? html`<button type="button" class="accent" part="sound-button" @click=${view.onSound}>${icon('sound')} ${t.turnOnSound}</button>`
            : ''
        }
        <div class="round-row">
          ${roundButton({ part: 'reject-button', name: 'hangup', label: t.reject, onClick: view.onReject, describedBy: 'caller' })}
          ${roundButton({ part: 'answer-button', name: 'call', label: t.answer, onClick: view.onAnswer, describedBy: 'caller' })}
        </div>
        <button type="button" part="ignore-button" aria-describedby="caller" @click=${view.onIgnore}>${t.ignore}</button>
      </div>
    `;
  }
  return html`
    ${call?.state === 'active' ? inCallButtons(call, view) : ''}
    <form class="stack" @submit=${(e: Event) => (e.preventDefault(), view.onCall())}>
      <label>
        ${t.contactToCall}
        <input
          part="target"
          name="target"
          autocomplete="off"
          placeholder=${t.targetPlaceholder}
          .value=${view.target}
          @input=${(e: Event) => view.onTargetInput((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="round-row">
        ${call ? '' : html`<label class="row toggle" part="video-toggle"><input type="checkbox" .checked=${view.video} @change=${(e: Event) => view.onVideoToggle((e.target as HTMLInputElement).checked)} /> ${t.video}</label>`}
        ${
          // Keyed: Bye must not become the submit button Call in place, or the click that hung up
          // (the page re-renders between its listener and its default action) would call again.
          keyed(
            !!call,
            call
              ? roundButton({ part: 'hangup-button', name: 'hangup', label: t.bye, onClick: view.onHangup })
              : roundButton({ part: 'call-button', name: 'call', label: t.call, onClick: null }),
          )
        }
        ${call && call.state !== 'active' ? html`<slot name="call-actions"></slot>` : ''}
      </div>
    </form>
  `;
}
