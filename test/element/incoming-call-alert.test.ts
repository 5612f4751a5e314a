/**
 * A call ringing in while the tab is hidden: the title flashes (always) and, with `notify` and the
 * user's permission, a desktop notification names the caller. Both stop when the call is answered
 * or ends, or the tab is seen again; nothing keeps running once the element is gone.
 * The controller is driven by a fake phone; document.hidden and Notification are stubbed.
 */
import { expect } from '@esm-bundle/chai';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Emitter } from '../../src/core/kernel/emitter.js';
import type { CallInfo } from '../../src/core/calls/call.js';
import type { PhoneEvents } from '../../src/core/phone.js';
import { IncomingCallAlertController, TITLE_FLASH_INTERVAL } from '../../src/controllers/incoming-call-alert-controller.js';
import { en, type Strings } from '../../src/i18n/strings.js';
import { de } from '../../src/i18n/de.js';
import { FakeSipServer, fill, fixture, part, removeAll, routeFakeWebSockets, until } from './fixture.js';

class FakePhone extends Emitter<PhoneEvents> {
  calls: CallInfo[] = [];

  set(calls: Partial<CallInfo>[]): void {
    this.calls = calls.map((call, i) => ({
      id: `call-${i}`,
      direction: 'incoming',
      state: 'incoming',
      remoteUri: 'sip:bob@example.com',
      remoteDisplayName: 'Bob',
      video: false,
      held: false,
      remoteHeld: false,
      muted: { audio: false, video: false },
      startedAt: null,
      transfer: null,
      screenSharing: false,
      ...call,
    }));
    this.emit('change', undefined as never);
  }
}

