// What JsSIP would end a call for while its media path is recovered (jssip-recovering-session.ts),
// on a stand-in for JsSIP's RTCSession: only the internals the module wraps.
import { expect } from '@esm-bundle/chai';
import { keepSessionWhileRecovering } from '../../../src/core/kernel/jssip-recovering-session.js';
import type { RTCSession } from '../../../src/core/kernel/jssip-adapter.js';
import { wait } from '../phone-fixture.js';

type Handler = (response?: { status_code: number; cseq?: number }) => void;
type Handlers = Record<string, Handler>;

function fakeSession() {
  const seen: string[] = [];
  const sent: { method: string; handlers?: Handlers }[] = [];
  const session = {
    _dialog: { uac_pending_reply: false, _outgoing_ack_seqnum: 0, sendRequest: (m: string) => seen.push(`dialog ${m}`) },
    ended: false,
    _connection: undefined as { signalingState: string; setLocalDescription(d: { type: string }): Promise<void> } | undefined,
    _rtcReady: true,
    _receiveReinvite: (request: string) => seen.push(`took ${request} in ${session._connection?.signalingState}`),
    onTransportError: () => seen.push('ended: transport error'),
    onRequestTimeout: () => seen.push('ended: request timeout'),
    terminate: (options?: { cause?: string }) => seen.push(`ended: ${options?.cause}`),
    isEnded() {
      return this.ended;
    },
    sendRequest(method: string, options?: { body?: string; eventHandlers?: Handlers }) {
      sent.push({ method, handlers: options?.eventHandlers });
      if (method === 'INVITE') this._dialog.uac_pending_reply = true;
      this._dialog._outgoing_ack_seqnum += method === 'INVITE' ? 1 : 0;
    },
  };
  /** A re-INVITE the way JsSIP's _sendReinvite sends it: its handlers say what happened. */
  const reinvite = (body?: string) => {
    const outcome: string[] = [];
    const on = (name: string) => (r?: { status_code: number }) => outcome.push(`${name}${r ? ` ${r.status_code}` : ''}`);
    session.sendRequest('INVITE', {
      body,
      eventHandlers: Object.fromEntries(
        ['onSuccessResponse', 'onErrorResponse', 'onTransportError', 'onRequestTimeout', 'onDialogError'].map((n) => [n, on(n)]),
      ),
    });
    return { outcome, handlers: sent.at(-1)!.handlers! };
  };
  return { session, seen, reinvite };
}

function guarded({ recovering = true, recoverable = recovering } = {}) {
  const fake = fakeSession();
  const state = { recovering, recoverable, rollbacks: 0, offers: [] as (string | undefined)[] };
  keepSessionWhileRecovering(fake.session as unknown as RTCSession, {
    recovering: () => state.recovering,
    recoverable: () => state.recoverable,
    rollBack: (offer?: string) => {
      state.rollbacks++;
      state.offers.push(offer);
    },
    answerMs: 50,
  });
  return { ...fake, state };
}

describe('a session whose media path is recovered', () => {
  it("survives ICE 'failed' and a failed restart (rolled back); a 481 and a hang-up still end it", () => {
    const { session, seen, state } = guarded();
    session.terminate({ cause: 'RTP Timeout' });
    session.terminate({ cause: 'WebRTC Error' });
    session.onTransportError();
    session.onRequestTimeout();
    expect(seen).to.deep.equal([]);
    expect(state.rollbacks).to.equal(3);
    session.terminate({ cause: 'Dialog Error' });
    session.terminate();
    expect(seen).to.deep.equal(['ended: Dialog Error', 'ended: undefined']);
  });

  it('ends as JsSIP would when nothing is being recovered', () => {
    const { session, seen, state } = guarded({ recovering: false });
    session.terminate({ cause: 'RTP Timeout' });
    session.terminate({ cause: 'WebRTC Error' });
    session.onRequestTimeout();
    expect(seen).to.deep.equal(['ended: RTP Timeout', 'ended: WebRTC Error', 'ended: request timeout']);
    expect(state.rollbacks).to.equal(0);
  });

  it("ICE 'failed' on a call about to be recovered (the path's own event comes after JsSIP's) does not end it", () => {
    const { session, seen } = guarded({ recovering: false, recoverable: true });
    session.terminate({ cause: 'RTP Timeout' });
    expect(seen).to.deep.equal([]);
  });

  it('a restart answered 408 fails as any error would (JsSIP: a dialog error that ends the call); a 481 stays one', () => {
    const { reinvite } = guarded();
    const first = reinvite();
    first.handlers.onDialogError({ status_code: 408 });
    const second = reinvite();
    second.handlers.onDialogError({ status_code: 481 });
    expect([first.outcome, second.outcome]).to.deep.equal([['onErrorResponse 408'], ['onDialogError 481']]);
  });

  it('a restart unanswered in time is given up: the dialog is free for the next, its own offer rolled back, its late 2xx only acknowledged', async () => {
    const { session, seen, state, reinvite } = guarded();
    const restart = reinvite('v=0\r\no=- 42 3 IN IP4 127.0.0.1\r\n');
    await wait(80);
    expect(session._dialog.uac_pending_reply).to.equal(false);
    expect(state.offers).to.deep.equal(['v=0\r\no=- 42 3 IN IP4 127.0.0.1\r\n']);
    restart.handlers.onSuccessResponse({ status_code: 200, cseq: 1 });
    restart.handlers.onRequestTimeout();
    expect(restart.outcome).to.deep.equal([]);
    expect(seen).to.deep.equal(['dialog ACK']);
  });

  it("the other side's restart while ours, refused 491, waits to be sent again: ours rolled back, theirs taken; refused while ours is on its way", async () => {
    const { session, seen, state } = guarded();
    const pc = {
      signalingState: 'have-local-offer',
      setLocalDescription: async ({ type }: { type: string }) => {
        seen.push(type);
        pc.signalingState = 'stable';
      },
    };
    session._connection = pc;
    session._dialog.uac_pending_reply = true; // ours on its way: JsSIP's own 491 (here: passed on as is)
    session._receiveReinvite('theirs');
    session._dialog.uac_pending_reply = false; // refused 491, waiting to be sent again
    session._receiveReinvite('theirs again');
    await wait(10);
    expect(seen).to.deep.equal(['took theirs in have-local-offer', 'rollback', 'took theirs again in stable']);
    state.recovering = false;
    pc.signalingState = 'have-local-offer';
    session._receiveReinvite('outside a recovery');
    expect(seen.at(-1)).to.equal('took outside a recovery in have-local-offer');
  });

  it('a restart answered in time is left alone', async () => {
    const { session, state, reinvite } = guarded();
    const restart = reinvite();
    restart.handlers.onSuccessResponse({ status_code: 200, cseq: 1 });
    await wait(80);
    expect(restart.outcome).to.deep.equal(['onSuccessResponse 200']);
    expect(state.rollbacks).to.equal(0);
    expect(session._dialog.uac_pending_reply).to.equal(true); // (cleared by JsSIP's transaction, not faked here)
  });
});
