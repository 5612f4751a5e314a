// Where Web Audio does not start, recording and the local conference say so instead of recording
// silence or merging calls into silence. Firefox ESR on this machine has no audio output device,
// and its AudioContext never starts (measured): alice there calls bob and carol (Chromium).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, launchFirefox, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('web-audio-unavailable');
let firefox;
before(async () => {
  firefox = await launchFirefox();
});
after(() => firefox?.close());

test('alice in Firefox without Web Audio: startRecording() and merge() reject with media-unavailable, and her calls go on as they were', async (t) => {
  const alice = await openRegisteredPhone(firefox, env.web.url, { user: 'alice', server: env.kamailio.wsUrl });
  const bob = await openRegisteredPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, attributes: { 'auto-answer': true } });
  const carol = await openRegisteredPhone(env.browser, env.web.url, { user: 'carol', server: env.kamailio.wsUrl, attributes: { 'auto-answer': true } });
  try {
    const running = await alice.page.evaluate(async () => {
      const context = new AudioContext();
      await Promise.race([context.resume(), new Promise((r) => setTimeout(r, 1500))]);
      return context.state === 'running';
    });
    if (running) return t.skip('Web Audio runs in this Firefox: nothing to test here');
    const calls = () => alice.prop('calls');
    const { value: withBob } = await alice.call('call', 'bob', { video: false });
    await until(async () => (await calls()).find((c) => c.id === withBob)?.state === 'active', { message: 'call with bob active' });
    assert.equal((await alice.call('startRecording')).error.code, 'media-unavailable');
    assert.equal(await alice.text('[part~="recording"]'), null);
    const { value: withCarol } = await alice.call('call', 'carol', { video: false });
    await until(async () => (await calls()).find((c) => c.id === withCarol)?.state === 'active', { message: 'call with carol active' });
    await until(async () => (await calls()).find((c) => c.id === withBob)?.held, { message: 'bob held by call waiting' });
    assert.equal((await alice.call('merge', withBob, withCarol)).error.code, 'media-unavailable');
    assert.deepEqual(
      (await calls()).map((c) => [c.id, c.held, c.conference]),
      [
        [withBob, true, null],
        [withCarol, false, null],
      ],
    );
    const error = await alice.waitFor('sip-error', { code: 'media-unavailable' });
    assert.match(error.detail.message, /Web Audio/);
  } finally {
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  }
});
