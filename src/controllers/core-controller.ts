import type { PropertyValues, ReactiveController, ReactiveControllerHost } from 'lit';
import { buildConfig, type PhoneConfig } from '../core/kernel/config.js';
import { PhoneError, toPhoneError } from '../core/kernel/errors.js';
import { browserInstanceId, tabInstanceId, tabServerChoice, type RegistrationScope } from '../core/connection/instance-id.js';
import type { Call, CallInfo } from '../core/calls/call.js';
import type { ConnectionState, Phone, PhoneEvents, ReconnectStatus, RegistrationState } from '../core/phone.js';
import type { SubscriptionHolder } from '../core/presence/voicemail.js';
import { NO_VOICEMAIL, type VoicemailStatus } from '../core/presence/voicemail-status.js';
import type { UA } from '../core/kernel/jssip-adapter.js';
import type { SipTraceEntry } from '../core/trace/sip-trace.js';
import type { DevicePreferences } from '../core/media/media-acquisition.js';
import { toAvailability, type Availability } from '../core/presence/availability-value.js';
import type { SipPhoneProperties } from '../sip-phone-properties.js';
import { storageOrNull } from './page-storage.js';

const instances: Partial<Record<RegistrationScope, string>> = {};

/** The `+sip.instance` for this scope (made once per page, shared by the page's phones). */
function instanceIdFor(scope: RegistrationScope): string {
  return (instances[scope] ??= scope === 'browser' ? browserInstanceId(localStorage) : tabInstanceId(sessionStorage, window));
}

/** The element's properties that make the Phone's configuration. */
const configProperties = ['server', 'uri', 'displayName', 'authorizationUser', 'password', 'iceServers', 'iceTransportPolicy', 'registerExpires'] as const;

/** The element's properties the Phone takes. */
export type CoreHost = ReactiveControllerHost &
  HTMLElement &
  Pick<
    SipPhoneProperties,
    | (typeof configProperties)[number]
    | 'credentials'
    | 'autoRegister'
    | 'autoAnswer'
    | 'maxCalls'
    | 'noAcceptTransfer'
    | 'noCallResume'
    | 'noFollowRedirects'
    | 'intercom'
    | 'dnd'
    | 'codecs'
    | 'dtmf'
    | 'keepaliveInterval'
    | 'registrationScope'
    | 'serverOrder'
    | 'iceGatheringTimeout'
    | 'callRecoveryTimeout'
    | 'trace'
  >;

export interface CoreActions {
  /** The microphone and camera chosen (a new Phone starts with them). */
  devicePreferences(): DevicePreferences;
  /** Reports an error as a sip-error and in the status line; returns it. */
  report(error: PhoneError): PhoneError;
}

interface Listener {
  name: keyof PhoneEvents;
  listener: (detail: never) => void;
  off: (() => void) | null;
}

/**
 * Owns the element's Phone, which loads on demand: the SIP stack (JsSIP and the core) is a chunk
 * of its own, imported by the first load(): at once for a phone that will register, else at the
 * first method that needs it. Until it arrives the controller answers what a fresh Phone would
 * (disconnected, unregistered, no calls), keeps the listeners and the features that want the
 * phone (messages, busy lamps) and hands them over when it arrives, with the element's options
 * and configuration. A failed load rejects with a PhoneError (a sip-error) and may be retried.
 * The page's network and wake-up signals go to the phone while the host is connected.
 */
export class CoreController implements ReactiveController {
  /** The Phone, once loaded. */
  phone: Phone | null = null;
  private loading: Promise<Phone> | null = null;
  private readonly listeners = new Set<Listener>();
  /** What waits for the phone to arrive (onUserAgent, addSubscriptions). */
  private readonly waiting: ((phone: Phone) => void)[] = [];
  /** The configuration from the properties, checked (null: not configured or not valid, see configError). */
  private config: PhoneConfig | null = null;
  private configError: PhoneError | null = null;
  /** How many register() or call() wait for the SIP stack: auto-register does not ask again meanwhile. */
  private starting = 0;
  /** How often the host left the page (a method waiting for the SIP stack then does not go on). */
  private departures = 0;
  /** The availability to publish (checked): the Phone takes it at every update. */
  private availability: Availability = 'available';

