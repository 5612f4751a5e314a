import { expect } from '@esm-bundle/chai';
import { assertTransition, canTransition, type CallState } from '../../../src/core/calls/call-state.js';
import { causeFromJsSip } from '../../../src/core/kernel/causes.js';

describe('call state', () => {
  it('follows the outgoing and incoming paths and always allows ending', () => {
    const moves: [CallState, CallState][] = [
      ['calling', 'ringing'],
      ['ringing', 'active'],
      ['calling', 'active'],
      ['incoming', 'active'],
      ['active', 'ended'],
      ['calling', 'ended'],
      ['ringing', 'ended'],
      ['incoming', 'ended'],
    ];
    for (const [from, to] of moves) expect(canTransition(from, to), `${from}→${to}`).to.equal(true);
  });

  it('throws on an illegal move, so a stuck call is a bug a test can see', () => {
    expect(() => assertTransition('incoming', 'ringing')).to.throw(/incoming to ringing/);
    expect(() => assertTransition('ended', 'active')).to.throw();
    expect(() => assertTransition('active', 'calling')).to.throw();
  });

  it('maps JsSIP causes to kebab-case causes', () => {
    expect(causeFromJsSip('Busy')).to.equal('busy');
    expect(causeFromJsSip('Not Found')).to.equal('not-found');
    expect(causeFromJsSip('Terminated')).to.equal('bye');
    expect(causeFromJsSip('User Denied Media Access')).to.equal('media-denied');
    expect(causeFromJsSip('Something New')).to.equal('sip-failure');
  });
});
