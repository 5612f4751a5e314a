/**
 * Where an outgoing INVITE that failed goes next: to the Contacts of a 3xx (highest q first, each
 * target once), to the next of them after any other failure, or once more with the `Min-SE` of a
 * 422 as our Session-Expires. The call stays as it was while it is retried.
 */

import type { DialogIdentity } from '../kernel/jssip-ua-hooks.js';

/** INVITEs one outgoing call may send in all (redirects and 422 retries). */
const MAX_INVITES = 5;

/** A failed INVITE as JsSIP's 'failed' event gives it. */
export interface InviteFailure {
  originator: string;
  message: IncomingResponse;
}

interface IncomingResponse {
  status_code: number;
  call_id: string;
  from_tag: string;
  cseq: number;
  getHeader(name: string): string;
  getHeaders(name: string): string[];
  parseHeader(name: string, index: number): unknown;
}

interface Contact {
  uri: { toString(): string };
  /** The text of the parameter (typed as a number: '-' converts it). */
  getParam(name: string): number | undefined;
}

export class InviteRetry {
  /** Targets this call has sent an INVITE to (422: its retry after a 422), and those a redirect gave it still to try. */
  private readonly tried = new Set<string | number>();
  private targets: string[] = [];

  /** The next INVITE after `failure` of the one to `current`, or null: the call ends. */
  next({ originator, message: response }: InviteFailure, current: string, followRedirects: boolean): { target: string; options: object } | null {
    // Only final responses that refused the call count: not a CANCEL to an incoming call (a
    // request), nor a 2xx whose SDP the browser refused (it too fails the call, 'remote').
    const code = (originator === 'remote' && response?.status_code) || 0;
    this.tried.add(current);
    // 6xx: a global failure, no other location will do (RFC 3261 §16.7).
    if (code < 300 || code > 599 || this.tried.size >= MAX_INVITES) return null;
    let target: string | undefined;
    let options = {};
    if (code === 422 && !this.tried.has(code)) {
      this.tried.add(code);
      target = current;
      // RFC 4028 §7.4: Min-SE with the 422's value; RFC 3261 §8.1.3.5: the same Call-ID, From and
      // To with the next CSeq (a server may match the retry to the first attempt).
      const minSe = parseInt(response.getHeader('min-se'));
      const sameDialog: DialogIdentity = { callId: response.call_id, fromTag: response.from_tag, cseq: response.cseq + 1 };
      options = { sessionTimersExpires: minSe, extraHeaders: [`Min-SE: ${minSe}`], sameDialog };
    } else {
      if (code < 400 && followRedirects) {
        const contacts = response.getHeaders('contact').map((_, i) => response.parseHeader('contact', i) as Contact);
        contacts.sort((a, b) => (b.getParam('q') ?? 1) - (a.getParam('q') ?? 1));
        this.targets.unshift(...contacts.map((contact) => `${contact.uri}`));
      }
      while ((target = this.targets.shift()) && this.tried.has(target));
    }
    return target ? { target, options } : null;
  }
}
