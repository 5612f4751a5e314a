/** The voicemail badge and "Call voicemail" of <sip-phone>, fed by a fake registrar's message-summary NOTIFYs. */
import { expect } from '@esm-bundle/chai';
import type { SipPhone } from '../../src/index.js';
import { FakeSipServer } from '../core/fake-sip-server.js';
import { accessibleName, fixture, nextEvent, part, until, useFakeRegistrar } from './fixture.js';

describe('<sip-phone> voicemail waiting indicator', () => {
  let server: FakeSipServer;
  useFakeRegistrar((fresh) => (server = fresh));

  async function registered(markup = '<sip-phone server="ws://fake:1" uri="sip:alice@sip-phone.test"></sip-phone>'): Promise<SipPhone> {
    const el = await fixture(markup);
    el.password = 'alice-pw';
    await el.register();
    return el;
  }

  it('shows no badge and no button while nothing waits and no voicemail-uri is set', async () => {
    const el = await registered();
    await until(() => server.subscriptions.length === 1, 'the subscription');
    expect(el.voicemail).to.deep.equal({ waiting: false, newMessages: 0, oldMessages: 0 });
    expect(part(el, 'voicemail-badge')).to.not.exist;
    expect(part(el, 'voicemail-button')).to.not.exist;
  });

  it('a NOTIFY with 3 new messages fires sip-voicemail and shows a badge named "3 new voicemail messages"', async () => {
    const el = await registered();
    await until(() => server.subscriptions.length === 1, 'the subscription');
    const event = nextEvent(el, 'sip-voicemail');
    server.notify('Messages-Waiting: yes\r\nVoice-Message: 3/2 (0/0)\r\n');
    expect((await event).detail).to.deep.equal({ voicemail: { waiting: true, newMessages: 3, oldMessages: 2 } });
    expect((await event).bubbles && (await event).composed).to.equal(true);
    await el.updateComplete;
    const badge = part(el, 'voicemail-badge')!;
    expect(badge.textContent!.trim()).to.equal('3');
    expect(accessibleName(badge)).to.equal('3 new voicemail messages');

    server.notify('Messages-Waiting: no\r\nVoice-Message: 0/5\r\n');
    await until(() => !el.voicemail.waiting, 'cleared');
    await el.updateComplete;
    expect(part(el, 'voicemail-badge')).to.not.exist;
  });

  it('speaks German with lang="de"', async () => {
    const el = await registered('<sip-phone lang="de" voicemail-uri="voicemail" server="ws://fake:1" uri="sip:alice@sip-phone.test"></sip-phone>');
    await until(() => server.subscriptions.length === 1, 'the subscription');
    server.notify('Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n');
    await until(() => el.voicemail.newMessages === 1, 'one message');
    await el.updateComplete;
    expect(accessibleName(part(el, 'voicemail-badge')!)).to.equal('1 neue Sprachnachricht');
    expect(part(el, 'voicemail-button')!.textContent!.trim()).to.equal('Mailbox anrufen');
  });

  it('"Call voicemail" (only with voicemail-uri) calls it, resolved in our domain', async () => {
    const el = await registered('<sip-phone voicemail-uri="voicemail" server="ws://fake:1" uri="sip:alice@sip-phone.test"></sip-phone>');
    server.inviteReply = 'ring';
    const button = part<HTMLButtonElement>(el, 'voicemail-button')!;
    expect(button.textContent!.trim()).to.equal('Call voicemail');
    button.click();
    await until(() => server.methods().includes('INVITE'), 'the INVITE');
    expect(server.requests.find((r) => r.startsWith('INVITE '))).to.match(/^INVITE sip:voicemail@sip-phone\.test SIP\/2\.0/);
    await el.hangup().catch(() => {});
  });
});
