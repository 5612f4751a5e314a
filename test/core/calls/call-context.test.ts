import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { Phone, type PhoneEvents } from '../../../src/core/phone.js';
import { FakeSipServer } from '../fake-sip-server.js';
import { wait } from '../phone-fixture.js';

/** A live audio track of its own, as the microphone would give. */
const microphone = () => new MediaStream([new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]]);

async function registered(server: FakeSipServer) {
  const phone = new Phone({ createWebSocket: server.createWebSocket, mediaGranted: () => true, getUserMedia: async () => microphone() });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
  await phone.register();
  const events: { type: string; detail: unknown }[] = [];
  for (const type of ['incoming-call', 'call-ended', 'call-updated'] as const) phone.on(type, (detail) => events.push({ type, detail }));
  return { phone, events };
}

/** A browser's audio offer, as a caller sends it. */
async function browserOffer() {
  const caller = new RTCPeerConnection();
  caller.addTransceiver('audio');
  const offer = await caller.createOffer();
  caller.close();
  return offer.sdp;
}

const until = async (test: () => unknown, ms = 2000) => {
  for (let i = 0; i < ms / 20 && !test(); i++) await wait(20);
  expect(test()).to.be.ok;
};
const statusOf = (response: string) => Number(response.split(' ')[1]);

describe('Call context and answer policies (fake registrar)', () => {
  it('sends the page headers on the INVITE, and sends nothing for a bad one', async () => {
    const server = new FakeSipServer();
    server.inviteReply = 'ring';
    const { phone } = await registered(server);
    const refused = await phone.call('bob', { headers: { Via: 'SIP/2.0/WSS evil' } }).catch((e) => e);
    expect(refused.code).to.equal('invalid-header');
    expect(server.methods()).to.not.include('INVITE');
    await phone.call('bob', { headers: { 'X-Ticket': '4711' } });
    await until(() => server.requests.some((r) => r.startsWith('INVITE')));
    expect(server.requests.find((r) => r.startsWith('INVITE'))).to.match(/\r\nX-Ticket: 4711\r\n/);
    phone.stop();
  });

  it('an incoming call carries its INVITE headers and says whether it asks to be answered automatically', async () => {
    const server = new FakeSipServer();
    const { phone } = await registered(server);
    const incoming = new Promise<PhoneEvents['incoming-call']>((resolve) => phone.on('incoming-call', resolve));
    server.ringIn(undefined, undefined, await browserOffer(), ['Call-Info: <sip:pbx>;answer-after=0', 'X-Customer: 42']);
    const { call, autoAnswerRequested } = await incoming;
    expect(autoAnswerRequested).to.equal(true);
    expect(call.headers['X-Customer']).to.equal('42');
    expect(call.headers['Call-Info']).to.equal('<sip:pbx>;answer-after=0');
    await wait(300);
    expect(server.responses.map(statusOf), 'without intercom it only rings').to.not.include(200);
    phone.stop();
  });

  it('with intercom, answers a call that asks for it after the delay it asks', async () => {
    const server = new FakeSipServer();
    const { phone } = await registered(server);
    phone.intercom = true;
    server.ringIn(undefined, undefined, await browserOffer(), ['Answer-Mode: Auto']);
    await until(() => server.responses.some((r) => statusOf(r) === 200));
    phone.stop();
  });

  it('do not disturb: 486 without an incoming-call event, the call ends dnd; off again, calls ring', async () => {
    const server = new FakeSipServer();
    const { phone, events } = await registered(server);
    phone.dnd = true;
    server.ringIn(undefined, undefined, await browserOffer());
    await until(() => server.responses.some((r) => statusOf(r) === 486));
    expect(events.map((e) => e.type)).to.deep.equal(['call-ended']);
    expect((events[0].detail as PhoneEvents['call-ended']).cause).to.equal('dnd');
    expect(phone.calls).to.deep.equal([]);
    phone.dnd = false;
    server.ringIn(undefined, undefined, await browserOffer());
    await until(() => events.some((e) => e.type === 'incoming-call'));
    phone.stop();
  });

  it('redirect answers 302 with the target as Contact and ends the call redirected; not once answered', async () => {
    const server = new FakeSipServer();
    const { phone, events } = await registered(server);
    server.ringIn(undefined, undefined, await browserOffer());
    await until(() => phone.calls.length);
    expect((await phone.redirect('nobody', 'carol').catch((e) => e)).code).to.equal('no-such-call');
    expect((await phone.redirect(undefined, 'bad target <x>').catch((e) => e)).code).to.equal('invalid-target');
    await phone.redirect(phone.calls[0].id, 'carol');
    await until(() => server.responses.some((r) => statusOf(r) === 302));
    const redirect = server.responses.find((r) => statusOf(r) === 302)!;
    expect(redirect).to.match(/\r\nContact: <sip:carol@sip-phone\.test>\r\n/);
    expect(events.find((e) => e.type === 'call-ended')!.detail).to.include({ cause: 'redirected' });
    server.ringIn(undefined, undefined, await browserOffer());
    await until(() => phone.calls.length);
    await phone.answer();
    await until(() => phone.calls[0]?.state === 'active');
    expect((await phone.redirect(phone.calls[0].id, 'carol').catch((e) => e)).code).to.equal('not-ringing');
    expect((await phone.ignore(phone.calls[0].id).catch((e) => e)).code).to.equal('not-ringing');
    phone.stop();
  });

  it('ignore stops ringing without a SIP answer; the call stays until the caller gives up', async () => {
    const server = new FakeSipServer();
    const { phone, events } = await registered(server);
    server.ringIn(undefined, undefined, await browserOffer());
    await until(() => phone.calls.length);
    await until(() => server.responses.some((r) => statusOf(r) === 180));
    await phone.ignore();
    await wait(200);
    expect(server.responses.map(statusOf), 'nothing sent but the 100 and 180').to.deep.equal([100, 180]);
    expect(phone.calls[0].ignored).to.equal(true);
    expect(phone.activeCall, "an ignored call is no one's active call").to.equal(null);
    expect(events.at(-1)).to.deep.include({ type: 'call-updated' });
    expect((await phone.answer().catch((e) => e)).code, 'answer() without an id skips it').to.equal('no-such-call');
    phone.stop();
  });
});

