/**
 * A phone that will register fetches its SIP stack as soon as it is in the page, beside the first
 * render, not when register() runs (this page has not fetched the core before: see lazy-core.test.ts
 * for a phone that is not set up to register).
 */
import { expect } from '@esm-bundle/chai';
import { fixture, removeAll, until } from './fixture.js';

// (Room for every module the test page fetches: the default buffer holds 250.)
performance.setResourceTimingBufferSize(10000);

function coreFetched(): boolean {
  return performance.getEntriesByType('resource').some((entry) => /\/src\/core\/phone\.(ts|js)$/.test(new URL(entry.name).pathname));
}

afterEach(removeAll);

describe('<sip-phone auto-register> loads its SIP stack at once', () => {
  it('without a password yet (so nothing registers), the core is fetched when the element connects', async () => {
    expect(coreFetched(), 'not fetched before').to.be.false;
    const el = await fixture('<sip-phone auto-register server="ws://fake:1" uri="sip:alice@sip-phone.test"></sip-phone>');
    await until(coreFetched, 'the core to be fetched', 3000);
    expect(el.registrationState, 'waits for the password').to.equal('unregistered');
  });
});
