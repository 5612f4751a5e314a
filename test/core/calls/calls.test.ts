import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { Phone, type PhoneEvents } from '../../../src/core/phone.js';
import { FakeSipServer } from '../fake-sip-server.js';
import { phoneWith, wait } from '../phone-fixture.js';

describe('Calls with a fake registrar', () => {
  it('refuses calls before registration and bad targets, sending nothing', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server);
    const notRegistered = await phone.call('bob').catch((e) => e);
    expect(notRegistered.code).to.equal('not-registered');
    await phone.register();
    const badTarget = await phone.call('bob <smith>').catch((e) => e);
    expect(badTarget.code).to.equal('invalid-target');
    expect((await phone.hangup().catch((e) => e)).code).to.equal('no-such-call');
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
    phone.stop();
  });

  it('a denied microphone rejects call() with media-denied and sends no INVITE', async () => {
    const server = new FakeSipServer();
    const phone = new Phone({
      createWebSocket: server.createWebSocket,
      getUserMedia: () => Promise.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' })),
      mediaGranted: () => false,
    });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    await phone.register();
    const error = await phone.call('bob').catch((e) => e);
    expect(error.code).to.equal('media-denied');
    expect(server.methods()).to.not.include('INVITE');
    expect(phone.calls).to.deep.equal([]);
    phone.stop();
  });
});

