/**
 * The SIP the phone sends and receives, as text, with its credentials blanked: reported one
 * message at a time while a listener is set (the element's `trace` attribute), and the last
 * `TRACE_RING_SIZE` messages kept in a ring either way, for a bug report after a failure.
 *
 * The ring stores each message's text (a string the socket made anyway), its direction and its
 * time in three preallocated arrays: no object per message unless someone listens or reads.
 * Blanking happens as a message passes (not when the ring is read), because the credentials a
 * `credentials` function gave are known only while the request they answer is sent.
 */

/** One SIP message as the phone sent ('out') or received ('in') it, at `at` (ms since the epoch). */
export interface SipTraceEntry {
  direction: 'in' | 'out';
  /** The whole message; the values of Authorization and Proxy-Authorization, and any credentials the page passed, replaced by '…'. */
  text: string;
  at: number;
}

/** How many messages the ring keeps (a REGISTER is about 0.6 KB, an INVITE with SDP 2–4 KB). */
export const TRACE_RING_SIZE = 200;

const AUTH_HEADERS = /^((?:proxy-)?authorization[ \t]*:)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;

/** `text` with the Authorization and Proxy-Authorization values and every one of `secrets` replaced by '…'. */
export function redactSipMessage(text: string, secrets: readonly (string | null | undefined)[]): string {
  // (Header names are case-insensitive; a value may be folded over several lines.)
  let redacted = /authorization/i.test(text) ? text.replace(AUTH_HEADERS, '$1 …') : text;
  for (const secret of secrets) if (secret && redacted.includes(secret)) redacted = redacted.split(secret).join('…');
  return redacted;
}

const decoder = /* @__PURE__ */ new TextDecoder();

export class SipTrace {
  /** Hears every message as it passes (set while the page traces: no entry objects are made otherwise). */
  listener: ((entry: SipTraceEntry) => void) | null = null;
  private readonly texts: string[];
  private readonly outgoing: boolean[];
  private readonly times: number[];
  private next = 0;
  private count = 0;

  /** `secrets` gives what to blank besides the Authorization headers (the password, the HA1 in use). */
  constructor(
    private readonly secrets: () => readonly (string | null | undefined)[],
    readonly size = TRACE_RING_SIZE,
  ) {
    this.texts = new Array<string>(size).fill('');
    this.outgoing = new Array<boolean>(size).fill(false);
    this.times = new Array<number>(size).fill(0);
  }

  /** A message passed the socket (keep-alive CRLFs are not SIP messages: skipped). */
  record(direction: 'in' | 'out', data: unknown): void {
    const raw = typeof data === 'string' ? data : data instanceof ArrayBuffer ? decoder.decode(data) : String(data);
    if (!raw.trim()) return;
    const text = redactSipMessage(raw, this.secrets());
    const at = Date.now();
    if (this.size > 0) {
      this.texts[this.next] = text;
      this.outgoing[this.next] = direction === 'out';
      this.times[this.next] = at;
      this.next = (this.next + 1) % this.size;
      this.count = Math.min(this.count + 1, this.size);
    }
    try {
      this.listener?.({ direction, text, at });
    } catch {
      // A failing listener must not cost the message its way to or from JsSIP.
    }
  }

  /** The messages in the ring, oldest first. */
  entries(): SipTraceEntry[] {
    const first = (this.next - this.count + this.size) % Math.max(1, this.size);
    return Array.from({ length: this.count }, (_, i) => {
      const index = (first + i) % this.size;
      return { direction: this.outgoing[index] ? 'out' : 'in', text: this.texts[index], at: this.times[index] };
    });
  }

  /** Forgets the ring's messages. */
  clear(): void {
    this.texts.fill('');
    this.next = this.count = 0;
  }
}
