/**
 * Settings that outlast the page: `persist` saves what the user registered with and restores it in
 * a new element (the page's own values win), the password only with `remember-password`; export
 * and import of the settings as a JSON file from the settings panel.
 */
import { expect } from '@esm-bundle/chai';
import type { SipPhone } from '../../src/index.js';
import { SettingsStore, exportSettings, parseSettings, settingsKey } from '../../src/core/storage/settings-store.js';
import { PhoneError } from '../../src/core/kernel/errors.js';
import { FakeSipServer, fill, fixture, nextEvent, part, record, removeAll, until, useFakeRegistrar } from './fixture.js';

/** Every key this file's tests may have written. */
function clearSavedSettings(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith('sip-phone.settings')) localStorage.removeItem(key);
}

function saved(key = 'sip-phone.settings'): Record<string, unknown> | null {
  const text = localStorage.getItem(key);
  return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
}

function form(el: SipPhone): HTMLFormElement {
  return part(el, 'settings')!.querySelector('form')!;
}

function field(el: SipPhone, name: string): string {
  return (form(el).elements.namedItem(name) as HTMLInputElement).value;
}

/** What a user does: fills the settings form and presses Register. */
function registerThroughSettings(el: SipPhone, values: Record<string, string> = {}): void {
  fill(form(el), { displayName: 'Alice', domain: 'sip-phone.test', user: 'alice', password: 'alice-pw', server: 'ws://fake:1', ...values });
  part<HTMLButtonElement>(el, 'register-button')!.click();
}

