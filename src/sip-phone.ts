import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { DEFAULT_REGISTER_EXPIRES, buildConfig, parseIceServers } from './core/kernel/config.js';
import { PhoneError, toPhoneError, type PhoneErrorCode } from './core/kernel/errors.js';
import type { CredentialsFunction } from './core/connection/credentials.js';
import { DEFAULT_ICE_GATHERING_TIMEOUT } from './core/media/ice-policy.js';
import { Phone, type ConnectionState, type RegistrationState } from './core/phone.js';
import type { Call, CallInfo } from './core/calls/call.js';
import { PhoneController } from './controllers/phone-controller.js';
import { RingController, type Ringing } from './controllers/ring-controller.js';
import { KeyboardController } from './controllers/keyboard-controller.js';
import { IncomingCallFocusController } from './controllers/incoming-call-focus-controller.js';
import { IncomingCallAlertController } from './controllers/incoming-call-alert-controller.js';
import { BusyLampsController } from './controllers/busy-lamps-controller.js';
import type { LampState } from './core/presence/busy-lamps.js';
import { browserInstanceId, tabInstanceId, type RegistrationScope } from './core/connection/instance-id.js';
import { SettingsStore, exportSettings, parseSettings, settingsKey, type SavedSettings } from './core/storage/settings-store.js';
import { callControls, callerText } from './parts/call-controls.js';
import { callerCard } from './parts/caller-card.js';
import { targetFromLink } from './core/calls/dial-links.js';
import { callVideo } from './parts/call-video.js';
import { dialPad } from './parts/dial-pad.js';
import { offlineBanner } from './parts/offline-banner.js';
import type { SipCallQuality } from './parts/call-quality.js';
import { callHistory } from './parts/call-history.js';
import { devicePicker, type DeviceChoice, type DeviceList } from './parts/device-picker.js';
import { CallHistory, type HistoryEntry } from './core/storage/call-history.js';
import { settingsPanel, type SettingsValues } from './parts/settings-panel.js';
import type { SipSetupCheck } from './parts/setup-check.js';
import type { SipConversations } from './parts/conversations.js';
import { Messages, type MessageInfo } from './core/messaging/messages.js';
import type { PreflightOptions, PreflightResult } from './core/setup-check/preflight.js';
import { statusBanner } from './parts/status-banner.js';
import { qualityWarning } from './parts/quality-warning.js';
import { voicemailBar } from './parts/voicemail.js';
import type { VoicemailStatus } from './core/presence/voicemail.js';
import { styles } from './sip-phone.styles.js';
import { loadLanguage, stringsFor, type Strings } from './i18n/strings.js';

const DEVICES_KEY = 'sip-phone.devices';

function loadDeviceChoice(): DeviceChoice {
  try {
    return JSON.parse(localStorage.getItem(DEVICES_KEY) ?? '{}') as DeviceChoice;
  } catch {
    return {};
  }
}

