/**
 * A reload keeps the call (#20): the dialog of the call in progress is kept per tab (the page
 * gives sessionStorage), and the reloaded page, once registered, takes the call back with an
 * INVITE carrying Replaces (RFC 3891) for the old dialog, sent to the other party's address as the
 * first one was. The other side's phone (ours: see Call's 'replaces') keeps its call and goes on
 * with the new session; a phone without the dialog answers 481. Only a party that listed
 * `replaces` in its Supported gets such an INVITE (SIP.js 0.21, which does not, rang for one
 * despite Require: replaces); the page hangs up its other calls as it goes.
 *
 * What is kept is what any party on the signalling path already sees: the Call-ID, the two tags,
 * the other party's address. A page cannot tell a reload from a close (both are a pagehide):
 * a kept dialog older than `maxAgeMs` when the page comes back is not resumed, and the other side
 * of a closed page ends its call when its own recovery gives up (call-media-path.ts).
 */
import type { RTCSession } from '../kernel/jssip-adapter.js';
import type { PhoneError } from '../kernel/errors.js';
import type { PhoneEvents } from '../phone-events.js';

/** What is kept of a Call (call.ts), and set on the one that takes it back. */
interface KeepableCall {
  readonly id: string;
  readonly session: RTCSession;
  readonly remoteUri: string;
  readonly video: boolean;
  /** The SIP headers of the other side's INVITE or answer (its Supported says whether it knows Replaces). */
  readonly headers: Record<string, string>;
  startedAt: number | null;
  setLocalStream(stream: MediaStream): void;
}

/** What CallKeeper follows of the Phone (phone.ts). */
interface FollowedPhone {
  on<K extends 'call-state' | 'registered'>(name: K, listener: (detail: PhoneEvents[K]) => void): unknown;
}

/** The phone's calls as CallKeeper follows them (calls.ts). */
interface FollowedCalls extends CallPlacer {
  get(id: string): KeepableCall | undefined;
  live(): Iterable<{ readonly id: string; abandon(cause: 'hangup'): void }>;
}

/** The media of a call taken back, and where it goes when the camera or microphone is refused. */
interface CallMedia {
  get(video: boolean): Promise<MediaStream>;
  failed(error: PhoneError): void;
}

/** How calls are placed and adopted (calls.ts). */
interface CallPlacer {
  invite(target: string, stream: MediaStream, video: boolean, options: { extraHeaders: string[] }): RTCSession;
  adopt(session: RTCSession, direction: 'outgoing', video: boolean): KeepableCall;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A call as kept for a reloaded page to take back. */
export interface KeptCall {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** The other party's address (where the resuming INVITE goes). */
  remoteUri: string;
  video: boolean;
  /** When the call was answered (ms since the epoch): its duration goes on from there. */
  startedAt: number;
  /** When the page last had the call (pagehide, or when it was kept). */
  savedAt: number;
}

const KEY = 'sip-phone.call:';

/** The Call-ID and tags of a session's confirmed dialog. */
export function dialogOf(session: RTCSession): { callId: string; localTag: string; remoteTag: string } | null {
  const id = (session as unknown as { _dialog?: { id?: { call_id: string; local_tag: string; remote_tag: string } } })._dialog?.id;
  return id ? { callId: id.call_id, localTag: id.local_tag, remoteTag: id.remote_tag } : null;
}

/** The header that asks the other side to replace the kept dialog (tags as the other side sees them: its own tag is the to-tag). */
export function replacesHeaders(kept: KeptCall): string[] {
  return [`Replaces: ${kept.callId};to-tag=${kept.remoteTag};from-tag=${kept.localTag}`, 'Require: replaces'];
}

/** The calls of one page, kept per phone address (`uri`), one at a time: the newest answered one. */
export class CallKeeper {
  private kept: { uri: string; id: string; call: KeptCall } | null = null;

  constructor(
    private readonly store: Store | null,
    private readonly page: Pick<EventTarget, 'addEventListener'> | null,
    private readonly enabled: () => boolean = () => true,
  ) {
    // The page goes away (reload, close, navigation): note when, so a late return is not resumed.
    page?.addEventListener('pagehide', () => this.kept && this.write(this.kept.uri, { ...this.kept.call, savedAt: Date.now() }));
  }

