import { LitElement, html, type PropertyValues } from 'lit';
import type { PhoneError } from './core/kernel/errors.js';
import type { ConnectionState, RegistrationState } from './core/phone.js';
import type { CallInfo } from './core/calls/call.js';
import type { CallRequest } from './core/calls/calls.js';
import type { SipHeaders } from './core/kernel/sip-headers.js';
import type { LampState } from './core/presence/busy-lamps.js';
import type { HistoryEntry } from './core/storage/call-history.js';
import type { MessageInfo } from './core/messaging/messages.js';
import type { PreflightOptions, PreflightResult } from './core/setup-check/preflight.js';
import type { VoicemailStatus } from './core/presence/voicemail.js';
import type { DeviceChoice, DeviceList } from './parts/device-picker.js';
import type { DevicePreferences } from './core/media/media-acquisition.js';
import { CoreController } from './controllers/core-controller.js';
import { PhoneController } from './controllers/phone-controller.js';
import { StatusController } from './controllers/status-controller.js';
import { RingController, type Ringing } from './controllers/ring-controller.js';
import { DiallerController } from './controllers/dialler-controller.js';
import { IncomingCallFocusController } from './controllers/incoming-call-focus-controller.js';
import { IncomingCallAlertController } from './controllers/incoming-call-alert-controller.js';
import { BusyLampsController } from './controllers/busy-lamps-controller.js';
import { DevicesController } from './controllers/devices-controller.js';
import { SettingsController } from './controllers/settings-controller.js';
import { MessagesController } from './controllers/messages-controller.js';
import { SetupCheckController } from './controllers/setup-check-controller.js';
import { LinksController } from './controllers/links-controller.js';
import { OfflineCountdownController } from './controllers/offline-countdown-controller.js';
import { HistoryController } from './controllers/history-controller.js';
import { ConfirmCloseController } from './controllers/confirm-close-controller.js';
import { RecordingController } from './controllers/recording-controller.js';
import { ConferenceController } from './controllers/conference-controller.js';
import { TraceViewController } from './controllers/trace-view-controller.js';
import type { SipTraceEntry } from './core/trace/sip-trace.js';
import { statusView } from './views/status-view.js';
import { settingsView } from './views/settings-view.js';
import { callView } from './views/call-view.js';
import { extrasView } from './views/extras-view.js';
import { callExtrasView } from './views/call-extras-view.js';
import { styles } from './sip-phone.styles.js';
import { SipPhoneProperties } from './sip-phone-properties.js';
import { loadLanguage, stringsFor, type Strings } from './i18n/strings.js';

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
 * @fires {CustomEvent<SipCallUpdatedDetail>} sip-call-updated - A call's `held`, `remoteHeld`, `muted`, `video`, `transfer`, `mediaConnected` (`media`), `ignored` or `conference` changed (`change`).
 * @fires {CustomEvent<SipCallReconnectingDetail>} sip-call-reconnecting - A call's media path went down while the call was up; the phone recovers it (ICE restart) for up to `call-recovery-timeout` seconds.
 * @fires {CustomEvent<SipCallReconnectedDetail>} sip-call-reconnected - Media flows again after `sip-call-reconnecting`.
 * @fires {CustomEvent<SipDtmfDetail>} sip-dtmf - A DTMF tone was sent or received (`direction`).
 * @fires {CustomEvent<SipCallStatsDetail>} sip-call-stats - Every 2 s during a call: rttMs, jitterMs, packetsLost, audioKbps, videoKbps.
 * @fires {CustomEvent<SipCallQualityDetail>} sip-call-quality - A call crossed a quality threshold (`active: true`) or recovered (`active: false`): `warning` is 'high-rtt', 'high-jitter', 'packet-loss', 'no-inbound-audio' or 'microphone-silent'.
 * @fires {CustomEvent<SipPresenceDetail>} sip-presence - A watched colleague's lamp changed: `uri` (the entry of `watch`) and `state` ('idle', 'ringing', 'busy', 'away', 'dnd', 'offline' or 'unknown').
 * @fires {CustomEvent<SipVoicemailDetail>} sip-voicemail - Our message summary changed (RFC 3842): `voicemail` is { waiting, newMessages, oldMessages }.
 * @fires {CustomEvent<SipErrorDetail>} sip-error - A configuration or usage error (`code`, `message`).
 * @fires {CustomEvent<SipTraceDetail>} sip-trace - With `trace`: a SIP message sent or received (`direction` 'out' or 'in', `text` with credentials blanked, `at`).
 * @fires {CustomEvent<SipMessageDetail>} sip-message - A text message arrived (`message`: a MessageInfo, already in `messages`).
 * @fires {CustomEvent<SipRecordingDetail>} sip-recording - A call's recording `state` is 'started' or 'stopped' (then with the recording as `blob`; also when the call ends while recorded).
 *
 * Its parts, slots and custom properties are documented on SipPhoneProperties
 * (sip-phone-properties.ts): the manifest lists them as the element's own.
 */
