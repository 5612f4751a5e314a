import { html } from 'lit';
import type { CallInfo } from '../core/call.js';

export interface CallControlsView {
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

/** Hold, mute and transfer for the call in progress. */
function inCallButtons(call: CallInfo, view: CallControlsView) {
  return html`
    <div class="row" part="in-call-controls">
      <button type="button" part="hold-button" aria-pressed=${call.held} @click=${() => view.onHold(!call.held)}>${call.held ? 'Resume' : 'Hold'}</button>
      <button type="button" part="mute-button" aria-pressed=${call.muted.audio} @click=${() => view.onMute(!call.muted.audio)}>${call.muted.audio ? 'Unmute' : 'Mute'}</button>
      <button type="button" part="transfer-button" ?disabled=${!view.target.trim()} @click=${view.onTransfer} title="Transfer to the contact above">Transfer</button>
      ${call.video
        ? html`<button type="button" part="share-button" aria-pressed=${call.screenSharing} @click=${() => view.onShareScreen(!call.screenSharing)}>${call.screenSharing ? 'Stop sharing' : 'Share screen'}</button>`
        : ''}
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
        <div>Incoming ${call.video ? 'video ' : ''}call from <strong class="caller">${callerText(call)}</strong></div>
        <div class="row">
          <button type="button" part="answer-button" @click=${view.onAnswer}>Answer</button>
          <button type="button" part="reject-button" @click=${view.onReject}>Reject</button>
        </div>
      </div>
    `;
  }
  return html`
    <form class="stack" @submit=${(e: Event) => (e.preventDefault(), view.onCall())}>
      <label>
        Contact to call
        <input
          part="target"
          name="target"
          autocomplete="off"
          placeholder="bob or sip:bob@example.com"
          .value=${view.target}
          @input=${(e: Event) => view.onTargetInput((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="row">
        <label class="row toggle"><input type="checkbox" .checked=${view.video} @change=${(e: Event) => view.onVideoToggle((e.target as HTMLInputElement).checked)} /> Video</label>
        ${call
          ? html`<button type="button" part="hangup-button" @click=${view.onHangup}>Bye</button>`
          : html`<button type="submit" part="call-button">Call</button>`}
      </div>
      ${call?.state === 'active' ? inCallButtons(call, view) : ''}
    </form>
  `;
}