  /**
   * Follows `phone`: keeps each call that becomes active, forgets it when it ends, and at the first
   * registration takes back the call this tab's previous page left (less than `maxAgeMs()` ago: the
   * other side's recovery time, by default the same as ours).
   */
  follow(phone: FollowedPhone, calls: FollowedCalls, media: CallMedia, maxAgeMs: () => number): void {
    let uri = '';
    // The page going away hangs up every call a reload would not take back (the other side's call
    // ends at once, not after its recovery time): all of them with resumption off.
    this.page?.addEventListener('pagehide', () => {
      for (const call of [...calls.live()]) if (!this.keeps(call.id)) call.abandon('hangup');
    });
    phone.on('call-state', ({ call }) => {
      const live = calls.get(call.id);
      if (uri && call.state === 'active' && live) this.keep(uri, live);
      else if (uri && call.state === 'ended') this.forget(uri, call.id);
    });
    phone.on('registered', (registered) => {
      const kept = uri ? null : this.take(registered.uri, maxAgeMs());
      uri = registered.uri;
      if (kept) media.get(kept.video).then((stream) => resumeCall(calls, stream, kept), media.failed);
    });
  }

  /** Keeps `call` (now active) for this page's reload; false if resumption is off, its dialog unknown or the other side does not know Replaces. */
  keep(uri: string, call: KeepableCall): boolean {
    const dialog = dialogOf(call.session);
    if (!dialog || !this.enabled() || !supportsReplaces(call.headers)) return false;
    const { remoteUri, video, startedAt } = call;
    this.kept = { uri, id: call.id, call: { ...dialog, remoteUri, video, startedAt: startedAt ?? Date.now(), savedAt: Date.now() } };
    this.write(uri, this.kept.call);
    return true;
  }

  /** Whether the call `id` is the one kept (a reload takes it back; the page hangs up the others as it goes). */
  keeps(id: string): boolean {
    return this.kept?.id === id && this.enabled();
  }

  /** The call `id` ended: nothing to take back. */
  forget(uri: string, id: string): void {
    if (this.kept?.id !== id) return;
    this.kept = null;
    try {
      this.store?.removeItem(KEY + uri);
    } catch {
      // storage blocked
    }
  }

  /** The call a previous page of this tab left for `uri`, if it left one less than `maxAgeMs` ago (read once). */
  take(uri: string, maxAgeMs: number, now = Date.now()): KeptCall | null {
    if (!this.enabled()) return null;
    try {
      const text = this.store?.getItem(KEY + uri);
      if (!text) return null;
      this.store?.removeItem(KEY + uri);
      const call = JSON.parse(text) as KeptCall;
      const complete = ['callId', 'localTag', 'remoteTag', 'remoteUri'].every((k) => typeof call[k as keyof KeptCall] === 'string');
      return complete && now - call.savedAt < maxAgeMs ? call : null;
    } catch {
      return null;
    }
  }

  private write(uri: string, call: KeptCall): void {
    try {
      this.store?.setItem(KEY + uri, JSON.stringify(call));
    } catch {
      // storage blocked or full: this call is not resumed after a reload
    }
  }
}

/** Sessions of the INVITEs with Replaces by which the other party takes back a call of ours (not new calls). */
export const resumingSessions = new WeakSet<RTCSession>();

/**
 * Whether the other side said it knows Replaces (Supported, or its compact form k, in its INVITE or
 * answer). JsSIP and this phone do; SIP.js by default does not, and rings for such an INVITE as for
 * a new call (measured), so it is never sent one.
 */
export function supportsReplaces(headers: Record<string, string>): boolean {
  return Object.entries(headers).some(([name, value]) => /^(supported|k)$/i.test(name) && /(^|[\s,])replaces($|[\s,])/i.test(value));
}

/** Whether a request comes from the party at `remoteUri` (user and host alike). */
export function fromParty(request: { from: { uri: { user?: string | null; host: string } } }, remoteUri: string): boolean {
  const { user, host } = request.from.uri;
  return (
    remoteUri
      .replace(/^sips?:/, '')
      .split(/[;?>]/)[0]
      .toLowerCase() === `${user ?? ''}@${host}`.toLowerCase()
  );
}

/**
 * Takes the kept call back: an INVITE with Replaces to the other party, with our media (`stream`),
 * adopted as an outgoing call whose duration goes on from when the kept one was answered.
 */
export function resumeCall(calls: CallPlacer, stream: MediaStream, kept: KeptCall): KeepableCall {
  const call = calls.adopt(calls.invite(kept.remoteUri, stream, kept.video, { extraHeaders: replacesHeaders(kept) }), 'outgoing', kept.video);
  call.setLocalStream(stream);
  call.startedAt = kept.startedAt;
  return call;
}