  constructor(
    private readonly host: CoreHost,
    private readonly actions: CoreActions,
    /** Imports the core (the chunk with the SIP stack). */
    private readonly importCore: () => Promise<typeof import('../core/phone.js')> = () => import('../core/phone.js'),
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('online', this.onOnline);
    // A hidden, frozen or cached page's timers may have slept: check the connection on waking.
    document.addEventListener('visibilitychange', this.onWake);
    document.addEventListener('resume', this.onWake);
    window.addEventListener('pageshow', this.onWake);
    // A phone that will register loads its SIP stack now, beside the first render.
    if (this.host.autoRegister || (this.host.server && this.host.uri)) void this.load().catch(() => {});
  }

  hostDisconnected(): void {
    this.departures += 1;
    window.removeEventListener('online', this.onOnline);
    document.removeEventListener('visibilitychange', this.onWake);
    document.removeEventListener('resume', this.onWake);
    window.removeEventListener('pageshow', this.onWake);
  }

  private readonly onOnline = () => this.phone?.networkOnline();
  private readonly onWake = (event: Event) => {
    const awake = event.type === 'resume' || (event.type === 'pageshow' ? (event as PageTransitionEvent).persisted : document.visibilityState === 'visible');
    if (awake) this.phone?.wake();
  };

  /** Loads the core (once; again after a failure) and resolves to the Phone. */
  load(): Promise<Phone> {
    return (this.loading ??= this.importCore().then(
      ({ Phone }) => {
        const phone = new Phone();
        phone.keepCallsIn(storageOrNull('session'), window);
        this.applyOptions(phone);
        phone.media.devicePreferences = this.actions.devicePreferences();
        this.phone = phone;
        // Listeners first, as on a Phone made with the element: they hear what configuring it does.
        for (const entry of this.listeners) entry.off = phone.on(entry.name, entry.listener as (detail: unknown) => void);
        for (const arrived of this.waiting.splice(0)) arrived(phone);
        if (this.config) phone.configure(this.config);
        this.host.requestUpdate();
        return phone;
      },
      (error: unknown) => {
        this.loading = null;
        throw new PhoneError('connection-failed', `The phone's SIP code could not be loaded (${error instanceof Error ? error.message : String(error)}).`);
      },
    ));
  }

  /** Runs `action` with the Phone (loading it first if need be); a failure is reported and rejects with a PhoneError. */
  async run<T>(action: (phone: Phone) => Promise<T> | T): Promise<T> {
    try {
      // (Loaded: at once, so a state the action sets shows as soon as the method returns.)
      if (this.phone) return await action(this.phone);
      const departures = this.departures;
      const phone = await this.load();
      // Removed from the page meanwhile: the phone stopped then, as a loaded one would have (Phone.stop()).
      if (this.departures !== departures && !this.host.isConnected) throw new PhoneError('connection-failed', 'The phone was stopped.');
      return await action(phone);
    } catch (error) {
      throw this.actions.report(toPhoneError(error));
    }
  }

  /** Like run(), after checking the configuration (which the Phone then has). */
  runConfigured<T>(action: (phone: Phone) => Promise<T> | T): Promise<T> {
    this.applyConfig();
    if (this.configError) return Promise.reject(this.actions.report(this.configError));
    this.starting += 1;
    return this.run(action).finally(() => (this.starting -= 1));
  }

  /** Before each update: the options on the Phone; a changed configuration checked (and taken). */
  willUpdate(changed: PropertyValues): void {
    if (this.phone) this.applyOptions(this.phone);
    if (configProperties.some((name) => changed.has(name))) this.applyConfig();
  }

  /** After each update: `auto-register` registers once the configuration allows. */
  updated(changed: PropertyValues): void {
    const host = this.host;
    const configChanged = configProperties.some((name) => changed.has(name)) || changed.has('autoRegister') || changed.has('credentials');
    if (!configChanged || !host.autoRegister || !host.isConnected || this.registrationState === 'registering' || this.starting > 0) return;
    // Nothing configured yet (the page may set it later) is not an error worth a sip-error.
    if (this.configError) {
      if (this.configError.code !== 'not-configured') this.actions.report(this.configError);
    }
    // Without a password (or credentials function) yet, wait for it (pages often set it from
    // script just after the tag); for a server without authentication, call register() yourself.
    else if (this.config && (host.password || host.credentials) && this.registrationState !== 'registered') {
      this.runConfigured((phone) => phone.register()).catch(() => {});
    }
  }

