/**
 * sip-phone/react: `<SipPhone>` for React, made with @lit/react. Importing it defines `<sip-phone>`.
 * Props set the element's properties (so `password` never becomes an attribute); each `sip-*`
 * event has an `onSip…` prop typed with its detail, e.g. `onSipCallEnded={(e) => e.detail.cause}`.
 * `react` and `@lit/react` are peer dependencies: neither is in the bundle.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { SipPhone as SipPhoneElement } from './index.js';
import type { SipPhoneEventMap } from './events.js';

/** 'sip-call-ended' → 'SipCallEnded' */
type PascalCase<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${PascalCase<Tail>}` : Capitalize<Name>;

/** One `onSip…` prop for every event of the element, with the event's type. */
export type SipPhoneReactEvents = {
  [Name in keyof SipPhoneEventMap as `on${PascalCase<Name>}`]: EventName<SipPhoneEventMap[Name]>;
};

const event = <Name extends keyof SipPhoneEventMap>(name: Name) => name as EventName<SipPhoneEventMap[Name]>;

// Written out so each prop can be found by name; the type fails the build if one is missing or wrong.
const events: SipPhoneReactEvents = {
  onSipConnecting: event('sip-connecting'),
  onSipConnected: event('sip-connected'),
  onSipConnectionLost: event('sip-connection-lost'),
  onSipRegistered: event('sip-registered'),
  onSipUnregistered: event('sip-unregistered'),
  onSipRegistrationFailed: event('sip-registration-failed'),
  onSipIncomingCall: event('sip-incoming-call'),
  onSipCallState: event('sip-call-state'),
  onSipCallEnded: event('sip-call-ended'),
  onSipCallUpdated: event('sip-call-updated'),
  onSipDtmf: event('sip-dtmf'),
  onSipCallStats: event('sip-call-stats'),
  onSipCallQuality: event('sip-call-quality'),
  onSipCallReconnecting: event('sip-call-reconnecting'),
  onSipCallReconnected: event('sip-call-reconnected'),
  onSipVoicemail: event('sip-voicemail'),
  onSipError: event('sip-error'),
  onSipTrace: event('sip-trace'),
  onSipMessage: event('sip-message'),
  onSipPresence: event('sip-presence'),
  onSipRecording: event('sip-recording'),
};

/** `<sip-phone>` as a React component; a `ref` gives the element (`register()`, `call()`, …). */
export const SipPhone = createComponent({
  react: React,
  tagName: 'sip-phone',
  elementClass: SipPhoneElement,
  events,
  displayName: 'SipPhone',
});

export type { SipPhoneElement };
export type * from './events.js';