export class SipPhone extends SipPhoneProperties {
  static override styles = styles;
  /** A click on the phone's empty space, or focus() from the page, lands in the phone. */
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The strings in use: the language table with the page's overrides. */
  private t: Strings = stringsFor('en');
  /** The Phone, loaded with the SIP stack when first needed; its state and methods. */
  private readonly core: CoreController = new CoreController(this, {
    devicePreferences: () => this.deviceList.inputs,
    report: (error) => this.status.report(error),
  });
  private readonly status = new StatusController(this, this.core, () => this.t);
  private readonly report = (error: PhoneError) => this.status.report(error);
  private readonly rings = new RingController(this, this.core);
  private readonly alerts = new IncomingCallAlertController(this, this.core, { notify: () => this.notify, strings: () => this.t });
  private readonly lamps = new BusyLampsController(this, this.core, this.report);
  private readonly deviceList = new DevicesController(this, this.report);
  private readonly dialler = new DiallerController(this, () => this.alerts.requestPermission());
  private readonly settings = new SettingsController(this, {
    strings: () => this.t,
    register: () => (this.alerts.requestPermission(), void this.register().catch(() => {})),
    report: this.report,
  });
  private readonly inbox = new MessagesController(this, this.core, () => this.uri, this.report);
  private readonly callHistory = new HistoryController(this, this.core, () => this.uri);
  private readonly recorder = new RecordingController(this, this.core, this.report);
  private readonly conference = new ConferenceController(this, this.core, this.report);
  private readonly setupCheck = new SetupCheckController(
    this,
    () => ({ server: this.server, iceServers: this.iceServers, devices: this.deviceList.choice, language: this.language }),
    { refreshDevices: () => void this.deviceList.refresh(), report: this.report },
  );

  constructor() {
    super();
    new PhoneController(this, this.core);
    // With auto-answer the Answer button is gone at once: moving focus there only costs time.
    new IncomingCallFocusController(this, () => !this.autoAnswer && this.activeCall?.state === 'incoming');
    new LinksController(
      this,
      () => this.handleLinks,
      (target) => this.dialler.call(target),
    );
    new OfflineCountdownController(this, () => !!this.core.reconnect);
    new ConfirmCloseController(this, () => this.confirmClose && this.calls.some((call) => !call.ignored));
    new TraceViewController(this);
  }

  /** 'disconnected' | 'connecting' | 'connected' */
  get connectionState(): ConnectionState {
    return this.core.connectionState;
  }

  /** 'unregistered' | 'registering' | 'registered' | 'failed' */
  get registrationState(): RegistrationState {
    return this.core.registrationState;
  }

  /** What is playing: 'ringtone' (a call rings in), 'ringback' (our call rings out) or null. */
  get ringing(): Ringing {
    return this.rings.ringing;
  }

  /**
   * The busy lamps of the colleagues in `watch`, keyed by the entries as written there: 'idle',
   * 'ringing' (a call to them rings), 'busy' (in a call, or calling, or they say so), 'away' or 'dnd'
   * (what they publish, when in no call), 'offline' (not registered) or
   * 'unknown' (not yet known, or we are not registered).
   */
  get presence(): Record<string, LampState> {
    return this.lamps.states;
  }

  /** What our message summary says: { waiting, newMessages, oldMessages } (nothing waiting until the server says otherwise). */
  get voicemail(): VoicemailStatus {
    return { ...this.core.voicemail };
  }

  /** The last 200 SIP messages sent and received, oldest first, credentials blanked as in `sip-trace`; kept even without `trace` (for a bug report after a failure). */
  get recentSipMessages(): SipTraceEntry[] {
    return this.core.recentSipMessages;
  }

