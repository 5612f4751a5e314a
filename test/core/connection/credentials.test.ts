import { expect } from '@esm-bundle/chai';
import * as JsSIPModule from 'jssip';
import { buildConfig } from '../../../src/core/kernel/config.js';
import type { CredentialsRequest } from '../../../src/core/connection/credentials.js';
import { Phone, type PhoneEvents } from '../../../src/core/phone.js';
import { FakeSipServer } from '../fake-sip-server.js';

const { calculateMD5 } = ((JsSIPModule as { default?: typeof JsSIPModule }).default ?? JsSIPModule).Utils;

/** A phone configured without any password: only `credentials` can answer the registrar. */
function phoneWith(server: FakeSipServer, credentials: Phone['credentials']) {
  const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test' }));
  phone.credentials = credentials;
  const events: { type: keyof PhoneEvents; detail: unknown }[] = [];
  for (const type of ['registered', 'registration-failed', 'error'] as const) phone.on(type, (detail) => events.push({ type, detail }));
  return { phone, events };
}

describe('Phone with a credentials function', () => {
  it('registers with an HA1 fetched at the challenge; the function is asked with the realm, and no password is ever configured', async () => {
    const server = new FakeSipServer();
    const asked: CredentialsRequest[] = [];
    const { phone } = phoneWith(server, async (request) => {
      asked.push(request);
      await new Promise((r) => setTimeout(r, 50)); // a backend round trip
      return { ha1: calculateMD5(`alice:${request.realm}:alice-pw`) };
    });
    await phone.register();
    expect(phone.registrationState).to.equal('registered');
    expect(asked).to.deep.equal([
      { realm: 'sip-phone.test', method: 'REGISTER', stale: false, reason: 'register', uri: 'sip:alice@sip-phone.test', username: 'alice' },
    ]);
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
    expect(server.requests[1]).to.match(/Authorization: Digest .*username="alice"/);
    expect(server.requests.join('')).to.not.include('alice-pw');
    // Nothing kept: JsSIP's configuration holds neither the HA1 nor a password after the digest.
    const configuration = (phone as unknown as { ua: { _configuration: { password: unknown; ha1: unknown } } }).ua._configuration;
    expect([configuration.password, configuration.ha1]).to.deep.equal([null, null]);
    phone.stop();
  });

  it('a password works too, and every new challenge (a refresh) asks again', async () => {
    const server = new FakeSipServer();
    let calls = 0;
    const { phone } = phoneWith(server, () => (calls++, { password: 'alice-pw' }));
    await phone.register();
    expect(calls).to.equal(1);
    // A refresh, as JsSIP's registrator sends it: a new REGISTER, a new challenge.
    (phone as unknown as { ua: { register(): void } }).ua.register();
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).to.equal(2);
    expect(phone.registrationState).to.equal('registered');
    // (Once registered the phone also subscribes to its voicemail: not challenged by the fake.)
    expect(server.methods().filter((method) => method !== 'SUBSCRIBE')).to.deep.equal(['REGISTER', 'REGISTER', 'REGISTER', 'REGISTER']);
    phone.stop();
  });

  it('a user name from the function (ephemeral credentials) makes the digest instead of the configured one, for that challenge only', async () => {
    const minted = ['1700000100:alice', '1700000200:alice'];
    const server = new FakeSipServer({ passwords: { [minted[0]]: 'token-1', [minted[1]]: 'token-2' } });
    let calls = 0;
    const { phone } = phoneWith(server, () => ({ username: minted[calls], password: `token-${++calls}` }));
    await phone.register();
    (phone as unknown as { ua: { register(): void } }).ua.register();
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).to.equal(2);
    expect(phone.registrationState).to.equal('registered');
    const users = server.requests.filter((r) => /^Authorization:/m.test(r)).map((r) => /username="([^"]+)"/.exec(r)![1]);
    expect(users).to.deep.equal(minted);
    expect(server.requests[0], 'the request itself stays ours').to.match(/^From: <sip:alice@sip-phone.test>/m);
    const configuration = (phone as unknown as { ua: { _configuration: { authorization_user: string } } }).ua._configuration;
    expect(configuration.authorization_user).to.equal('alice');
    phone.stop();
  });

  it('a user name that cannot go into a header fails with credentials-failed', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server, () => ({ username: 'a"b', password: 'x' }));
    let code = '';
    await phone.register().catch((error: { code: string }) => (code = error.code));
    expect(code).to.equal('credentials-failed');
    phone.stop();
  });

  it('a function that throws fails the registration with credentials-failed, without an uncaught error', async () => {
    const server = new FakeSipServer();
    const { phone, events } = phoneWith(server, () => {
      throw new Error('backend down');
    });
    const error = await phone.register().then(
      () => null,
      (e) => e,
    );
    expect(error.code).to.equal('credentials-failed');
    expect(error.message).to.match(/backend down/);
    expect(phone.registrationState).to.equal('failed');
    const failure = events.find((e) => e.type === 'registration-failed');
    expect(failure?.detail).to.include({ cause: 'credentials-failed', statusCode: 401 });
    expect(server.methods()).to.deep.equal(['REGISTER']);
    phone.stop();
  });

  it('an answer with neither a password nor an ha1 is credentials-failed, and says nothing of what it got', async () => {
    const server = new FakeSipServer();
    for (const answer of [null, {}, { ha1: 'secret-not-hex' }, { password: '' }]) {
      const { phone } = phoneWith(server, async () => answer as never);
      const error = await phone.register().then(
        () => null,
        (e) => e,
      );
      expect(error.code, JSON.stringify(answer)).to.equal('credentials-failed');
      expect(error.message).to.not.include('secret');
      phone.stop();
    }
  });

  it("wrong credentials are the registrar's refusal: authentication-failed, asked once", async () => {
    const server = new FakeSipServer();
    let calls = 0;
    const { phone } = phoneWith(server, async () => (calls++, { ha1: calculateMD5('alice:sip-phone.test:wrong') }));
    const error = await phone.register().then(
      () => null,
      (e) => e,
    );
    expect(error.code).to.equal('authentication-failed');
    expect(calls).to.equal(1);
    phone.stop();
  });
});
