/**
 * <sip-phone> in Chromium without a SIP server: definition, idle rendering, attributes,
 * the password, configuration errors, and registration and calls against the fake registrar.
 */
import { en } from '../../src/i18n/strings.js';
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { SipPhone } from '../../src/index.js';
import { DEFAULT_REGISTER_EXPIRES } from '../../src/core/kernel/config.js';
import { DEFAULT_ICE_GATHERING_TIMEOUT } from '../../src/core/media/ice-policy.js';
import {
  FakeSipServer,
  accessibleName,
  attach,
  create,
  fill,
  fixture,
  nextEvent,
  part,
  parts,
  record,
  removeAll,
  statusText,
  until,
  useFakeRegistrar,
} from './fixture.js';

afterEach(removeAll);

describe('<sip-phone> definition', () => {
  it('importing the module defines sip-phone as the SipPhone class', () => {
    expect(customElements.get('sip-phone')).to.equal(SipPhone);
    expect(document.createElement('sip-phone')).to.be.instanceOf(SipPhone);
  });

  it('importing the module a second time does not throw and keeps the same class', async () => {
    const again = await import('../../src/index.js');
    expect(again.SipPhone).to.equal(SipPhone);
    // A second evaluation of index (as when a page loads the module under another URL) must
    // not call customElements.define again.
    const reloaded = await import(/* @vite-ignore */ new URL('../../src/index.ts?evaluated-again', import.meta.url).href);
    expect(reloaded.SipPhone).to.equal(SipPhone);
    expect(customElements.get('sip-phone')).to.equal(SipPhone);
  });
});

describe('<sip-phone> when idle', () => {
  it('shows the status, the settings, the contact field, the Call button and the dial pad', async () => {
    const el = await fixture();
    for (const name of ['status', 'settings', 'target', 'call-button', 'dialpad']) {
      expect(part(el, name), `part ${name}`).to.exist;
    }
    expect(statusText(el)).to.include('Not registered');
  });

  it('pressing Call while unregistered explains why instead of doing nothing', async () => {
    const el = await fixture();
    const error = nextEvent(el, 'sip-error');
    part<HTMLButtonElement>(el, 'call-button')!.click();
    expect((await error).detail.code).to.be.oneOf(['not-configured', 'not-registered']);
    await el.updateComplete;
    expect(statusText(el)).to.match(/Set the server|Register before calling/);
  });

  it('has a dial pad of twelve keys 1-9, *, 0, # in a labelled group', async () => {
    const el = await fixture();
    const pad = part(el, 'dialpad')!;
    expect(pad.getAttribute('role')).to.equal('group');
    expect(accessibleName(pad)).to.not.equal('');
    const keys = parts(el, 'key');
    expect(keys.map((k) => k.textContent!.trim())).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']);
    expect(keys.every((k) => pad.contains(k))).to.be.true;
  });

  it('reports no connection, no registration and no calls', async () => {
    const el = await fixture();
    expect(el.connectionState).to.equal('disconnected');
    expect(el.registrationState).to.equal('unregistered');
    expect(el.calls).to.deep.equal([]);
    expect(el.activeCall).to.equal(null);
  });

  it('a device choice is kept, and devicePreferences names the microphone and camera calls will ask for', async () => {
    localStorage.removeItem('sip-phone.devices');
    const el = await fixture();
    await el.selectDevices({ audioInput: 'mic-2', audioOutput: 'speaker-3' });
    expect(el.selectedDevices).to.deep.equal({ audioInput: 'mic-2', audioOutput: 'speaker-3' });
    expect(el.devicePreferences).to.deep.equal({ audioInput: 'mic-2', videoInput: undefined });
    const again = await fixture();
    expect(again.devicePreferences.audioInput).to.equal('mic-2');
    localStorage.removeItem('sip-phone.devices');
  });
});

describe('<sip-phone> dial pad', () => {
  it('typing digits on the dial pad fills the contact field', async () => {
    const el = await fixture();
    const target = part<HTMLInputElement>(el, 'target')!;
    const press = async (label: string) => {
      parts(el, 'key')
        .find((k) => k.textContent!.trim() === label)!
        .click();
      await el.updateComplete;
    };
    for (const key of ['1', '2', '*', '0', '#']) await press(key);
    expect(target.value).to.equal('12*0#');
  });

  it('dial pad keys append to what was typed in the contact field', async () => {
    const el = await fixture();
    const target = part<HTMLInputElement>(el, 'target')!;
    target.value = 'bob';
    target.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    parts(el, 'key')
      .find((k) => k.textContent!.trim() === '7')!
      .click();
    await el.updateComplete;
    expect(target.value).to.equal('bob7');
  });
});

