import { expect } from '@esm-bundle/chai';
import { buildConfig, parseIceServers, parseIceTransportPolicy, parseServers, parseUri, resolveTarget } from '../../../src/core/kernel/config.js';
import { PhoneError } from '../../../src/core/kernel/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(PhoneError);
    return (error as PhoneError).code;
  }
  return undefined;
}

describe('config', () => {
  it('splits the server list in failover order and accepts only ws/wss URLs', () => {
    expect(parseServers(' wss://a.example:8443  ws://127.0.0.1:8080 ')).to.deep.equal(['wss://a.example:8443', 'ws://127.0.0.1:8080']);
    expect(codeOf(() => parseServers(''))).to.equal('invalid-server');
    expect(codeOf(() => parseServers('https://a.example'))).to.equal('invalid-server');
    expect(codeOf(() => parseServers('not a url'))).to.equal('invalid-server');
  });

  it('parses sip:user@domain and refuses anything else', () => {
    expect(parseUri('sip:alice@example.com')).to.deep.equal({ uri: 'sip:alice@example.com', user: 'alice', domain: 'example.com' });
    expect(parseUri('sip:alice@127.0.0.1:5060').domain).to.equal('127.0.0.1:5060');
    for (const bad of ['alice@example.com', 'sip:@example.com', 'sip:alice', 'sip:al ice@example.com', 'sip:alice@exa<mple.com']) {
      expect(
        codeOf(() => parseUri(bad)),
        bad,
      ).to.equal('invalid-uri');
    }
  });

  it('resolves plain users and numbers against the domain, keeps full URIs', () => {
    expect(resolveTarget('bob', 'example.com')).to.equal('sip:bob@example.com');
    expect(resolveTarget('+1 (555) 010-0199', 'example.com')).to.equal('sip:+15550100199@example.com');
    expect(resolveTarget('bob@other.example', 'example.com')).to.equal('sip:bob@other.example');
    expect(resolveTarget('sip:bob@other.example;transport=ws', 'example.com')).to.equal('sip:bob@other.example;transport=ws');
    for (const bad of ['', 'bob smith', '<script>', 'sip:bob', 'bob@']) {
      expect(
        codeOf(() => resolveTarget(bad, 'example.com')),
        bad,
      ).to.equal('invalid-target');
    }
  });

  it('reads ICE servers from JSON or an array and checks their URLs', () => {
    expect(parseIceServers('[{"urls":"stun:stun.example.com:3478"}]')).to.deep.equal([{ urls: 'stun:stun.example.com:3478' }]);
    expect(parseIceServers([{ urls: ['turn:t.example', 'turns:t.example'], username: 'u', credential: 'c' }])).to.have.length(1);
    expect(parseIceServers('')).to.deep.equal([]);
    expect(codeOf(() => parseIceServers('{nope'))).to.equal('invalid-ice-servers');
    expect(codeOf(() => parseIceServers('[{"urls":"http://x"}]'))).to.equal('invalid-ice-servers');
  });

  it("accepts 'all' and 'relay' as ICE transport policy, defaults to 'all', refuses anything else", () => {
    expect(parseIceTransportPolicy(undefined)).to.equal('all');
    expect(parseIceTransportPolicy('')).to.equal('all');
    expect(parseIceTransportPolicy('relay')).to.equal('relay');
    expect(parseIceTransportPolicy(' all ')).to.equal('all');
    expect(codeOf(() => parseIceTransportPolicy('relay-only'))).to.equal('invalid-option');
    expect(codeOf(() => parseIceTransportPolicy('Relay'))).to.equal('invalid-option');
    expect(codeOf(() => buildConfig({ server: 'wss://x', uri: 'sip:a@b', iceTransportPolicy: 'none' }))).to.equal('invalid-option');
    expect(buildConfig({ server: 'wss://x', uri: 'sip:a@b', iceTransportPolicy: 'relay' }).iceTransportPolicy).to.equal('relay');
  });

  it('builds a whole configuration with defaults', () => {
    const config = buildConfig({ server: 'wss://sip.example.com', uri: 'sip:alice@example.com', password: 's' });
    expect(config.authorizationUser).to.equal('alice');
    expect(config.registerExpires).to.equal(600);
    expect(config.iceTransportPolicy).to.equal('all');
    expect(codeOf(() => buildConfig({ server: 'wss://x', uri: 'sip:a@b', registerExpires: 5 }))).to.equal('invalid-option');
  });
});
