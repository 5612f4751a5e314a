import { html } from 'lit';
import type { Strings } from '../i18n/strings.js';
import type { MessageInfo } from '../core/messaging/messages.js';
import { callHistory } from '../parts/call-history.js';
import { devicePicker, type DeviceChoice } from '../parts/device-picker.js';
import type { DevicesController } from '../controllers/devices-controller.js';
import type { HistoryController } from '../controllers/history-controller.js';
import type { MessagesController } from '../controllers/messages-controller.js';

/** What the extras view reads from the element (its public properties and methods). */
export interface ExtrasViewHost {
  readonly uri: string;
  call(target: string): Promise<string>;
  selectDevices(choice: DeviceChoice): Promise<void>;
  sendMessage(target: string, text: string): Promise<MessageInfo>;
  clearHistory(): void;
}

const ignore = () => {};

/** "Messages" with its unread count, and the conversations once opened. */
function messagesView(t: Strings, el: ExtrasViewHost, messages: MessagesController) {
  const unread = messages.unread;
  return html`<button type="button" part="messages-button" aria-expanded=${messages.open} @click=${messages.toggle}>
      ${t.messagesButton}<span part="unread-badge" ?hidden=${!unread}><span aria-hidden="true">${unread}</span><span class="visually-hidden">, ${t.unreadMessages(unread)}</span></span>
    </button>
    ${
      messages.open
        ? html`<sip-conversations
          part="conversations"
          exportparts="threads, thread, thread-messages, message, thread-call-button, composer, message-to, message-input, send-button"
          .t=${t}
          .messages=${messages.all}
          .store=${messages.store}
          .send=${(target: string, text: string) => el.sendMessage(target, text)}
          .call=${(uri: string) => void el.call(uri).catch(ignore)}
        ></sip-conversations>`
        : ''
    }`;
}

/** Beside the call: the devices, and for an account (`uri` set) the messages and the call history. */
export function extrasView(t: Strings, el: ExtrasViewHost, devices: DevicesController, messages: MessagesController, history: HistoryController) {
  return html`<div class="extras">
    ${devicePicker(t, devices.list, devices.choice, (choice) => void el.selectDevices(choice).catch(ignore))}
    ${el.uri ? messagesView(t, el, messages) : ''}
    ${
      el.uri
        ? callHistory(
            t,
            history.entries,
            (uri) => void el.call(uri).catch(ignore),
            () => el.clearHistory(),
          )
        : ''
    }
  </div>`;
}
