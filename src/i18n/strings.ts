import type { CallState } from '../core/calls/call-state.js';
import type { PhoneErrorCode } from '../core/kernel/errors.js';
import type { QualityWarning } from '../core/calls/call-quality-monitor.js';
import type { PreflightCheckName, PreflightStatus } from '../core/setup-check/preflight.js';
import type { LampState } from '../core/presence/busy-lamps.js';

/**
 * Every user-facing string of the element, in one table. A page may override any of them with the
 * `strings` property; the language follows the element's `lang` (or the nearest `lang` above it).
 */
export interface Strings {
  registration: { unregistered: string; registering: string; registered: string; failed: string };
  connection: { disconnected: string; connecting: string; connected: string };
  registeredAs: string;
  calling: (who: string) => string;
  ringing: (who: string) => string;
  incomingCall: (who: string) => string;
  inCall: (who: string) => string;
  onHold: string;
  heldByOther: string;
  muted: string;
  /** Appended to the call's status while its media path is being recovered. */
  reconnectingCall: string;
  transfer: (state: string) => string;
  callEnded: (who: string, cause: string) => string;
  incomingLabel: (video: boolean) => string;
  answer: string;
  reject: string;
  /** Silences a ringing call here without answering it (ignore()). */
  ignore: string;
  /** Shown in the status line while `dnd` is on. */
  doNotDisturb: string;
  contactToCall: string;
  targetPlaceholder: string;
  video: string;
  call: string;
  bye: string;
  hold: string;
  resume: string;
  mute: string;
  unmute: string;
  transferButton: string;
  transferTitle: string;
  shareScreen: string;
  stopSharing: string;
  dialPad: string;
  remoteVideo: string;
  localVideo: string;
  pictureInPicture: string;
  fullScreen: string;
  /** Where a call stands, in words, under the caller's name. */
  callStates: Partial<Record<CallState, string>>;
  /** Over the video (or the caller card) while we hold the call. */
  onHoldLabel: string;
  /** Over the video while the other side holds the call. */
  heldByOtherLabel: string;
  /** The recording indicator while the call is recorded (startRecording()). */
  recordingLabel: string;
  /** The accessible name of a local conference's parties (merge()): everyone in it, by name. */
  conferenceWith: (names: string[]) => string;
  /** Merges the two calls into a local conference. */
  mergeCalls: string;
  startCamera: string;
  stopCamera: string;
  microphoneLevel: string;
  /** On an incoming call whose ringtone the browser's autoplay policy blocked. */
  turnOnSound: string;
  /** The output device for the ringtone, in the device choices. */
  ringer: string;
  settings: string;
  displayName: string;
  domain: string;
  userName: string;
  password: string;
  advanced: string;
  serverUrl: string;
  iceServers: string;
  register: string;
  unregister: string;
  exportSettings: string;
  importSettings: string;
  settingsImported: (fileName: string) => string;
  importFailed: (fileName: string) => string;
  enableNotifications: string;
  /** Alternates with the page's title while a call rings in and the tab is hidden. */
  titleIncomingCall: string;
  /** The text under "Incoming call from …" in a desktop notification. */
  notificationBody: string;
  devices: string;
  microphone: string;
  camera: string;
  speaker: string;
  recentCalls: (count: number) => string;
  callBack: (who: string) => string;
  clearHistory: string;
  incomingDirection: string;
  outgoingDirection: string;
  offline: string;
  offlineCauses: Record<string, string>;
  retryingIn: (seconds: number) => string;
  reconnecting: string;
  reconnectNow: string;
  /** Shown in the call screen while a `call-quality` warning is in force. */
  qualityWarnings: Record<QualityWarning, string>;
  errors: Record<PhoneErrorCode, string>;
  /** The voicemail badge's accessible name (`count`: new voice messages, 0 when the server gave none). */
  voicemailWaiting: (count: number) => string;
  callVoicemail: string;
  /** The busy lamps' list of colleagues (its accessible name). */
  colleagues: string;
  /** A lamp in words. */
  lamps: Record<LampState, string>;
  /** A colleague's button: `state` is their lamp in words. */
  callColleague: (who: string, state: string) => string;
  /** The button in the settings that runs the setup check. */
  checkSetup: string;
  setupCheck: {
    /** The accessible name of the list of results. */
    results: string;
    running: string;
    allGood: string;
    problems: string;
    /** A line whose check still runs. */
    checking: string;
    /** The accessible name of the microphone's level meter. */
    microphoneLevel: string;
    status: Record<PreflightStatus, string>;
    names: Record<PreflightCheckName, string>;
  };
  // The verdicts of the setup check are in setup-check-strings.ts: loaded with the check.
  /** The button that opens the conversations; its badge counts unread messages. */
  messagesButton: string;
  /** The badge's accessible name. */
  unreadMessages: (count: number) => string;
  /** The conversations view (loaded when first opened). */
  conversations: {
    /** The accessible name of the list of threads. */
    threads: string;
    /** The address field of the composer. */
    to: string;
    toPlaceholder: string;
    /** The text field of the composer. */
    message: string;
    send: string;
    /** Calls the contact of the open thread. */
    call: (who: string) => string;
    /** No thread yet. */
    empty: string;
    /** Under an outgoing message: where it stands. */
    status: { sending: string; sent: string; stored: string; failed: (statusCode?: number) => string };
    /** The sender of our own messages. */
    you: string;
  };
}

