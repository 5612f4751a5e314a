/**
 * What a `sip:`, `sips:` or `tel:` link on the page calls (with `handle-links`), or null for any
 * other link. A tel: number loses its visual separators (RFC 3966) and its parameters.
 */
export function targetFromLink(href: string): string | null {
  const match = /^\s*(sips?|tel):(.+)$/i.exec(href);
  if (!match) return null;
  const [, scheme, rest] = match;
  let value: string;
  try {
    value = decodeURIComponent(rest).trim();
  } catch {
    return null;
  }
  if (scheme.toLowerCase() !== 'tel') return value ? `${scheme.toLowerCase()}:${value}` : null;
  const number = value.split(';')[0].replace(/[\s().-]/g, '');
  return /^\+?[\d*#A-Da-d]+$/.test(number) ? number : null;
}
