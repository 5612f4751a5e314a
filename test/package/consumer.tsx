// What an app that installed the packed tarball may write: type-checked by package.test.mjs
// (each @ts-expect-error line must be an error, or tsc fails on the unused directive).
import 'sip-phone';
import type { EndCause, SipCallEndedDetail, SipPhone } from 'sip-phone';
import { SipPhone as ReactSipPhone, type SipPhoneElement } from 'sip-phone/react';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T | void => undefined;

const phone = document.querySelector('sip-phone');
expectType<Equal<typeof phone, SipPhone | null>>();
const made = document.createElement('sip-phone');
expectType<Equal<typeof made, SipPhone>>();
void made;
phone?.addEventListener('sip-call-ended', (e) => {
  expectType<Equal<typeof e, CustomEvent<SipCallEndedDetail>>>();
  const cause: EndCause = e.detail.cause;
  console.log(cause, e.detail.durationMs);
});
// @ts-expect-error detail has no such field
phone?.addEventListener('sip-registered', (e) => e.detail.cause);
// @ts-expect-error autoRegister is a boolean
if (phone) phone.autoRegister = 'yes';

export const App = () => (
  <ReactSipPhone
    server="wss://sip.example.com"
    uri="sip:alice@example.com"
    password="secret"
    autoRegister
    autoAnswer
    ref={(el: SipPhoneElement | null) => {
      if (el) console.log(el.registrationState);
    }}
    onSipRegistered={(e) => console.log(e.detail.expires)}
    onSipCallEnded={(e) => {
      expectType<Equal<typeof e, CustomEvent<SipCallEndedDetail>>>();
      const cause: EndCause = e.detail.cause;
      console.log(cause);
    }}
  />
);
// @ts-expect-error onSipCallEnded gets a CustomEvent<SipCallEndedDetail>
export const Wrong = () => <ReactSipPhone onSipCallEnded={(e: CustomEvent<{ nope: string }>) => e.detail.nope} />;
// @ts-expect-error no such prop
export const Typo = () => <ReactSipPhone onSipCallEnd={() => {}} />;
