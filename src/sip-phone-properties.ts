import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { CredentialsFunction } from './core/connection/credentials.js';
import type { RegistrationScope } from './core/connection/instance-id.js';
import { DEFAULT_ICE_GATHERING_TIMEOUT } from './core/media/ice-policy.js';
import type { Strings } from './i18n/strings.js';
import type { Availability } from './core/presence/availability-value.js';

/**
 * The attributes and properties of `<sip-phone>`, with their defaults: what a page configures.
 * Also how attributes are taken: `lang` re-renders, a `password` attribute is taken and removed.
 * `SipPhone` (sip-phone.ts) extends it with the methods, the read-only state and the rendering;
 * the manifest lists these as the element's own (inherited from here), and so the parts, slots
 * and custom properties a page styles it with (see Theming in the README; the presets are in
 * sip-phone.styles.ts; which view or part renders each part: src/views/, src/parts/).
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
 * @csspart ignore-button - Ignore: silences a ringing call here without answering it (`ignore()`).
 * @csspart dnd - "Do not disturb" in the status line while `dnd` is on.
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
 * @csspart lamp - A colleague's lamp: the success colour idle, `--sip-phone-lamp-ringing` blinking while ringing, the danger colour busy, `--sip-phone-lamp-ringing` steady and half-filled away, the danger colour with a bar dnd, the muted colour offline, hollow unknown.
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
export class SipPhoneProperties extends LitElement {
  /**
   * WebSocket URL(s) of the SIP server, `wss://` or `ws://`. Several, separated by spaces: each tab
   * prefers one of them at random (kept for the tab, so a reload returns to it) and fails over
   * through the others; see `server-order`.
   */
  @property() server = '';
  /**
   * With several servers: 'random' (default) spreads the phones over them (each tab prefers one at
   * random); 'listed' prefers the first and fails over in the order given (primary and backup).
   * Applies from the next connection.
   */
  @property({ attribute: 'server-order' }) serverOrder: 'random' | 'listed' = 'random';
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
   * or ({ ha1 })`, HA1 being MD5(username:realm:password) in hex; with a `username` too (e.g.
   * ephemeral credentials `{ username: '<expiry>:<user>', password }` minted by the page's
   * backend) the digest is made with that user name. Called at every digest challenge
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
  /**
   * Intercom: a call whose INVITE asks to be answered automatically (`Call-Info: <…>;answer-after=N`,
   * `Alert-Info: <…>;info=alert-autoanswer` or `;info=intercom`, `Answer-Mode: Auto`) is answered
   * after N seconds (at once for the others), audio only. Without it such a call rings like any
   * other; `sip-incoming-call` says `autoAnswerRequested` either way.
   */
  @property({ type: Boolean }) intercom = false;
  /**
   * Do not disturb: incoming calls are refused 486 Busy Here, without ringing and without
   * `sip-incoming-call`; each ends with cause `dnd` (`sip-call-ended`, the history). Off: calls ring again at once.
   */
  @property({ type: Boolean, reflect: true }) dnd = false;
  /**
   * Audio codecs in order of preference, e.g. `"opus PCMU PCMA G722"`: applied to our offers and
   * answers; codecs not listed are not offered (telephone-event and comfort noise stay). An unknown
   * name is `invalid-option` (a `sip-error` when set, and calls are refused until it is fixed).
   */
  @property() codecs = '';
  /** While a call is in progress, closing or reloading the page asks first (`beforeunload`). */
  @property({ type: Boolean, attribute: 'confirm-close' }) confirmClose = false;
  /**
   * A reload of the page ends the call in progress. By default the call's dialog is kept in the
   * tab's sessionStorage and the reloaded page (same `uri`) takes the call back once registered
   * (an INVITE with Replaces, RFC 3891); see README "Staying online".
   */
  @property({ type: Boolean, attribute: 'no-call-resume' }) noCallResume = false;
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
   * Seconds a call whose media path went down while it was up (Wi-Fi roaming, a VPN reconnecting)
   * is kept and recovered with ICE restarts (`sip-call-reconnecting`, then `sip-call-reconnected`)
   * before it ends `media-timeout`. 0: it ends as soon as its path fails. Applies from the next call.
   */
  @property({ type: Number, attribute: 'call-recovery-timeout' }) callRecoveryTimeout = 30;
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
  /**
   * What colleagues' busy lamps show of us while we are in no call: 'available' (default), 'away',
   * 'busy' or 'dnd' ('dnd' also whenever the `dnd` attribute is set). Published to the presence
   * server while registered (PUBLISH, PIDF with RPID activities), withdrawn when we unregister.
   * Another value gives 'invalid-option' and the last valid one stays. See [Your availability](#your-availability).
   */
  @property() availability: Availability = 'available';
  /**
   * Report every SIP message the phone sends or receives as a `sip-trace` event ({ direction,
   * text, at }), the values of Authorization and Proxy-Authorization and any password or HA1 the
   * page gave replaced by '…'. Also defines `<sip-trace-view>` (a chunk loaded on first use),
   * which draws them as a ladder. Off, no event objects are made; the last 200 messages are kept
   * either way (`recentSipMessages`). See [Seeing the SIP](#seeing-the-sip).
   */
  @property({ type: Boolean }) trace = false;

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
}
