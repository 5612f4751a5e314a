import { PhoneError } from '../kernel/errors.js';
import type { DigestCredentials } from '../kernel/jssip-adapter.js';

/** What the `credentials` function is asked for. */
export interface CredentialsRequest {
  /** The digest realm the server challenged us in. */
  realm: string;
  /** Our address of record (`uri`). */
  uri: string;
  /** The user name the digest is made with (`authorization-user`, default the user part of `uri`). */
  username: string;
  /** 'register': the registrar challenged a REGISTER (the first or a refresh); 'challenge': another request (a call, a transfer…). */
  reason: 'register' | 'challenge';
  /** The challenged request's method ('REGISTER', 'INVITE'…). */
  method: string;
  /** The server's nonce expired (credentials from before were right). */
  stale: boolean;
}

/**
 * The password, or HA1 = MD5(username:realm:password) in hex for the request's realm; with
 * `username`, the digest is made with that user name instead of `authorization-user` (ephemeral
 * credentials a backend minted: `{ username: '<expiry>:<user>', password }`).
 */
export type Credentials = DigestCredentials;

/** The page's source of credentials: asked at each digest challenge, so no password need stay in the element. */
export type CredentialsFunction = (request: CredentialsRequest) => Promise<Credentials> | Credentials;

/** How long (ms) the credentials function may take before the challenge counts as failed. */
export const CREDENTIALS_TIMEOUT = 10000;

/**
 * Calls `fn` and checks its answer; a throw, a rejection, a timeout or an answer with neither a
 * password nor a 32-hex-digit ha1 rejects with 'credentials-failed' (never with the values).
 */
export async function fetchCredentials(fn: CredentialsFunction, request: CredentialsRequest): Promise<Credentials> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let result: unknown;
  try {
    result = await Promise.race([
      Promise.resolve().then(() => fn({ ...request })),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CREDENTIALS_TIMEOUT / 1000} s`)), CREDENTIALS_TIMEOUT))),
    ]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PhoneError('credentials-failed', `Could not get credentials for ${request.realm}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
  const { password, ha1, username } = (result ?? {}) as { password?: unknown; ha1?: unknown; username?: unknown };
  // A user name goes into the Authorization header between quotes: no quote, backslash or line break.
  if (username !== undefined && (typeof username !== 'string' || !/^[^"\\\r\n]+$/.test(username))) {
    throw new PhoneError('credentials-failed', `The credentials function gave a user name that cannot be used for ${request.realm}.`);
  }
  const user = username ? { username } : {};
  if (typeof password === 'string' && password) return { password, ...user };
  if (typeof ha1 === 'string' && /^[0-9a-f]{32}$/i.test(ha1)) return { ha1: ha1.toLowerCase(), ...user };
  throw new PhoneError('credentials-failed', `The credentials function gave neither a password nor an ha1 (32 hex digits) for ${request.realm}.`);
}
