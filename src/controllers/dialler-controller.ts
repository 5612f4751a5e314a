import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallInfo } from '../core/calls/call.js';
import { KeyboardController } from './keyboard-controller.js';

/** The element's public call methods the dialler uses. */
export interface DiallerHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly updateComplete: Promise<boolean>;
  readonly activeCall: CallInfo | null;
  call(target: string): Promise<string>;
  answer(): Promise<void>;
  reject(): Promise<void>;
  hangup(): Promise<void>;
  sendDtmf(tones: string): Promise<void>;
}

const ignore = () => {};

/**
 * The dialler: the contact to call (typed, from the dial pad, from the keyboard or from a link),
 * the dial pad during a call (folded away when a call starts), and the phone's keys (see
 * KeyboardController).
 */
export class DiallerController implements ReactiveController {
  /** The contact field. */
  target = '';
  /** Whether the dial pad is open during a call. */
  dialPadOpen = false;

  constructor(
    private readonly host: DiallerHost,
    /** Before a call the user placed: ask for notifications (a user gesture). */
    private readonly beforeCall: () => void,
  ) {
    host.addController(this);
    new KeyboardController(host, {
      callState: () => host.activeCall?.state ?? null,
      dial: (key) => this.dialFromKeyboard(key),
      sendDtmf: (key) => void host.sendDtmf(key).catch(ignore),
      call: () => void host.call(this.target).catch(ignore),
      answer: () => void host.answer().catch(ignore),
      reject: () => void host.reject().catch(ignore),
      hangup: () => void host.hangup().catch(ignore),
    });
  }

  hostConnected(): void {}

  /** Before each render: the dial pad folds away while idle or while a call rings in. */
  hostUpdate(): void {
    const call = this.host.activeCall;
    if (!call || call.state === 'incoming') this.dialPadOpen = false;
  }

  readonly setTarget = (value: string) => {
    this.target = value;
    this.host.requestUpdate();
  };

  readonly setDialPadOpen = (open: boolean) => {
    this.dialPadOpen = open;
    this.host.requestUpdate();
  };

  /** Call (the button) or a link: calls `target`, shown in the contact field. */
  readonly call = (target = this.target) => {
    this.setTarget(target);
    this.beforeCall();
    void this.host.call(target).catch(ignore);
  };

  /** A dial pad key: DTMF during a call, otherwise part of the number to call. */
  readonly pressKey = (key: string) => {
    if (this.host.activeCall?.state === 'active') this.host.sendDtmf(key).catch(ignore);
    else this.setTarget(this.target + key);
  };

  /** A digit typed outside a text field while idle: added to the contact, where typing goes on. */
  private dialFromKeyboard(key: string): void {
    this.setTarget(this.target + key);
    void this.host.updateComplete.then(() => {
      const field = this.host.renderRoot.querySelector<HTMLInputElement>('[part~="target"]');
      field?.focus();
      field?.setSelectionRange(field.value.length, field.value.length);
    });
  }
}
