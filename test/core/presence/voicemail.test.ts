import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { Phone } from '../../../src/core/phone.js';
import { NO_VOICEMAIL, parseMessageSummary, type VoicemailStatus } from '../../../src/core/presence/voicemail.js';
import { FakeSipServer, until, wait } from '../fake-sip-server.js';

describe('parseMessageSummary (RFC 3842)', () => {
  it('reads messages waiting and the new and old voice messages, urgent counts aside', () => {
    const body = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vm.example.com\r\nVoice-Message: 2/8 (0/2)\r\n';
    expect(parseMessageSummary(body)).to.deep.equal({ waiting: true, newMessages: 2, oldMessages: 8 });
  });

  it('is case-insensitive, takes bare LF and spaces, and defaults missing counts to 0', () => {
    expect(parseMessageSummary('messages-waiting :  YES\nvoice-message: 3 / 1\n')).to.deep.equal({ waiting: true, newMessages: 3, oldMessages: 1 });
    expect(parseMessageSummary('Messages-Waiting: yes\r\n')).to.deep.equal({ waiting: true, newMessages: 0, oldMessages: 0 });
    expect(parseMessageSummary('Messages-Waiting: no\r\nVoice-Message: 0/4\r\n')).to.deep.equal({ waiting: false, newMessages: 0, oldMessages: 4 });
  });

  it('ignores other message classes and bodies without Messages-Waiting', () => {
    expect(parseMessageSummary('Messages-Waiting: yes\r\nFax-Message: 1/0\r\n')).to.deep.equal({ waiting: true, newMessages: 0, oldMessages: 0 });
    expect(parseMessageSummary('Voice-Message: 1/0\r\n')).to.equal(null);
    expect(parseMessageSummary('')).to.equal(null);
    expect(parseMessageSummary('Messages-Waiting: maybe\r\n')).to.equal(null);
  });
});

function phoneWith(server: FakeSipServer) {
  const phone = new Phone({
    instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10',
    createWebSocket: server.createWebSocket,
    reconnectPolicy: { lossSpreadMs: 1500 },
  });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
  const changes: VoicemailStatus[] = [];
  phone.on('voicemail', ({ voicemail }) => changes.push(voicemail));
  return { phone, changes };
}

const subscribes = (server: FakeSipServer) => server.requests.filter((r) => r.startsWith('SUBSCRIBE '));

describe('Voicemail with a fake registrar', () => {
  it('once registered, subscribes to its own message summary and follows each NOTIFY', async () => {
    const server = new FakeSipServer();
    server.messageSummary = 'Messages-Waiting: yes\r\nVoice-Message: 2/1 (1/0)\r\n';
    const { phone, changes } = phoneWith(server);
    expect(phone.voicemail).to.deep.equal(NO_VOICEMAIL);
    await phone.register();
    await until(() => changes.length === 1);
    const [subscribe] = subscribes(server);
    expect(subscribe).to.match(/^SUBSCRIBE sip:alice@sip-phone\.test SIP\/2\.0/);
    expect(subscribe).to.match(/^Event: message-summary\r$/m);
    expect(subscribe).to.match(/^Accept: application\/simple-message-summary\r$/m);
    expect(subscribe).to.match(/^Expires: 3600\r$/m);
    expect(phone.voicemail).to.deep.equal({ waiting: true, newMessages: 2, oldMessages: 1 });

    server.notify('Messages-Waiting: no\r\nVoice-Message: 0/3\r\n');
    await until(() => changes.length === 2);
    expect(phone.voicemail).to.deep.equal({ waiting: false, newMessages: 0, oldMessages: 3 });
    // The same summary again is no change.
    server.notify('Messages-Waiting: no\r\nVoice-Message: 0/3\r\n');
    await wait(50);
    expect(changes).to.have.length(2);
    expect(server.responses.filter((r) => r.startsWith('SIP/2.0 200') && /NOTIFY/.test(r))).to.have.length(3);
    phone.stop();
  });

  it('an unsolicited NOTIFY (no subscription, no dialog) is answered 200 and updates the status', async () => {
    const server = new FakeSipServer();
    const { phone, changes } = phoneWith(server);
    await phone.register();
    await until(() => subscribes(server).length === 1);
    server.notifyUnsolicited('Messages-Waiting: yes\r\nVoice-Message: 5/0\r\n');
    await until(() => changes.length === 1);
    expect(phone.voicemail).to.deep.equal({ waiting: true, newMessages: 5, oldMessages: 0 });
    await until(() => server.responses.some((r) => r.startsWith('SIP/2.0 200') && /^CSeq: 1 NOTIFY\r$/m.test(r)));
    phone.stop();
  });

  it('ends the subscription with Expires: 0 before it unregisters, and forgets the status', async () => {
    const server = new FakeSipServer();
    server.messageSummary = 'Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n';
    const { phone, changes } = phoneWith(server);
    await phone.register();
    await until(() => changes.length === 1);
    await phone.unregister();
    const ending = subscribes(server).at(-1)!;
    expect(subscribes(server)).to.have.length(2);
    expect(ending).to.match(/^Expires: 0\r$/m);
    const methods = server.methods();
    expect(methods.lastIndexOf('SUBSCRIBE')).to.be.lessThan(methods.lastIndexOf('REGISTER'));
    expect(phone.voicemail).to.deep.equal(NO_VOICEMAIL);
    expect(changes.at(-1)).to.deep.equal(NO_VOICEMAIL);
  });

  it('subscribes anew after a reconnection (a new dialog on the new connection)', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server);
    await phone.register();
    await until(() => subscribes(server).length === 1);
    server.dropAll();
    await until(() => phone.registrationState === 'registered' && subscribes(server).length === 2, 4000);
    const [first, second] = subscribes(server);
    const callId = (r: string) => /^Call-ID: (.*)\r$/m.exec(r)?.[1];
    expect(callId(second)).to.not.equal(callId(first));
    expect(second).to.not.match(/^Expires: 0\r$/m);
    server.notify('Messages-Waiting: yes\r\nVoice-Message: 4/0\r\n');
    await until(() => phone.voicemail.newMessages === 4);
    phone.stop();
  });

  it('refreshes the subscription in its dialog before it expires (JsSIP Subscriber)', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server);
    await phone.register();
    await until(() => subscribes(server).length === 1);
    // The fake grants 600 s (a refresh between 300 and 530 s); a NOTIFY that shortens it to 6 s
    // makes JsSIP refresh 5 s before the end, after 1 s.
    server.notify('Messages-Waiting: no\r\n', 'active;expires=6');
    await until(() => subscribes(server).length === 2, 3000);
    const [first, refresh] = subscribes(server);
    const callId = (r: string) => /^Call-ID: (.*)\r$/m.exec(r)?.[1];
    expect(callId(refresh)).to.equal(callId(first));
    expect(refresh).to.match(/^To: .*;tag=fake\r$/m);
    expect(refresh).to.match(/^Expires: 3600\r$/m);
    phone.stop();
  });

  it('a server without message summaries (489) leaves the phone registered, with nothing waiting, and unsolicited NOTIFYs still count', async () => {
    const server = new FakeSipServer();
    server.refuseSubscribe = true;
    const { phone, changes } = phoneWith(server);
    await phone.register();
    await until(() => subscribes(server).length === 1);
    await wait(100);
    expect(phone.registrationState).to.equal('registered');
    expect(changes).to.deep.equal([]);
    server.notifyUnsolicited('Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n');
    await until(() => changes.length === 1);
    expect(subscribes(server)).to.have.length(1);
    phone.stop();
  });
});
