import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallState } from '../core/calls/call-state.js';

/** What the keys do; the element supplies each action. */
export interface KeyboardActions {
  /** The state of the call the keys act on (the newest), or null when idle. */
  callState(): CallState | null;
  /** Idle: a digit typed outside a text field goes to the contact to call. */
  dial(key: string): void;
  /** During a call: a digit is sent as DTMF. */
  sendDtmf(key: string): void;
  /** Idle: Enter calls the contact. */
  call(): void;
  /** Enter while a call rings in. */
  answer(): void;
  /** Escape while a call rings in. */
  reject(): void;
  /** Escape during any other call. */
  hangup(): void;
}

const nonTextInputs = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** Keys typed here belong to the field (typing a number, choosing from a list). */
function isTextEntry(node: EventTarget | undefined): boolean {
  if (node instanceof HTMLInputElement) return !nonTextInputs.has(node.type);
  return node instanceof HTMLTextAreaElement || node instanceof HTMLSelectElement || (node instanceof HTMLElement && node.isContentEditable);
}

/** Enter already does something here (press the button, open the details). */
function handlesEnter(node: EventTarget | undefined): boolean {
  if (!(node instanceof HTMLElement)) return false;
  if (node instanceof HTMLButtonElement || node instanceof HTMLAnchorElement || node.localName === 'summary') return true;
  if (node instanceof HTMLInputElement) return ['button', 'submit', 'reset', 'file', 'image', 'color'].includes(node.type);
  return node.getAttribute('role') === 'button' || node.getAttribute('role') === 'link';
}

/**
 * The phone's keyboard while focus is inside it: digits dial when idle and send DTMF during a
 * call, Enter calls or answers, Escape hangs up or rejects. Keys typed into a text field (ours or
 * one the page slotted in) are left to the field, as are keys with Ctrl, Alt or Meta.
 */
export class KeyboardController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly actions: KeyboardActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKeydown);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKeydown);
  }

  private readonly onKeydown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    const origin = event.composedPath()[0];
    const state = this.actions.callState();
    const act = (action: () => void) => {
      event.preventDefault();
      action();
    };
    if (/^[0-9*#]$/.test(event.key) && !isTextEntry(origin)) {
      if (state === 'active') act(() => this.actions.sendDtmf(event.key));
      else if (state === null) act(() => this.actions.dial(event.key));
    } else if (event.key === 'Enter' && !isTextEntry(origin) && !handlesEnter(origin)) {
      if (state === 'incoming') act(() => this.actions.answer());
      else if (state === null) act(() => this.actions.call());
    } else if (event.key === 'Escape' && state !== null) {
      act(() => (state === 'incoming' ? this.actions.reject() : this.actions.hangup()));
    }
  };
}