describe('settings kept with persist', () => {
  let server: FakeSipServer;
  beforeEach(clearSavedSettings);
  useFakeRegistrar((fresh) => (server = fresh));
  afterEach(clearSavedSettings);

  it('registering from the settings form saves the settings, but not the password', async () => {
    const el = await fixture('<sip-phone persist video dtmf="info" register-expires="300"></sip-phone>');
    const registered = nextEvent(el, 'sip-registered');
    registerThroughSettings(el);
    await registered;

    expect(saved()).to.deep.equal({
      server: 'ws://fake:1',
      uri: 'sip:alice@sip-phone.test',
      displayName: 'Alice',
      registerExpires: 300,
      video: true,
      dtmf: 'info',
    });
    expect(JSON.stringify(localStorage)).to.not.include('alice-pw');
  });

  it('a new element with persist gets the saved settings in its properties and its form', async () => {
    const first = await fixture('<sip-phone persist></sip-phone>');
    const registered = nextEvent(first, 'sip-registered');
    registerThroughSettings(first, { iceServers: '[{"urls":"stun:stun.example.com"}]' });
    await registered;
    first.remove();

    const el = await fixture('<sip-phone persist></sip-phone>');
    expect([el.server, el.uri, el.displayName, el.password]).to.deep.equal(['ws://fake:1', 'sip:alice@sip-phone.test', 'Alice', '']);
    expect(el.iceServers).to.deep.equal([{ urls: 'stun:stun.example.com' }]);
    expect([field(el, 'domain'), field(el, 'user'), field(el, 'server'), field(el, 'password')]).to.deep.equal(['sip-phone.test', 'alice', 'ws://fake:1', '']);
    expect(el.registrationState, 'no password: no registration on its own').to.equal('unregistered');
  });

  it('without persist nothing is saved, and nothing saved is restored', async () => {
    localStorage.setItem('sip-phone.settings', JSON.stringify({ server: 'ws://fake:1', uri: 'sip:bob@sip-phone.test' }));
    const el = await fixture();
    expect([el.server, el.uri]).to.deep.equal(['', '']);
    localStorage.removeItem('sip-phone.settings');
    const registered = nextEvent(el, 'sip-registered');
    registerThroughSettings(el);
    await registered;
    expect(saved()).to.equal(null);
  });

  it('with remember-password the password is kept too, and a new element registers with it', async () => {
    const first = await fixture('<sip-phone persist remember-password></sip-phone>');
    const registered = nextEvent(first, 'sip-registered');
    registerThroughSettings(first);
    await registered;
    expect(saved()?.password).to.equal('alice-pw');
    first.remove();
    await until(() => server.openSockets.length === 0, 'the first phone to disconnect');

    const el = await fixture('<sip-phone persist remember-password auto-register></sip-phone>');
    expect(el.password).to.equal('alice-pw');
    await until(() => el.registrationState === 'registered', 'the restored phone to register');
  });

  it('a password kept earlier is forgotten by an element without remember-password', async () => {
    localStorage.setItem('sip-phone.settings', JSON.stringify({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    const el = await fixture('<sip-phone persist></sip-phone>');
    expect(el.uri).to.equal('sip:alice@sip-phone.test');
    expect(el.password).to.equal('');
    expect(saved()).to.deep.equal({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test' });
  });

  it("the page's attributes and properties win over the saved settings", async () => {
    localStorage.setItem(
      'sip-phone.settings',
      JSON.stringify({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', displayName: 'Alice', registerExpires: 300, dtmf: 'info', video: true }),
    );
    const el = await fixture('<sip-phone persist server="ws://fake:2" display-name="Page name" register-expires="900"></sip-phone>');
    expect(el.server).to.equal('ws://fake:2');
    expect(el.displayName).to.equal('Page name');
    expect(el.registerExpires).to.equal(900);
    // What the page left alone comes from storage.
    expect(el.uri).to.equal('sip:alice@sip-phone.test');
    expect(el.dtmf).to.equal('info');
    expect(el.video).to.equal(true);
  });

  it('a value set as a property before the element is in the page wins too', async () => {
    localStorage.setItem('sip-phone.settings', JSON.stringify({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test' }));
    const el = document.createElement('sip-phone') as SipPhone;
    el.persist = true;
    el.uri = 'sip:bob@sip-phone.test';
    document.body.append(el);
    await el.updateComplete;
    expect([el.server, el.uri]).to.deep.equal(['ws://fake:1', 'sip:bob@sip-phone.test']);
    el.remove();
  });

  it('elements with an id keep their own settings', async () => {
    const alice = await fixture('<sip-phone id="left" persist></sip-phone>');
    const registered = nextEvent(alice, 'sip-registered');
    registerThroughSettings(alice);
    await registered;
    expect(saved(settingsKey('left'))?.uri).to.equal('sip:alice@sip-phone.test');
    expect(saved()).to.equal(null);
    const other = await fixture('<sip-phone id="right" persist></sip-phone>');
    expect(other.uri).to.equal('');
  });

  it('saved values that no longer pass their checks are left out', async () => {
    localStorage.setItem('sip-phone.settings', JSON.stringify({ server: 'http://nope', uri: 'sip:alice@sip-phone.test', registerExpires: 1 }));
    const el = await fixture('<sip-phone persist></sip-phone>');
    expect([el.server, el.uri, el.registerExpires]).to.deep.equal(['', 'sip:alice@sip-phone.test', 600]);
  });
});

describe('settings export and import', () => {
  afterEach(removeAll);

  /** Presses Export and returns the file the browser would download. */
  async function exportFrom(el: SipPhone): Promise<{ name: string; text: string }> {
    const original = HTMLAnchorElement.prototype.click;
    let download: { name: string; text: string } | null = null;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      download = { name: this.download, text: decodeURIComponent(this.href.replace(/^data:application\/json;charset=utf-8,/, '')) };
    };
    try {
      part<HTMLButtonElement>(el, 'export-button')!.click();
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(download, 'a download').to.not.equal(null);
    return download!;
  }

  /** Chooses `text` as the file of the settings panel's file input, as the file chooser does. */
  async function importInto(el: SipPhone, text: string, name = 'settings.json'): Promise<void> {
    const input = part(el, 'settings')!.querySelector<HTMLInputElement>('input[type=file]')!;
    const files = new DataTransfer();
    files.items.add(new File([text], name, { type: 'application/json' }));
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => !!part(el, 'settings')!.querySelector('.import-message'), 'the import to finish');
    await el.updateComplete;
  }

  it('Export downloads the settings as JSON, never with the password', async () => {
    const el = await fixture(`
      <sip-phone server="wss://sip.example.com" uri="sip:alice@example.com" display-name="Alice" authorization-user="alice-auth"
        ice-servers='[{"urls":"stun:stun.example.com"}]' register-expires="300" video dtmf="info" password="secret-pw"></sip-phone>`);
    expect(el.password).to.equal('secret-pw');
    const file = await exportFrom(el);
    expect(file.name).to.equal('sip-phone-settings.json');
    expect(JSON.parse(file.text)).to.deep.equal({
      server: 'wss://sip.example.com',
      uri: 'sip:alice@example.com',
      displayName: 'Alice',
      authorizationUser: 'alice-auth',
      iceServers: [{ urls: 'stun:stun.example.com' }],
      registerExpires: 300,
      video: true,
      dtmf: 'info',
    });
    expect(file.text).to.not.include('secret-pw');
    expect(file.text).to.not.include('password');
  });

  it('Import of an exported file fills in the form', async () => {
    const source = await fixture('<sip-phone server="wss://sip.example.com" uri="sip:bob@example.com" display-name="Bob" dtmf="info"></sip-phone>');
    const { text } = await exportFrom(source);
    const el = await fixture();
    const errors = record(el, ['sip-error']);
    await importInto(el, text, 'bob.json');

    expect([field(el, 'domain'), field(el, 'user'), field(el, 'displayName'), field(el, 'server')]).to.deep.equal([
      'example.com',
      'bob',
      'Bob',
      'wss://sip.example.com',
    ]);
    expect([el.server, el.uri, el.dtmf]).to.deep.equal(['wss://sip.example.com', 'sip:bob@example.com', 'info']);
    expect(part(el, 'settings')!.querySelector('.import-message')!.textContent).to.include('bob.json');
    expect(errors).to.deep.equal([]);
  });

  it('Import ignores unknown keys and any password in the file', async () => {
    const el = await fixture();
    await importInto(el, JSON.stringify({ uri: 'sip:carol@example.com', password: 'from-a-file', theme: 'dark', version: 3 }));
    expect(el.uri).to.equal('sip:carol@example.com');
    expect(el.password).to.equal('');
  });

  it('a file with a bad value fires sip-error invalid-option that names the value, and changes nothing', async () => {
    const el = await fixture('<sip-phone uri="sip:alice@example.com"></sip-phone>');
    const error = nextEvent(el, 'sip-error');
    await importInto(el, JSON.stringify({ uri: 'sip:bob@example.com', registerExpires: 5 }), 'bad.json');
    const { detail } = await error;
    expect(detail.code).to.equal('invalid-option');
    expect(detail.message).to.match(/registerExpires/);
    expect(el.uri).to.equal('sip:alice@example.com');
    expect(part(el, 'settings')!.querySelector('.import-message')!.textContent).to.include('bad.json could not be used');
  });

  it('a file that is not JSON fires sip-error invalid-option', async () => {
    const el = await fixture();
    const error = nextEvent(el, 'sip-error');
    await importInto(el, 'server = wss://sip.example.com', 'settings.ini');
    expect((await error).detail).to.deep.include({ code: 'invalid-option', message: 'The settings file is not JSON.' });
  });
});

describe('SettingsStore and the settings file format', () => {
  function memoryStorage() {
    const map = new Map<string, string>();
    return {
      map,
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => void map.set(key, value),
      removeItem: (key: string) => void map.delete(key),
    };
  }

  it('saves without the password unless asked, and loads what it saved', () => {
    const storage = memoryStorage();
    const store = new SettingsStore(storage, 'k');
    store.save({ uri: 'sip:a@example.com', password: 'pw' });
    expect(JSON.parse(storage.map.get('k')!)).to.deep.equal({ uri: 'sip:a@example.com' });
    store.save({ uri: 'sip:a@example.com', password: 'pw' }, { rememberPassword: true });
    expect(store.load()).to.deep.equal({ uri: 'sip:a@example.com', password: 'pw' });
    store.clear();
    expect(store.load()).to.deep.equal({});
  });

  it('works without storage, and with storage that throws', () => {
    expect(new SettingsStore(null).load()).to.deep.equal({});
    const throwing = {
      getItem: () => '{',
      setItem: () => {
        throw new Error('full');
      },
      removeItem: () => {
        throw new Error('blocked');
      },
    };
    const store = new SettingsStore(throwing);
    expect(store.load()).to.deep.equal({});
    store.save({ uri: 'sip:a@example.com' });
    store.clear();
  });

  it('an export never holds the password', () => {
    expect(JSON.parse(exportSettings({ uri: 'sip:a@example.com', password: 'pw' }))).to.deep.equal({ uri: 'sip:a@example.com' });
  });

  it('parseSettings names the field of each bad value, always as invalid-option', () => {
    const cases: [unknown, RegExp][] = [
      [{ server: 'http://example.com' }, /server/],
      [{ uri: 'alice' }, /uri/],
      [{ iceServers: [{ urls: 'http://x' }] }, /iceServers/],
      [{ video: 'yes' }, /video/],
      [{ dtmf: 'inband' }, /dtmf/],
      [{ displayName: 42 }, /displayName/],
      [[1, 2], /JSON object/],
      ['text', /JSON object/],
    ];
    for (const [data, message] of cases) {
      let error: unknown;
      try {
        parseSettings(JSON.stringify(data));
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(data)).to.be.instanceOf(PhoneError);
      expect((error as PhoneError).code).to.equal('invalid-option');
      expect((error as PhoneError).message).to.match(message);
    }
  });
});
