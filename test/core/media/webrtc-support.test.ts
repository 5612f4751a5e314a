import { expect } from '@esm-bundle/chai';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { PhoneError } from '../../../src/core/kernel/errors.js';
import { Phone, type PhoneEvents } from '../../../src/core/phone.js';
import { webrtcSupported } from '../../../src/core/media/webrtc-support.js';
import { FakeSipServer, until } from '../fake-sip-server.js';

/**
 * A browser without RTCPeerConnection (Debian's WebKitGTK): here Chromium with the constructor
 * taken away for the test, which is what JsSIP and the phone look at.
 */
describe('a browser without WebRTC', () => {
  // (webrtc-adapter, loaded at register(), would restore RTCPeerConnection from a prefixed one.)
  const names = ['RTCPeerConnection', 'webkitRTCPeerConnection', 'mozRTCPeerConnection'];
  const global = window as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  beforeEach(() => {
    for (const name of names) if (name in global) saved.set(name, global[name]);
    for (const name of names) delete global[name];
  });
  afterEach(() => {
    for (const [name, value] of saved) global[name] = value;
  });

  async function registered() {
    const server = new FakeSipServer();
    const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    await phone.register();
    return { server, phone };
  }

  it('registers, but call() and answer() reject webrtc-unsupported with words a person can read, sending no INVITE', async () => {
    expect(webrtcSupported()).to.equal(false);
    const { server, phone } = await registered();
    expect(phone.registrationState).to.equal('registered');
    for (const attempt of [() => phone.call('bob'), () => phone.answer()]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(PhoneError);
      expect((error as PhoneError).code).to.equal('webrtc-unsupported');
      expect((error as PhoneError).message).to.match(/cannot make or take calls/);
    }
    expect(server.methods()).not.to.include('INVITE');
    phone.stop();
  });

  it('an incoming call is answered 488 Not Acceptable Here at once and ends, missed, as webrtc-unsupported', async () => {
    const { server, phone } = await registered();
    const ended: PhoneEvents['call-ended'][] = [];
    const incoming: unknown[] = [];
    phone.on('call-ended', (e) => ended.push(e));
    phone.on('incoming-call', (e) => incoming.push(e));
    server.ringIn('sip:bob@sip-phone.test');
    await until(() => ended.length === 1 && server.responses.length === 2);
    expect(server.responses.map((r) => r.split('\r\n')[0])).to.deep.equal(['SIP/2.0 100 Trying', 'SIP/2.0 488 Not Acceptable Here']);
    expect(ended[0]).to.deep.include({ cause: 'webrtc-unsupported', statusCode: 488, durationMs: 0 });
    expect(ended[0].call).to.deep.include({ direction: 'incoming', state: 'ended', remoteUri: 'sip:bob@sip-phone.test', startedAt: null });
    expect(incoming, 'nothing rings').to.have.length(0);
    expect(phone.calls).to.deep.equal([]);
    phone.stop();
  });
});