export const en: Strings = {
  registration: { unregistered: 'Not registered', registering: 'Registering…', registered: 'Registered', failed: 'Registration failed' },
  connection: { disconnected: 'disconnected', connecting: 'connecting', connected: 'connected' },
  registeredAs: 'as',
  calling: (who) => `Calling ${who}…`,
  ringing: (who) => `Ringing ${who}…`,
  incomingCall: (who) => `Incoming call from ${who}`,
  inCall: (who) => `In call with ${who}`,
  onHold: ' (on hold)',
  heldByOther: ' (held by the other side)',
  muted: ', muted',
  reconnectingCall: ' · Reconnecting…',
  transfer: (state) => ` — transfer ${state}`,
  callEnded: (who, cause) => `Call with ${who} ended: ${cause}.`,
  incomingLabel: (video) => `Incoming ${video ? 'video ' : ''}call from`,
  answer: 'Answer',
  reject: 'Reject',
  ignore: 'Ignore',
  doNotDisturb: 'Do not disturb',
  contactToCall: 'Contact to call',
  targetPlaceholder: 'bob or sip:bob@example.com',
  video: 'Video',
  call: 'Call',
  bye: 'Bye',
  hold: 'Hold',
  resume: 'Resume',
  mute: 'Mute',
  unmute: 'Unmute',
  transferButton: 'Transfer',
  transferTitle: 'Transfer to the contact above',
  shareScreen: 'Share screen',
  stopSharing: 'Stop sharing',
  dialPad: 'Dial pad',
  remoteVideo: 'Remote video',
  localVideo: 'Your camera',
  pictureInPicture: 'Picture in picture',
  fullScreen: 'Full screen',
  callStates: { calling: 'Calling…', ringing: 'Ringing…', active: 'Connected' },
  onHoldLabel: 'On hold',
  heldByOtherLabel: 'Held by the other side',
  recordingLabel: 'Recording',
  conferenceWith: (names) => `Conference with ${new Intl.ListFormat('en').format(names)}`,
  mergeCalls: 'Merge calls',
  startCamera: 'Start camera',
  stopCamera: 'Stop camera',
  microphoneLevel: 'Microphone level',
  turnOnSound: 'Click to turn on sound',
  ringer: 'Ringer',
  settings: 'Settings',
  displayName: 'Display name',
  domain: 'Domain',
  userName: 'User name',
  password: 'Password',
  advanced: 'Advanced',
  serverUrl: 'WebSocket server URL',
  iceServers: 'STUN/TURN servers (JSON)',
  register: 'Register',
  unregister: 'Unregister',
  exportSettings: 'Export settings',
  importSettings: 'Import settings',
  settingsImported: (fileName) => `Settings read from ${fileName}: check them, then press Register.`,
  importFailed: (fileName) => `${fileName} could not be used: it is not a settings file of this phone, or a value in it is not allowed.`,
  enableNotifications: 'Enable notifications',
  titleIncomingCall: '📞 Incoming call…',
  notificationBody: 'Click to go to the phone.',
  devices: 'Devices',
  microphone: 'Microphone',
  camera: 'Camera',
  speaker: 'Speaker',
  recentCalls: (count) => `Recent calls (${count})`,
  callBack: (who) => `Call ${who}`,
  clearHistory: 'Clear history',
  incomingDirection: 'incoming',
  outgoingDirection: 'outgoing',
  offline: 'Offline:',
  offlineCauses: {
    'keepalive-timeout': 'the server stopped answering',
    'connect-timeout': 'the server did not answer',
    'server-closed': 'the server closed the connection',
    'connection-closed': 'the connection closed',
  },
  retryingIn: (seconds) => `Retrying in ${seconds} s.`,
  reconnecting: 'Reconnecting…',
  reconnectNow: 'Reconnect now',
  qualityWarnings: {
    'microphone-silent': 'You may be muted by your system: no sound from your microphone.',
    'no-inbound-audio': 'No sound from the other side.',
    'packet-loss': 'Poor connection: sound is getting lost.',
    'high-rtt': 'Poor connection: long delay.',
    'high-jitter': 'Poor connection: choppy sound.',
  },
  errors: {
    'invalid-server': 'The server must be a WebSocket URL starting with wss:// or ws://.',
    'invalid-uri': 'Your SIP address must look like sip:user@domain.',
    'invalid-target': 'That is not something we can call: give a user name, a number or sip:user@domain.',
    'invalid-ice-servers': 'The STUN/TURN servers must be a JSON array such as [{"urls":"stun:stun.example.com"}].',
    'invalid-option': 'That value is not allowed here.',
    'invalid-header': 'That SIP header cannot be sent.',
    'not-configured': 'Set the server and your SIP address in Settings.',
    'not-registered': 'Register before calling.',
    'no-such-call': 'There is no call to act on.',
    'not-in-call': 'There is no call in progress.',
    'invalid-call-state': 'The call cannot do that right now.',
    'not-ringing': 'The call is no longer ringing.',
    'change-refused': 'The other side refused the change; the call goes on as it was.',
    'media-denied': 'Access to the microphone or camera was denied.',
    'media-unavailable': 'No usable microphone or camera was found.',
    'connection-failed': 'Could not reach the SIP server.',
    'authentication-failed': 'Wrong user name or password: the server refused them.',
    'credentials-failed': 'Could not get the credentials for the server.',
    'registration-failed': 'The server refused the registration.',
    'message-failed': 'The message could not be delivered.',
    'message-too-long': 'The message is too long (at most 1300 bytes).',
    'webrtc-unsupported': 'This browser cannot make or take calls: it has no WebRTC.',
    'internal-error': 'Something went wrong.',
  },
  messagesButton: 'Messages',
  unreadMessages: (count) => `${count} unread`,
  conversations: {
    threads: 'Conversations',
    to: 'To',
    toPlaceholder: 'user name or sip:user@domain',
    message: 'Message',
    send: 'Send',
    call: (who) => `Call ${who}`,
    empty: 'No messages yet.',
    status: { sending: 'Sending…', sent: 'Sent', stored: 'Stored for delivery', failed: (code) => `Not delivered${code ? ` (${code})` : ''}` },
    you: 'You',
  },
  voicemailWaiting: (count) => (count ? `${count} new voicemail message${count === 1 ? '' : 's'}` : 'New voicemail messages'),
  callVoicemail: 'Call voicemail',
  colleagues: 'Colleagues',
  lamps: { idle: 'available', ringing: 'ringing', busy: 'on the phone', away: 'away', dnd: 'do not disturb', offline: 'offline', unknown: 'unknown' },
  callColleague: (who, state) => `Call ${who} (${state})`,
  checkSetup: 'Check my setup',
  setupCheck: {
    results: 'Setup check results',
    running: 'Checking your setup…',
    allGood: 'Your setup is ready for calls.',
    problems: 'Something needs attention: see the lines marked Failed.',
    checking: 'Checking…',
    microphoneLevel: 'Microphone level',
    status: { ok: 'OK', warning: 'Warning', failed: 'Failed', skipped: 'Skipped' },
    names: {
      'secure-context': 'Secure page',
      microphone: 'Microphone',
      camera: 'Camera',
      speaker: 'Speaker',
      server: 'SIP server',
      'ice-server': 'STUN/TURN server',
    },
  },
};

/** The languages that ship; all but English load on demand (a chunk each, see loadLanguage()). */
export const languageNames = ['en', 'de'];
const loaded: Record<string, Strings> = { en };
const loading: Record<string, Promise<void>> = {};
const loaders: Record<string, () => Promise<Strings>> = { de: async () => (await import('./de.js')).de };

const primary = (lang: string | null | undefined) => (lang ?? '').toLowerCase().split('-')[0];

/** The table for a BCP 47 language tag ('de-AT' → de), English when we have no such language (or not yet loaded). */
export function stringsFor(lang: string | null | undefined, overrides: Partial<Strings> = {}): Strings {
  return { ...(loaded[primary(lang)] ?? en), ...overrides };
}

/** Loads the table of `lang` if it ships and is not loaded yet: a promise to wait for, else null. */
export function loadLanguage(lang: string | null | undefined): Promise<void> | null {
  const name = primary(lang);
  if (loaded[name] || !loaders[name]) return null;
  return (loading[name] ??= loaders[name]().then(
    (table) => {
      loaded[name] = table;
    },
    () => {
      // The chunk did not load (offline): English, and another try at the next update.
      delete loading[name];
    },
  ));
}