  /** The element's options, on the Phone at every update (and when it is made). */
  private applyOptions(phone: Phone): void {
    const host = this.host;
    phone.autoAnswer = host.autoAnswer;
    phone.maxCalls = host.maxCalls;
    phone.acceptTransfers = !host.noAcceptTransfer;
    phone.resumeCalls = !host.noCallResume;
    phone.followRedirects = !host.noFollowRedirects;
    phone.intercom = host.intercom;
    phone.dnd = host.dnd;
    // A codec name no browser knows is said at once (calls are refused with it until it is fixed).
    if (phone.codecs !== host.codecs) {
      try {
        phone.codecs = host.codecs;
      } catch (error) {
        this.actions.report(toPhoneError(error));
      }
    }
    phone.dtmfTransport = host.dtmf === 'info' ? 'info' : 'rfc4733';
    phone.credentials = host.credentials;
    phone.trace = host.trace;
    phone.options.keepaliveInterval = Math.max(0, host.keepaliveInterval) * 1000;
    phone.options.instanceId = instanceIdFor(host.registrationScope === 'browser' ? 'browser' : 'tab');
    phone.options.serverChoice = host.serverOrder === 'listed' ? 0 : tabServerChoice(storageOrNull('session'));
    phone.options.iceGatheringTimeout = host.iceGatheringTimeout;
    phone.options.callRecoveryTimeout = Math.max(0, Number(host.callRecoveryTimeout) || 0) * 1000;
    phone.setAvailability(this.availability);
  }

  /** Our availability to publish; another value is reported ('invalid-option') and the last valid one stays. */
  setAvailability(value: unknown): void {
    try {
      this.availability = toAvailability(value);
    } catch (error) {
      this.actions.report(toPhoneError(error));
    }
  }

  /** Checks the configuration properties; a valid configuration goes to the Phone (whose SIP stack starts loading). */
  private applyConfig(): void {
    const { server, uri, displayName, authorizationUser, password, iceServers, iceTransportPolicy, registerExpires } = this.host;
    if (!server && !uri) {
      this.configError = new PhoneError('not-configured', 'Set the server and your SIP address in Settings.');
      return;
    }
    try {
      this.config = buildConfig({ server, uri, displayName, authorizationUser, password, iceServers, iceTransportPolicy, registerExpires });
      this.configError = null;
    } catch (error) {
      this.configError = toPhoneError(error);
      return;
    }
    if (this.phone) this.phone.configure(this.config);
    else if (this.host.isConnected) void this.load().catch(() => {});
  }

  /** Subscribes to a Phone event now or, before the phone is loaded, once it is; returns the function that unsubscribes. */
  on<K extends keyof PhoneEvents>(name: K, listener: (detail: PhoneEvents[K]) => void): () => void {
    const entry: Listener = { name, listener: listener as (detail: never) => void, off: this.phone?.on(name, listener) ?? null };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
      entry.off?.();
    };
  }

  /** Runs `arrived` with the phone now, or once it is loaded. */
  private whenLoaded(arrived: (phone: Phone) => void): void {
    if (this.phone) arrived(this.phone);
    else this.waiting.push(arrived);
  }

  onUserAgent(listener: (ua: UA, config: PhoneConfig) => void): void {
    this.whenLoaded((phone) => phone.onUserAgent(listener));
  }

  addSubscriptions(holder: SubscriptionHolder): void {
    this.whenLoaded((phone) => phone.addSubscriptions(holder));
  }

  get connectionState(): ConnectionState {
    return this.phone?.connectionState ?? 'disconnected';
  }

  get registrationState(): RegistrationState {
    return this.phone?.registrationState ?? 'unregistered';
  }

  get voicemail(): VoicemailStatus {
    return this.phone?.voicemail ?? NO_VOICEMAIL;
  }

  get calls(): CallInfo[] {
    return this.phone?.calls ?? [];
  }

  get activeCall(): CallInfo | null {
    return this.phone?.activeCall ?? null;
  }

  get recentSipMessages(): SipTraceEntry[] {
    return this.phone?.recentSipMessages ?? [];
  }

  get reconnect(): ReconnectStatus | null {
    return this.phone?.reconnect ?? null;
  }

  getCall(id?: string): Call | undefined {
    return this.phone?.getCall(id);
  }
}