  /** The calls in progress. */
  get calls(): CallInfo[] {
    return this.core.calls;
  }

  /** The newest call in progress, or null. */
  get activeCall(): CallInfo | null {
    return this.core.activeCall;
  }

  /** Finished calls, newest first (the last 100, kept in localStorage per `uri`). */
  get history(): HistoryEntry[] {
    return [...this.callHistory.entries];
  }

  /** Forgets the call history and the text messages of this `uri`. */
  clearHistory(): void {
    this.callHistory.clear();
    this.inbox.clear();
  }

  /**
   * Text messages sent and received, oldest first (newest last): the last 100 per contact, kept
   * in localStorage per `uri`. Incoming ones have status 'received' until their conversation is
   * shown, then 'read'.
   */
  get messages(): MessageInfo[] {
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
  sendMessage(target: string, text: string, options: { headers?: SipHeaders } = {}): Promise<MessageInfo> {
    return this.inbox.send(target, text, options);
  }

  /** The RTCPeerConnection of a call (newest by default), for statistics. */
  getPeerConnection(callId?: string): RTCPeerConnection | null {
    return this.core.getCall(callId)?.peerConnection ?? null;
  }

  /** Connects and registers; resolves once registered. */
  register(): Promise<void> {
    return this.core.runConfigured((phone) => phone.register());
  }

  /** Unregisters and disconnects; calls in progress end. */
  unregister(): Promise<void> {
    return this.core.run((phone) => phone.unregister());
  }

  /**
   * Calls `target` (a SIP URI, or a user/number in our domain); resolves to the call id.
   * `headers`: SIP headers for the INVITE, name → value ('invalid-header' and nothing sent for a
   * name that is not a token or that the stack writes, or a value with a line break).
   */
  call(target: string, options: CallRequest = {}): Promise<string> {
    return this.core.runConfigured((phone) => ((this.status.lastCallText = ''), phone.call(target, { ...options, video: options.video ?? this.video })));
  }

  /** Answers an incoming call (the newest by default), with SIP `headers` on the 200 OK. */
  answer(callId?: string, options: CallRequest = {}): Promise<void> {
    return this.core.run((phone) => phone.answer(callId, options));
  }

  /** Rejects an incoming call (603 Decline), with SIP `headers` on the response. */
  reject(callId?: string, options: { headers?: SipHeaders } = {}): Promise<void> {
    return this.core.run((phone) => phone.reject(callId, options));
  }

  /** Hangs up or cancels a call (the newest by default), with SIP `headers` on the BYE. */
  hangup(callId?: string, options: { headers?: SipHeaders } = {}): Promise<void> {
    return this.core.run((phone) => phone.hangup(callId, options));
  }

  /** Sends a ringing call to `target` (302 Moved Temporarily); our call ends 'redirected' ('not-ringing' once answered). */
  redirect(callId: string | undefined, target: string): Promise<void> {
    return this.core.run((phone) => phone.redirect(callId, target));
  }

  /** Stops a ringing call ringing here (sound, title, notification, screen) without answering; the caller rings on. */
  ignore(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.ignore(callId));
  }

