import { expect } from '@esm-bundle/chai';
import type { MessageInfo } from '../../src/core/messaging/messages.js';
import { threadsOf } from '../../src/parts/conversations.js';
import { fixture, part, removeAll } from './fixture.js';

const hostile = '<img src=x onerror="window.pwned = true">';
const uri = 'sip:alice@sip-phone.test';
const key = `sip-phone.messages.${uri}`;

const message = (id: string, remoteUri: string, text: string, status: MessageInfo['status'], at: number, remoteDisplayName = ''): MessageInfo => ({
  id,
  direction: status === 'received' || status === 'read' ? 'incoming' : 'outgoing',
  remoteUri,
  remoteDisplayName,
  text,
  at,
  status,
});

const until = async (condition: () => unknown, ms = 3000) => {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('messages in <sip-phone>', () => {
  afterEach(() => {
    removeAll();
    localStorage.removeItem(key);
  });

  it('threadsOf groups by contact, newest thread first, with unread counts and the latest display name', () => {
    const threads = threadsOf([
      message('1', 'sip:bob@x', 'a', 'received', 1, 'Bob'),
      message('2', 'sip:carol@x', 'b', 'sent', 2),
      message('3', 'sip:bob@x', 'c', 'received', 3, 'Bobby'),
    ]);
    expect(threads.map((t) => [t.remoteUri, t.name, t.unread, t.messages.length])).to.deep.equal([
      ['sip:bob@x', 'Bobby', 2, 2],
      ['sip:carol@x', '', 0, 1],
    ]);
  });

  it('shows unread messages as a badge; opening Messages shows the thread as text and marks it read', async () => {
    localStorage.setItem(
      key,
      JSON.stringify([message('1', 'sip:carol@sip-phone.test', 'hi', 'sent', 1), message('2', 'sip:bob@sip-phone.test', hostile, 'received', 2, 'Bob')]),
    );
    const el = await fixture(`<sip-phone uri="${uri}" server="ws://fake.invalid"></sip-phone>`);
    const badge = part(el, 'unread-badge')!;
    expect(badge.hidden).to.equal(false);
    expect(badge.querySelector('[aria-hidden="true"]')!.textContent).to.equal('1');
    expect(part(el, 'messages-button')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Messages1, 1 unread');
    expect(el.messages.map((m) => m.text)).to.deep.equal(['hi', hostile]);

    part(el, 'messages-button')!.click();
    await until(() => el.shadowRoot!.querySelector('sip-conversations')?.shadowRoot?.querySelector('[part~="message"]'));
    const view = el.shadowRoot!.querySelector('sip-conversations')!;
    expect(part(el, 'messages-button')!.getAttribute('aria-expanded')).to.equal('true');
    const root = view.shadowRoot!;
    expect(root.querySelector('img'), 'no element made from a message').to.equal(null);
    const lines = [...root.querySelectorAll('[part~="message"]')];
    expect(lines).to.have.length(1);
    expect(lines[0].textContent).to.contain(hostile);
    expect([...root.querySelectorAll('[part~="thread"]')].map((b) => b.textContent!.trim())).to.deep.equal(['Bob', 'carol']);
    expect(root.querySelector<HTMLInputElement>('[part~="message-to"]')!.value).to.equal('sip:bob@sip-phone.test');
    await until(() => part(el, 'unread-badge')!.hidden);
    expect(el.messages.map((m) => m.status)).to.deep.equal(['sent', 'read']);
    expect(JSON.parse(localStorage.getItem(key)!)[1].status).to.equal('read');
    expect((window as unknown as { pwned?: boolean }).pwned).to.equal(undefined);

    el.clearHistory();
    await el.updateComplete;
    expect(el.messages).to.deep.equal([]);
    expect(localStorage.getItem(key)).to.equal(null);
  });

  it('Send while not registered shows why, keeps the draft and adds nothing; sendMessage rejects with a code', async () => {
    const el = await fixture(`<sip-phone uri="${uri}" server="ws://fake.invalid"></sip-phone>`);
    const errors: string[] = [];
    el.addEventListener('sip-error', (e) => errors.push(e.detail.code));
    const tooLong = await el.sendMessage('bob', 'x'.repeat(1301)).then(
      () => null,
      (e) => e,
    );
    expect(tooLong.code).to.equal('message-too-long');
    part(el, 'messages-button')!.click();
    await until(() => el.shadowRoot!.querySelector('sip-conversations')?.shadowRoot?.querySelector('[part~="composer"]'));
    const root = el.shadowRoot!.querySelector('sip-conversations')!.shadowRoot!;
    const to = root.querySelector<HTMLInputElement>('[part~="message-to"]')!;
    const text = root.querySelector<HTMLTextAreaElement>('[part~="message-input"]')!;
    to.value = 'bob';
    to.dispatchEvent(new Event('input'));
    text.value = 'hello';
    text.dispatchEvent(new Event('input'));
    await el.shadowRoot!.querySelector('sip-conversations')!.updateComplete;
    root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
    await until(() => root.querySelector('[role="alert"]'));
    expect(root.querySelector('[role="alert"]')!.textContent).to.equal('Register before calling.');
    expect(text.value).to.equal('hello');
    expect(errors).to.deep.equal(['message-too-long', 'not-registered']);
    expect(el.messages).to.deep.equal([]);
  });
});
