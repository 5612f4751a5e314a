// Messages that cross, in every order (jssip-session-races.ts): the callee's 200 OK, its BYE
// right after, JsSIP's setRemoteDescription of the answer (held here until the test settles it,
// as a loaded page delays it), our hang-up or CANCEL, a second fork's 200, and a REFER that
// overtakes the ACK of our 200. The fake registrar carries the messages; no timing is left to luck.
import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { Phone, type PhoneEvents } from '../../../src/core/phone.js';
import { FakeSipServer, response, until } from '../fake-sip-server.js';
import { wait } from '../phone-fixture.js';

const microphone = () => new MediaStream([new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]]);
const ANSWER_SDP = [
  'v=0',
  'o=- 2 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'c=IN IP4 127.0.0.1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

const header = (message: string, name: string) =>
  message
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim() ?? '';
const method = (message: string) => message.split(' ')[0];
const cseqMethod = (message: string) => header(message, 'CSeq').split(' ')[1];
const status = (message: string) => Number(message.split(' ')[1]);

/** How JsSIP's setRemoteDescription of the answer settles: when the test says, or never. */
type Settle = 'resolve' | 'reject' | 'never';

/** A registered phone that placed a call to bob; the fake callee answers as each test says. */
async function placedCall() {
  const server = new FakeSipServer();
  server.inviteReply = () => null;
  const phone = new Phone({ createWebSocket: server.createWebSocket, mediaGranted: () => true, getUserMedia: () => Promise.resolve(microphone()) });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
  await phone.register();
  const ended: PhoneEvents['call-ended'][] = [];
  const states: string[] = [];
  phone.on('call-ended', (e) => ended.push(e));
  phone.on('call-state', (e) => states.push(e.call.state));
  // JsSIP's setRemoteDescription of the answer waits for the test.
  const pending: { resolve(): void; reject(error: Error): void }[] = [];
  const setRemoteDescription = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function () {
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  } as typeof setRemoteDescription;
  const id = await phone.call('bob');
  await until(() => server.methods().includes('INVITE'));
  const invite = server.requests.find((r) => method(r) === 'INVITE')!;
  const socket = server.openSockets.at(-1)!;
  const to = (tag: string) => `To: ${header(invite, 'To')};tag=${tag}`;
  const response = (code: number, reason: string, tag: string, body = '') =>
    [
      `SIP/2.0 ${code} ${reason}`,
      `Via: ${header(invite, 'Via')}`,
      `From: ${header(invite, 'From')}`,
      to(tag),
      `Call-ID: ${header(invite, 'Call-ID')}`,
      `CSeq: ${header(invite, 'CSeq')}`,
      `Contact: <sip:bob@${tag}.invalid;transport=ws>`,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      '',
      body,
    ].join('\r\n');
  let byes = 0;
  const steps = {
    ok: (tag = 'callee') => socket.deliver(response(200, 'OK', tag, ANSWER_SDP)),
    ringing: (tag = 'callee') => socket.deliver(response(180, 'Ringing', tag)),
    busy: (tag = 'callee') => socket.deliver(response(486, 'Busy Here', tag)),
    /** The callee's BYE on its dialog (tag): from bob, to us. */
    bye: (tag = 'callee') => {
      byes += 1;
      socket.deliver(
        [
          `BYE sip:alice@${header(invite, 'Contact').replace(/^.*@|>.*$/g, '')} SIP/2.0`,
          `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bKbye${byes}${tag}`,
          'Max-Forwards: 70',
          `From: ${header(invite, 'To')};tag=${tag}`,
          `To: ${header(invite, 'From')}`,
          `Call-ID: ${header(invite, 'Call-ID')}`,
          'CSeq: 1 BYE',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    },
    settle: async (how: Settle) => {
      await until(() => pending.length > 0);
      if (how === 'resolve') pending.shift()!.resolve();
      if (how === 'reject') pending.shift()!.reject(new DOMException('refused', 'InvalidAccessError'));
    },
  };
  const requests = (m: string, tag = 'callee') => server.requests.filter((r) => method(r) === m && header(r, 'To').endsWith(`tag=${tag}`));
  const byeAnswers = () => server.responses.filter((r) => cseqMethod(r) === 'BYE').map(status);
  return {
    server,
    phone,
    id,
    steps,
    ended,
    states,
    requests,
    byeAnswers,
    done: () => {
      RTCPeerConnection.prototype.setRemoteDescription = setRemoteDescription;
      phone.stop();
    },
  };
}

/** The orders of the callee's 200, its BYE and the settling of the answer's SDP. */
const byeOrders: { name: string; run: (s: Awaited<ReturnType<typeof placedCall>>['steps']) => Promise<void> }[] = [
  { name: '200, SDP applied, BYE', run: async (s) => (s.ok(), await s.settle('resolve'), await wait(30), s.bye()) },
  { name: '200, BYE, SDP applied', run: async (s) => (s.ok(), await wait(10), s.bye(), await s.settle('resolve')) },
  { name: '200, BYE, SDP refused', run: async (s) => (s.ok(), await wait(10), s.bye(), await s.settle('reject')) },
  { name: '200, BYE, SDP never settles', run: async (s) => (s.ok(), await wait(10), s.bye()) },
  { name: 'BYE (no dialog yet), 200, SDP applied', run: async (s) => (s.bye(), await wait(10), s.ok(), await s.settle('resolve')) },
  { name: 'BYE (no dialog yet), 200, SDP refused', run: async (s) => (s.bye(), await wait(10), s.ok(), await s.settle('reject')) },
  {
    name: '180, BYE (early dialog), 200, SDP applied',
    run: async (s) => (s.ringing(), await wait(10), s.bye(), await wait(10), s.ok(), await s.settle('resolve')),
  },
  { name: 'BYE, 200, its retransmission, SDP applied', run: async (s) => (s.bye(), await wait(10), s.ok(), await wait(10), s.ok(), await s.settle('resolve')) },
];

describe('The callee hangs up right after answering, in every order', () => {
  for (const order of byeOrders) {
    it(`${order.name}: the 200 is ACKed, the BYE answered 200 once, the call ends bye`, async () => {
      const call = await placedCall();
      try {
        await order.run(call.steps);
        await until(() => call.ended.length === 1);
        await wait(50);
        expect(call.ended.map((e) => e.cause)).to.deep.equal(['bye']);
        expect(call.byeAnswers(), 'the BYE answered once, 200').to.deep.equal([200]);
        // Each 200 that arrives is ACKed (a retransmission too), and nothing more is sent.
        const oks = order.name.includes('retransmission') ? 2 : 1;
        expect(call.requests('ACK').length, 'ACKs').to.equal(oks);
        expect(call.requests('BYE'), 'we send no BYE of our own').to.deep.equal([]);
        expect(call.states.slice(call.states.indexOf('ended') + 1), 'nothing after ended').to.deep.equal([]);
      } finally {
        call.done();
      }
    });
  }

  it('BYE before a final 486: the BYE is answered 481 and the call ends busy', async () => {
    const call = await placedCall();
    try {
      call.steps.ringing();
      await wait(10);
      call.steps.bye();
      await wait(10);
      expect(call.byeAnswers(), 'held while the INVITE is open').to.deep.equal([]);
      call.steps.busy();
      await until(() => call.ended.length === 1);
      await wait(20);
      expect(call.ended[0].cause).to.equal('busy');
      expect(call.byeAnswers()).to.deep.equal([481]);
    } finally {
      call.done();
    }
  });

  it('our hang-up between the 200 and its SDP (the call not yet shown active): ACK first, then our BYE, once each; the call ends canceled', async () => {
    for (const settle of ['resolve', 'reject', 'never'] as const) {
      const call = await placedCall();
      try {
        call.steps.ok();
        await wait(10);
        await call.phone.hangup(call.id);
        await call.steps.settle(settle);
        await until(() => call.ended.length === 1);
        await wait(50);
        const sent = call.server.requests.filter((r) => ['ACK', 'BYE'].includes(method(r))).map(method);
        expect(sent, `SDP ${settle}`).to.deep.equal(['ACK', 'BYE']);
        expect(call.ended.map((e) => e.cause)).to.deep.equal(['canceled']);
      } finally {
        call.done();
      }
    }
  });
});

describe('A 200 that crosses our CANCEL, and two forks that both answer, in every order', () => {
  it('CANCEL after the 180, then the 200: the late 200 is ACKed and ended with BYE on its dialog; shown canceled', async () => {
    const call = await placedCall();
    try {
      call.steps.ringing();
      await until(() => call.states.includes('ringing'));
      await call.phone.hangup(call.id);
      await until(() => call.server.methods().includes('CANCEL'));
      call.steps.ok();
      await wait(50);
      expect(call.requests('ACK').length).to.equal(1);
      expect(call.requests('BYE').length).to.equal(1);
      // Its retransmission (our ACK was slow): ACKed again, no second BYE.
      call.steps.ok();
      await wait(50);
      expect(call.requests('ACK').length).to.equal(2);
      expect(call.requests('BYE').length).to.equal(1);
      expect(call.ended.map((e) => e.cause)).to.deep.equal(['canceled']);
      expect(call.states).to.not.include('active');
    } finally {
      call.done();
    }
  });

  for (const [name, run] of [
    [
      'second 200 before the first SDP is applied',
      async (s: Awaited<ReturnType<typeof placedCall>>['steps']) => (s.ok('a'), s.ok('b'), await s.settle('resolve')),
    ],
    [
      'second 200 after the first SDP is applied',
      async (s: Awaited<ReturnType<typeof placedCall>>['steps']) => (s.ok('a'), await s.settle('resolve'), await wait(20), s.ok('b')),
    ],
  ] as const) {
    it(`two forks answer, ${name}: the first is kept (one ACK), the second gets ACK and BYE on its own dialog`, async () => {
      const call = await placedCall();
      try {
        await run(call.steps);
        await until(() => call.states.includes('active'));
        await wait(50);
        expect(call.requests('ACK', 'a').length, 'kept fork ACKed once').to.equal(1);
        expect(call.requests('BYE', 'a'), 'kept fork not ended').to.deep.equal([]);
        expect(call.requests('ACK', 'b').length).to.equal(1);
        expect(call.requests('BYE', 'b').length).to.equal(1);
        // Each 200 retransmitted (our ACKs were slow): ACKed again, on its own dialog, no BYE.
        call.steps.ok('b');
        call.steps.ok('a');
        await wait(50);
        expect(call.requests('ACK', 'b').length).to.equal(2);
        expect(call.requests('BYE', 'b').length).to.equal(1);
        expect(call.requests('ACK', 'a').length).to.equal(2);
        expect(call.requests('BYE', 'a')).to.deep.equal([]);
        expect(call.ended).to.deep.equal([]);
      } finally {
        call.done();
      }
    });
  }

  it("fork a's BYE overtakes its 200, fork b answers first: b is kept, a's 200 is ACKed and ended on its own dialog, a's BYE answered 200", async () => {
    const call = await placedCall();
    try {
      call.steps.bye('a');
      await wait(10);
      call.steps.ok('b');
      call.steps.ok('a');
      await call.steps.settle('resolve');
      await wait(50);
      // b was first: kept. a's 200 is ACKed and ended on its own dialog, its BYE answered 200.
      expect(call.requests('ACK', 'b').length).to.equal(1);
      expect(call.requests('BYE', 'b')).to.deep.equal([]);
      expect(call.requests('ACK', 'a').length).to.equal(1);
      expect(call.requests('BYE', 'a').length).to.equal(1);
      expect(call.byeAnswers()).to.deep.equal([200]);
      expect(call.ended).to.deep.equal([]);
    } finally {
      call.done();
    }
  });
});

describe('A REFER that overtakes the ACK of our 200', () => {
  /** A call from bob (a browser's offer) that the phone answers; the ACK is the test's to send. */
  /** The call confirmed; our next re-INVITE refused 491, the one after taken: what we send (matching `sent`), as "METHOD CSeq". */
  async function refusedOnce(answered: Awaited<ReturnType<typeof answeredCall>>, sent: RegExp) {
    answered.inDialog('ACK', 1);
    await wait(10);
    const replies: [number, string][] = [
      [491, 'Request Pending'],
      [200, 'OK'],
    ];
    answered.server.inviteReply = () => replies.shift() ?? null;
    return () => answered.server.requests.filter((r) => sent.test(r)).map((r) => `${method(r)} ${header(r, 'CSeq').split(' ')[0]}`);
  }

  type Session = { connection: RTCPeerConnection; sendRequest(method: string, options: { eventHandlers: Record<string, () => unknown> }): void };
  /** The JsSIP session behind a call. */
  const sessionOf = ({ phone, call }: { phone: Phone; call: { id: string } }) =>
    (phone as unknown as { calling: { get(id: string): { session: Session } } }).calling.get(call.id).session;

  async function answeredCall() {
    const server = new FakeSipServer();
    const phone = new Phone({ createWebSocket: server.createWebSocket, mediaGranted: () => true, getUserMedia: () => Promise.resolve(microphone()) });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    phone.acceptTransfers = false;
    await phone.register();
    const caller = new RTCPeerConnection();
    caller.addTransceiver('audio');
    const offer = await caller.createOffer();
    const incoming = new Promise<PhoneEvents['incoming-call']>((resolve) => phone.on('incoming-call', resolve));
    server.ringIn(undefined, undefined, offer.sdp);
    const { call } = await incoming;
    await phone.answer(call.id);
    await until(() => server.responses.some((r) => status(r) === 200 && cseqMethod(r) === 'INVITE'));
    const ok = server.responses.find((r) => status(r) === 200 && cseqMethod(r) === 'INVITE')!;
    const socket = server.openSockets.at(-1)!;
    const inDialog = (m: string, cseq: number, extra: string[] = []) =>
      socket.deliver(
        [
          `${m} ${/<([^>]+)>/.exec(header(ok, 'Contact'))![1]} SIP/2.0`,
          `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK${m}${cseq}`,
          'Max-Forwards: 70',
          `From: ${header(ok, 'From')}`,
          `To: ${header(ok, 'To')}`,
          `Call-ID: ${header(ok, 'Call-ID')}`,
          `CSeq: ${cseq} ${m}`,
          ...extra,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    const answers = (m: string) => server.responses.filter((r) => cseqMethod(r) === m).map(status);
    /** bob's re-INVITE with an offer. */
    const reinvite = async (cseq: number) => {
      const sdp = (await caller.createOffer()).sdp!;
      socket.deliver(
        [
          `INVITE ${/<([^>]+)>/.exec(header(ok, 'Contact'))![1]} SIP/2.0`,
          `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bKreinvite${cseq}`,
          'Max-Forwards: 70',
          `From: ${header(ok, 'From')}`,
          `To: ${header(ok, 'To')}`,
          `Call-ID: ${header(ok, 'Call-ID')}`,
          `CSeq: ${cseq} INVITE`,
          'Contact: <sip:bob@fake.invalid;transport=ws>',
          'Content-Type: application/sdp',
          `Content-Length: ${new TextEncoder().encode(sdp).length}`,
          '',
          sdp,
        ].join('\r\n'),
      );
    };
    return { phone, server, call, inDialog, reinvite, answers, done: () => (caller.close(), phone.stop()) };
  }

  it('REFER before the ACK: held (not 403 Wrong Status), taken once the ACK comes (202)', async () => {
    const call = await answeredCall();
    try {
      call.inDialog('REFER', 2, ['Refer-To: <sip:carol@sip-phone.test>', 'Contact: <sip:bob@fake.invalid;transport=ws>']);
      await wait(30);
      expect(call.answers('REFER'), 'nothing before the ACK').to.deep.equal([]);
      call.inDialog('ACK', 1);
      await until(() => call.answers('REFER').length > 0);
      expect(call.answers('REFER')).to.deep.equal([202]);
    } finally {
      call.done();
    }
  });

  it("bob's re-INVITE while our own is being prepared (our offer made, not yet sent): answered 491, and ours goes out with the offer the browser has", async () => {
    const answered = await answeredCall();
    const setLocalDescription = RTCPeerConnection.prototype.setLocalDescription;
    let crossed = false;
    try {
      answered.inDialog('ACK', 1);
      await wait(10);
      // bob's offer arrives right after the browser took ours, before JsSIP sends it (it waits for ICE).
      RTCPeerConnection.prototype.setLocalDescription = async function (this: RTCPeerConnection, ...args: []) {
        await setLocalDescription.apply(this, args);
        if (this.signalingState === 'have-local-offer' && !crossed) {
          crossed = true;
          await answered.reinvite(2);
        }
      } as typeof setLocalDescription;
      void answered.phone.hold(answered.call.id).catch(() => {});
      await until(() => answered.answers('INVITE').includes(491));
      expect(answered.answers('INVITE').filter((s) => s >= 200)).to.deep.equal([200, 491]);
      const ourHold = () => answered.server.requests.some((r) => method(r) === 'INVITE' && /a=sendonly/.test(r));
      await until(ourHold);
      expect(answered.phone.calls.length, 'the call goes on').to.equal(1);
    } finally {
      RTCPeerConnection.prototype.setLocalDescription = setLocalDescription;
      answered.done();
    }
  });

  it('our re-INVITE refused 491 and sent again by JsSIP with the next CSeq: its 2xx is ACKed with that CSeq', async () => {
    const answered = await answeredCall();
    try {
      const ours = await refusedOnce(answered, /^(INVITE|ACK) /);
      void answered.phone.hold(answered.call.id).catch(() => {});
      // (JsSIP waits up to 2 s before it tries again.)
      await until(() => ours().length === 4, 4000);
      const [invite, ack491, again, ack200] = ours();
      expect(Number(again.split(' ')[1])).to.equal(Number(invite.split(' ')[1]) + 1);
      expect([ack491, ack200]).to.deep.equal([`ACK ${invite.split(' ')[1]}`, `ACK ${again.split(' ')[1]}`]);
    } finally {
      answered.done();
    }
  });

  it("a re-INVITE refused 491: JsSIP's retry takes the CSeq current when it goes (after a request sent meanwhile)", async () => {
    const answered = await answeredCall();
    try {
      const ours = await refusedOnce(answered, /^(INVITE|INFO) /);
      const session = sessionOf(answered);
      // Asked at the 491 and again just before the retry, when the sender sends an INFO: the INFO
      // takes the next CSeq, the retry the one after.
      let asked = 0;
      session.sendRequest('INVITE', {
        eventHandlers: { onReattempt: () => (++asked === 2 && session.sendRequest('INFO', { eventHandlers: {} }), true) },
      });
      // (JsSIP waits up to 2 s before it tries again.)
      await until(() => ours().length === 3, 4000);
      const first = Number(ours()[0].split(' ')[1]);
      expect(ours()).to.deep.equal([`INVITE ${first}`, `INFO ${first + 1}`, `INVITE ${first + 2}`]);
    } finally {
      answered.done();
    }
  });

  it('a re-INVITE refused 491 whose offer the browser no longer has (rolled back) is not sent again; the call goes on', async () => {
    const answered = await answeredCall();
    try {
      answered.inDialog('ACK', 1);
      await wait(10);
      let ours = '';
      answered.server.inviteReply = (invite) => ((ours = invite), null);
      void answered.phone.hold(answered.call.id).catch(() => {});
      await until(() => ours !== '');
      // The offer is rolled back, then the 491 comes (JsSIP may send it again at once: 0-2 s).
      const pc = sessionOf(answered).connection;
      await pc.setLocalDescription({ type: 'rollback' });
      answered.server.openSockets.at(-1)!.deliver(response(ours, 491, 'Request Pending'));
      // (JsSIP waits up to 2 s before it tries again.)
      await wait(2200);
      expect(answered.server.requests.filter((r) => method(r) === 'INVITE')).to.have.length(1);
      expect(answered.phone.calls.length, 'the call goes on').to.equal(1);
    } finally {
      answered.done();
    }
  });

  it('ACK before the REFER: taken at once (202)', async () => {
    const call = await answeredCall();
    try {
      call.inDialog('ACK', 1);
      await wait(10);
      call.inDialog('REFER', 2, ['Refer-To: <sip:carol@sip-phone.test>', 'Contact: <sip:bob@fake.invalid;transport=ws>']);
      await until(() => call.answers('REFER').length > 0);
      expect(call.answers('REFER')).to.deep.equal([202]);
    } finally {
      call.done();
    }
  });

  it('REFER, then a BYE instead of the ACK: the REFER is answered 481 when the call ends', async () => {
    const call = await answeredCall();
    try {
      call.inDialog('REFER', 2, ['Refer-To: <sip:carol@sip-phone.test>', 'Contact: <sip:bob@fake.invalid;transport=ws>']);
      await wait(10);
      call.inDialog('BYE', 3);
      await until(() => call.answers('REFER').length > 0);
      expect(call.answers('BYE')).to.deep.equal([200]);
      expect(call.answers('REFER')).to.deep.equal([481]);
    } finally {
      call.done();
    }
  });
});