  /** Puts a call on hold (the newest active call by default). */
  hold(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.hold(callId));
  }

  /** Resumes a held call. */
  unhold(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.unhold(callId));
  }

  /** Mutes the microphone ('audio', default) or the camera ('video') on a call. */
  mute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    return this.core.run((phone) => phone.mute(kind, callId));
  }

  unmute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    return this.core.run((phone) => phone.unmute(kind, callId));
  }

  /** Sends DTMF tones (0-9 * # A-D, ',' pauses) as set by the `dtmf` attribute. */
  sendDtmf(tones: string, callId?: string): Promise<void> {
    return this.core.run((phone) => phone.sendDtmf(tones, callId));
  }

  /** Blind transfer: the other side is asked to call `target` (SIP `headers` on the REFER); our call then ends 'transferred'. */
  transfer(target: string, callId?: string, options: { headers?: SipHeaders } = {}): Promise<void> {
    return this.core.run((phone) => phone.transfer(target, callId, options));
  }

  /** Attended transfer: connects the other party of `callId` with the other party of `otherCallId`. */
  attendedTransfer(callId: string, otherCallId: string): Promise<void> {
    return this.core.run((phone) => phone.attendedTransfer(callId, otherCallId));
  }

  /** Sends the screen instead of the camera on a video call. */
  shareScreen(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.media.shareScreen(callId));
  }

  /** Goes back to the camera. */
  stopScreenShare(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.media.stopScreenShare(callId));
  }

  /**
   * Records a call (the newest connected one by default): our microphone and the other side mixed
   * into one track, in the type the browser records (e.g. `audio/webm;codecs=opus`). Fires
   * `sip-recording` ('started'). Telling the other party is the page's duty where the law requires
   * it. Rejects with 'not-in-call' (no call in progress) or 'no-such-call' (an unknown id).
   */
  startRecording(callId?: string): Promise<void> {
    return this.recorder.start(callId);
  }

  /** Stops recording (the newest recorded call by default); resolves to the recording (`sip-recording` 'stopped' carries it too). */
  stopRecording(callId?: string): Promise<Blob> {
    return this.recorder.stop(callId);
  }

  /**
   * Merges two connected calls into a local conference (held ones resume): each party hears us
   * and the other, mixed in this browser, so it works with any peer. mute() then mutes us in both;
   * when one ends, the other goes on as an ordinary call. `CallInfo.conference` lists the merged ids.
   */
  merge(callIdA: string, callIdB: string): Promise<void> {
    return this.conference.merge(callIdA, callIdB);
  }

  /** Microphones, cameras and speakers (labels appear once the page may use media). */
  get devices(): DeviceList {
    return this.deviceList.list;
  }

  /** The devices in use: chosen ones, remembered in localStorage. */
  get selectedDevices(): DeviceChoice {
    return { ...this.deviceList.choice };
  }

  /**
   * The microphone and camera calls ask for (`audioInput`, `videoInput` of `selectedDevices`;
   * undefined: the browser's default). Listed in the manifest since the busy lamps, now real.
   */
  get devicePreferences(): DevicePreferences {
    return this.deviceList.inputs;
  }

  /**
   * Chooses microphone, camera, speaker and/or ringer (the output of the ringtone; default: the
   * speaker); a call in progress switches at once. Remembered in localStorage.
   */
  selectDevices(choice: DeviceChoice): Promise<void> {
    return this.deviceList.select(choice, this.core.phone);
  }

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
    return this.setupCheck.preflight(options);
  }

  /** Tries to reconnect at once while the phone waits to reconnect. */
  reconnect(): void {
    this.core.phone?.reconnectNow();
  }

  /** Puts the cursor in the contact field (or on the first control, while a call rings in). */
  override focus(options?: FocusOptions): void {
    const field = this.renderRoot.querySelector<HTMLInputElement>('[part~="target"]');
    if (field) field.focus(options);
    else super.focus(options);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.core.phone?.stop();
  }

  /** The element's `lang`, or the nearest above it, or the document's. */
  private get language(): string {
    return this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang;
  }

  /** A language other than English loads its table (a chunk) before the update that shows it. */
  protected override async scheduleUpdate(): Promise<void> {
    await loadLanguage(this.language);
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.settings.restoreOnce();
    this.t = stringsFor(this.language, this.strings);
    if (changed.has('watch')) this.lamps.watch((this.watch ?? '').split(/\s+/).filter(Boolean));
    if (changed.has('availability') || changed.has('dnd')) this.core.setAvailability(this.dnd ? 'dnd' : this.availability);
    this.rings.ringtoneUrl = this.ringtone;
    this.rings.silent = this.autoAnswer;
    this.rings.outputs = { ringer: this.deviceList.choice.ringer, speaker: this.deviceList.choice.audioOutput };
    this.core.willUpdate(changed);
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.core.updated(changed);
  }

  override render() {
    const t = this.t;
    return html`
      <div class="stack">
        ${statusView(t, this, this.core, this.status)}
        <div class="panes">
          ${settingsView(t, this, this.settings, this.setupCheck, this.alerts)}
          ${callView(t, this, this.core, this.dialler, this.rings, callExtrasView(t, this, this.core, this.recorder))}
          ${extrasView(t, this, this.deviceList, this.inbox, this.callHistory)}
        </div>
      </div>
    `;
  }
}
