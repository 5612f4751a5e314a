import { LitElement, html, type PropertyValues } from 'lit';
import type { PhoneError } from './core/kernel/errors.js';
import type { ConnectionState, RegistrationState } from './core/phone.js';
import type { CallInfo } from './core/calls/call.js';
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
import { RecordingController } from './controllers/recording-controller.js';
import { ConferenceController } from './controllers/conference-controller.js';
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
 * @fires {CustomEvent<SipCallUpdatedDetail>} sip-call-updated - A call's `held`, `remoteHeld`, `muted`, `video`, `transfer` or `mediaConnected` (`media`) changed (`change`).
 * @fires {CustomEvent<SipDtmfDetail>} sip-dtmf - A DTMF tone was sent or received (`direction`).
 * @fires {CustomEvent<SipCallStatsDetail>} sip-call-stats - Every 2 s during a call: rttMs, jitterMs, packetsLost, audioKbps, videoKbps.
 * @fires {CustomEvent<SipCallQualityDetail>} sip-call-quality - A call crossed a quality threshold (`active: true`) or recovered (`active: false`): `warning` is 'high-rtt', 'high-jitter', 'packet-loss', 'no-inbound-audio' or 'microphone-silent'.
 * @fires {CustomEvent<SipPresenceDetail>} sip-presence - A watched colleague's lamp changed: `uri` (the entry of `watch`) and `state` ('idle', 'ringing', 'busy', 'offline' or 'unknown').
 * @fires {CustomEvent<SipVoicemailDetail>} sip-voicemail - Our message summary changed (RFC 3842): `voicemail` is { waiting, newMessages, oldMessages }.
 * @fires {CustomEvent<SipErrorDetail>} sip-error - A configuration or usage error (`code`, `message`).
 * @fires {CustomEvent<SipMessageDetail>} sip-message - A text message arrived (`message`: a MessageInfo, already in `messages`).
 * @fires {CustomEvent<SipRecordingDetail>} sip-recording - A call's recording `state` is 'started' or 'stopped' (then with the recording as `blob`; also when the call ends while recorded).
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
 * @csspart recording - "Recording", with a red dot, while the call is recorded (startRecording()).
 * @csspart conference - In a local conference (merge()): the other merged parties, beside the call's own.
 * @csspart conference-party - One other party of the conference: their video (or nothing to see on an audio call) and name.
 * @csspart conference-video - The video of another party of the conference (it also plays their sound).
 * @csspart merge-button - "Merge calls": shown while two connected calls are not merged; merges the two newest.
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
   * 'ringing' (a call to them rings), 'busy' (in a call, or calling), 'offline' (not registered) or
   * 'unknown' (not yet known, or we are not registered).
   */
  get presence(): Record<string, LampState> {
    return this.lamps.states;
  }

  /** What our message summary says: { waiting, newMessages, oldMessages } (nothing waiting until the server says otherwise). */
  get voicemail(): VoicemailStatus {
    return { ...this.core.voicemail };
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
  sendMessage(target: string, text: string): Promise<MessageInfo> {
    return this.inbox.send(target, text);
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

  /** Calls `target` (a SIP URI, or a user/number in our domain); resolves to the call id. */
  call(target: string, options: { video?: boolean } = {}): Promise<string> {
    return this.core.runConfigured((phone) => ((this.status.lastCallText = ''), phone.call(target, { video: options.video ?? this.video })));
  }

  /** Answers an incoming call (the newest by default). */
  answer(callId?: string, options: { video?: boolean } = {}): Promise<void> {
    return this.core.run((phone) => phone.answer(callId, options));
  }

  /** Rejects an incoming call (603 Decline). */
  reject(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.reject(callId));
  }

  /** Hangs up or cancels a call (the newest by default). */
  hangup(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.hangup(callId));
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

  /** Blind transfer: the other side is asked to call `target`; our call then ends 'transferred'. */
  transfer(target: string, callId?: string): Promise<void> {
    return this.core.run((phone) => phone.transfer(target, callId));
  }

  /** Attended transfer: connects the other party of `callId` with the other party of `otherCallId`. */
  attendedTransfer(callId: string, otherCallId: string): Promise<void> {
    return this.core.run((phone) => phone.attendedTransfer(callId, otherCallId));
  }

  /** Sends the screen instead of the camera on a video call. */
  shareScreen(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.shareScreen(callId));
  }

  /** Goes back to the camera. */
  stopScreenShare(callId?: string): Promise<void> {
    return this.core.run((phone) => phone.stopScreenShare(callId));
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