describe('<sip-phone> attributes', () => {
  it('the connection attributes set the matching properties and fill in the settings', async () => {
    const el = await fixture(`
      <sip-phone server="wss://sip.example.com:8443 wss://backup.example.com" uri="sip:alice@example.com"
        display-name="Alice Smith" authorization-user="alice-auth"
        ice-servers='[{"urls":"stun:stun.example.com"}]'></sip-phone>`);
    expect(el.server).to.equal('wss://sip.example.com:8443 wss://backup.example.com');
    expect(el.uri).to.equal('sip:alice@example.com');
    expect(el.displayName).to.equal('Alice Smith');
    expect(el.authorizationUser).to.equal('alice-auth');
    const ice = typeof el.iceServers === 'string' ? JSON.parse(el.iceServers) : el.iceServers;
    expect(ice).to.deep.equal([{ urls: 'stun:stun.example.com' }]);
    const form = part(el, 'settings')!.querySelector('form')!;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    expect(field('domain')).to.equal('example.com');
    expect(field('user')).to.equal('alice');
    expect(field('displayName')).to.equal('Alice Smith');
    expect(field('server')).to.equal('wss://sip.example.com:8443 wss://backup.example.com');
  });

  it('boolean and number attributes set typed properties, with defaults when absent', async () => {
    const plain = await fixture();
    expect([plain.autoRegister, plain.video, plain.autoAnswer]).to.deep.equal([false, false, false]);
    expect(plain.registerExpires).to.equal(DEFAULT_REGISTER_EXPIRES);
    expect(plain.keepaliveInterval).to.equal(25);
    expect(plain.iceGatheringTimeout).to.equal(DEFAULT_ICE_GATHERING_TIMEOUT);

    // No server or uri, so auto-register has nothing to register with.
    const el = await fixture(`
      <sip-phone auto-register video auto-answer register-expires="120" keepalive-interval="0"
        ice-gathering-timeout="250"></sip-phone>`);
    expect(el.autoRegister).to.be.true;
    expect(el.video).to.be.true;
    expect(el.autoAnswer).to.be.true;
    expect(el.registerExpires).to.equal(120);
    expect(el.keepaliveInterval).to.equal(0);
    expect(el.iceGatheringTimeout).to.equal(250);
    expect(el.connectionState).to.equal('disconnected');
  });

  it('changing or removing an attribute later updates the property', async () => {
    const el = await fixture('<sip-phone video uri="sip:alice@example.com"></sip-phone>');
    el.removeAttribute('video');
    el.setAttribute('uri', 'sip:bob@example.org');
    el.setAttribute('register-expires', '3600');
    expect(el.video).to.be.false;
    expect(el.uri).to.equal('sip:bob@example.org');
    expect(el.registerExpires).to.equal(3600);
  });
});

describe('<sip-phone> password', () => {
  /** Every write of a password attribute, even one removed again at once; call to read and stop. */
  function watchPasswordAttribute(el: Element): () => string[] {
    const writes: string[] = [];
    const note = (records: MutationRecord[]) => records.forEach((r) => writes.push(`password attribute changed (was ${r.oldValue ?? 'absent'})`));
    const observer = new MutationObserver(note);
    observer.observe(el, { attributes: true, attributeFilter: ['password'], attributeOldValue: true });
    return () => {
      note(observer.takeRecords());
      observer.disconnect();
      return writes;
    };
  }

  it('a password attribute is taken and removed from the element', async () => {
    const el = create('<sip-phone uri="sip:alice@example.com" password="s3cret"></sip-phone>');
    expect(el.password).to.equal('s3cret');
    expect(el.hasAttribute('password')).to.be.false;
    const writes = watchPasswordAttribute(el);
    await attach(el);
    expect(writes(), 'password attribute written back').to.deep.equal([]);
    expect(el.password).to.equal('s3cret');
    expect(el.hasAttribute('password')).to.be.false;
    expect(el.outerHTML).to.not.include('s3cret');
    expect(document.body.innerHTML).to.not.include('s3cret');
  });

  it('the password appears only as the value of the password field, never in HTML', async () => {
    const el = await fixture('<sip-phone uri="sip:alice@example.com" password="s3cret"></sip-phone>');
    const input = part(el, 'settings')!.querySelector<HTMLInputElement>('input[type="password"]')!;
    expect(input.value).to.equal('s3cret');
    expect(el.shadowRoot!.innerHTML).to.not.include('s3cret');
  });

  it('setting the password property never creates an attribute', async () => {
    const el = await fixture();
    // Catches an attribute that is written and removed again within the same task.
    const writes = watchPasswordAttribute(el);
    el.password = 'n3w-secret';
    await el.updateComplete;
    expect(writes(), 'password attribute writes').to.deep.equal([]);
    expect(el.password).to.equal('n3w-secret');
    expect(el.hasAttribute('password')).to.be.false;
    expect(el.outerHTML).to.not.include('n3w-secret');
    expect(el.shadowRoot!.innerHTML).to.not.include('n3w-secret');
  });

  it('a password attribute set on a connected element is taken and removed too', async () => {
    const el = await fixture();
    el.setAttribute('password', 'l4te');
    expect(el.password).to.equal('l4te');
    expect(el.hasAttribute('password')).to.be.false;
  });
});

