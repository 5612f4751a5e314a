/**
 * Call context in SIP headers, both ways: the headers a page adds to what it sends (checked first:
 * nothing goes out with a bad one) and the headers a call's INVITE or answer arrived with.
 */
import { PhoneError } from './errors.js';

/** Header fields a page may add: name → value (the value as one line of text). */
export type SipHeaders = Record<string, string>;

/** RFC 3261 `token`: what a header name may be made of. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Headers the SIP stack writes itself (and their compact forms): a page may not set them. */
const OWNED = new Set(
  (
    'via v from f to t call-id i cseq contact m max-forwards route record-route content-length l content-type c ' +
    'content-encoding e authorization proxy-authorization www-authenticate proxy-authenticate event o ' +
    'subscription-state refer-to r replaces rack rseq session-expires x min-se supported k require allow path'
  ).split(' '),
);

/** Headers that arrived but are never passed on to the page. */
const SECRET = new Set(['authorization', 'proxy-authorization']);

/**
 * The page's headers as lines for JsSIP's `extraHeaders`. Throws PhoneError 'invalid-header'
 * for anything but a plain object of strings, a name that is not a token or that the stack owns,
 * or a value with CR, LF or NUL.
 */
export function headerLines(headers: unknown): string[] {
  if (headers === undefined || headers === null) return [];
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new PhoneError('invalid-header', 'Give headers as an object of names and values, e.g. { "X-Ticket": "4711" }.');
  }
  return Object.entries(headers as Record<string, unknown>).map(([name, value]) => {
    if (!TOKEN.test(name)) throw new PhoneError('invalid-header', `"${name}" is not a SIP header name.`);
    if (OWNED.has(name.toLowerCase())) throw new PhoneError('invalid-header', `The phone writes the ${name} header itself; it cannot be set.`);
    if (typeof value !== 'string' && typeof value !== 'number') throw new PhoneError('invalid-header', `The ${name} header needs a text value.`);
    const text = String(value);
    if (/[\r\n\0]/.test(text)) throw new PhoneError('invalid-header', `The value of ${name} may not hold line breaks or NUL.`);
    return `${name}: ${text.trim()}`;
  });
}

/**
 * The header fields of a SIP message as they arrived (names as written, folded lines joined,
 * repeated fields joined with ", "), credentials left out. `data` is the raw message JsSIP keeps.
 */
export function receivedHeaders(message: object | null | undefined): SipHeaders {
  const raw = (message as { data?: unknown } | null | undefined)?.data;
  const data = typeof raw === 'string' ? raw : '';
  const head = data.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const headers: SipHeaders = {};
  const seen = new Map<string, string>();
  for (const line of head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const lower = name.toLowerCase();
    if (SECRET.has(lower)) continue;
    const value = line.slice(colon + 1).trim();
    const key = seen.get(lower) ?? name;
    seen.set(lower, key);
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}

/**
 * Whether an INVITE asks to be answered without the user (intercom, paging), and after how many
 * seconds: `Call-Info: <…>;answer-after=N`, `Alert-Info: <…>;info=alert-autoanswer` or
 * `;info=intercom` (0 s), `Answer-Mode: Auto` (RFC 5373; 0 s). null: it does not ask.
 */
export function autoAnswerDelay(headers: SipHeaders): number | null {
  const get = (name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
  const after = /;\s*answer-after\s*=\s*"?(\d+)/i.exec(get('call-info'));
  if (after) return Math.min(Number(after[1]), 3600);
  if (/;\s*info\s*=\s*"?(alert-autoanswer|intercom)\b/i.test(get('alert-info'))) return 0;
  if (/^\s*auto\b/i.test(get('answer-mode'))) return 0;
  return null;
}
