// The attended transfer as a user does it, for firefox.test.mjs and races-transfer.test.mjs:
// alice talks to bob, calls carol (which holds bob: a re-INVITE), then connects bob and carol
// (REFER with Replaces to bob, who calls carol with Replaces; carol's new call replaces alice's).
import assert from 'node:assert/strict';
import { bothWays, until } from './harness.mjs';

/** What a phone saw, event by event, for a failure message. */
async function seen(phone) {
  return (await phone.events())
    .map((x) => `${x.type}:${x.detail.call?.remoteUri ?? ''}:${x.detail.call?.state ?? x.detail.cause ?? x.detail.change ?? ''}`)
    .join(' ');
}

/**
 * Runs the attended transfer between three registered phones (bob and carol auto-answer) and
 * asserts what each user sees: alice's two calls end 'transferred', bob and carol hear each
 * other, and bob's hang-up ends carol's call 'bye'. A timeout says what every phone saw.
 */
export async function attendedTransfer(alice, bob, carol) {
  const explain = async (error) => {
    throw new Error(
      `${error.message}\nalice: ${await seen(alice)}\nbob: ${await seen(bob)}\ncarol: ${await seen(carol)}\nbob console: ${bob.consoleLines.slice(-10).join(' | ')}\ncarol console: ${carol.consoleLines.slice(-10).join(' | ')}`,
    );
  };
  try {
    const toBob = (await alice.call('call', 'bob', { video: false })).value;
    await until(async () => (await alice.prop('calls')).find((c) => c.id === toBob)?.state === 'active', { message: 'alice-bob active' });
    const toCarol = (await alice.call('call', 'carol', { video: false })).value;
    await until(async () => (await alice.prop('calls')).find((c) => c.id === toCarol)?.state === 'active', { message: 'alice-carol active' });
    assert.deepEqual(await alice.call('attendedTransfer', toBob, toCarol), {});
    await until(async () => (await alice.events('sip-call-ended')).length === 2, { timeout: 15000, message: "alice's two calls ended" });
    assert.deepEqual(
      (await alice.events('sip-call-ended')).map((e) => e.detail.cause),
      ['transferred', 'transferred'],
    );
    await until(
      async () =>
        (await bob.prop('activeCall'))?.remoteUri === 'sip:carol@sip-phone.test' && (await carol.prop('activeCall'))?.remoteUri === 'sip:bob@sip-phone.test',
      { message: 'bob and carol connected' },
    );
    await bothWays([bob, carol], { video: false }, 'between bob and carol');
    await bob.call('hangup');
    await carol.waitFor('sip-call-ended', { cause: 'bye', 'call.remoteUri': 'sip:bob@sip-phone.test' });
  } catch (error) {
    await explain(error);
  }
}