class FakeHost implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates++;
  }
  connect(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnect(): void {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
}

interface Shown {
  title: string;
  options: NotificationOptions;
  closed: boolean;
  onclick: ((this: Notification, ev: Event) => unknown) | null;
}

/** window.Notification that records what would be shown, with a permission the test sets. */
function stubNotifications(permission: NotificationPermission) {
  const shown: Shown[] = [];
  const asked: number[] = [];
  class FakeNotification {
    static permission = permission;
    /** The user says yes when asked. */
    static requestPermission() {
      asked.push(1);
      FakeNotification.permission = 'granted';
      return Promise.resolve(FakeNotification.permission);
    }
    record: Shown;
    constructor(title: string, options: NotificationOptions = {}) {
      this.record = { title, options, closed: false, onclick: null };
      shown.push(this.record);
    }
    set onclick(handler: Shown['onclick']) {
      this.record.onclick = handler;
    }
    get onclick() {
      return this.record.onclick;
    }
    close() {
      this.record.closed = true;
    }
  }
  const original = Object.getOwnPropertyDescriptor(window, 'Notification');
  Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
  return {
    shown,
    asked,
    restore: () => (original ? Object.defineProperty(window, 'Notification', original) : delete (window as { Notification?: unknown }).Notification),
  };
}

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
  Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

function restoreVisibility(): void {
  delete (document as { hidden?: boolean }).hidden;
  delete (document as { visibilityState?: string }).visibilityState;
}

/** Counts the intervals started and not yet cleared while installed. */
function trackIntervals() {
  const live = new Set<unknown>();
  const set = window.setInterval;
  const clear = window.clearInterval;
  window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = set(handler, ms, ...args);
    live.add(id);
    return id;
  }) as typeof window.setInterval;
  window.clearInterval = ((id?: number) => {
    live.delete(id);
    clear(id);
  }) as typeof window.clearInterval;
  return {
    live,
    restore: () => {
      window.setInterval = set;
      window.clearInterval = clear;
    },
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('incoming call while the tab is hidden', () => {
  const PAGE_TITLE = 'My CRM';
  let notifications: ReturnType<typeof stubNotifications>;
  let intervals: ReturnType<typeof trackIntervals>;
  let phone: FakePhone;
  let host: FakeHost;
  let notify: boolean;
  let strings: Strings;

  beforeEach(() => {
    document.title = PAGE_TITLE;
    notifications = stubNotifications('granted');
    intervals = trackIntervals();
    phone = new FakePhone();
    host = new FakeHost();
    notify = true;
    strings = en;
    new IncomingCallAlertController(host, phone, { notify: () => notify, strings: () => strings });
    host.connect();
  });

  afterEach(() => {
    host.disconnect();
    intervals.restore();
    notifications.restore();
    restoreVisibility();
    removeAll();
  });

  it('flashes the title while the call rings, and brings it back when the call is answered', async () => {
    setHidden(true);
    phone.set([{}]);
    expect(document.title).to.equal('📞 Incoming call…');
    await wait(TITLE_FLASH_INTERVAL + 100);
    expect(document.title, 'alternates with the page title').to.equal(PAGE_TITLE);
    await wait(TITLE_FLASH_INTERVAL);
    expect(document.title).to.equal('📞 Incoming call…');
    phone.set([{ state: 'active' }]);
    expect(document.title).to.equal(PAGE_TITLE);
    expect(intervals.live.size, 'no interval left').to.equal(0);
  });

  it('shows a notification naming the caller, text only, and closes it when the call ends', () => {
    setHidden(true);
    phone.set([{ remoteDisplayName: 'Bob <b>', remoteUri: 'sip:bob@example.com' }]);
    expect(notifications.shown).to.have.length(1);
    const [shown] = notifications.shown;
    expect(shown.title).to.equal('Incoming call from Bob <b> <sip:bob@example.com>');
    expect(shown.options.body).to.equal(en.notificationBody);
    expect(shown.options).to.not.have.any.keys('icon', 'image', 'badge');
    phone.set([{ state: 'active' }]);
    phone.set([]);
    expect(shown.closed).to.be.true;
    expect(document.title).to.equal(PAGE_TITLE);
  });

  it('one notification per call, however often the phone changes', () => {
    setHidden(true);
    phone.set([{}]);
    phone.set([{}]);
    phone.set([{}, { remoteUri: 'sip:carol@example.com', remoteDisplayName: '' }]);
    expect(notifications.shown.map((n) => n.title)).to.deep.equal(['Incoming call from Bob <sip:bob@example.com>', 'Incoming call from sip:carol@example.com']);
  });

  it('clicking the notification focuses the window and closes the notification', () => {
    const focus = window.focus;
    let focused = 0;
    window.focus = () => void focused++;
    try {
      setHidden(true);
      phone.set([{}]);
      const [shown] = notifications.shown;
      shown.onclick!.call(shown as unknown as Notification, new Event('click'));
      expect(focused).to.equal(1);
      expect(shown.closed).to.be.true;
      phone.set([{}]);
      expect(notifications.shown, 'not shown again for the same call').to.have.length(1);
    } finally {
      window.focus = focus;
    }
  });

  it('nothing happens while the tab is visible', () => {
    setHidden(false);
    phone.set([{}]);
    expect(document.title).to.equal(PAGE_TITLE);
    expect(notifications.shown).to.deep.equal([]);
    expect(intervals.live.size).to.equal(0);
  });

  it('the tab becoming visible stops the flashing and closes the notification', () => {
    setHidden(true);
    phone.set([{}]);
    setHidden(false);
    expect(document.title).to.equal(PAGE_TITLE);
    expect(notifications.shown[0].closed).to.be.true;
    expect(intervals.live.size).to.equal(0);
  });

  it('without notify the title flashes but no notification is shown', () => {
    notify = false;
    setHidden(true);
    phone.set([{}]);
    expect(document.title).to.equal('📞 Incoming call…');
    expect(notifications.shown).to.deep.equal([]);
  });

  it('no notification without permission', () => {
    notifications.restore();
    notifications = stubNotifications('denied');
    setHidden(true);
    phone.set([{}]);
    expect(notifications.shown).to.deep.equal([]);
  });

  it('the title is in the language of the strings', () => {
    strings = de;
    setHidden(true);
    phone.set([{}]);
    expect(document.title).to.equal('📞 Eingehender Anruf…');
    expect(notifications.shown[0].title).to.equal('Anruf von Bob <sip:bob@example.com>');
  });

  it('a title the page sets during the flash is the one that comes back', async () => {
    setHidden(true);
    phone.set([{}]);
    document.title = '(3) My CRM';
    await wait(TITLE_FLASH_INTERVAL + 100);
    phone.set([]);
    expect(document.title).to.equal('(3) My CRM');
  });

  it('the host leaving the page restores the title, closes the notification and leaves no timer', async () => {
    setHidden(true);
    phone.set([{}]);
    host.disconnect();
    expect(document.title).to.equal(PAGE_TITLE);
    expect(notifications.shown[0].closed).to.be.true;
    expect(intervals.live.size).to.equal(0);
    await wait(TITLE_FLASH_INTERVAL + 100);
    expect(document.title).to.equal(PAGE_TITLE);
    host.connect(); // for afterEach's disconnect
  });

  it('two phones ringing share one flash, and the title comes back once both stop', () => {
    const otherPhone = new FakePhone();
    const otherHost = new FakeHost();
    new IncomingCallAlertController(otherHost, otherPhone, { notify: () => false, strings: () => en });
    otherHost.connect();
    try {
      setHidden(true);
      phone.set([{}]);
      otherPhone.set([{}]);
      expect(intervals.live.size).to.equal(1);
      phone.set([]);
      expect(document.title).to.equal('📞 Incoming call…');
      otherPhone.set([]);
      expect(document.title).to.equal(PAGE_TITLE);
      expect(intervals.live.size).to.equal(0);
    } finally {
      otherHost.disconnect();
    }
  });
});

describe('<sip-phone notify> permission', () => {
  let notifications: ReturnType<typeof stubNotifications>;

  afterEach(() => {
    notifications.restore();
    removeAll();
  });

  it('is never asked on load; "Enable notifications" asks, then goes away', async () => {
    notifications = stubNotifications('default');
    const el = await fixture('<sip-phone notify></sip-phone>');
    expect(notifications.asked).to.deep.equal([]);
    const button = part<HTMLButtonElement>(el, 'notify-button');
    expect(button, 'Enable notifications offered').to.exist;
    expect(button!.textContent!.trim()).to.equal('Enable notifications');
    button!.click();
    expect(notifications.asked).to.have.length(1);
    await until(() => !part(el, 'notify-button'), 'the button to go once answered');
  });

  it('pressing Register or Call with notify asks; without notify nothing is asked or offered', async () => {
    notifications = stubNotifications('default');
    const plain = await fixture();
    expect(part(plain, 'notify-button')).to.not.exist;
    part<HTMLButtonElement>(plain, 'call-button')!.click();
    expect(notifications.asked).to.deep.equal([]);

    const el = await fixture('<sip-phone notify></sip-phone>');
    part<HTMLButtonElement>(el, 'call-button')!.click();
    expect(notifications.asked).to.have.length(1);
    (window.Notification as unknown as { permission: string }).permission = 'default'; // as if the user closed the prompt
    const restoreWebSocket = routeFakeWebSockets(new FakeSipServer());
    try {
      const form = part(el, 'settings')!.querySelector('form')!;
      fill(form, { domain: 'sip-phone.test', user: 'alice', password: 'alice-pw', server: 'ws://fake:1' });
      form.requestSubmit();
      expect(notifications.asked).to.have.length(2);
      el.remove();
    } finally {
      restoreWebSocket();
    }
  });
});
