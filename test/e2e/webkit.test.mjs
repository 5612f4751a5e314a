// <sip-phone> in a browser without WebRTC: Debian's WebKitGTK (MiniBrowser through WebKitWebDriver,
// on Xvfb), whose build has no RTCPeerConnection, against the repo's Kamailio, with a Chromium
// phone on the other side. Everything but calls must work there; calls are refused in words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openRegisteredPhone, until, users } from './support/harness.mjs';
import { launchWebKit, openWebKitPhone } from './support/webkit.mjs';

const env = e2eSuite('webkit');
let webkit;
before(async () => {
  webkit = await launchWebKit();
});
after(async () => {
  await webkit?.close();
});

describe('a browser without WebRTC (WebKitGTK)', () => {
  test(
    'bob in WebKit registers, exchanges messages with alice in Chromium and sees her lamp; his call() is refused webrtc-unsupported, and her call to him gets 488 and shows as missed in his history',
    { timeout: 90000 },
    async () => {
      const alice = await openRegisteredPhone(env.browser, env.web.url, { user: 'alice', server: env.kamailio.wsUrl });
      try {
        const bob = await openWebKitPhone(webkit, env.web.url, {
          user: 'bob',
          password: users.bob,
          server: env.kamailio.wsUrl,
          attributes: { 'auto-register': true, watch: 'alice' },
        });
        // What this test is about: the browser really has no WebRTC.
        assert.deepEqual(
          await bob.evaluate(() => [
            typeof RTCPeerConnection,
            typeof webkitRTCPeerConnection,
            /AppleWebKit/.test(navigator.userAgent) && !/Chrome/.test(navigator.userAgent),
          ]),
          ['undefined', 'undefined', true],
        );
        await bob.waitFor('sip-registered', { uri: 'sip:bob@sip-phone.test' });

        // Messages both ways.
        const sent = await bob.call('sendMessage', 'alice', 'Hallo aus WebKit');
        assert.equal(sent.value?.status, 'sent', JSON.stringify(sent));
        const atAlice = await alice.waitFor('sip-message');
        assert.equal(atAlice.detail.message.text, 'Hallo aus WebKit');
        assert.equal(atAlice.detail.message.remoteUri, 'sip:bob@sip-phone.test');
        assert.equal((await alice.call('sendMessage', 'bob', 'Hello, WebKit')).value?.status, 'sent');
        const atBob = await bob.waitFor('sip-message');
        assert.equal(atBob.detail.message.text, 'Hello, WebKit');

        // alice's lamp, and what she publishes, in bob's contacts panel.
        await bob.waitFor('sip-presence', { uri: 'alice', state: 'idle' });
        await alice.page.evaluate(() => (window.phone().availability = 'away'));
        await bob.waitFor('sip-presence', { uri: 'alice', state: 'away' });
        const lamp = await until(
          () =>
            bob.evaluate(() => {
              const button = window.phone().shadowRoot.querySelector('sip-contacts')?.shadowRoot.querySelector('[part~="contact"]');
              return button && button.dataset.state === 'away' ? button.getAttribute('aria-label') : null;
            }),
          { message: "alice's lamp in bob's panel" },
        );
        assert.equal(lamp, 'Call alice (away)');

        // bob cannot call or answer: a PhoneError in words, and nothing reaches alice.
        const call = await bob.call('call', 'alice');
        assert.equal(call.error?.code, 'webrtc-unsupported', JSON.stringify(call));
        assert.match(call.error.message, /cannot make or take calls.*WebRTC/);
        assert.equal((await bob.call('answer')).error?.code, 'webrtc-unsupported');
        const statusLine = await bob.evaluate(() => window.phone().shadowRoot.querySelector('[part~="status"]')?.textContent ?? '');
        assert.match(statusLine, /cannot make or take calls/, statusLine);

        // alice calls bob: WebKit answers 488 Not Acceptable Here; bob has a missed call.
        const placed = await alice.call('call', 'bob');
        assert.ok(placed.value, JSON.stringify(placed));
        const ended = await alice.waitFor('sip-call-ended');
        assert.equal(ended.detail.statusCode, 488, JSON.stringify(ended.detail));
        const missed = await bob.waitFor('sip-call-ended', { cause: 'webrtc-unsupported' });
        assert.equal(missed.detail.call.remoteUri, 'sip:alice@sip-phone.test');
        assert.equal(missed.detail.statusCode, 488);
        assert.equal((await bob.events('sip-incoming-call')).length, 0, 'nothing rang');
        const [entry] = await bob.prop('history');
        assert.deepEqual(
          { remoteUri: entry.remoteUri, direction: entry.direction, durationMs: entry.durationMs, cause: entry.cause },
          { remoteUri: 'sip:alice@sip-phone.test', direction: 'incoming', durationMs: 0, cause: 'webrtc-unsupported' },
        );
        const shown = await bob.evaluate(() => window.phone().shadowRoot.querySelector('[part~="history"]')?.textContent.replace(/\s+/g, ' ') ?? '');
        assert.match(shown, /alice.*webrtc-unsupported/, shown);
        assert.deepEqual(await bob.evaluate(() => window.pageErrors), []);
      } finally {
        await alice.close();
      }
    },
  );
});
