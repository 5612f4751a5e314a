/**
 * Using the phone from the keyboard and hearing it through a screen reader: digits, Enter and
 * Escape while focus is inside the element; focus on Answer when a call rings in and back after;
 * call state changes in the polite live region, errors in an alert outside it.
 */
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { SipPhone } from '../../src/index.js';
import { FakeSipServer, fill, fixture, nextEvent, part, parts, until, useFakeRegistrar } from './fixture.js';

/** The focused element, looking into shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const key = (el: SipPhone, digit: string) => parts<HTMLButtonElement>(el, 'key').find((k) => k.textContent!.trim() === digit)!;
const liveRegion = (el: SipPhone) => part(el, 'status')!.querySelector('[role="status"]')!;
const liveText = (el: SipPhone) => liveRegion(el).textContent!.replace(/\s+/g, ' ').trim();

describe('<sip-phone> from the keyboard', () => {
  let server: FakeSipServer;
  useFakeRegistrar((fresh) => (server = fresh), { passwords: { alice: 'alice-pw' } });

  async function registeredPhone(markup?: string): Promise<SipPhone> {
    const el = await fixture(markup);
    const registered = nextEvent(el, 'sip-registered');
    fill(part(el, 'settings')!.querySelector('form')!, { domain: 'sip-phone.test', user: 'alice', password: 'alice-pw', server: 'ws://fake:1' });
    part<HTMLButtonElement>(el, 'register-button')!.click();
    await registered;
    await el.updateComplete;
    return el;
  }

  it('digits typed on a dial pad key go to the contact field, and Enter there calls', async () => {
    const el = await registeredPhone();
    key(el, '5').focus();
    await sendKeys({ type: '12' });
    await el.updateComplete;
    const field = part<HTMLInputElement>(el, 'target')!;
    expect(field.value).to.equal('12');
    expect(focused(), 'typing goes on in the contact field').to.equal(field);
    await sendKeys({ type: '3' });
    expect(field.value).to.equal('123');
    const ended = nextEvent(el, 'sip-call-ended', 5000);
    await sendKeys({ press: 'Enter' });
    const event = await ended;
    expect(event.detail.call.remoteUri).to.equal('sip:123@sip-phone.test');
  });

  it('digits typed into a settings field stay there', async () => {
    const el = await fixture();
    const user = part(el, 'settings')!.querySelector<HTMLInputElement>('input[name="user"]')!;
    user.focus();
    await sendKeys({ type: '42' });
    expect(user.value).to.equal('42');
    expect(part<HTMLInputElement>(el, 'target')!.value).to.equal('');
  });

  it('Enter on the Video checkbox calls the contact', async () => {
    const el = await registeredPhone();
    const field = part<HTMLInputElement>(el, 'target')!;
    field.focus();
    await sendKeys({ type: 'bob' });
    part(el, 'video-toggle')!.querySelector('input')!.focus();
    const ended = nextEvent(el, 'sip-call-ended', 5000);
    await sendKeys({ press: 'Enter' });
    expect((await ended).detail.call.remoteUri).to.equal('sip:bob@sip-phone.test');
  });

  it('a ringing call takes focus to Answer, which names the caller; Escape rejects and focus goes back', async () => {
    const el = await registeredPhone();
    const five = key(el, '5');
    five.focus();
    const incoming = nextEvent(el, 'sip-incoming-call');
    server.ringIn('sip:bob@sip-phone.test');
    await incoming;
    await el.updateComplete;
    const answer = part<HTMLButtonElement>(el, 'answer-button')!;
    expect(focused()).to.equal(answer);
    const description = el.shadowRoot!.getElementById(answer.getAttribute('aria-describedby')!)!;
    expect(description.textContent).to.include('sip:bob@sip-phone.test');
    expect(liveText(el)).to.include('Incoming call from sip:bob@sip-phone.test');

    const ended = nextEvent(el, 'sip-call-ended');
    await sendKeys({ press: 'Escape' });
    expect((await ended).detail.cause).to.equal('rejected');
    await el.updateComplete;
    expect(focused(), 'focus is back on the key it was on').to.equal(five);
  });

  it('with nothing focused before, focus goes to the contact field after the call', async () => {
    const el = await registeredPhone();
    (document.activeElement as HTMLElement | null)?.blur();
    const incoming = nextEvent(el, 'sip-incoming-call');
    server.ringIn();
    await incoming;
    await el.updateComplete;
    expect(focused()).to.equal(part(el, 'answer-button'));
    const ended = nextEvent(el, 'sip-call-ended');
    part<HTMLButtonElement>(el, 'reject-button')!.click();
    await ended;
    await el.updateComplete;
    expect(focused()).to.equal(part(el, 'target'));
  });

  it('a call ringing in does not take focus from a text field elsewhere on the page', async () => {
    const el = await registeredPhone();
    const notes = document.createElement('input');
    document.body.append(notes);
    try {
      notes.focus();
      const incoming = nextEvent(el, 'sip-incoming-call');
      server.ringIn();
      await incoming;
      await el.updateComplete;
      expect(focused()).to.equal(notes);
      await el.reject();
      await el.updateComplete;
      expect(focused()).to.equal(notes);
    } finally {
      notes.remove();
    }
  });

  it('call state changes are new text in the polite live region; errors are an alert outside it', async () => {
    const el = await registeredPhone();
    const region = liveRegion(el);
    expect(region.getAttribute('aria-live')).to.equal('polite');
    server.frozen = true;
    void el.call('bob').catch(() => {});
    await until(() => el.activeCall !== null, 'the call to start');
    await el.updateComplete;
    expect(liveText(el)).to.include('Calling sip:bob@sip-phone.test');
    server.frozen = false;
    const ended = nextEvent(el, 'sip-call-ended');
    await el.hangup();
    await ended;
    await el.updateComplete;
    expect(liveRegion(el), 'the same live region, not a new one').to.equal(region);
    expect(liveText(el)).to.include('Call with sip:bob@sip-phone.test ended: canceled');

    await el.transfer('carol').catch(() => {});
    await el.updateComplete;
    const alert = part(el, 'status')!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.include('There is no call to act on');
    expect(region.contains(alert), 'an alert inside the polite region would be read twice').to.be.false;
  });
});
