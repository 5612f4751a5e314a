import { expect } from '@esm-bundle/chai';
import { CallKeeper, fromParty, replacesHeaders, supportsReplaces, type KeptCall } from '../../../src/core/calls/call-resume.js';
import type { RTCSession } from '../../../src/core/kernel/jssip-adapter.js';

/** sessionStorage's part that the keeper uses, in memory. */
function memoryStore() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

const session = { _dialog: { id: { call_id: 'c1', local_tag: 'mine', remote_tag: 'theirs' } } } as unknown as RTCSession;
const call = {
  id: 'call-1',
  session,
  remoteUri: 'sip:bob@sip-phone.test',
  video: true,
  headers: { Supported: 'ice,replaces,outbound' },
  startedAt: 1000,
  setLocalStream() {},
};

describe('CallKeeper (a reload takes the call back)', () => {
  it('keeps the active call per uri, and the next page takes it once, while it is fresh', () => {
    const store = memoryStore();
    const page = new EventTarget();
    const keeper = new CallKeeper(store, page);
    expect(keeper.keep('sip:alice@sip-phone.test', call)).to.equal(true);
    page.dispatchEvent(new Event('pagehide'));
    const next = new CallKeeper(store, new EventTarget());
    expect(next.take('sip:carol@sip-phone.test', 30000), 'another uri').to.equal(null);
    const kept = next.take('sip:alice@sip-phone.test', 30000)!;
    expect(kept).to.include({ callId: 'c1', localTag: 'mine', remoteTag: 'theirs', remoteUri: 'sip:bob@sip-phone.test', video: true, startedAt: 1000 });
    expect(next.take('sip:alice@sip-phone.test', 30000), 'read once').to.equal(null);
  });

  it('does not take back a call left longer ago than the other side keeps it, an ended one, or with resumption off', () => {
    const store = memoryStore();
    const keeper = new CallKeeper(store, null);
    keeper.keep('u', call);
    expect(new CallKeeper(store, null).take('u', 30000, Date.now() + 31000)).to.equal(null);
    keeper.keep('u', call);
    keeper.forget('u', 'another-call');
    keeper.forget('u', 'call-1');
    expect(store.items.size).to.equal(0);
    let on = false;
    const off = new CallKeeper(store, null, () => on);
    expect(off.keep('u', call)).to.equal(false);
    on = true;
    off.keep('u', call);
    on = false;
    expect(off.take('u', 30000)).to.equal(null);
  });

  it('keeps only a call whose other side said it knows Replaces (Supported or k); the page hangs up the others as it goes', () => {
    expect(supportsReplaces({ Supported: 'timer, replaces' })).to.equal(true);
    expect(supportsReplaces({ k: 'replaces' })).to.equal(true);
    expect(supportsReplaces({ Supported: 'outbound, noreplaces' })).to.equal(false);
    expect(supportsReplaces({ 'X-Supported': 'replaces' })).to.equal(false);
    const keeper = new CallKeeper(memoryStore(), null);
    expect(keeper.keep('u', { ...call, headers: { Supported: 'outbound' } })).to.equal(false);
    expect(keeper.keeps('call-1')).to.equal(false);
    keeper.keep('u', call);
    expect(keeper.keeps('call-1')).to.equal(true);
  });

  it('survives storage that throws or holds garbage', () => {
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const keeper = new CallKeeper(throwing, null);
    expect(keeper.keep('u', call)).to.equal(true);
    expect(keeper.take('u', 30000)).to.equal(null);
    const garbage = memoryStore();
    garbage.setItem('sip-phone.call:u', '{"callId": 5}');
    expect(new CallKeeper(garbage, null).take('u', 30000)).to.equal(null);
    garbage.setItem('sip-phone.call:u', 'not json');
    expect(new CallKeeper(garbage, null).take('u', 30000)).to.equal(null);
  });

  it('asks the other side to replace its dialog (its own tag as the to-tag) and requires Replaces; knows the same party', () => {
    const kept = { callId: 'c1', localTag: 'mine', remoteTag: 'theirs' } as KeptCall;
    expect(replacesHeaders(kept)).to.deep.equal(['Replaces: c1;to-tag=theirs;from-tag=mine', 'Require: replaces']);
    const from = (user: string, host: string) => ({ from: { uri: { user, host } } });
    expect(fromParty(from('alice', 'sip-phone.test'), 'sip:alice@sip-phone.test')).to.equal(true);
    expect(fromParty(from('Alice', 'SIP-phone.test'), 'sip:alice@sip-phone.test;transport=ws')).to.equal(true);
    expect(fromParty(from('carol', 'sip-phone.test'), 'sip:alice@sip-phone.test')).to.equal(false);
  });
});
