import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../src/core/kernel/config.js';
import { Phone } from '../../src/core/phone.js';
import { FakeSipServer } from './fake-sip-server.js';
import { phoneWith, wait } from './phone-fixture.js';

describe('Phone with a fake registrar', () => {
  it('reports a lost connection, reconnects and registers again', async () => {
    const server = new FakeSipServer();
    const { phone, events, types } = phoneWith(server);
    await phone.register();
    server.dropAll();
    await wait(0);
    expect(events.slice(-2).map((e) => e.type)).to.deep.equal(['connection-lost', 'unregistered']);
    expect(events.at(-2)?.detail).to.include({ server: 'ws://fake:1', reconnecting: true });
    expect(events.at(-1)?.detail).to.include({ cause: 'connection-lost' });
    expect(phone.connectionState).to.equal('disconnected');
    await wait(2500);
    expect(phone.registrationState).to.equal('registered');
    expect(types().filter((t) => t === 'registered')).to.have.length(2);
    expect(server.openSockets).to.have.length(1);
    phone.stop();
  });

  it('stop() closes the socket and leaves no listener or pending registration behind', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server);
    const before = phone.listenerCount;
    await phone.register();
    phone.stop();
    expect(phone.connectionState).to.equal('disconnected');
    expect(phone.registrationState).to.equal('unregistered');
    expect(phone.listenerCount).to.equal(before);
    // JsSIP un-REGISTERs, then closes the socket once its transactions are done.
    await wait(2500);
    expect(server.methods().at(-1)).to.equal('REGISTER');
    expect(server.requests.at(-1)).to.match(/expires=0|Expires: 0/);
    expect(server.openSockets).to.have.length(0);
  });
});

/** Counts the timers created while installed that are still pending (neither fired nor cleared). */
function trackTimers() {
  const live = new Set<unknown>();
  const original = {
    setTimeout: setTimeout.bind(window),
    clearTimeout: clearTimeout.bind(window),
    setInterval: setInterval.bind(window),
    clearInterval: clearInterval.bind(window),
  };
  const w = window as unknown as Record<string, unknown>;
  w.setTimeout = (fn: () => void, ms?: number, ...args: unknown[]) => {
    const id = original.setTimeout(() => {
      live.delete(id);
      fn(...(args as []));
    }, ms);
    live.add(id);
    return id;
  };
  w.clearTimeout = (id: number) => (live.delete(id), original.clearTimeout(id));
  w.setInterval = (fn: () => void, ms?: number) => {
    const id = original.setInterval(fn, ms);
    live.add(id);
    return id;
  };
  w.clearInterval = (id: number) => (live.delete(id), original.clearInterval(id));
  return {
    get live() {
      return live.size;
    },
    restore: () => Object.assign(w, original),
  };
}

describe('Phone resources', () => {
  it('reconnections leave one socket, and once stopped no timer or listener is left', async function () {
    this.timeout(30000);
    const timers = trackTimers();
    try {
      const server = new FakeSipServer();
      const { phone, types } = phoneWith(server);
      const phoneListeners = phone.listenerCount;
      const phoneNew = new Phone({ createWebSocket: server.createWebSocket, keepaliveInterval: 50 });
      phoneNew.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
      await phone.register();
      await phoneNew.register();
      for (let i = 1; i <= 3; i++) {
        server.dropAll();
        while (types().filter((t) => t === 'registered').length <= i) await wait(20);
        while (phoneNew.registrationState !== 'registered' || server.openSockets.length < 2) await wait(20);
      }
      expect(server.openSockets).to.have.length(2);
      phone.stop();
      phoneNew.stop();
      expect(phone.listenerCount).to.equal(phoneListeners);
      // JsSIP's own transaction timers (Timer K: 5 s) run out; ours must already be gone.
      await wait(6000);
      expect(timers.live).to.equal(0);
      expect(server.openSockets).to.have.length(0);
    } finally {
      timers.restore();
    }
  });
});
