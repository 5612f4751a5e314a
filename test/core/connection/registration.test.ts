import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { FakeSipServer } from '../fake-sip-server.js';
import { phoneWith, wait } from '../phone-fixture.js';

describe('Registration with a fake registrar', () => {
  it('connects, answers the digest challenge and registers with a stable +sip.instance', async () => {
    const server = new FakeSipServer();
    const { phone, types } = phoneWith(server);
    await phone.register();
    expect(types()).to.deep.equal(['connecting', 'connected', 'registered']);
    expect(phone.registrationState).to.equal('registered');
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
    expect(server.requests[1]).to.match(/\+sip\.instance="<urn:uuid:8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10>"/);
    expect(server.requests[1]).to.match(/reg-id=1/);
    phone.stop();
  });

  it('register() on a registered phone sends REGISTER again and resolves once it is answered', async () => {
    const server = new FakeSipServer();
    const { phone, types } = phoneWith(server);
    await phone.register();
    const again = await Promise.race([phone.register().then(() => 'registered again'), wait(2000).then(() => 'still waiting')]);
    expect(again).to.equal('registered again');
    expect(phone.registrationState).to.equal('registered');
    expect(types()).to.deep.equal(['connecting', 'connected', 'registered', 'registered']);
    expect(server.methods().filter((m) => m === 'REGISTER').length).to.be.greaterThan(2);
    phone.stop();
  });

  it('a wrong password fails once with 401 and is not retried', async () => {
    const server = new FakeSipServer();
    const { phone, events } = phoneWith(server, 'wrong');
    const error = await phone.register().then(
      () => null,
      (e) => e,
    );
    expect(error.code).to.equal('authentication-failed');
    expect(phone.registrationState).to.equal('failed');
    await wait(300);
    const failures = events.filter((e) => e.type === 'registration-failed');
    expect(failures).to.have.length(1);
    expect(failures[0].detail).to.include({ statusCode: 401, cause: 'authentication-error' });
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
    phone.stop();
  });

  it('a new configuration re-registers; its failure is reported by events, not as an unhandled rejection', async () => {
    const server = new FakeSipServer();
    const { phone, events } = phoneWith(server);
    await phone.register();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: PromiseRejectionEvent) => {
      unhandled.push(e.reason);
      e.preventDefault();
    };
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'wrong' }));
      await wait(300);
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
    expect(unhandled).to.deep.equal([]);
    expect(events.filter((e) => e.type === 'registration-failed')).to.have.length(1);
    expect(phone.registrationState).to.equal('failed');
    phone.stop();
  });
});
