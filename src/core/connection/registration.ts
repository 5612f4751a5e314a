/**
 * The registration with the SIP server: register() and unregister(), the registration state,
 * refreshes after a wake-up, a registration lost with the connection, why a REGISTER failed, and
 * digest challenges answered by a credentials function. The Phone hands it each user agent.
 */
import { causeFromJsSip } from '../kernel/causes.js';
import type { PhoneConfig } from '../kernel/config.js';
import { PhoneError, isAuthFailure } from '../kernel/errors.js';
import { answerChallengesWith, type DigestChallenge, type DigestCredentials, type UA } from '../kernel/jssip-adapter.js';
import type { PhoneEmit } from '../phone.js';
import { fetchCredentials, type CredentialsFunction } from './credentials.js';
import { registerNow } from '../kernel/jssip-ua-hooks.js';

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/** A register() waiting for its outcome. */
export interface PendingRegistration {
  resolve(): void;
  reject(error: PhoneError): void;
}

export class Registration {
  state: RegistrationState = 'unregistered';
  /** Why the last challenge went unanswered (the credentials function failed), until it is reported. */
  private credentialsError: PhoneError | null = null;
  private pending: PendingRegistration | null = null;
  private registerOnConnect = false;
  /** When the last registration succeeded (ms since the epoch), and for how many seconds. */
  private registeredAt = 0;
  private registeredFor = 0;

  /**
   * `settings.credentials` (if set) answers digest challenges; `registered` is called on each
   * successful registration (the phone's subscriptions start then).
   */
  constructor(
    private readonly settings: { readonly credentials: CredentialsFunction | null },
    private readonly emit: PhoneEmit,
    private readonly registered: (ua: UA, config: PhoneConfig) => void,
  ) {}

  /** A new user agent: answer its challenges and follow its registration. */
  attach(ua: UA, config: PhoneConfig): void {
    answerChallengesWith(ua, (challenge) => this.answerChallenge(challenge, config));
    ua.on('registered', (e) => {
      this.credentialsError = null;
      this.setState('registered');
      const contact = e.response.parseHeader('contact') as { getParam?(name: string): string } | undefined;
      const expires = Number(contact?.getParam?.('expires') ?? e.response.getHeader('expires')) || config.registerExpires;
      this.registeredAt = Date.now();
      this.registeredFor = expires;
      this.emit('registered', { uri: config.uri, expires });
      this.settle();
      this.registered(ua, config);
    });
    ua.on('unregistered', (e) => {
      if (!e.cause && !ua.isConnected()) return this.lost(config.uri);
      if (this.state === 'unregistered') return;
      this.setState('unregistered');
      this.emit('unregistered', { uri: config.uri, cause: e.cause ? causeFromJsSip(e.cause) : 'unregistered' });
    });
    ua.on('registrationFailed', (e) => {
      const statusCode = (e.response as { status_code?: number } | null)?.status_code;
      const credentialsError = this.credentialsError;
      this.credentialsError = null;
      const cause = credentialsError ? 'credentials-failed' : causeFromJsSip(e.cause);
      // A dropped socket also fails JsSIP's finished REGISTER transaction: that is a lost
      // connection (reported as such), not a refused registration.
      if (cause === 'connection-lost' && !this.pending) {
        this.lost(config.uri);
        return;
      }
      this.setState('failed');
      this.emit('registration-failed', { uri: config.uri, cause, statusCode });
      if (credentialsError) return this.settle(credentialsError);
      const code = isAuthFailure(statusCode) ? 'authentication-failed' : cause === 'connection-lost' ? 'connection-failed' : 'registration-failed';
      this.settle(new PhoneError(code, registrationFailureMessage(cause, statusCode)));
    });
  }

  /** Registers (once connected); resolves once registered. */
  register(ua: UA): Promise<void> {
    this.pending?.reject(new PhoneError('connection-failed', 'A newer register() replaced this one.'));
    const result = new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    this.setState('registering');
    // JsSIP sends REGISTER at once even with no connection (and fails it); wait for the socket.
    if (ua.isConnected()) registerNow(ua);
    else this.registerOnConnect = true;
    return result;
  }

  /** Sends the REGISTER with Expires: 0 (after `before`) and waits up to 3 s for its outcome. */
  unregister(ua: UA, before: () => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        ua.off('unregistered', done);
        ua.off('registrationFailed', done);
        resolve();
      };
      const timer = setTimeout(done, 3000);
      ua.on('unregistered', done);
      ua.on('registrationFailed', done);
      before();
      ua.unregister();
    });
  }

  /** The user agent connected: send a REGISTER that waited for the socket. */
  connected(ua: UA): void {
    // After the first registration JsSIP re-registers by itself on every reconnection.
    if (this.registerOnConnect) {
      this.registerOnConnect = false;
      registerNow(ua);
    }
  }

  /** The connection could not be made: a register() under way fails. */
  connectFailed(server: string): void {
    if (this.pending) this.settle(new PhoneError('connection-failed', `Could not connect to ${server}.`));
  }

  /** REGISTERs again if the registration may have lapsed while the page slept. */
  refreshIfLapsing(ua: UA | null): void {
    const lapsing = this.registeredAt + (this.registeredFor * 1000) / 2 < Date.now();
    if (this.state === 'registered' && lapsing) ua?.register();
  }

  /** Takes the register() under way off this registration (to carry it over to a restarted one). */
  takePending(): PendingRegistration | null {
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  restorePending(pending: PendingRegistration | null): void {
    this.pending = pending;
  }

  /** The user agent stopped: forget pending work; a register() under way fails. */
  stop(): void {
    this.registerOnConnect = false;
    this.credentialsError = null;
    this.pending?.reject(new PhoneError('connection-failed', 'The phone was stopped.'));
    this.pending = null;
    this.setState('unregistered');
  }

  /**
   * With a `credentials` function, a digest challenge is answered with what it gives. Its failure
   * fails the challenged request: a registration under way rejects with it, anything else
   * (a refresh, a call) reports it as an `error` event.
   */
  private answerChallenge(challenge: DigestChallenge, config: PhoneConfig): Promise<DigestCredentials | null> | undefined {
    const fn = this.settings.credentials;
    if (!fn) return undefined;
    const reason = challenge.method === 'REGISTER' ? 'register' : 'challenge';
    return fetchCredentials(fn, { ...challenge, reason, uri: config.uri, username: config.authorizationUser }).catch((error: PhoneError) => {
      if (reason === 'register') this.credentialsError = error;
      if (reason !== 'register' || !this.pending) this.emit('error', { code: error.code, message: error.message });
      return null;
    });
  }

  /** The socket dropped while registered: say so after 'connection-lost', which JsSIP emits later. */
  private lost(uri: string): void {
    if (this.state === 'unregistered') return;
    this.setState('unregistered');
    queueMicrotask(() => this.emit('unregistered', { uri, cause: 'connection-lost' }));
  }

  private settle(error?: PhoneError): void {
    const pending = this.pending;
    this.pending = null;
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private setState(state: RegistrationState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('change', undefined);
  }
}

/** A readable sentence for a failed registration. */
function registrationFailureMessage(cause: string, statusCode?: number): string {
  if (isAuthFailure(statusCode)) {
    return 'Wrong user name or password: the server refused them.';
  }
  if (cause === 'connection-lost') return 'Could not reach the SIP server.';
  if (cause === 'request-timeout') return 'The SIP server did not answer the registration.';
  return `Registration failed${statusCode ? ` (${statusCode})` : ''}: ${cause}.`;
}