/** localStorage, or null where the page may not use it (sandboxed frame, privacy mode). */
function storageOrNull(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

const instances: Partial<Record<RegistrationScope, string>> = {};

/** The `+sip.instance` for this scope (made once per page, shared by the page's phones). */
function instanceIdFor(scope: RegistrationScope): string {
  return (instances[scope] ??= scope === 'browser' ? browserInstanceId(localStorage) : tabInstanceId(sessionStorage, window));
}

const configProperties = ['server', 'uri', 'displayName', 'authorizationUser', 'password', 'iceServers', 'iceTransportPolicy', 'registerExpires'] as const;

/**
 * A SIP phone: registers over SIP-over-WebSocket, places and answers audio and video calls.
 *
 * @summary A browser SIP phone in one tag.
 *
 * @attr {string} lang - Language of the built-in strings ('en', 'de'); default: the nearest `lang` above, then the document's.
 *
 * @fires {CustomEvent<SipConnectingDetail>} sip-connecting - A connection attempt to `server` starts.
 * @fires {CustomEvent<SipConnectedDetail>} sip-connected - The WebSocket to `server` is open.
 * @fires {CustomEvent<SipConnectionLostDetail>} sip-connection-lost - An open connection was lost; `reconnecting` says whether it retries.
 * @fires {CustomEvent<SipRegisteredDetail>} sip-registered - The registrar accepted us for `expires` seconds.
 * @fires {CustomEvent<SipUnregisteredDetail>} sip-unregistered - We are no longer registered (`cause`).
 * @fires {CustomEvent<SipRegistrationFailedDetail>} sip-registration-failed - The registrar refused (`statusCode`) or could not be reached.
 * @fires {CustomEvent<SipIncomingCallDetail>} sip-incoming-call - A call rings in.
 * @fires {CustomEvent<SipCallStateDetail>} sip-call-state - A call changed state.
 * @fires {CustomEvent<SipCallEndedDetail>} sip-call-ended - A call ended, once per call, with its `cause`.
 * @fires {CustomEvent<SipCallUpdatedDetail>} sip-call-updated - A call's `held`, `remoteHeld`, `muted`, `video`, `transfer` or `mediaConnected` (`media`) changed (`change`).
 * @fires {CustomEvent<SipDtmfDetail>} sip-dtmf - A DTMF tone was sent or received (`direction`).
 * @fires {CustomEvent<SipCallStatsDetail>} sip-call-stats - Every 2 s during a call: rttMs, jitterMs, packetsLost, audioKbps, videoKbps.
 * @fires {CustomEvent<SipCallQualityDetail>} sip-call-quality - A call crossed a quality threshold (`active: true`) or recovered (`active: false`): `warning` is 'high-rtt', 'high-jitter', 'packet-loss', 'no-inbound-audio' or 'microphone-silent'.
 * @fires {CustomEvent<SipPresenceDetail>} sip-presence - A watched colleague's lamp changed: `uri` (the entry of `watch`) and `state` ('idle', 'ringing', 'busy', 'offline' or 'unknown').
 * @fires {CustomEvent<SipVoicemailDetail>} sip-voicemail - Our message summary changed (RFC 3842): `voicemail` is { waiting, newMessages, oldMessages }.
 * @fires {CustomEvent<SipErrorDetail>} sip-error - A configuration or usage error (`code`, `message`).
 * @fires {CustomEvent<SipMessageDetail>} sip-message - A text message arrived (`message`: a MessageInfo, already in `messages`).
 *
 * @csspart status - The status line (registration, call, last error).
 * @csspart offline-banner - Shown while the connection is lost: what happened and the next retry.
 * @csspart reconnect-button - "Reconnect now" in the offline banner.
 * @csspart settings - The settings panel with the registration form.
 * @csspart register-button - Register.
 * @csspart unregister-button - Unregister.
 * @csspart target - The "contact to call" field.
 * @csspart call-button - Call.
 * @csspart hangup-button - Bye: hangs up or cancels.
 * @csspart incoming - The incoming-call box.
 * @csspart answer-button - Answer an incoming call.
 * @csspart reject-button - Reject an incoming call.
 * @csspart dialpad - The dial pad.
 * @csspart key - One key of the dial pad.
 * @csspart in-call-controls - Mute, camera, hold, dial pad, transfer and screen sharing during a call.
 * @csspart hold-button - Hold / Resume.
 * @csspart mute-button - Mute / Unmute the microphone.
 * @csspart transfer-button - Blind transfer to the contact in the field.
 * @csspart quality - The call quality icon (signal bars); its figures (RTT, bitrate) in the tooltip.
 * @csspart quality-warning - The call's quality warnings in words ("No sound from the other side"); empty while all is well.
 * @csspart history - Recent calls.
 * @csspart redial-button - Calls a number from the history again.
 * @csspart clear-history-button - Clears the history.
 * @csspart devices - Microphone, camera, speaker and ringer choices.
 * @csspart share-button - Share the screen / Stop sharing (video calls).
 * @csspart pip-button - Picture-in-picture for the remote video.
 * @csspart remote-video - The other party's video (double-click: full screen).
 * @csspart local-video - Our own camera, inset.
 * @csspart videos - The video box: the remote video with our camera inset (hidden on audio calls).
 * @csspart caller - The other party's name on the caller card (display name, else the user part of the address).
 * @csspart caller-card - Who the call is with (avatar, name, address), where it stands in words, and the call timer.
 * @csspart avatar - The other party's initials on the caller card.
 * @csspart call-state - The call's state in words ("Ringing…", "Connected") and, once connected, the timer.
 * @csspart call-timer - How long the call has been connected (m:ss).
 * @csspart mic-level - A live level meter of our microphone during a call.
 * @csspart camera-button - Stop / start our camera on a video call.
 * @csspart dialpad-button - Opens and folds the dial pad during a call (it folds away when a call starts).
 * @csspart fullscreen-button - Full screen for the video box.
 * @csspart held-overlay - "On hold" / "Held by the other side" over the video while the call is held.
 * @csspart sound-button - "Click to turn on sound": shown on an incoming call when the browser's autoplay policy blocked the ringtone.
 * @csspart video-toggle - The "Video" checkbox and its label (offer video on the next call).
 * @csspart voicemail-badge - The number of new voicemail messages, shown while messages wait; its accessible name says it in words.
 * @csspart voicemail-button - "Call voicemail": calls `voicemail-uri` (shown only when it is set).
 * @csspart contacts - The busy lamps of the colleagues in `watch` (loaded when `watch` is first set).
 * @csspart contact - One colleague: a button with their lamp and name that calls them; `data-state` is the lamp.
 * @csspart lamp - A colleague's lamp: the success colour idle, `--sip-phone-lamp-ringing` blinking while ringing, the danger colour busy, the muted colour offline, hollow unknown.
 * @csspart header - The brand area at the top, holding the `header` slot (hidden while empty).
 *
 * @slot header - A brand area above the status line: a logo, a title, a link.
 * @slot call-actions - Extra buttons beside the call controls, shown while a call is placed or in progress (not while it rings in).
 * @csspart export-button - "Export settings": downloads the settings as JSON (never the password).
 * @csspart import-button - "Import settings": fills in the settings from a JSON file.
 * @csspart notify-button - "Enable notifications": asks to show incoming calls as desktop notifications (with `notify`).
 * @csspart check-setup-button - "Check my setup" in the settings: runs `preflight({ media: true })` and shows its results.
 * @csspart setup-check - The results of the setup check (loaded when first opened).
 * @csspart setup-check-summary - The setup check's overall verdict.
 * @csspart setup-check-item - One line of the setup check: what was checked, its status and its verdict.
 * @csspart setup-check-level - The microphone's level meter in the setup check.
 * @csspart messages-button - "Messages": opens and closes the conversations.
 * @csspart unread-badge - The number of unread messages, on the Messages button (hidden when there are none).
 * @csspart conversations - The conversations view (loaded when first opened).
 * @csspart threads - The list of conversations, one button per contact.
 * @csspart thread - One conversation in the list: the contact and its unread count.
 * @csspart thread-messages - The messages of the open conversation.
 * @csspart message - One message (class `incoming` or `outgoing`), its text and time or state.
 * @csspart thread-call-button - Calls the contact of the open conversation.
 * @csspart composer - The form that sends a message: To, the text, Send.
 * @csspart message-to - The address the message goes to.
 * @csspart message-input - The text of the message.
 * @csspart send-button - Send.
 *
 * @cssprop [--sip-phone-accent=#1a73e8] - Accent colour (Register, focus rings); dark preset #8ab4f8.
 * @cssprop [--sip-phone-accent-contrast=#ffffff] - Text on the accent colour; dark preset #202124.
 * @cssprop [--sip-phone-background=#ffffff] - Background; dark preset #202124.
 * @cssprop [--sip-phone-foreground=#1f1f1f] - Text colour; dark preset #e8eaed.
 * @cssprop [--sip-phone-muted=#5f6368] - Secondary text and borders; dark preset #9aa0a6.
 * @cssprop [--sip-phone-surface=#f1f3f4] - Buttons and panels; dark preset #303134.
 * @cssprop [--sip-phone-danger=#c5221f] - Bye, Reject, errors; dark preset #f28b82.
 * @cssprop [--sip-phone-danger-contrast=#ffffff] - Text on the danger colour (Bye, Reject, the offline banner); dark preset #202124.
 * @cssprop [--sip-phone-success=#137333] - Call, Answer, registered; dark preset #81c995.
 * @cssprop [--sip-phone-success-contrast=#ffffff] - Text on the success colour (Call, Answer); dark preset #202124.
 * @cssprop [--sip-phone-font=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - Font family.
 * @cssprop [--sip-phone-lamp-ringing=#f9ab00] - A busy lamp while a call to that colleague rings; dark preset #fdd663.
 * @cssprop [--sip-phone-radius=12px] - Corner radius.
 * @cssprop [--sip-phone-spacing=8px] - Base spacing unit.
 */
export class SipPhone extends LitElement {
  static override styles = styles;
  /** A click on the phone's empty space, or focus() from the page, lands in the phone. */
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** WebSocket URL(s) of the SIP server, `wss://` or `ws://`; several separated by spaces fail over in order. */
  @property() server = '';
  /** Address of record, `sip:user@domain`. */
  @property() uri = '';
  /** Display name sent with our calls. */
  @property({ attribute: 'display-name' }) displayName = '';
  /** User name for digest authentication (default: the user part of `uri`). */
  @property({ attribute: 'authorization-user' }) authorizationUser = '';
  /**
   * Password for digest authentication. An attribute of the same name is accepted, then removed
   * from the element; the password is never reflected, logged or stored.
   */
  @property({ attribute: 'password' }) password = '';
  /**
   * STUN/TURN servers: an array of RTCIceServer, or its JSON text (the attribute's value is kept
   * as text and checked when the phone is configured: bad JSON gives 'invalid-ice-servers').
   */
  @property({ attribute: 'ice-servers', converter: { fromAttribute: (v: string | null) => v ?? '' } })
  iceServers: RTCIceServer[] | string = [];
  /**
   * Which ICE candidates calls may use: 'all' (default), or 'relay' to send media only through
   * the TURN servers in `ice-servers` (hides the device's addresses from the other side). Without
   * a TURN server that works a call then has no media path and ends 'media-timeout'. Other values
   * give 'invalid-option'. Applies from the next call.
   */
  @property({ attribute: 'ice-transport-policy' }) iceTransportPolicy: 'all' | 'relay' = 'all';
  /**
   * Fetches credentials when a server asks for them, so the page need not keep a password in the
   * element: an async function `({ realm, uri, username, reason, method, stale }) => ({ password })
   * or ({ ha1 })`, HA1 being MD5(username:realm:password) in hex. Called at every digest challenge
   * (401/407: each REGISTER, its refreshes, a call the server challenges); it wins over `password`.
   * A throw, a rejection, no answer in 10 s or neither a password nor an ha1 fails the request
   * with 'credentials-failed'. Property only.
   */
  @property({ attribute: false }) credentials: CredentialsFunction | null = null;
  /** Register as soon as the element is in the document and configured (server, uri, and `password` or `credentials`). */
  @property({ type: Boolean, attribute: 'auto-register' }) autoRegister = false;
  /** Outgoing calls offer video unless `call()` says otherwise. */
  @property({ type: Boolean }) video = false;
  /** Answer incoming calls at once. */
  @property({ type: Boolean, attribute: 'auto-answer' }) autoAnswer = false;
  /** How DTMF is sent: 'rfc4733' (RTP telephone-events) or 'info' (SIP INFO). */
  @property() dtmf: 'rfc4733' | 'info' = 'rfc4733';
  /** Calls beyond this many (ringing or in progress) are answered 486 Busy Here. */
  @property({ type: Number, attribute: 'max-calls' }) maxCalls = 2;
  /** Refuse REFER: do not call the target when the other side transfers us. */
  @property({ type: Boolean, attribute: 'no-accept-transfer' }) noAcceptTransfer = false;
  /** Do not follow redirects: a 3xx to a call ends it as `redirected` instead of calling the Contacts it gives. */
  @property({ type: Boolean, attribute: 'no-follow-redirects' }) noFollowRedirects = false;
  /**
   * Colour preset: 'light' (default), 'dark', or 'auto' (follows the system's
   * prefers-color-scheme). A page's `--sip-phone-*` values win over the preset's.
   */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'light';
  /** Show only the status, the dialer and the call controls: no settings, devices or history. */
  @property({ type: Boolean, reflect: true }) compact = false;
  /**
   * Overrides for any user-facing string (see Strings); the rest follow the language of the
   * element's `lang` attribute or the nearest `lang` above it (English and German ship).
   */
  @property({ attribute: false }) strings: Partial<Strings> = {};
  /** A sound file to loop for incoming calls instead of the generated ringtone. */
  @property() ringtone = '';
  /** Seconds a registration lasts before it is refreshed. */
  @property({ type: Number, attribute: 'register-expires' }) registerExpires = 600;
  /** Seconds between CRLF keep-alive pings on the WebSocket (RFC 5626); 0 turns them off. */
  @property({ type: Number, attribute: 'keepalive-interval' }) keepaliveInterval = 25;
  /**
   * Which tabs ring: 'tab' (default) registers each tab on its own, so every open tab rings and
   * answering in one ends the others' ringing as `answered-elsewhere`; 'browser' registers one
   * contact per browser profile, and the newest tab takes it. Applies from the next connection.
   */
  @property({ attribute: 'registration-scope' }) registrationScope: RegistrationScope = 'tab';
  /**
   * Longest wait, in ms after the first ICE candidate, for the server-reflexive and relay
   * candidates of the configured STUN/TURN servers before an offer or answer is sent. Servers
   * are probed in the background once configured: a type they did not yield is not waited for.
   */
  @property({ type: Number, attribute: 'ice-gathering-timeout' }) iceGatheringTimeout: number = DEFAULT_ICE_GATHERING_TIMEOUT;
  /**
   * Keep the settings in localStorage: saved when the user registers from the settings form,
   * restored when the element loads, except where the page gave a value (its attribute is present
   * or its property was set to something other than the default). Everything but the password,
   * unless `remember-password`. An element with an `id` keeps its own settings.
   */
  @property({ type: Boolean }) persist = false;
  /** With `persist`, keep the password too (in plain text in localStorage: for devices the user alone uses). */
  @property({ type: Boolean, attribute: 'remember-password' }) rememberPassword = false;
  /**
   * Show a desktop notification when a call rings in while the tab is hidden. Permission is asked
   * when the user clicks Register, Call or "Enable notifications", never on load.
   */
  @property({ type: Boolean }) notify = false;
  /**
   * Clicking a `sip:`, `sips:` or `tel:` link anywhere on the page calls it through this phone
   * (instead of the browser's handler). With several such phones, the first in the document wins.
   */
  @property({ type: Boolean, attribute: 'handle-links' }) handleLinks = false;
  /** The voicemail service to call with "Call voicemail" (a SIP URI, or a user or number in our domain); without it there is no such button. */
  @property({ attribute: 'voicemail-uri' }) voicemailUri = '';
  /**
   * Colleagues whose busy lamps to show (space-separated SIP URIs, or users in our domain): their
   * call state (dialog event package, RFC 4235) and whether they are registered, in `presence`
   * and a contacts panel whose buttons call them. See [Busy lamps](#busy-lamps).
   */
  @property() watch = '';

  @state() private target = '';
  /** Whether the page slotted something into `header` (an empty header takes no room). */
  @state() private hasHeader = false;
  @state() private lastCallText = '';
  /** Whether the dial pad is open during a call (it folds away when a call starts). */
  @state() private dialPadOpen = false;
  /** Ticks once a second while the offline banner counts down. */
  private countdown: ReturnType<typeof setInterval> | undefined;

  private readonly phone = new Phone();
  /** The strings in use: the language table with the page's overrides. */
  private t: Strings = stringsFor('en');
  /** The last error, as a code; shown through the strings table. */
  @state() private errorCode: PhoneErrorCode | null = null;
  private readonly rings: RingController;
  @state() private mediaDevices: MediaDeviceInfo[] = [];
  private deviceChoice: DeviceChoice = loadDeviceChoice();
  private configError: PhoneError | null = null;
  private readonly alerts: IncomingCallAlertController;
  private readonly lamps: BusyLampsController;
  /** With `persist`, the saved settings are applied once, before the first render. */
  private settingsRestored = false;
  /** What the last settings import did. */
  @state() private importMessage = '';
  /** "Check my setup" was pressed: its results show in the settings from then on. */
  @state() private setupCheckShown = false;
  @state() private checkingSetup = false;
  /** The text messages of the current `uri`. */
  private readonly inbox = new Messages(this.phone, storageOrNull());
  /** "Messages" is open (its view loads the first time). */
  @state() private messagesOpen = false;

  constructor() {
    super();
    new PhoneController(this, this.phone);
    this.rings = new RingController(this, this.phone);
    new KeyboardController(this, {
      callState: () => this.activeCall?.state ?? null,
      dial: (key) => this.dialFromKeyboard(key),
      sendDtmf: (key) => void this.sendDtmf(key).catch(() => {}),
      call: () => void this.call(this.target).catch(() => {}),
      answer: () => void this.answer().catch(() => {}),
      reject: () => void this.reject().catch(() => {}),
      hangup: () => void this.hangup().catch(() => {}),
    });
    // With auto-answer the Answer button is gone at once: moving focus there only costs time.
    new IncomingCallFocusController(this, () => !this.autoAnswer && this.activeCall?.state === 'incoming');
    this.alerts = new IncomingCallAlertController(this, this.phone, { notify: () => this.notify, strings: () => this.t });
    this.lamps = new BusyLampsController(this, this.phone, (error) => this.report(error));
    this.phone.devicePreferences = { audioInput: this.deviceChoice.audioInput, videoInput: this.deviceChoice.videoInput };
    this.phone.on('registration-failed', ({ statusCode, cause }) => {
      this.errorCode = cause === 'credentials-failed' ? cause : statusCode === 401 || statusCode === 403 || statusCode === 407 ? 'authentication-failed' : 'registration-failed';
    });
    this.phone.on('registered', () => (this.errorCode = null));
    this.inbox.on('message', (detail) => this.dispatchEvent(new CustomEvent('sip-message', { detail, bubbles: true, composed: true })));
    this.inbox.on('change', () => this.requestUpdate());
    this.phone.on('error', ({ code }) => (this.errorCode = code));
    this.phone.on('call-stats', (stats) => {
      const indicator = this.renderRoot.querySelector<SipCallQuality>('sip-call-quality');
      if (indicator && stats.callId === this.activeCall?.id) indicator.stats = stats;
    });
    this.phone.on('call-ended', ({ call, cause, durationMs }) => {
      this.callHistory.add({
        remoteUri: call.remoteUri,
        remoteDisplayName: call.remoteDisplayName,
        direction: call.direction,
        startedAt: call.startedAt ?? Date.now(),
        durationMs,
        cause,
      });
      this.lastCallText = this.t.callEnded(callerText(call), cause);
    });
  }

  /** 'disconnected' | 'connecting' | 'connected' */
  get connectionState(): ConnectionState {
    return this.phone.connectionState;
  }

  /** 'unregistered' | 'registering' | 'registered' | 'failed' */
  get registrationState(): RegistrationState {
    return this.phone.registrationState;
  }

  /**
   * The streams the call's video elements play. Starting a player costs tens of ms of CPU, so none
   * starts while the call is being set up: the other side's media once the media path connects
   * (there is nothing to play before), our camera then too, or once the ringback sounds.
   */
  private playingStreams(call: CallInfo, media: Call | undefined): { remoteStream: MediaStream | null; localStream: MediaStream | null } {
    const live = call.mediaConnected;
    return {
      remoteStream: live ? (media?.remoteStream ?? null) : null,
      localStream: live || (call.state === 'ringing' && this.rings.sounding) ? (media?.localStream ?? null) : null,
    };
  }

  /** What is playing: 'ringtone' (a call rings in), 'ringback' (our call rings out) or null. */
  get ringing(): Ringing {
    return this.rings.ringing;
  }

  /**
   * The busy lamps of the colleagues in `watch`, keyed by the entries as written there: 'idle',
   * 'ringing' (a call to them rings), 'busy' (in a call, or calling), 'offline' (not registered) or
   * 'unknown' (not yet known, or we are not registered).
   */
  get presence(): Record<string, LampState> {
    return this.lamps.states;
  }

  /** What our message summary says: { waiting, newMessages, oldMessages } (nothing waiting until the server says otherwise). */
  get voicemail(): VoicemailStatus {
    return { ...this.phone.voicemail };
  }

  /** The calls in progress. */
  get calls(): CallInfo[] {
    return this.phone.calls;
  }

  /** The newest call in progress, or null. */
  get activeCall(): CallInfo | null {
    return this.phone.activeCall;
  }

  /** Finished calls, newest first (the last 100, kept in localStorage per `uri`). */
  get history(): HistoryEntry[] {
    return [...this.callHistory.entries];
  }

  /** Forgets the call history and the text messages of this `uri`. */
  clearHistory(): void {
    this.callHistory.clear();
    this.inbox.clear();
    this.requestUpdate();
  }

  /**
   * Text messages sent and received, oldest first (newest last): the last 100 per contact, kept
   * in localStorage per `uri`. Incoming ones have status 'received' until their conversation is
   * shown, then 'read'.
   */
  get messages(): MessageInfo[] {
    this.inbox.key = `sip-phone.messages.${this.uri}`;
    return [...this.inbox.all];
  }

  /**
   * Sends `text` as a text message (SIP MESSAGE, text/plain) to `target` (a SIP URI, or a user in
   * our domain). Resolves to its MessageInfo once accepted: status 'sent' (delivered), or 'stored'
   * (202: the server keeps it for a user who is offline). Rejects with 'message-too-long' (over
   * 1300 bytes of UTF-8), 'invalid-option' (no text), 'invalid-target' or 'not-registered' before
   * sending anything, or with 'message-failed' when refused (its `statusCode`, e.g. 404, is on the
   * error and in the message).
   */
  sendMessage(target: string, text: string): Promise<MessageInfo> {
    return this.run(async () => {
      const { sendMessage } = await import('./parts/conversations.js');
      this.inbox.key = `sip-phone.messages.${this.uri}`;
      return sendMessage(this.inbox, target, text);
    });
  }

  /** "Messages": loads the conversations view the first time, then opens or closes it. */
  private readonly toggleMessages = async () => {
    try {
      (await import('./parts/conversations.js')).defineConversations();
      this.messagesOpen = !this.messagesOpen;
      await this.updateComplete;
      const view = this.renderRoot.querySelector<SipConversations>('sip-conversations');
      await view?.updateComplete;
      view?.renderRoot.querySelector<HTMLElement>('[part~="message-input"]')?.focus();
    } catch (error) {
      this.report(toPhoneError(error));
    }
  };

  private historyStore: CallHistory | null = null;

  /** The history of the current `uri`, read from storage once. */
  private get callHistory(): CallHistory {
    const key = `sip-phone.history.${this.uri}`;
    // (Storage blocked, in a sandboxed frame or privacy mode: no history.)
    if (this.historyStore?.key !== key) this.historyStore = new CallHistory(storageOrNull(), key);
    return this.historyStore;
  }

  /** The RTCPeerConnection of a call (newest by default), for statistics. */
  getPeerConnection(callId?: string): RTCPeerConnection | null {
    return this.phone.getCall(callId)?.peerConnection ?? null;
  }

  /** Connects and registers; resolves once registered. */
  register(): Promise<void> {
    return this.run(() => {
      this.applyConfig();
      if (this.configError) throw this.configError;
      return this.phone.register();
    });
  }

  /** Unregisters and disconnects; calls in progress end. */
  unregister(): Promise<void> {
    return this.run(() => this.phone.unregister());
  }

  /** Calls `target` (a SIP URI, or a user/number in our domain); resolves to the call id. */
  call(target: string, options: { video?: boolean } = {}): Promise<string> {
    return this.run(() => {
      this.applyConfig();
      if (this.configError) throw this.configError;
      this.lastCallText = '';
      return this.phone.call(target, { video: options.video ?? this.video });
    });
  }

  /** Answers an incoming call (the newest by default). */
  answer(callId?: string, options: { video?: boolean } = {}): Promise<void> {
    return this.run(() => this.phone.answer(callId, options));
  }

  /** Rejects an incoming call (603 Decline). */
  reject(callId?: string): Promise<void> {
    return this.run(() => this.phone.reject(callId));
  }

  /** Hangs up or cancels a call (the newest by default). */
  hangup(callId?: string): Promise<void> {
    return this.run(() => this.phone.hangup(callId));
  }

  /** `lang` picks the language of the strings table. */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'lang') {
      this.requestUpdate();
      return;
    }
    if (name === 'password') {
      // Take the password, then drop the attribute so it does not sit in the DOM.
      if (value !== null) {
        this.password = value;
        this.removeAttribute('password');
      }
      return;
    }
    super.attributeChangedCallback(name, old, value);
  }

  /** Puts a call on hold (the newest active call by default). */
  hold(callId?: string): Promise<void> {
    return this.run(() => this.phone.hold(callId));
  }

  /** Resumes a held call. */
  unhold(callId?: string): Promise<void> {
    return this.run(() => this.phone.unhold(callId));
  }

  /** Mutes the microphone ('audio', default) or the camera ('video') on a call. */
  mute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    return this.run(() => this.phone.mute(kind, callId));
  }

  unmute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    return this.run(() => this.phone.unmute(kind, callId));
  }

  /** Sends DTMF tones (0-9 * # A-D, ',' pauses) as set by the `dtmf` attribute. */
  sendDtmf(tones: string, callId?: string): Promise<void> {
    return this.run(() => this.phone.sendDtmf(tones, callId));
  }

  /** Blind transfer: the other side is asked to call `target`; our call then ends 'transferred'. */
  transfer(target: string, callId?: string): Promise<void> {
    return this.run(() => this.phone.transfer(target, callId));
  }

  /** Attended transfer: connects the other party of `callId` with the other party of `otherCallId`. */
  attendedTransfer(callId: string, otherCallId: string): Promise<void> {
    return this.run(() => this.phone.attendedTransfer(callId, otherCallId));
  }

  /** Sends the screen instead of the camera on a video call. */
  shareScreen(callId?: string): Promise<void> {
    return this.run(() => this.phone.shareScreen(callId));
  }

  /** Goes back to the camera. */
  stopScreenShare(callId?: string): Promise<void> {
    return this.run(() => this.phone.stopScreenShare(callId));
  }

  /** Microphones, cameras and speakers (labels appear once the page may use media). */
  get devices(): DeviceList {
    const of = (kind: MediaDeviceKind) => this.mediaDevices.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, label: d.label }));
    return { audioInputs: of('audioinput'), videoInputs: of('videoinput'), audioOutputs: of('audiooutput') };
  }

  /** The devices in use: chosen ones, remembered in localStorage. */
  get selectedDevices(): DeviceChoice {
    return { ...this.deviceChoice };
  }

  /**
   * Chooses microphone, camera, speaker and/or ringer (the output of the ringtone; default: the
   * speaker); a call in progress switches at once. Remembered in localStorage.
   */
  selectDevices(choice: DeviceChoice): Promise<void> {
    return this.run(async () => {
      this.deviceChoice = { ...this.deviceChoice, ...choice };
      try {
        localStorage.setItem(DEVICES_KEY, JSON.stringify(this.deviceChoice));
      } catch {
        // storage blocked: the choice lasts for this page only
      }
      await this.phone.selectDevices({ audioInput: choice.audioInput, videoInput: choice.videoInput });
      await this.applySpeaker();
      this.requestUpdate();
    });
  }

  private async applySpeaker(): Promise<void> {
    const video = this.renderRoot.querySelector<HTMLVideoElement & { setSinkId?(id: string): Promise<void>; sinkId?: string }>('[part~="remote-video"]');
    const id = this.deviceChoice.audioOutput;
    if (video?.setSinkId && id && video.sinkId !== id) await video.setSinkId(id);
  }

  private readonly refreshDevices = async () => {
    try {
      this.mediaDevices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      this.mediaDevices = [];
    }
  };

  /**
   * Checks the setup and resolves to one line per check (a failed check is a result, not a
   * rejection): secure context; microphone (with its level) and camera; the speaker (a test tone
   * on the chosen output); each WebSocket server in `server` (a SIP OPTIONS round trip over a
   * short-lived connection); each STUN/TURN URL in `ice-servers` (the candidates it gives: a relay
   * candidate for TURN). `media: true` opens the microphone and camera even if the browser asks
   * for permission, and plays the tone: call it only from a user gesture. Without it (default)
   * media whose permission is not 'granted' is 'skipped' and no tone plays. `timeoutMs`: how long
   * each server may take (default 5000). Rejects only for bad options ('invalid-option').
   */
  preflight(options: PreflightOptions = {}): Promise<PreflightResult> {
    return this.run(async () => {
      const { preflightOptions, runPreflight, verdictsFor } = await import('./parts/setup-check.js');
      const { media, timeoutMs } = preflightOptions(options);
      const verdict = verdictsFor(this.language);
      const result = await runPreflight(
        { server: this.server, iceServers: this.iceServers, devices: this.deviceChoice, media, timeoutMs },
        {
          describe: verdict,
          onProgress: (progress) => {
            const view = this.renderRoot.querySelector<SipSetupCheck>('sip-setup-check');
            if (view) view.progress = progress;
          },
        },
      );
      // Device names appear once the page may use media.
      if (media) void this.refreshDevices();
      return result;
    });
  }

  /** "Check my setup": loads the results view, then checks with media (a user gesture). */
  private readonly checkSetup = async () => {
    if (this.checkingSetup) return;
    this.checkingSetup = true;
    try {
      (await import('./parts/setup-check.js')).defineSetupCheck();
      this.setupCheckShown = true;
      await this.updateComplete;
      await this.preflight({ media: true }).catch(() => {});
    } catch (error) {
      this.report(toPhoneError(error));
    } finally {
      this.checkingSetup = false;
    }
  };

  /** Tries to reconnect at once while the phone waits to reconnect. */
  reconnect(): void {
    this.phone.reconnectNow();
  }

  /** Puts the cursor in the contact field (or on the first control, while a call rings in). */
  override focus(options?: FocusOptions): void {
    const field = this.renderRoot.querySelector<HTMLInputElement>('[part~="target"]');
    if (field) field.focus(options);
    else super.focus(options);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onOnline);
    document.addEventListener('click', this.onDocumentClick);
    // A hidden, frozen or cached page's timers may have slept: check the connection on waking.
    document.addEventListener('visibilitychange', this.onWake);
    document.addEventListener('resume', this.onWake);
    window.addEventListener('pageshow', this.onWake);
    navigator.mediaDevices?.addEventListener('devicechange', this.refreshDevices);
    void this.refreshDevices();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onOnline);
    document.removeEventListener('click', this.onDocumentClick);
    document.removeEventListener('visibilitychange', this.onWake);
    document.removeEventListener('resume', this.onWake);
    window.removeEventListener('pageshow', this.onWake);
    navigator.mediaDevices?.removeEventListener('devicechange', this.refreshDevices);
    clearInterval(this.countdown);
    this.countdown = undefined;
    this.phone.stop();
  }

  /** The element's `lang`, or the nearest above it, or the document's. */
  private get language(): string {
    return this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang;
  }

  private readonly onOnline = () => this.phone.networkOnline();
  /** `handle-links`: a sip:/tel: link clicked anywhere on the page (also inside shadow roots). */
  private readonly onDocumentClick = (event: MouseEvent) => {
    if (!this.handleLinks || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.composedPath().find((node): node is HTMLAnchorElement | SVGAElement => node instanceof Element && node.localName === 'a' && node.hasAttribute('href'));
    const target = link && targetFromLink(link.getAttribute('href') ?? '');
    if (!target) return;
    event.preventDefault();
    this.target = target;
    this.alerts.requestPermission();
    void this.call(target).catch(() => {});
  };
  private readonly onWake = (event: Event) => {
    const awake = event.type === 'resume' || (event.type === 'pageshow' ? (event as PageTransitionEvent).persisted : document.visibilityState === 'visible');
    if (awake) this.phone.wake();
  };

  /** A language other than English loads its table (a chunk) before the update that shows it. */
  protected override async scheduleUpdate(): Promise<void> {
    await loadLanguage(this.language);
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.persist && !this.settingsRestored) this.restoreSettings();
    this.t = stringsFor(this.language, this.strings);
    if (changed.has('watch')) this.lamps.watch((this.watch ?? '').split(/\s+/).filter(Boolean));
    this.inbox.key = `sip-phone.messages.${this.uri}`;
    this.phone.autoAnswer = this.autoAnswer;
    this.rings.ringtoneUrl = this.ringtone;
    this.rings.silent = this.autoAnswer;
    this.rings.outputs = { ringer: this.deviceChoice.ringer, speaker: this.deviceChoice.audioOutput };
    if (!this.activeCall || this.activeCall.state === 'incoming') this.dialPadOpen = false;
    this.phone.maxCalls = this.maxCalls;
    this.phone.acceptTransfers = !this.noAcceptTransfer;
    this.phone.followRedirects = !this.noFollowRedirects;
    this.phone.dtmfTransport = this.dtmf === 'info' ? 'info' : 'rfc4733';
    this.phone.credentials = this.credentials;
    this.phone.options.keepaliveInterval = Math.max(0, this.keepaliveInterval) * 1000;
    this.phone.options.instanceId = instanceIdFor(this.registrationScope === 'browser' ? 'browser' : 'tab');
    this.phone.options.iceGatheringTimeout = this.iceGatheringTimeout;
    if (configProperties.some((name) => changed.has(name))) this.applyConfig();
  }

  protected override updated(changed: PropertyValues<this>): void {
    void this.applySpeaker().catch(() => {});
    if (this.phone.reconnect && !this.countdown) {
      this.countdown = setInterval(() => this.requestUpdate(), 1000);
    } else if (!this.phone.reconnect && this.countdown) {
      clearInterval(this.countdown);
      this.countdown = undefined;
    }
    const configChanged = configProperties.some((name) => changed.has(name)) || changed.has('autoRegister') || changed.has('credentials');
    if (configChanged && this.autoRegister && this.isConnected && this.phone.registrationState !== 'registering') {
      // Nothing configured yet (the page may set it later) is not an error worth a sip-error.
      if (this.configError) {
        if (this.configError.code !== 'not-configured') this.report(this.configError);
      }
      // Without a password (or credentials function) yet, wait for it (pages often set it from
      // script just after the tag); for a server without authentication, call register() yourself.
      else if (this.phone.configured && (this.password || this.credentials) && this.phone.registrationState !== 'registered') this.register().catch(() => {});
    }
  }

  private applyConfig(): void {
    if (!this.server && !this.uri) {
      this.configError = new PhoneError('not-configured', 'Set the server and your SIP address in Settings.');
      return;
    }
    try {
      this.phone.configure(
        buildConfig({
          server: this.server,
          uri: this.uri,
          displayName: this.displayName,
          authorizationUser: this.authorizationUser,
          password: this.password,
          iceServers: this.iceServers,
          iceTransportPolicy: this.iceTransportPolicy,
          registerExpires: this.registerExpires,
        }),
      );
      this.configError = null;
    } catch (error) {
      this.configError = toPhoneError(error);
    }
  }

  private async run<T>(action: () => Promise<T> | T): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw this.report(toPhoneError(error));
    }
  }

  private report(error: PhoneError): PhoneError {
    this.errorCode = error.code;
    this.dispatchEvent(new CustomEvent('sip-error', { detail: { code: error.code, message: error.message }, bubbles: true, composed: true }));
    return error;
  }

  /** A dial pad key: DTMF during a call, otherwise part of the number to call. */
  private pressKey(key: string): void {
    if (this.activeCall?.state === 'active') this.sendDtmf(key).catch(() => {});
    else this.target += key;
  }

  /** A digit typed outside a text field while idle: added to the contact, where typing goes on. */
  private dialFromKeyboard(key: string): void {
    this.target += key;
    void this.updateComplete.then(() => {
      const field = this.renderRoot.querySelector<HTMLInputElement>('[part~="target"]');
      field?.focus();
      field?.setSelectionRange(field.value.length, field.value.length);
    });
  }

  private readonly onHeaderSlotChange = (event: Event) => {
    this.hasHeader = (event.target as HTMLSlotElement).assignedNodes({ flatten: true }).length > 0;
  };

  private settingsValues(): SettingsValues {
    const at = this.uri.replace(/^sips?:/, '').split('@');
    return {
      displayName: this.displayName,
      user: at.length > 1 ? at[0] : '',
      domain: at.length > 1 ? at.slice(1).join('@') : '',
      password: this.password,
      server: this.server,
      iceServers: typeof this.iceServers === 'string' ? this.iceServers : this.iceServers.length ? JSON.stringify(this.iceServers) : '',
    };
  }

  private onSettingsSubmit = (values: SettingsValues) => {
    this.displayName = values.displayName;
    this.uri = `sip:${values.user}@${values.domain}`;
    this.password = values.password;
    this.server = values.server;
    this.iceServers = values.iceServers;
    if (this.persist) this.settingsStore.save(this.currentSettings(), { rememberPassword: this.rememberPassword });
    this.alerts.requestPermission();
    this.register().catch(() => {});
  };

  /** (Storage blocked: nothing is kept.) */
  private get settingsStore(): SettingsStore {
    return new SettingsStore(storageOrNull(), settingsKey(this.id));
  }

  /** The settings as they are now; empty values left out, so a file or a restore never sets them. */
  private currentSettings(): SavedSettings {
    let iceServers: RTCIceServer[] = [];
    try {
      iceServers = parseIceServers(this.iceServers);
    } catch {
      // not valid: left out
    }
    const settings: SavedSettings = {
      server: this.server.trim() || undefined,
      uri: this.uri.trim() || undefined,
      displayName: this.displayName.trim() || undefined,
      authorizationUser: this.authorizationUser.trim() || undefined,
      iceServers: iceServers.length ? iceServers : undefined,
      registerExpires: this.registerExpires,
      video: this.video,
      dtmf: this.dtmf,
      password: this.password || undefined,
    };
    return JSON.parse(JSON.stringify(settings)) as SavedSettings;
  }

  /** `persist`: the saved settings, for every setting the page did not give itself. */
  private restoreSettings(): void {
    this.settingsRestored = true;
    const given = (attribute: string, isDefault: boolean) => this.hasAttribute(attribute) || !isDefault;
    const pageGave: Record<keyof SavedSettings, boolean> = {
      server: given('server', !this.server),
      uri: given('uri', !this.uri),
      displayName: given('display-name', !this.displayName),
      authorizationUser: given('authorization-user', !this.authorizationUser),
      iceServers: given('ice-servers', !this.iceServers.length),
      registerExpires: given('register-expires', this.registerExpires === DEFAULT_REGISTER_EXPIRES),
      video: given('video', !this.video),
      dtmf: given('dtmf', this.dtmf === 'rfc4733'),
      password: !!this.password,
    };
    const store = this.settingsStore;
    const saved = store.load();
    if (saved.password && !this.rememberPassword) {
      // Kept under an earlier remember-password the page has dropped since: forget it.
      delete saved.password;
      store.save(saved);
    }
    Object.assign(this, Object.fromEntries(Object.entries(saved).filter(([name]) => !pageGave[name as keyof SavedSettings])));
  }

  private readonly exportSettingsFile = () => {
    const link = document.createElement('a');
    link.href = `data:application/json;charset=utf-8,${encodeURIComponent(exportSettings(this.currentSettings()))}`;
    link.download = 'sip-phone-settings.json';
    link.click();
  };

  /** Fills in the settings from a file the user chose; a bad file changes nothing and fires sip-error 'invalid-option'. */
  private async importSettingsFile(file: File): Promise<void> {
    try {
      if (file.size > 65536) throw new PhoneError('invalid-option', `${file.name} is too large to be a settings file (${file.size} bytes).`);
      Object.assign(this, parseSettings(await file.text()));
      this.importMessage = this.t.settingsImported(file.name);
    } catch (error) {
      this.importMessage = this.t.importFailed(file.name);
      this.report(toPhoneError(error, 'invalid-option'));
    }
  }

  /** Over the video while the call is held, by us or by the other side. */
  private heldText(call: CallInfo): string {
    return call.held ? this.t.onHoldLabel : call.remoteHeld ? this.t.heldByOtherLabel : '';
  }

  private callText(call: CallInfo | null): string {
    if (!call) return this.lastCallText;
    const who = callerText(call);
    const t = this.t;
    switch (call.state) {
      case 'calling':
        return t.calling(who);
      case 'ringing':
        return t.ringing(who);
      case 'incoming':
        return t.incomingCall(who);
      case 'active': {
        const transfer = call.transfer ? t.transfer(call.transfer) : '';
        const hold = call.held ? t.onHold : call.remoteHeld ? t.heldByOther : '';
        return `${t.inCall(who)}${hold}${call.muted.audio ? t.muted : ''}${transfer}`;
      }
      default:
        return '';
    }
  }

  private renderMessages() {
    const unread = this.inbox.unread;
    return html`<button type="button" part="messages-button" aria-expanded=${this.messagesOpen} @click=${this.toggleMessages}>
        ${this.t.messagesButton}<span part="unread-badge" ?hidden=${!unread}><span aria-hidden="true">${unread}</span><span class="visually-hidden">, ${this.t.unreadMessages(unread)}</span></span>
      </button>
      ${this.messagesOpen
        ? html`<sip-conversations
            part="conversations"
            exportparts="threads, thread, thread-messages, message, thread-call-button, composer, message-to, message-input, send-button"
            .t=${this.t}
            .messages=${this.inbox.all}
            .store=${this.inbox}
            .send=${(target: string, text: string) => this.sendMessage(target, text)}
            .call=${(uri: string) => void this.call(uri).catch(() => {})}
          ></sip-conversations>`
        : ''}`;
  }

  override render() {
    const call = this.activeCall;
    const media = call ? this.phone.getCall(call.id) : undefined;
    return html`
      <div class="stack">
        <div part="header" ?hidden=${!this.hasHeader}><slot name="header" @slotchange=${this.onHeaderSlotChange}></slot></div>
        ${statusBanner({
          connectionState: this.connectionState,
          registrationState: this.registrationState,
          uri: this.uri,
          t: this.t,
          error: this.errorCode ? this.t.errors[this.errorCode] : '',
          callText: this.callText(call),
        })}
        ${voicemailBar(this.t, this.phone.voicemail, this.voicemailUri ? () => void this.call(this.voicemailUri).catch(() => {}) : null)}
        ${this.watch?.trim()
          ? html`<sip-contacts part="contacts" exportparts="contact, lamp" .t=${this.t} .lamps=${this.presence} .call=${(name: string) => void this.call(name).catch(() => {})}></sip-contacts>`
          : ''}
        ${this.phone.reconnect ? offlineBanner(this.t, this.phone.reconnect, Date.now(), () => this.reconnect()) : ''}
        <div class="panes">
          ${settingsPanel({
            t: this.t,
            values: this.settingsValues(),
            registered: this.registrationState === 'registered',
            busy: this.registrationState === 'registering',
            onRegister: this.onSettingsSubmit,
            onUnregister: () => void this.unregister().catch(() => {}),
            onExport: this.exportSettingsFile,
            onImport: (file) => void this.importSettingsFile(file),
            importMessage: this.importMessage,
            offerNotifications: this.alerts.canAskPermission,
            onEnableNotifications: () => this.alerts.requestPermission(),
            onCheckSetup: () => void this.checkSetup(),
            checkingSetup: this.checkingSetup,
            setupCheck: this.setupCheckShown
              ? html`<sip-setup-check
                  part="setup-check"
                  exportparts="setup-check-summary, setup-check-item, setup-check-level"
                  .t=${this.t}
                ></sip-setup-check>`
              : '',
          })}
          <div class="call-pane">
            ${call ? callerCard({ t: this.t, call, localStream: media?.localStream ?? null }) : ''}
            ${call?.state === 'active' ? qualityWarning(this.t, call.qualityWarnings) : ''}
            ${call && call.state !== 'incoming'
              ? callVideo({ t: this.t, video: call.video, heldText: this.heldText(call), ...this.playingStreams(call, media) })
              : ''}
            ${callControls({
              t: this.t,
              target: this.target,
              video: this.video,
              call,
              dialPadOpen: this.dialPadOpen,
              soundBlocked: this.rings.blocked,
              onTargetInput: (value) => (this.target = value),
              onVideoToggle: (value) => (this.video = value),
              onCall: () => (this.alerts.requestPermission(), void this.call(this.target).catch(() => {})),
              onHangup: () => void this.hangup().catch(() => {}),
              onAnswer: () => void this.answer().catch(() => {}),
              onReject: () => void this.reject().catch(() => {}),
              onHold: (hold) => void (hold ? this.hold() : this.unhold()).catch(() => {}),
              onMute: (mute) => void (mute ? this.mute() : this.unmute()).catch(() => {}),
              onCamera: (off) => void (off ? this.mute('video') : this.unmute('video')).catch(() => {}),
              onDialPad: (open) => (this.dialPadOpen = open),
              onSound: () => this.rings.unblock(),
              onTransfer: () => void this.transfer(this.target).catch(() => {}),
              onShareScreen: (share) => void (share ? this.shareScreen() : this.stopScreenShare()).catch(() => {}),
            })}
            ${dialPad(this.t, (key) => this.pressKey(key), !!call && !this.dialPadOpen)}
          </div>
          <div class="extras">
            ${devicePicker(this.t, this.devices, this.deviceChoice, (choice) => void this.selectDevices(choice).catch(() => {}))}
            ${this.uri ? this.renderMessages() : ''}
            ${this.uri ? callHistory(this.t, this.callHistory.entries, (uri) => void this.call(uri).catch(() => {}), () => this.clearHistory()) : ''}
          </div>
        </div>
      </div>
    `;
  }
}
