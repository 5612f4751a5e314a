/** PUBLISH (RFC 3903) through JsSIP, which has none of its own: see publish(). */
import { sendOtherRequest, type UA } from './jssip-adapter.js';

/** What a PUBLISH (RFC 3903) got: its status and, on success, the entity tag and lifetime the server gave. */
export interface PublishOutcome {
  statusCode: number;
  /** SIP-ETag of a 2xx: what the next refresh, change or removal names in SIP-If-Match. */
  etag?: string;
  /** Seconds the publication lasts (the 2xx's Expires). */
  expires?: number;
  /** Min-Expires of a 423 Interval Too Brief. */
  minExpires?: number;
}

/**
 * Sends a PUBLISH of `event` for `target` (RFC 3903): `body` with `contentType`, or no body for
 * a removal (`expires` 0). Resolves with the answer (408 when none came, 503 when it could not be
 * sent). JsSIP has no PUBLISH of its own: it goes out through sendOtherRequest().
 */
export function publish(
  ua: UA,
  target: string,
  { event, contentType, body, expires, etag }: { event: string; contentType: string; body: string; expires: number; etag?: string },
): Promise<PublishOutcome> {
  return new Promise((resolve) => {
    type Answer = { response?: { status_code: number; getHeader(name: string): string | undefined } | null };
    const done = ({ response }: Answer) => {
      if (!response) return resolve({ statusCode: 408 });
      const number = (name: string) => Number(response.getHeader(name)) || undefined;
      resolve({
        statusCode: response.status_code,
        etag: response.getHeader('SIP-ETag') || undefined,
        expires: number('Expires'),
        minExpires: number('Min-Expires'),
      });
    };
    const extraHeaders = [`Event: ${event}`, `Expires: ${expires}`, ...(etag ? [`SIP-If-Match: ${etag}`] : [])];
    try {
      sendOtherRequest(ua, 'PUBLISH', target, body, { contentType, extraHeaders, eventHandlers: { succeeded: done, failed: done } as never });
    } catch {
      resolve({ statusCode: 503 });
    }
  });
}
