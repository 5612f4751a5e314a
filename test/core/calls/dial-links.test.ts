import { expect } from '@esm-bundle/chai';
import { targetFromLink } from '../../../src/core/calls/dial-links.js';
import { formatDuration } from '../../../src/parts/call-timer.js';
import { initials } from '../../../src/parts/caller-card.js';

describe('what a link calls (handle-links)', () => {
  it('takes sip: and sips: URIs as they are, without escapes', () => {
    expect(targetFromLink('sip:bob@example.com')).to.equal('sip:bob@example.com');
    expect(targetFromLink('SIPS:bob@example.com;transport=tls')).to.equal('sips:bob@example.com;transport=tls');
    expect(targetFromLink('sip:J%C3%BCrgen@example.com')).to.equal('sip:Jürgen@example.com');
  });

  it('takes a tel: number without its visual separators and parameters', () => {
    expect(targetFromLink('tel:+1 (555) 010-0199')).to.equal('+15550100199');
    expect(targetFromLink('tel:+49.30.1234;ext=7')).to.equal('+49301234');
    expect(targetFromLink('tel:*21#')).to.equal('*21#');
  });

  it('leaves other links and broken ones alone', () => {
    for (const href of ['https://example.com', 'mailto:bob@example.com', 'tel:', 'tel:call-me', 'sip:', 'sip:%E0%A4%A', 'javascript:alert(1)']) {
      expect(targetFromLink(href), href).to.equal(null);
    }
  });
});

describe('call screen text', () => {
  it('shows durations as m:ss, then h:mm:ss', () => {
    expect(formatDuration(0)).to.equal('0:00');
    expect(formatDuration(65_400)).to.equal('1:05');
    expect(formatDuration(3_600_000 + 61_000)).to.equal('1:01:01');
    expect(formatDuration(-5)).to.equal('0:00');
  });

  it('makes up to two initials from letters; none for a number', () => {
    expect(initials('Alice Liddell')).to.equal('AL');
    expect(initials('bob')).to.equal('B');
    expect(initials('jürgen.müller')).to.equal('JM');
    expect(initials('Ana María de la Cruz')).to.equal('AM');
    expect(initials('+4930123')).to.equal('');
  });
});
