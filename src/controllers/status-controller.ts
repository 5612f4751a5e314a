import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAuthFailure, type PhoneError, type PhoneErrorCode } from '../core/kernel/errors.js';
import type { Strings } from '../i18n/strings.js';
import { callerText } from '../parts/call-controls.js';
import type { SipCallQuality } from '../parts/call-quality.js';
import type { CoreController } from './core-controller.js';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/**
 * What the top of the phone says beside the registration: the last error (as a code, shown
 * through the strings table; `sip-error` fired by report()), how the last call ended, and whether
 * the page filled the header slot; the call's figures go to the quality indicator alone, without
 * a re-render.
 */
export class StatusController implements ReactiveController {
  private code: PhoneErrorCode | null = null;
  private lastCall = '';
  /** Whether the page slotted something into `header` (an empty header takes no room). */
  hasHeader = false;

  constructor(
    private readonly host: Host,
    core: CoreController,
    strings: () => Strings,
  ) {
    host.addController(this);
    core.on('registration-failed', ({ statusCode, cause }) => {
      this.errorCode = cause === 'credentials-failed' ? cause : isAuthFailure(statusCode) ? 'authentication-failed' : 'registration-failed';
    });
    core.on('registered', () => (this.errorCode = null));
    core.on('error', ({ code }) => (this.errorCode = code));
    core.on('call-stats', (stats) => {
      const indicator = host.renderRoot.querySelector<SipCallQuality>('sip-call-quality');
      if (indicator && stats.callId === core.activeCall?.id) indicator.stats = stats;
    });
    core.on('call-ended', ({ call, cause }) => cause !== 'dnd' && (this.lastCallText = strings().callEnded(callerText(call), cause)));
  }

  hostConnected(): void {}

  /** The last error, as a code. */
  get errorCode(): PhoneErrorCode | null {
    return this.code;
  }

  set errorCode(code: PhoneErrorCode | null) {
    if (code === this.code) return;
    this.code = code;
    this.host.requestUpdate();
  }

  /** How the last call ended ('' once a new call is placed). */
  get lastCallText(): string {
    return this.lastCall;
  }

  set lastCallText(text: string) {
    if (text === this.lastCall) return;
    this.lastCall = text;
    this.host.requestUpdate();
  }

  readonly onHeaderSlotChange = (event: Event) => {
    this.hasHeader = (event.target as HTMLSlotElement).assignedNodes({ flatten: true }).length > 0;
    this.host.requestUpdate();
  };

  /** Shows `error` in the status line and fires `sip-error`; returns it. */
  report(error: PhoneError): PhoneError {
    this.errorCode = error.code;
    this.host.dispatchEvent(new CustomEvent('sip-error', { detail: { code: error.code, message: error.message }, bubbles: true, composed: true }));
    return error;
  }
}
