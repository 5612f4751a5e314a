import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../src/core/kernel/config.js';
import { Phone, type PhoneEvents } from '../../src/core/phone.js';
import { FakeSipServer } from './fake-sip-server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function phoneWith(server: FakeSipServer, password = 'alice-pw') {
  // The first attempt after a lost connection at 1-1.5 s (not the default spread over 1-5 s).
  const reconnectPolicy = { lossSpreadMs: 1500 };
  const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket, reconnectPolicy });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password }));
  const events: { type: keyof PhoneEvents; detail: unknown }[] = [];
  for (const type of ['connecting', 'connected', 'connection-lost', 'registered', 'unregistered', 'registration-failed', 'error'] as const) {
    phone.on(type, (detail) => events.push({ type, detail }));
  }
  return { phone, events, types: () => events.map((e) => e.type) };
}

describe('Phone with a fake registrar', () => {
  it('connects, answers the digest challenge and registers with a stable +sip.instance', async () => {
    const server = new FakeSipServer();
    const { phone, types } = phoneWith(server);
    await phone.register();
    expect(types()).to.deep.equal(['connecting', 'connected', 'registered']);
    expect(phone.registrationState).to.equal('registered');
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
    expect(server.requests[1]).to.match(/\+sip\.instance="<urn:uuid:8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10>"/);
    expect(server.requests[1]).to.match(/reg-id=1/);
    phone.stop();
  });

  it('a wrong password fails once with 401 and is not retried', async () => {
    const server = new FakeSipServer();
    const { phone, events } = phoneWith(server, 'wrong');
    const error = await phone.register().then(() => null, (e) => e);
    expect(error.code).to.equal('authentication-failed');
    expect(phone.registrationState).to.equal('failed');
    await wait(300);
    const failures = events.filter((e) => e.type === 'registration-failed');
    expect(failures).to.have.length(1);
    expect(failures[0].detail).to.include({ statusCode: 401, cause: 'authentication-error' });
    expect(server.methods()).to.deep.equal(['REGISTER', 'REGISTER']);
    phone.stop();
  });

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

  it('a new configuration re-registers; its failure is reported by events, not as an unhandled rejection', async () => {
    const server = new FakeSipServer();
    const { phone, events } = phoneWith(server);
    await phone.register();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: PromiseRejectionEvent) => {
      unhandled.push(e.reason);
      e.preventDefault();
    };
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'wrong' }));
      await wait(300);
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
    expect(unhandled).to.deep.equal([]);
    expect(events.filter((e) => e.type === 'registration-failed')).to.have.length(1);
    expect(phone.registrationState).to.equal('failed');
    phone.stop();
  });

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

  describe('with media already allowed (no prompt can come)', () => {
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
      expect(call.peerConnection!.getSenders().map((s) => s.track), 'no track yet').to.deep.equal([null]);
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
        invite.startsWith('INVITE sip:bob@') ? [302, 'Moved Temporarily', ['Contact: <sip:carol@sip-phone.test>;q=0.5, <sip:dave@sip-phone.test>;q=0.9']]
        : invite.startsWith('INVITE sip:dave@') ? [486, 'Busy Here'] : [180, 'Ringing'];
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
      const { server, media, phone, caller, info } = await answeredWhileMediaStarts();
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
      expect(inserted).to.deep.equal([['12#', 250, 100], ['4', 250, 100]]);
      caller.close();
      phone.stop();
    });
  });
});

