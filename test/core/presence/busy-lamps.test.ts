import { expect } from '@esm-bundle/chai';
import { BusyLamps, isOnline, lampOf, parseDialogInfo, type LampState } from '../../../src/core/presence/busy-lamps.js';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { Phone } from '../../../src/core/phone.js';
import { FakeSipServer, until } from '../fake-sip-server.js';

// What the repo's Kamailio (presence_dialoginfo, fed by pua_dialoginfo) sends while alice calls bob.
const kamailioEarly = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:bob@sip-phone.test">
  <dialog id="padi-6b0e57d1-18-2" call-id="291df9fd41f52c85e646" direction="recipient">
    <state>early</state>
    <remote><identity>sip:alice@sip-phone.test</identity></remote>
    <local><identity>sip:bob@sip-phone.test</identity></local>
  </dialog>
  <dialog id="padi-6b0e57d8-17-1" call-id="bdff964465399e2d6d93" direction="initiator">
    <state>terminated</state>
  </dialog>
</dialog-info>`;

describe('parseDialogInfo and lampOf (RFC 4235)', () => {
  it('reads each dialog: a call to the user that rings is ringing; earlier terminated dialogs count for nothing', () => {
    const info = parseDialogInfo(kamailioEarly)!;
    expect(info.full).to.equal(true);
    expect([...info.dialogs.keys()]).to.deep.equal(['padi-6b0e57d1-18-2', 'padi-6b0e57d8-17-1']);
    expect(lampOf(info.dialogs.values())).to.equal('ringing');
  });

  it('confirmed is busy, and so is a call the user makes (initiator) before it is answered; none is idle', () => {
    const lamp = (xml: string) => lampOf(parseDialogInfo(xml)!.dialogs.values());
    expect(lamp(kamailioEarly.replace('<state>early', '<state>confirmed'))).to.equal('busy');
    expect(lamp('<dialog-info state="full"><dialog id="a" direction="initiator"><state>trying</state></dialog></dialog-info>')).to.equal('busy');
    expect(lamp('<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="sip:bob@x"/>')).to.equal('idle');
    expect(lamp('')).to.equal('idle');
  });

  it('takes namespace prefixes and says whether the state is partial; is null for other bodies', () => {
    const info = parseDialogInfo(
      '<d:dialog-info xmlns:d="urn:ietf:params:xml:ns:dialog-info" state="partial"><d:dialog id="x"><d:state event="cancelled">Terminated</d:state></d:dialog></d:dialog-info>',
    )!;
    expect(info.full).to.equal(false);
    expect(info.dialogs.get('x')).to.deep.equal({ state: 'terminated', initiator: false });
    expect(parseDialogInfo('Messages-Waiting: yes')).to.equal(null);
  });
});

describe('isOnline (PIDF)', () => {
  it('is open when any tuple is open, offline for closed or an empty body, null for other bodies', () => {
    const pidf = (basic: string) =>
      `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@x"><tuple id="t"><status><basic>${basic}</basic></status></tuple></presence>`;
    expect(isOnline(pidf('open'))).to.equal(true);
    expect(isOnline(pidf('closed'))).to.equal(false);
    expect(isOnline('')).to.equal(false);
    expect(isOnline('<dialog-info/>')).to.equal(null);
  });
});

