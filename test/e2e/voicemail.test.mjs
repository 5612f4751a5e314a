// The voicemail waiting indicator (RFC 3842) against the repo's Kamailio, whose presence server
// takes message-summary SUBSCRIBEs and PUBLISHes: a voicemail system (sipp on Kamailio's UDP
// side) publishes a user's message summary and the user's <sip-phone> shows it; an unsolicited
// NOTIFY does the same; "Call voicemail" calls the voicemail-uri.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './support/harness.mjs';
import { sippFinished, sippSuite, startLines } from './support/sipp.mjs';

const env = sippSuite('voicemail');

/** The badge as the user sees it: its text and its accessible name (null when not shown). */
const badge = (phone) =>
  phone.page.evaluate(() => {
    const element = window.phone().shadowRoot.querySelector('[part~="voicemail-badge"]');
    return element && { text: element.textContent.trim(), label: element.getAttribute('aria-label'), role: element.getAttribute('role') };
  });
const voicemailButton = (phone) => phone.page.evaluate(() => window.phone().shadowRoot.querySelector('[part~="voicemail-button"]')?.textContent.trim() ?? null);

describe('voicemail waiting indicator', () => {
  test(
    'a voicemail system publishes 2 new and 1 old messages for alice: her phone shows them; then "no messages waiting" clears the badge',
    { timeout: 40000 },
    async () => {
      const phone = await env.registered('alice');
      try {
        assert.deepEqual(await phone.prop('voicemail'), { waiting: false, newMessages: 0, oldMessages: 0 });
        assert.equal(await badge(phone), null, 'no badge before anything waits');
        assert.equal(await voicemailButton(phone), null, 'no "Call voicemail" without voicemail-uri');
        const sipp = await env.startSipp('uac-publish-voicemail.xml', 'publish');
        try {
          const waiting = await phone.waitFor('sip-voicemail', { 'voicemail.waiting': true }, 10000);
          assert.deepEqual(waiting.detail.voicemail, { waiting: true, newMessages: 2, oldMessages: 1 });
          assert.deepEqual(await phone.prop('voicemail'), { waiting: true, newMessages: 2, oldMessages: 1 });
          assert.deepEqual(await until(() => badge(phone), { message: 'the badge' }), { text: '2', label: '2 new voicemail messages', role: 'img' });

          const cleared = await phone.waitFor('sip-voicemail', { 'voicemail.waiting': false }, 10000);
          assert.deepEqual(cleared.detail.voicemail, { waiting: false, newMessages: 0, oldMessages: 3 });
          await until(async () => (await badge(phone)) === null, { message: 'the badge gone' });
          assert.equal((await phone.events('sip-voicemail')).length, 2, 'one event per change');
          const { messages } = await sippFinished(sipp);
          assert.deepEqual(startLines(messages, 'received'), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK'], 'both PUBLISHes accepted');
        } finally {
          sipp.stop();
        }
        // Unregistering ends the subscription and forgets the summary.
        await phone.call('unregister');
        assert.deepEqual(await phone.prop('voicemail'), { waiting: false, newMessages: 0, oldMessages: 0 });
      } finally {
        await phone.close();
      }
    },
  );

  test("an unsolicited NOTIFY of the message summary, outside any subscription, is answered 200 and updates bob's badge", { timeout: 40000 }, async () => {
    const phone = await env.registered('bob');
    try {
      const sipp = await env.startSipp('uac-notify-voicemail.xml', 'unsolicited-notify');
      try {
        const event = await phone.waitFor('sip-voicemail', { 'voicemail.waiting': true }, 10000);
        assert.deepEqual(event.detail.voicemail, { waiting: true, newMessages: 7, oldMessages: 0 });
        assert.deepEqual(await until(() => badge(phone), { message: 'the badge' }), { text: '7', label: '7 new voicemail messages', role: 'img' });
        const { messages } = await sippFinished(sipp);
        assert.deepEqual(startLines(messages, 'received'), ['SIP/2.0 200 OK']);
      } finally {
        sipp.stop();
      }
    } finally {
      await phone.close();
    }
  });

  test('after Kamailio restarts, the phone reconnects, registers and subscribes again: a new PUBLISH reaches it', { timeout: 60000 }, async () => {
    const phone = await env.registered('alice');
    try {
      await env.kamailio.restart();
      await until(async () => (await phone.events('sip-registered')).length === 2, { timeout: 20000, message: 'registered again' });
      const sipp = await env.startSipp('uac-publish-voicemail.xml', 'publish-after-restart');
      try {
        const waiting = await phone.waitFor('sip-voicemail', { 'voicemail.waiting': true }, 10000);
        assert.deepEqual(waiting.detail.voicemail, { waiting: true, newMessages: 2, oldMessages: 1 });
        await sippFinished(sipp);
      } finally {
        sipp.stop();
      }
    } finally {
      await phone.close();
    }
  });

  test('"Call voicemail" calls the voicemail-uri (erin answers as the voicemail system)', { timeout: 40000 }, async () => {
    const voicemail = await env.registered('erin', { 'auto-answer': true });
    const phone = await env.registered('alice', { 'voicemail-uri': 'erin' });
    try {
      assert.equal(await voicemailButton(phone), 'Call voicemail');
      await phone.page.locator('sip-phone').locator('[part~="voicemail-button"]').click();
      const active = await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 15000);
      assert.equal(active.detail.call.remoteUri, 'sip:erin@sip-phone.test');
      await voicemail.waitFor('sip-call-state', { 'call.state': 'active', 'call.remoteUri': 'sip:alice@sip-phone.test' });
      await phone.call('hangup');
      await phone.waitFor('sip-call-ended');
    } finally {
      await phone.close();
      await voicemail.close();
    }
  });
});
