import { html } from 'lit';
import type { CallInfo } from '../core/call.js';
import type { Strings } from '../i18n/strings.js';

export interface CallControlsView {
  t: Strings;
  target: string;
  video: boolean;
  call: CallInfo | null;
  onTargetInput(value: string): void;
  onVideoToggle(value: boolean): void;
  onCall(): void;
  onHangup(): void;
  onAnswer(): void;
  onReject(): void;
  onHold(hold: boolean): void;
  onMute(mute: boolean): void;
  onTransfer(): void;
  onShareScreen(share: boolean): void;
}

/** Hold, mute and transfer for the call in progress, then the page's own buttons (`call-actions`). */
function inCallButtons(call: CallInfo, view: CallControlsView) {
  return html`
    <div class="row" part="in-call-controls">
      <button type="button" part="hold-button" aria-pressed=${call.held} @click=${() => view.onHold(!call.held)}>${call.held ? view.t.resume : view.t.hold}</button>
      <button type="button" part="mute-button" aria-pressed=${call.muted.audio} @click=${() => view.onMute(!call.muted.audio)}>${call.muted.audio ? view.t.unmute : view.t.mute}</button>
      <button type="button" part="transfer-button" ?disabled=${!view.target.trim()} @click=${view.onTransfer} title=${view.t.transferTitle}>${view.t.transferButton}</button>
      ${call.video
        ? html`<button type="button" part="share-button" aria-pressed=${call.screenSharing} @click=${() => view.onShareScreen(!call.screenSharing)}>${call.screenSharing ? view.t.stopSharing : view.t.shareScreen}</button>`
        : ''}
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
  const call = view.call;
  if (call?.state === 'incoming') {
    return html`
      <div class="incoming stack" part="incoming">
        <div id="incoming-caller">${view.t.incomingLabel(call.video)} <strong class="caller" part="caller">${callerText(call)}</strong></div>
        <div class="row">
          <button type="button" part="answer-button" aria-describedby="incoming-caller" @click=${view.onAnswer}>${view.t.answer}</button>
          <button type="button" part="reject-button" aria-describedby="incoming-caller" @click=${view.onReject}>${view.t.reject}</button>
        </div>
      </div>
    `;
  }
  return html`
    <form class="stack" @submit=${(e: Event) => (e.preventDefault(), view.onCall())}>
      <label>
        ${view.t.contactToCall}
        <input
          part="target"
          name="target"
          autocomplete="off"
          placeholder=${view.t.targetPlaceholder}
          .value=${view.target}
          @input=${(e: Event) => view.onTargetInput((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="row">
        <label class="row toggle" part="video-toggle"><input type="checkbox" .checked=${view.video} @change=${(e: Event) => view.onVideoToggle((e.target as HTMLInputElement).checked)} /> ${view.t.video}</label>
        ${call
          ? html`<button type="button" part="hangup-button" @click=${view.onHangup}>${view.t.bye}</button>`
          : html`<button type="submit" part="call-button">${view.t.call}</button>`}
        ${call && call.state !== 'active' ? html`<slot name="call-actions"></slot>` : ''}
      </div>
      ${call?.state === 'active' ? inCallButtons(call, view) : ''}
    </form>
  `;
}
