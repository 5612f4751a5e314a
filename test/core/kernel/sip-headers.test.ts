import { expect } from '@esm-bundle/chai';
import { autoAnswerDelay, headerLines, receivedHeaders } from '../../../src/core/kernel/sip-headers.js';
import { orderCodecs, parseCodecs, reorderOffer } from '../../../src/core/media/codec-preferences.js';

describe('SIP headers from the page', () => {
  it('become header lines; nothing is nothing', () => {
    expect(headerLines({ 'X-Ticket': '4711', 'P-Customer-Id': 'c 42 ' })).to.deep.equal(['X-Ticket: 4711', 'P-Customer-Id: c 42']);
    expect(headerLines(undefined)).to.deep.equal([]);
  });

  it('refuses names that are not tokens, headers the stack writes, line breaks and NUL, and non-objects', () => {
    const bad = [
      { 'X Ticket': '1' },
      { 'X-Ticket:': '1' },
      { Via: 'SIP/2.0/WSS x' },
      { 'call-id': 'x' },
      { CSeq: '1 INVITE' },
      { 'Proxy-Authorization': 'Digest x' },
      { Contact: '<sip:x@y>' },
      { 'Max-Forwards': '1' },
      { 'X-Ticket': '1\r\nVia: x' },
      { 'X-Ticket': 'a\nb' },
      { 'X-Ticket': 'a\0b' },
      { 'X-Ticket': { nested: true } },
      ['X-Ticket: 1'],
      'X-Ticket: 1',
    ];
    for (const headers of bad) {
      expect(() => headerLines(headers), JSON.stringify(headers))
        .to.throw()
        .with.property('code', 'invalid-header');
    }
  });
});

describe('SIP headers that arrived', () => {
  const invite = [
    'INVITE sip:alice@x SIP/2.0',
    'Via: SIP/2.0/WSS a;branch=z9hG4bK1',
    'From: <sip:bob@x>;tag=1',
    'P-Asserted-Identity: "Bob" <sip:bob@x>',
    'Diversion: <sip:carol@x>;reason=unconditional',
    'diversion: <sip:dave@x>;reason=no-answer',
    'X-Long: one',
    '  two',
    'Proxy-Authorization: Digest secret',
    'Authorization: Digest secret',
    'Content-Length: 3',
    '',
    'a: b',
  ].join('\r\n');

  it('keeps names as written, joins repeated fields and folded lines, and never passes on credentials or the body', () => {
    const headers = receivedHeaders({ data: invite });
    expect(headers['P-Asserted-Identity']).to.equal('"Bob" <sip:bob@x>');
    expect(headers.Diversion).to.equal('<sip:carol@x>;reason=unconditional, <sip:dave@x>;reason=no-answer');
    expect(headers['X-Long']).to.equal('one two');
    expect(Object.keys(headers).map((k) => k.toLowerCase())).to.not.include.members(['authorization', 'proxy-authorization', 'a']);
  });

  it('reads an intercom request from Call-Info, Alert-Info or Answer-Mode', () => {
    expect(autoAnswerDelay({ 'Call-Info': '<sip:x>;answer-after=3' })).to.equal(3);
    expect(autoAnswerDelay({ 'call-info': '<http://x/a.png>;purpose=icon' })).to.equal(null);
    expect(autoAnswerDelay({ 'Alert-Info': '<http://x>;info=alert-autoanswer' })).to.equal(0);
    expect(autoAnswerDelay({ 'Alert-Info': '<urn:x>;info=intercom' })).to.equal(0);
    expect(autoAnswerDelay({ 'Alert-Info': '<http://x/ring.wav>' })).to.equal(null);
    expect(autoAnswerDelay({ 'Answer-Mode': 'Auto;require' })).to.equal(0);
    expect(autoAnswerDelay({ 'Answer-Mode': 'Manual' })).to.equal(null);
  });
});

describe('Codec preferences', () => {
  const codec = (mimeType: string, clockRate = 48000) => ({ mimeType, clockRate });
  const capabilities = [
    codec('audio/opus'),
    codec('audio/red'),
    codec('audio/G722', 8000),
    codec('audio/PCMU', 8000),
    codec('audio/PCMA', 8000),
    codec('audio/CN', 8000),
    codec('audio/telephone-event', 8000),
    codec('audio/telephone-event'),
  ];

  it('orders the named codecs, drops the others, keeps tones and comfort noise', () => {
    const ordered = orderCodecs(capabilities, parseCodecs('PCMA  opus'));
    expect(ordered.map((c) => c.mimeType)).to.deep.equal(['audio/PCMA', 'audio/opus', 'audio/CN', 'audio/telephone-event', 'audio/telephone-event']);
  });

  it('an unknown name is invalid-option', () => {
    expect(() => parseCodecs('opus AMR-WB'))
      .to.throw()
      .with.property('code', 'invalid-option');
    expect(parseCodecs('')).to.deep.equal([]);
  });
});

describe('A remote offer in our codec order', () => {
  it('puts the preferred formats first on each audio line and leaves the rest of the SDP alone', () => {
    const offer = [
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 9 8 0 101',
      'a=rtpmap:9 G722/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      '',
    ].join('\r\n');
    expect(reorderOffer(offer, ['PCMU', 'pcma'])).to.equal(offer.replace('SAVPF 9 8 0 101', 'SAVPF 0 8 9 101'));
    expect(reorderOffer(offer, [])).to.equal(offer);
  });
});
