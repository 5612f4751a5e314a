/**
 * The SIP stack loads when it is needed: a page with a <sip-phone> that is not set up to register
 * does not fetch the core until register(); before it has loaded the element answers what a fresh
 * phone would (see lazy-core-preload.test.ts for a phone that will register); a failed load
 * rejects with a PhoneError, fires sip-error, and the next try loads again. The stored messages
 * show without the core.
 */
import { expect } from '@esm-bundle/chai';
import { PhoneError } from '../../src/index.js';
import { CoreController, type CoreHost } from '../../src/controllers/core-controller.js';
import { FakeSipServer, fixture, nextEvent, part, record, until, useFakeRegistrar } from './fixture.js';

// (Room for every module the test page fetches: the default buffer holds 250.)
performance.setResourceTimingBufferSize(10000);

function fetched(path: RegExp): boolean {
  return performance.getEntriesByType('resource').some((entry) => path.test(new URL(entry.name).pathname));
}

/** Whether the page has fetched the core's Phone module (src/core/phone.ts). */
function coreFetched(): boolean {
  return fetched(/\/src\/core\/phone\.(ts|js)$/);
}

describe('<sip-phone> loads its SIP stack when needed', () => {
  let server: FakeSipServer;
  useFakeRegistrar((fresh) => (server = fresh));

  // (In this order: once the page has fetched the core, it stays fetched.)
  it('a phone not set up to register renders and answers without the core, and register() loads it', async () => {
    const el = await fixture();
    const events = record(el, ['sip-connecting', 'sip-error']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetched(/\/src\/sip-phone\.(ts|js)$/), 'the element module was fetched (and its timing kept)').to.be.true;
    expect(coreFetched(), 'the core is not fetched before it is needed').to.be.false;
    expect(el.connectionState).to.equal('disconnected');
    expect(el.registrationState).to.equal('unregistered');
    expect(el.calls).to.deep.equal([]);
    expect(el.activeCall).to.equal(null);
    expect(el.voicemail).to.deep.equal({ waiting: false, newMessages: 0, oldMessages: 0 });
    expect(el.presence).to.deep.equal({});
    expect(el.getPeerConnection()).to.equal(null);
    expect(events, 'nothing happens meanwhile').to.deep.equal([]);

    // The messages of an address come from storage without the core.
    const stored = [{ id: 'm1', direction: 'incoming', remoteUri: 'sip:bob@example.com', remoteDisplayName: 'Bob', text: 'hi', at: 1, status: 'received' }];
    localStorage.setItem('sip-phone.messages.sip:carol@example.com', JSON.stringify(stored));
    try {
      const carol = await fixture('<sip-phone uri="sip:carol@example.com"></sip-phone>');
      expect(carol.messages).to.deep.equal(stored);
      expect(part(carol, 'unread-badge')?.hidden, 'the unread badge shows').to.be.false;
      expect(part(carol, 'unread-badge')?.textContent).to.include('1');
    } finally {
      localStorage.removeItem('sip-phone.messages.sip:carol@example.com');
    }
    expect(coreFetched(), 'still not fetched').to.be.false;

    el.server = 'ws://fake:1';
    el.uri = 'sip:alice@sip-phone.test';
    el.password = 'alice-pw';
    const registered = nextEvent(el, 'sip-registered');
    await el.register();
    await registered;
    expect(coreFetched(), 'register() fetched the core').to.be.true;
    expect(el.registrationState).to.equal('registered');
    expect(server.openSockets).to.have.length(1);
  });
});

describe('CoreController', () => {
  /** A host with the element's defaults, enough for the controller. */
  function host(): CoreHost {
    const element = document.createElement('div');
    return Object.assign(element, {
      addController() {},
      removeController() {},
      requestUpdate() {},
      updateComplete: Promise.resolve(true),
      server: '',
      uri: '',
      displayName: '',
      authorizationUser: '',
      password: '',
      iceServers: [],
      iceTransportPolicy: 'all' as const,
      registerExpires: 600,
      credentials: null,
      autoRegister: false,
      autoAnswer: false,
      maxCalls: 2,
      noAcceptTransfer: false,
      noFollowRedirects: false,
      dtmf: 'rfc4733' as const,
      keepaliveInterval: 25,
      registrationScope: 'tab' as const,
      iceGatheringTimeout: 2000,
    });
  }

  it('a failed load rejects with a PhoneError and reports it; the next call loads again', async () => {
    let attempts = 0;
    const reported: string[] = [];
    const core = new CoreController(host(), { devicePreferences: () => ({}), report: (error) => (reported.push(error.code), error) }, async () => {
      attempts += 1;
      if (attempts === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return import('../../src/core/phone.js');
    });
    const failed = await core
      .run((phone) => phone.calls)
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failed).to.be.instanceOf(PhoneError);
    expect((failed as PhoneError).code).to.equal('connection-failed');
    expect((failed as PhoneError).message).to.include('Failed to fetch');
    expect(reported).to.deep.equal(['connection-failed']);
    expect(core.phone).to.equal(null);
    expect(await core.run((phone) => phone.calls), 'the retry loads the core').to.deep.equal([]);
    expect(attempts).to.equal(2);
    expect(core.phone).to.not.equal(null);
  });

  it("the element's options, its configuration and the chosen devices apply to the phone it makes", async () => {
    const element = Object.assign(host(), {
      autoAnswer: true,
      dtmf: 'info' as const,
      maxCalls: 1,
      keepaliveInterval: 5,
      server: 'ws://fake:1',
      uri: 'sip:alice@sip-phone.test',
    });
    const core = new CoreController(element, { devicePreferences: () => ({ audioInput: 'mic-2', videoInput: 'camera-3' }), report: (error) => error });
    core.willUpdate(new Map([['server', '']]));
    const phone = await core.load();
    expect(phone.autoAnswer).to.be.true;
    expect(phone.dtmfTransport).to.equal('info');
    expect(phone.maxCalls).to.equal(1);
    expect(phone.options.keepaliveInterval).to.equal(5000);
    expect(phone.media.devicePreferences).to.deep.equal({ audioInput: 'mic-2', videoInput: 'camera-3' });
    expect(phone.configured, 'configured from the properties').to.be.true;
  });

  it('listeners and features added before the load are handed to the phone when it arrives', async () => {
    const core = new CoreController(host(), { devicePreferences: () => ({}), report: (error) => error });
    const changes: string[] = [];
    core.on('change', () => changes.push('change'));
    const off = core.on('registered', () => changes.push('registered'));
    off();
    const phone = await core.load();
    (phone as unknown as { emit(name: string, detail: unknown): void }).emit('change', undefined);
    (phone as unknown as { emit(name: string, detail: unknown): void }).emit('registered', { uri: '', expires: 1 });
    await until(() => changes.length > 0, 'a change');
    expect(changes, 'the change listener got it; the one taken back did not').to.deep.equal(['change']);
  });
});