describe('BusyLamps with a fake registrar', () => {
  function setUp() {
    const server = new FakeSipServer();
    const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    const changes: [string, LampState][] = [];
    const invalid: string[] = [];
    const lamps = new BusyLamps(
      (name, state) => changes.push([name, state]),
      (name) => invalid.push(name),
    );
    phone.addSubscriptions(lamps);
    const subscribes = (event: string) => server.requests.filter((r) => r.startsWith('SUBSCRIBE ') && new RegExp(`^Event: ${event}\\r$`, 'm').test(r));
    return { server, phone, lamps, changes, invalid, subscribes };
  }

  it('subscribes to the dialog state and presence of each watched colleague once registered, and ends both with Expires: 0 before unregistering', async () => {
    const { server, phone, lamps, invalid, subscribes } = setUp();
    lamps.watch(['bob', 'sip:carol@example.com', 'not a uri']);
    expect(subscribes('dialog')).to.have.length(0, 'nothing before registering');
    expect(lamps.states).to.deep.equal({ bob: 'unknown', 'sip:carol@example.com': 'unknown', 'not a uri': 'unknown' });
    await phone.register();
    await until(() => subscribes('dialog').length === 2 && subscribes('presence').length === 2);
    expect(subscribes('dialog').map((r) => r.split('\r\n')[0])).to.deep.equal([
      'SUBSCRIBE sip:bob@sip-phone.test SIP/2.0',
      'SUBSCRIBE sip:carol@example.com SIP/2.0',
    ]);
    expect(subscribes('dialog')[0]).to.match(/^Accept: application\/dialog-info\+xml\r$/m);
    expect(subscribes('presence')[0]).to.match(/^Accept: application\/pidf\+xml\r$/m);
    expect(invalid).to.deep.equal(['not a uri']);

    // No longer watched: its two subscriptions end.
    lamps.watch(['bob']);
    const ended = (who: string) =>
      server.requests.filter((r) => r.startsWith('SUBSCRIBE ') && /^Expires: 0\r$/m.test(r) && new RegExp(`^To: .*${who}`, 'm').test(r));
    await until(() => ended('carol').length === 2);
    expect(lamps.states).to.deep.equal({ bob: 'unknown' });

    await phone.unregister();
    const methods = server.methods();
    expect(ended('bob')).to.have.length(2, 'dialog and presence of bob end');
    expect(methods.lastIndexOf('SUBSCRIBE')).to.be.lessThan(methods.lastIndexOf('REGISTER'));
    expect(lamps.states).to.deep.equal({ bob: 'unknown' });
  });

  it('a colleague added while registered is subscribed at once', async () => {
    const { phone, lamps, subscribes } = setUp();
    await phone.register();
    lamps.watch(['dave']);
    await until(() => subscribes('dialog').length === 1 && subscribes('presence').length === 1);
    phone.stop();
  });
});

describe('BusyLamps: what colleagues publish (availability)', () => {
  it("an idle colleague's lamp shows their availability: away, dnd, busy; a call of theirs shows first; offline wins over all", async () => {
    const server = new FakeSipServer();
    const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    const lamps = new BusyLamps(() => {});
    phone.addSubscriptions(lamps);
    lamps.watch(['bob']);
    await phone.register();
    const subscribe = (event: string) => server.requests.find((r) => r.startsWith('SUBSCRIBE ') && new RegExp(`^Event: ${event}\\r$`, 'm').test(r))!;
    await until(() => !!subscribe('dialog') && !!subscribe('presence'));
    const pidf = (person: string, basic = 'open') =>
      `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:bob@sip-phone.test"><tuple id="t"><status><basic>${basic}</basic></status></tuple>${person}</presence>`;
    const notify = (event: string, type: string, body: string) => server.notifySubscription(subscribe(event), type, body);
    notify('dialog', 'application/dialog-info+xml', '');
    notify('presence', 'application/pidf+xml', pidf('<dm:person id="p"><rpid:activities><rpid:away/></rpid:activities></dm:person>'));
    await until(() => lamps.states.bob === 'away');
    notify(
      'presence',
      'application/pidf+xml',
      pidf('<dm:person id="p"><rpid:activities><rpid:busy/><rpid:other>dnd</rpid:other></rpid:activities></dm:person>'),
    );
    await until(() => lamps.states.bob === 'dnd');
    notify('dialog', 'application/dialog-info+xml', kamailioEarly);
    await until(() => lamps.states.bob === 'ringing');
    notify('dialog', 'application/dialog-info+xml', '');
    await until(() => lamps.states.bob === 'dnd');
    notify('presence', 'application/pidf+xml', pidf('<dm:person id="p"><rpid:activities><rpid:busy/></rpid:activities></dm:person>'));
    await until(() => lamps.states.bob === 'busy');
    notify('presence', 'application/pidf+xml', pidf('<dm:person id="p"><rpid:activities><rpid:away/></rpid:activities></dm:person>', 'closed'));
    await until(() => lamps.states.bob === 'offline');
    notify('presence', 'application/pidf+xml', pidf(''));
    await until(() => lamps.states.bob === 'idle');
    phone.stop();
  });
});