describe('<sip-phone> configuration errors', () => {
  async function autoRegisterError(attributes: string) {
    const el = create(`<sip-phone auto-register ${attributes}></sip-phone>`);
    const error = nextEvent(document, 'sip-error', 2000);
    await attach(el);
    const event = await error;
    await el.updateComplete;
    return { el, event };
  }

  it('an http:// server fires sip-error invalid-server and says so in the status', async () => {
    const { el, event } = await autoRegisterError('server="http://nope" uri="sip:alice@example.com"');
    expect(event.target).to.equal(el);
    expect(event.bubbles, 'bubbles').to.be.true;
    expect(event.composed, 'composed').to.be.true;
    expect(event.detail.code).to.equal('invalid-server');
    expect(event.detail.message).to.be.a('string').and.not.equal('');
    expect(event.detail.message, 'the event names the bad value').to.include('http://nope');
    expect(statusText(el), 'the UI says it in words from the strings table').to.include(en.errors['invalid-server']);
    expect(el.connectionState).to.equal('disconnected');
  });

  it('an address without sip: and a domain fires sip-error invalid-uri', async () => {
    const { el, event } = await autoRegisterError('server="wss://sip.example.com" uri="alice"');
    expect(event.detail.code).to.equal('invalid-uri');
    expect(statusText(el)).to.include(en.errors[event.detail.code as keyof typeof en.errors]);
    expect(el.connectionState).to.equal('disconnected');
  });

  it('ice-servers that are not JSON fire sip-error invalid-ice-servers', async () => {
    const { el, event } = await autoRegisterError('server="wss://sip.example.com" uri="sip:alice@example.com" ice-servers="{bad"');
    expect(event.detail.code).to.equal('invalid-ice-servers');
    expect(statusText(el)).to.include(en.errors[event.detail.code as keyof typeof en.errors]);
    expect(el.connectionState).to.equal('disconnected');
  });

  it('register() with nothing configured rejects with not-configured', async () => {
    const el = await fixture();
    const errors = record(el, ['sip-error']);
    const error = await el.register().then(
      () => null,
      (e) => e,
    );
    expect(error, 'register() should reject').to.be.instanceOf(Error);
    expect(error.code).to.equal('not-configured');
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['not-configured']);
    expect(el.registrationState).to.equal('unregistered');
  });

  it('call() while unregistered rejects with not-registered and fires sip-error', async () => {
    const el = await fixture('<sip-phone server="wss://sip.example.com" uri="sip:alice@example.com"></sip-phone>');
    const errors = record(el, ['sip-error']);
    const error = await el.call('bob').then(
      () => null,
      (e) => e,
    );
    expect(error, 'call() should reject').to.be.instanceOf(Error);
    expect(error.code).to.equal('not-registered');
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['not-registered']);
    await el.updateComplete;
    expect(statusText(el)).to.include(en.errors['not-registered']);
    expect(el.calls).to.deep.equal([]);
  });
});