describe('Calls with media already allowed (no prompt can come)', () => {
  /** A live audio track of its own (a Web Audio destination), as the microphone would give. */
  const microphone = () => new MediaStream([new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]]);
  function deferred<T>() {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  }
  async function registeredPhone(server: FakeSipServer, media: Promise<MediaStream>) {
    const phone = new Phone({ createWebSocket: server.createWebSocket, mediaGranted: () => true, getUserMedia: () => media });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    await phone.register();
    return phone;
  }
  /** A call ringing in with a browser's offer. */
  async function ringingFromBrowser(server: FakeSipServer, phone: Phone) {
    const caller = new RTCPeerConnection();
    caller.addTransceiver('audio');
    const offer = await caller.createOffer();
    const incoming = new Promise<PhoneEvents['incoming-call']>((resolve) => phone.on('incoming-call', resolve));
    server.ringIn(undefined, undefined, offer.sdp);
    const { call: info } = await incoming;
    return { caller, info };
  }
  /** A call from a browser's offer, answered while the microphone (`media`) is still starting. */
  async function answeredWhileMediaStarts() {
    const server = new FakeSipServer();
    const media = deferred<MediaStream>();
    const phone = await registeredPhone(server, media.promise);
    const { caller, info } = await ringingFromBrowser(server, phone);
    await phone.answer(info.id);
    return { server, media, phone, caller, info };
  }
  const until = async (test: () => unknown) => {
    for (let i = 0; i < 100 && !test(); i++) await wait(20);
    expect(test()).to.be.ok;
  };

  it('a call still ringing when the connection drops ends connection-lost (it can no longer be answered)', async () => {
    const server = new FakeSipServer();
    const phone = await registeredPhone(server, deferred<MediaStream>().promise);
    const ended = new Promise<PhoneEvents['call-ended']>((resolve) => phone.on('call-ended', resolve));
    const { caller } = await ringingFromBrowser(server, phone);
    server.openSockets.at(-1)!.drop();
    const { cause } = await ended;
    expect(cause).to.equal('connection-lost');
    expect(phone.calls).to.deep.equal([]);
    caller.close();
    phone.stop();
  });

  it('sends the INVITE while the microphone starts, then puts its track on the waiting sender', async () => {
    const server = new FakeSipServer();
    server.inviteReply = 'ring';
    const media = deferred<MediaStream>();
    const phone = await registeredPhone(server, media.promise);
    const id = await phone.call('bob');
    await until(() => server.methods().includes('INVITE'));
    const invite = server.requests.find((r) => r.startsWith('INVITE'))!;
    expect(invite, 'an audio sender is offered').to.match(/m=audio[^]*a=sendrecv[^]*a=msid:/);
    const call = phone.getCall(id)!;
    expect(
      call.peerConnection!.getSenders().map((s) => s.track),
      'no track yet',
    ).to.deep.equal([null]);
    const stream = microphone();
    media.resolve(stream);
    const [track] = stream.getTracks();
    await until(() => call.peerConnection!.getSenders()[0].track === track);
    expect(call.localStream!.getTracks()).to.deep.equal([track]);
    phone.stop();
    expect(track.readyState, 'released with the call').to.equal('ended');
  });

  it('follows a 302 to its Contacts, highest q first, past a busy one, as the same call still calling', async () => {
    const server = new FakeSipServer();
    server.inviteReply = (invite) =>
      invite.startsWith('INVITE sip:bob@')
        ? [302, 'Moved Temporarily', ['Contact: <sip:carol@sip-phone.test>;q=0.5, <sip:dave@sip-phone.test>;q=0.9']]
        : invite.startsWith('INVITE sip:dave@')
          ? [486, 'Busy Here']
          : [180, 'Ringing'];
    const phone = await registeredPhone(server, Promise.resolve(microphone()));
    const states: string[] = [];
    phone.on('call-state', ({ call }) => states.push(`${call.id} ${call.state}`));
    const id = await phone.call('bob');
    await until(() => states.length);
    const targets = () => server.requests.filter((r) => r.startsWith('INVITE')).map((r) => r.split(' ')[1]);
    expect(targets()).to.deep.equal(['sip:bob@sip-phone.test', 'sip:dave@sip-phone.test', 'sip:carol@sip-phone.test']);
    expect(states).to.deep.equal([`${id} ringing`]);
    expect(phone.getCall(id)!.peerConnection!.getSenders()[0].track, 'the microphone goes with the new INVITE').to.be.ok;
    phone.stop();
  });

  it('a 302 back to a target already tried ends the call redirected; so does any 302 with following off', async () => {
    for (const follow of [true, false]) {
      const server = new FakeSipServer();
      server.inviteReply = () => [302, 'Moved Temporarily', ['Contact: <sip:bob@sip-phone.test>']];
      const phone = await registeredPhone(server, Promise.resolve(microphone()));
      phone.followRedirects = follow;
      const ended: string[] = [];
      phone.on('call-ended', ({ cause }) => ended.push(cause));
      await phone.call('bob');
      await until(() => ended.length);
      expect(ended).to.deep.equal(['redirected']);
      expect(server.methods().filter((m) => m === 'INVITE')).to.have.length(1);
      phone.stop();
    }
  });

  it('retries once after 422 with the Min-SE as its Session-Expires', async () => {
    const server = new FakeSipServer();
    server.inviteReply = (invite) => (/^Session-Expires: *1800/m.test(invite) ? [180, 'Ringing'] : [422, 'Session Interval Too Small', ['Min-SE: 1800']]);
    const phone = await registeredPhone(server, Promise.resolve(microphone()));
    const id = await phone.call('bob');
    await until(() => phone.getCall(id)?.state === 'ringing');
    expect(server.methods().filter((m) => m === 'INVITE')).to.have.length(2);
    phone.stop();
  });

  it('media that fails after the INVITE went out cancels the call (media-denied) and reports the error', async () => {
    const server = new FakeSipServer();
    server.inviteReply = 'ring';
    const media = deferred<MediaStream>();
    const phone = await registeredPhone(server, media.promise);
    const ended: PhoneEvents['call-ended'][] = [];
    const errors: PhoneEvents['error'][] = [];
    phone.on('call-ended', (e) => ended.push(e));
    phone.on('error', (e) => errors.push(e));
    await phone.call('bob');
    await until(() => server.methods().includes('INVITE'));
    await wait(50);
    media.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    await until(() => ended.length === 1);
    expect(ended[0].cause).to.equal('media-denied');
    expect(errors.map((e) => e.code)).to.deep.equal(['media-denied']);
    await until(() => server.methods().includes('CANCEL'));
    expect(phone.calls).to.deep.equal([]);
    phone.stop();
  });

  it('answers at once with a sendrecv answer, then puts the track on the sender (muted if the user muted meanwhile)', async () => {
    const { server, media, phone, caller, info } = await answeredWhileMediaStarts();
    await until(() => server.responses.some((r) => r.startsWith('SIP/2.0 200')));
    const ok = server.responses.find((r) => r.startsWith('SIP/2.0 200'))!;
    expect(ok, 'we send audio: sendrecv with a stream id').to.match(/m=audio[^]*a=sendrecv[^]*a=msid:/);
    const call = phone.getCall(info.id)!;
    await until(() => call.state === 'active');
    await phone.mute('audio', info.id);
    const stream = microphone();
    media.resolve(stream);
    await until(() => call.peerConnection!.getSenders()[0]?.track === stream.getTracks()[0]);
    expect(stream.getTracks()[0].enabled, 'muted before the microphone came: it stays muted').to.equal(false);
    caller.close();
    phone.stop();
  });

  it('answers with a microphone that is ready before the offer is applied, and sends it', async () => {
    const server = new FakeSipServer();
    const stream = microphone();
    const phone = await registeredPhone(server, Promise.resolve(stream));
    const { caller, info } = await ringingFromBrowser(server, phone);
    await phone.answer(info.id);
    const call = phone.getCall(info.id)!;
    await until(() => call.state === 'active');
    await until(() => call.peerConnection!.getSenders()[0]?.track === stream.getTracks()[0]);
    caller.close();
    phone.stop();
  });

  it('sends RFC 4733 tones of 250 ms with 100 ms gaps, and tones dialled before the microphone is on its sender once it is', async () => {
    // Chromium offers telephone-event/48000 and /8000.
    const { media, phone, caller, info } = await answeredWhileMediaStarts();
    const call = phone.getCall(info.id)!;
    await until(() => call.state === 'active');
    const inserted: [string, number, number][] = [];
    const insertDTMF = RTCDTMFSender.prototype.insertDTMF;
    RTCDTMFSender.prototype.insertDTMF = function (tones: string, duration: number, gap: number) {
      inserted.push([tones, duration, gap]);
    };
    try {
      await phone.sendDtmf('12', info.id);
      await phone.sendDtmf('#', info.id);
      expect(inserted, 'nothing to send them with yet').to.deep.equal([]);
      const stream = microphone();
      media.resolve(stream);
      await until(() => inserted.length === 1);
      expect(call.peerConnection!.getSenders()[0].track).to.equal(stream.getTracks()[0]);
      await phone.sendDtmf('4', info.id);
    } finally {
      RTCDTMFSender.prototype.insertDTMF = insertDTMF;
    }
    expect(inserted).to.deep.equal([
      ['12#', 250, 100],
      ['4', 250, 100],
    ]);
    caller.close();
    phone.stop();
  });

  /** The callee's 200 OK with an SDP answer to `request` (an INVITE or re-INVITE from the phone). */
  function okWithAnswer(request: string, sdp: string): string {
    const header = (name: string) => request.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))!;
    const to = header('To');
    return [
      'SIP/2.0 200 OK',
      header('Via'),
      header('From'),
      /;tag=/.test(to) ? to : `${to};tag=callee`,
      header('Call-ID'),
      header('CSeq'),
      'Contact: <sip:bob@callee.invalid;transport=ws>',
      'Content-Type: application/sdp',
      `Content-Length: ${new TextEncoder().encode(sdp).length}`,
      '',
      sdp,
    ].join('\r\n');
  }
  const sdpOf = (request: string) => request.slice(request.indexOf('\r\n\r\n') + 4);

  it('a transfer waits for our hold re-INVITE to be answered and ACKed before it sends the REFER', async () => {
    // Call waiting holds the other call; an attended transfer right after it sent its REFER before
    // the ACK of that re-INVITE, and a JsSIP callee (waiting for the ACK) refused it 403.
    const server = new FakeSipServer();
    server.inviteReply = () => null;
    const phone = await registeredPhone(server, Promise.resolve(microphone()));
    const callee = new RTCPeerConnection();
    const socket = () => server.openSockets.at(-1)!;
    const answer = async (request: string) => {
      await callee.setRemoteDescription({ type: 'offer', sdp: sdpOf(request) });
      await callee.setLocalDescription(await callee.createAnswer());
      socket().deliver(okWithAnswer(request, callee.localDescription!.sdp));
    };
    const invites = () => server.requests.filter((r) => r.startsWith('INVITE'));
    const id = await phone.call('bob');
    await until(() => invites().length === 1);
    await answer(invites()[0]);
    await until(() => phone.getCall(id)?.state === 'active' && server.methods().includes('ACK'));

    const held = phone.hold(id);
    await until(() => invites().length === 2);
    const transferred = phone.transfer('carol', id);
    await wait(300);
    expect(server.methods(), 'no REFER while the re-INVITE is open').to.not.include('REFER');
    await answer(invites()[1]);
    await held;
    await transferred;
    await until(() => server.methods().includes('REFER'));
    const methods = server.methods();
    expect(methods.lastIndexOf('ACK'), 'the ACK of the re-INVITE goes before the REFER').to.be.below(methods.indexOf('REFER'));
    expect(server.requests.find((r) => r.startsWith('REFER'))).to.match(/Refer-To: <?sip:carol@sip-phone\.test/);
    callee.close();
    phone.stop();
  });
});
