/**
 * The audio codecs a page prefers (`codecs="opus PCMU PCMA G722"`): applied to each audio
 * transceiver with setCodecPreferences before our offer or answer is made. Codecs not listed are
 * not offered; telephone-event (tones) and CN (comfort noise) always stay.
 */
import { PhoneError } from '../kernel/errors.js';

/** Audio codecs a name may give (WebRTC's, and G.722 / G.729 where a browser has them). */
const KNOWN = ['opus', 'pcmu', 'pcma', 'g722', 'g729', 'isac', 'ilbc', 'red', 'l16'];
/** Always kept: tones and comfort noise. */
const KEPT = ['telephone-event', 'cn'];

/** The codec names of a `codecs` value, in order; PhoneError 'invalid-option' for a name no browser knows. */
export function parseCodecs(value: string | null | undefined): string[] {
  const names = String(value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const name of names) {
    if (!KNOWN.includes(name.toLowerCase())) {
      throw new PhoneError('invalid-option', `"${name}" is not an audio codec this phone knows: use names such as opus, PCMU, PCMA, G722.`);
    }
  }
  return names;
}

/** The codecs of `capabilities` in the order of `names`, tones and comfort noise after them. */
export function orderCodecs(capabilities: RTCRtpCodec[], names: string[]): RTCRtpCodec[] {
  const nameOf = (codec: RTCRtpCodec) => codec.mimeType.replace(/^audio\//i, '').toLowerCase();
  const wanted = names.map((name) => name.toLowerCase());
  const chosen = wanted.flatMap((name) => capabilities.filter((codec) => nameOf(codec) === name));
  return [...chosen, ...capabilities.filter((codec) => KEPT.includes(nameOf(codec)))];
}

/**
 * The browser's audio codecs in the order of `names` (empty: no preference). PhoneError
 * 'invalid-option' when the browser has none of them: a call would have no audio codec.
 */
export function codecsFor(names: string[]): RTCRtpCodec[] {
  if (!names.length) return [];
  const codecs = orderCodecs(RTCRtpReceiver.getCapabilities?.('audio')?.codecs ?? [], names);
  if (codecs.every((codec) => KEPT.includes(codec.mimeType.replace(/^audio\//i, '').toLowerCase()))) {
    throw new PhoneError('invalid-option', `This browser has none of the codecs in "${names.join(' ')}".`);
  }
  return codecs;
}

/** Applies `codecs` (from codecsFor) to an audio transceiver; nothing for other kinds or none. */
export function preferCodecs(transceiver: RTCRtpTransceiver, codecs: RTCRtpCodec[]): void {
  if (codecs.length && transceiver.receiver.track?.kind === 'audio') transceiver.setCodecPreferences?.(codecs);
}

/**
 * A remote offer with its audio formats in our order (`names` first, the rest after). A browser
 * answering sends with the first format of the offer that it supports, whatever its own answer
 * lists (Chromium, measured): reordering the offer it applies makes it send our first choice.
 */
export function reorderOffer(sdp: string, names: string[]): string {
  if (!names.length) return sdp;
  const rank = (name: string) => {
    const index = names.findIndex((wanted) => wanted.toLowerCase() === name.toLowerCase());
    return index < 0 ? names.length : index;
  };
  return sdp.replace(/^m=audio ([^\r\n]*?) ([0-9 ]+)(\r?)$/gm, (_line, head: string, formats: string, cr: string) => {
    const nameOf = (pt: string) => new RegExp(`^a=rtpmap:${pt} ([^/\\r\\n]+)`, 'm').exec(sdp)?.[1] ?? '';
    const sorted = formats.split(' ').sort((a, b) => rank(nameOf(a)) - rank(nameOf(b)));
    return `m=audio ${head} ${sorted.join(' ')}${cr}`;
  });
}
