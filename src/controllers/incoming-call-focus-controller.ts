import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** The focused element, looking into open shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

function isTextEntry(node: Element): boolean {
  if (node instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(node.type);
  return node instanceof HTMLTextAreaElement || (node instanceof HTMLElement && node.isContentEditable);
}

/**
 * Moves focus to Answer when a call rings in, and back to where it was (or to the contact field)
 * once the call is answered or gone. Where it was may be hidden during the call (a key of the
 * dial pad, which folds away): focus then waits on Bye until the call ends, and goes back after. Focus is not taken from a text field elsewhere on the page:
 * someone typing there would answer the call with the next space.
 */
export class IncomingCallFocusController implements ReactiveController {
  private ringing = false;
  /** Where focus was when the call rang in; null: nowhere worth going back to. */
  private before: HTMLElement | null = null;
  /** Whether focus was moved, so it is to be moved back. */
  private moved = false;
  /** Focus parked on Bye during the answered call: where to go back to once it ends. */
  private parked: HTMLElement | null = null;

  constructor(
    private readonly host: Host,
    /** Whether the incoming-call box (with Answer) is shown. */
    private readonly incoming: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const ringing = this.incoming();
    if (this.parked && !ringing && !this.host.renderRoot.querySelector('[part~="hangup-button"]')) this.unpark();
    if (ringing === this.ringing) return;
    this.ringing = ringing;
    if (ringing) this.focusAnswer();
    else if (this.moved) this.focusBack();
  }

  hostDisconnected(): void {
    this.ringing = false;
    this.moved = false;
    this.before = null;
    this.parked = null;
  }

  private owns(node: Node): boolean {
    return this.host.contains(node) || this.host.renderRoot.contains(node);
  }

  private focusAnswer(): void {
    const focused = deepActiveElement();
    if (focused && !this.owns(focused) && isTextEntry(focused)) return;
    const answer = this.host.renderRoot.querySelector<HTMLElement>('[part~="answer-button"]');
    if (!answer) return;
    this.before = focused instanceof HTMLElement && focused !== document.body ? focused : null;
    this.moved = true;
    answer.focus();
  }

  private focusBack(): void {
    this.moved = false;
    const before = this.before;
    this.before = null;
    const focused = deepActiveElement();
    // The user may have moved on meanwhile: only take focus back from nowhere (Answer went away)
    // or from inside the phone.
    if (focused && focused !== document.body && !this.owns(focused)) return;
    const bye = this.host.renderRoot.querySelector<HTMLElement>('[part~="hangup-button"]');
    if (before?.isConnected && !before.checkVisibility?.() && bye) {
      this.parked = before;
      bye.focus();
      return;
    }
    const target = before?.isConnected ? before : this.host.renderRoot.querySelector<HTMLElement>('[part~="target"]');
    target?.focus();
  }

  /** The answered call ended: from Bye (now gone) back to where focus was before it rang. */
  private unpark(): void {
    const before = this.parked;
    this.parked = null;
    const focused = deepActiveElement();
    if (focused && focused !== document.body && !this.owns(focused)) return;
    (before?.isConnected ? before : this.host.renderRoot.querySelector<HTMLElement>('[part~="target"]'))?.focus();
  }
}