describe('<sip-phone> with a fake registrar', () => {
  let server: FakeSipServer;
  useFakeRegistrar((fresh) => (server = fresh));

  const eventTypes = ['sip-connecting', 'sip-connected', 'sip-registered', 'sip-registration-failed', 'sip-unregistered', 'sip-error'];

  /** Fills the settings form as a user would and presses Register. */
  function registerThroughSettings(el: SipPhone, password = 'alice-pw') {
    const form = part(el, 'settings')!.querySelector('form')!;
    fill(form, { domain: 'sip-phone.test', user: 'alice', password, server: 'ws://fake:1' });
    part<HTMLButtonElement>(el, 'register-button')!.click();
  }

  async function registeredPhone(markup?: string): Promise<SipPhone> {
    const el = await fixture(markup);
    const registered = nextEvent(el, 'sip-registered');
    registerThroughSettings(el);
    await registered;
    await el.updateComplete;
    return el;
  }

  it('registering through the settings form connects, registers and enables Call', async () => {
    const el = await fixture();
    const events = record(document, eventTypes);
    const registered = nextEvent(el, 'sip-registered');
    registerThroughSettings(el);
    await registered;
    await el.updateComplete;

    expect(events.map((e) => e.type)).to.deep.equal(['sip-connecting', 'sip-connected', 'sip-registered']);
    for (const event of events) {
      expect(event.target, event.type).to.equal(el);
      expect([event.bubbles, event.composed], `${event.type} bubbles and is composed`).to.deep.equal([true, true]);
    }
    expect(events[0].detail).to.deep.equal({ server: 'ws://fake:1' });
    expect(events[1].detail).to.deep.equal({ server: 'ws://fake:1' });
    expect(events[2].detail).to.deep.equal({ uri: 'sip:alice@sip-phone.test', expires: 600 });
    expect(el.uri).to.equal('sip:alice@sip-phone.test');
    expect(el.server).to.equal('ws://fake:1');
    expect(el.connectionState).to.equal('connected');
    expect(el.registrationState).to.equal('registered');
    expect(statusText(el)).to.match(/^Registered\b/);
    expect(statusText(el)).to.include('sip:alice@sip-phone.test');
    expect(part<HTMLButtonElement>(el, 'unregister-button')!.disabled).to.be.false;
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
  });

  it('a wrong password says "Wrong user name or password" and fires sip-registration-failed with 401', async () => {
    const el = await fixture();
    const events = record(el, eventTypes);
    const failed = nextEvent(el, 'sip-registration-failed');
    registerThroughSettings(el, 'not-the-password');
    const event = await failed;
    await el.updateComplete;

    expect(event.detail).to.include({ uri: 'sip:alice@sip-phone.test', statusCode: 401 });
    expect(el.registrationState).to.equal('failed');
    expect(statusText(el)).to.include('Wrong user name or password');
    expect(events.map((e) => e.type)).to.not.include('sip-registered');
    expect(events.find((e) => e.type === 'sip-error')?.detail.code).to.equal('authentication-failed');
  });

  it('the Unregister button unregisters and disables itself', async () => {
    const el = await registeredPhone();
    const unregistered = nextEvent(el, 'sip-unregistered');
    part<HTMLButtonElement>(el, 'unregister-button')!.click();
    const event = await unregistered;
    await el.updateComplete;

    expect(event.detail.uri).to.equal('sip:alice@sip-phone.test');
    expect(el.registrationState).to.equal('unregistered');
    expect(statusText(el)).to.include('Not registered');
    expect(part<HTMLButtonElement>(el, 'unregister-button')!.disabled).to.be.true;
    // The un-REGISTER carries expires 0.
    expect(server.requests.at(-1)).to.match(/expires=0|Expires: 0/);
    await until(() => server.openSockets.length === 0, 'the socket to close after unregistering');
  });

  it('removing the element from the page stops the phone and closes its connection', async () => {
    const el = await registeredPhone();
    expect(server.openSockets).to.have.length(1);
    el.remove();
    await until(() => server.openSockets.length === 0, 'the open socket count to drop to 0', 3000);
    expect(el.registrationState).to.equal('unregistered');
    expect(el.connectionState).to.equal('disconnected');
  });

  it('auto-register registers as soon as a configured element is in the page', async () => {
    const el = create('<sip-phone auto-register server="ws://fake:1" uri="sip:alice@sip-phone.test" password="alice-pw"></sip-phone>');
    const registered = nextEvent(el, 'sip-registered');
    await attach(el);
    await registered;
    expect(el.registrationState).to.equal('registered');
  });

  it('pressing Enter in the contact field calls it (the fake answers 404: call ends not-found)', async () => {
    const el = await registeredPhone();
    const ended = nextEvent(el, 'sip-call-ended', 5000);
    part<HTMLInputElement>(el, 'target')!.focus();
    await sendKeys({ type: 'bob' });
    await sendKeys({ press: 'Enter' });
    const event = await ended;
    await el.updateComplete;

    expect(event.detail.cause).to.equal('not-found');
    expect(event.detail.statusCode).to.equal(404);
    expect(event.detail.call.remoteUri).to.equal('sip:bob@sip-phone.test');
    expect(server.requests.find((r) => r.startsWith('INVITE '))).to.match(/^INVITE sip:bob@sip-phone\.test /);
    expect(el.calls).to.deep.equal([]);
    expect(el.activeCall).to.equal(null);
    expect(statusText(el)).to.include('not-found');
  });

  it('pressing Escape during an outgoing call cancels it', async () => {
    const el = await registeredPhone();
    server.frozen = true; // the INVITE gets no answer: the call stays in 'calling'
    const ended = nextEvent(el, 'sip-call-ended', 5000);
    part<HTMLInputElement>(el, 'target')!.focus();
    await sendKeys({ type: 'bob' });
    await sendKeys({ press: 'Enter' });
    await until(() => el.activeCall !== null, 'the call to start');
    await el.updateComplete;
    expect(part(el, 'hangup-button'), 'Bye button during the call').to.exist;
    await sendKeys({ press: 'Escape' });
    const event = await ended;
    expect(event.detail.cause).to.equal('canceled');
    expect(el.activeCall).to.equal(null);
    server.frozen = false;
  });
});
