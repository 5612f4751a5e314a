import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { Phone } from '../../../src/core/phone.js';
import { MESSAGES_PER_CONTACT, Messages, type MessageInfo } from '../../../src/core/messaging/messages.js';
import { sendMessage } from '../../../src/core/messaging/send-message.js';
import { FakeSipServer } from '../fake-sip-server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

class MapStorage {
  readonly map = new Map<string, string>();
  getItem = (key: string) => this.map.get(key) ?? null;
  setItem = (key: string, value: string) => void this.map.set(key, value);
  removeItem = (key: string) => void this.map.delete(key);
}

function setup(server = new FakeSipServer()) {
  const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
  const storage = new MapStorage();
  const messages = new Messages(phone, storage);
  messages.key = 'sip-phone.messages.sip:alice@sip-phone.test';
  const received: MessageInfo[] = [];
  messages.on('message', ({ message }) => received.push(message));
  return { server, phone, storage, messages, received };
}

const sent = (server: FakeSipServer) => server.requests.filter((r) => r.startsWith('MESSAGE '));

describe('Messages with a fake registrar', () => {
  it('sends a text/plain MESSAGE and resolves sent on 200, stored on 202; both kept in the history', async () => {
    const { server, phone, messages, storage } = setup();
    await phone.register();
    const first = await sendMessage(messages, 'bob', 'Hello Bob – grüß dich');
    expect(first).to.include({ status: 'sent', direction: 'outgoing', remoteUri: 'sip:bob@sip-phone.test', text: 'Hello Bob – grüß dich' });
    expect(sent(server)[0]).to.match(/^MESSAGE sip:bob@sip-phone\.test SIP\/2\.0/);
    expect(sent(server)[0]).to.match(/Content-Type: text\/plain;charset=utf-8/i);
    expect(sent(server)[0].endsWith('Hello Bob – grüß dich')).to.equal(true);
    server.messageReply = [202, 'Accepted'];
    const second = await sendMessage(messages, 'sip:carol@sip-phone.test', 'for later');
    expect(second.status).to.equal('stored');
    expect(messages.all.map((m) => m.status)).to.deep.equal(['sent', 'stored']);
    expect(JSON.parse(storage.getItem(messages.key) ?? '[]')).to.have.length(2);
    phone.stop();
  });

  it('a refused message rejects message-failed with the SIP status and stays in the history as failed', async () => {
    const { server, phone, messages } = setup();
    await phone.register();
    server.messageReply = [404, 'Not Found'];
    const error = await sendMessage(messages, 'nobody', 'hi').then(
      () => null,
      (e) => e,
    );
    expect(error.code).to.equal('message-failed');
    expect(error.statusCode).to.equal(404);
    expect(error.message).to.match(/404 Not Found/);
    expect(messages.all[0]).to.include({ status: 'failed', statusCode: 404 });
    phone.stop();
  });

  it('bad input rejects before anything is sent: too long, no text, bad target, not registered', async () => {
    const { server, phone, messages } = setup();
    const notRegistered = await sendMessage(messages, 'bob', 'hi').then(
      () => null,
      (e) => e,
    );
    expect(notRegistered.code).to.equal('not-registered');
    await phone.register();
    const tooLong = await sendMessage(messages, 'bob', 'ä'.repeat(651)).then(
      () => null,
      (e) => e,
    );
    expect(tooLong.code).to.equal('message-too-long');
    expect(tooLong.message).to.match(/1302 bytes/);
    const empty = await sendMessage(messages, 'bob', '  ').then(
      () => null,
      (e) => e,
    );
    expect(empty.code).to.equal('invalid-option');
    const badTarget = await sendMessage(messages, 'not a target!', 'hi').then(
      () => null,
      (e) => e,
    );
    expect(badTarget.code).to.equal('invalid-target');
    // 650 two-byte characters (1300 bytes) are just allowed.
    expect((await sendMessage(messages, 'bob', 'ä'.repeat(650))).status).to.equal('sent');
    expect(sent(server)).to.have.length(1);
    expect(messages.all).to.have.length(1);
    phone.stop();
  });

  it('an incoming text/plain MESSAGE is answered 200, kept as unread and announced', async () => {
    const { server, phone, messages, received } = setup();
    await phone.register();
    server.messageIn('<img src=x onerror=alert(1)>', { displayName: 'Bob' });
    await wait(50);
    expect(server.responses.at(-1)).to.match(/^SIP\/2\.0 200/);
    expect(received).to.have.length(1);
    expect(received[0]).to.include({
      direction: 'incoming',
      remoteUri: 'sip:bob@sip-phone.test',
      remoteDisplayName: 'Bob',
      text: '<img src=x onerror=alert(1)>',
      status: 'received',
    });
    expect(messages.unread).to.equal(1);
    messages.update(received[0].id, { status: 'read' });
    expect(messages.unread).to.equal(0);
    phone.stop();
  });

  it('another content type is answered 415 and neither kept nor announced', async () => {
    const { server, phone, messages, received } = setup();
    await phone.register();
    server.messageIn('<html></html>', { contentType: 'text/html' });
    await wait(50);
    expect(server.responses.at(-1)).to.match(/^SIP\/2\.0 415/);
    expect(server.responses.at(-1)).to.match(/Accept: text\/plain/);
    expect(received).to.have.length(0);
    expect(messages.all).to.have.length(0);
    phone.stop();
  });

  it('keeps the last messages per contact, and clear() forgets them all', () => {
    const { messages, storage } = setup();
    const message = (i: number, remoteUri: string): MessageInfo => ({
      id: `${remoteUri}-${i}`,
      direction: 'incoming',
      remoteUri,
      remoteDisplayName: '',
      text: String(i),
      at: i,
      status: 'read',
    });
    for (let i = 0; i < MESSAGES_PER_CONTACT + 5; i++) messages.add(message(i, 'sip:bob@x'));
    messages.add(message(0, 'sip:carol@x'));
    const bob = messages.all.filter((m) => m.remoteUri === 'sip:bob@x');
    expect(bob).to.have.length(MESSAGES_PER_CONTACT);
    expect(bob[0].text).to.equal('5');
    expect(messages.all.at(-1)?.remoteUri).to.equal('sip:carol@x');
    messages.clear();
    expect(messages.all).to.deep.equal([]);
    expect(storage.getItem(messages.key)).to.equal(null);
  });
});
