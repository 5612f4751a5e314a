import { html } from 'lit';
import type { Strings } from '../i18n/strings.js';

const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * The twelve keys of a phone; each press hands its tone to `onKey`. `folded` hides it (during a
 * call, until opened) but keeps its keys, so focus can come back to one after the call.
 */
export function dialPad(t: Strings, onKey: (key: string) => void, folded = false) {
  return html`
    <div part="dialpad" id="dialpad" role="group" aria-label=${t.dialPad} ?hidden=${folded}>
      ${keys.map((key) => html`<button type="button" part="key" @click=${() => onKey(key)}>${key}</button>`)}
    </div>
  `;
}