describe('Codec preferences on our answer (fake registrar)', () => {
  it('the 200 OK offers only the codecs the page prefers, in its order, tones kept', async () => {
    const server = new FakeSipServer();
    const { phone } = await registered(server);
    phone.codecs = 'PCMA G722';
    server.ringIn(undefined, undefined, await browserOffer());
    await until(() => phone.calls.length);
    await phone.answer();
    await until(() => server.responses.some((r) => statusOf(r) === 200));
    const sdp = server.responses.find((r) => statusOf(r) === 200)!;
    const codecs = [...sdp.matchAll(/a=rtpmap:\d+ ([\w-]+)\//g)].map((m) => m[1]);
    expect(codecs.filter((c) => c !== 'telephone-event' && c !== 'CN')).to.deep.equal(['PCMA', 'G722']);
    expect(codecs).to.include('telephone-event');
    phone.stop();
  });
});

describe('Hanging up a call whose CANCEL gets no 487 (fake registrar)', () => {
  it('ends at once for the user, media released, whatever the transaction still does', async () => {
    for (const reply of ['ring', () => null] as const) {
      const server = new FakeSipServer();
      server.inviteReply = reply;
      const { phone, events } = await registered(server);
      const id = await phone.call('bob');
      await until(() => server.requests.some((r) => r.startsWith('INVITE')));
      if (reply === 'ring') await until(() => phone.getCall(id)?.state === 'ringing');
      const track = phone.getCall(id)!.localStream?.getTracks()[0];
      await phone.hangup(id);
      await until(() => events.some((e) => e.type === 'call-ended'), 200);
      expect(events.find((e) => e.type === 'call-ended')!.detail).to.include({ cause: 'canceled' });
      expect(phone.calls, `${typeof reply}: no call left`).to.deep.equal([]);
      if (track) expect(track.readyState).to.equal('ended');
      phone.stop();
    }
  });
});

/** A call from the fake registrar, answered and active, with its media path (to play its connection state). */
async function answeredCall(server: FakeSipServer) {
  const { phone, events } = await registered(server);
  server.ringIn(undefined, undefined, await browserOffer());
  await until(() => phone.calls.length);
  await phone.answer();
  await until(() => phone.calls[0]?.state === 'active');
  const call = phone.getCall(phone.calls[0].id)!;
  const path = (call as unknown as { mediaPath: { recover(state: string): void; scheduleRestart(ms: number): void } }).mediaPath;
  return { phone, events, call, path };
}

describe('Recovering a call whose other side is gone (fake registrar)', () => {
  it('the ICE restart goes out as a re-INVITE; its 481 ends the call bye, not dialog-error', async () => {
    const server = new FakeSipServer();
    // Only our re-INVITE reaches the server (the call comes in from ringIn): the dialog is gone there.
    server.inviteReply = () => [481, 'Call/Transaction Does Not Exist'];
    const { phone, events, path } = await answeredCall(server);
    // (As the media path's connectionstatechange does when the path fails while the call is up.)
    path.recover('failed');
    expect(phone.calls[0].reconnecting).to.equal(true);
    await until(() => server.requests.some((r) => r.startsWith('INVITE ')), 6000); // (the callee restarts 3.5 s in)
    expect(server.requests.find((r) => r.startsWith('INVITE '))).to.match(/a=ice-ufrag:/);
    await until(() => events.some((e) => e.type === 'call-ended'), 3000);
    expect(events.find((e) => e.type === 'call-ended')!.detail).to.include({ cause: 'bye' });
    phone.stop();
  });

  it('a 408 to the restart (a proxy still sending to the old connection), or no connection to send it on, keeps the call recovering; a 481 then ends it', async () => {
    const server = new FakeSipServer();
    let reply: [number, string] = [408, 'Request Timeout'];
    server.inviteReply = () => reply;
    const { phone, events, path, call } = await answeredCall(server);
    path.recover('failed');
    path.scheduleRestart(0); // (not the callee's 3.5 s)
    const invites = () => server.requests.filter((r) => r.startsWith('INVITE ')).length;
    await until(() => invites() === 1, 6000);
    await until(() => server.responses.length && invites() === 1 && server.requests.some((r) => r.startsWith('ACK ')), 1000);
    expect(
      events.some((e) => e.type === 'call-ended'),
      'the 408 ended the call',
    ).to.equal(false);
    expect(phone.calls[0].reconnecting).to.equal(true);
    // A transport error of a restart (JsSIP would end the call 'connection-lost'): still recovering.
    (call.session as unknown as { onTransportError(): void }).onTransportError();
    expect(
      events.some((e) => e.type === 'call-ended'),
      'the transport error ended the call',
    ).to.equal(false);
    reply = [481, 'Call/Transaction Does Not Exist'];
    path.scheduleRestart(0);
    await until(() => events.some((e) => e.type === 'call-ended'), 3000);
    expect(invites()).to.equal(2);
    expect(events.find((e) => e.type === 'call-ended')!.detail).to.include({ cause: 'bye' });
    phone.stop();
  });
});
