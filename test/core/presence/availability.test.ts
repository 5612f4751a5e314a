import { expect } from '@esm-bundle/chai';
import { availabilityOf, availabilityPidf, toAvailability, type Availability } from '../../../src/core/presence/availability.js';
import { isOnline } from '../../../src/core/presence/busy-lamps.js';
import { buildConfig } from '../../../src/core/kernel/config.js';
import { PhoneError } from '../../../src/core/kernel/errors.js';
import { Phone } from '../../../src/core/phone.js';
import { FakeSipServer, until, wait } from '../fake-sip-server.js';

describe('availability as PIDF with RPID activities (RFC 3863, RFC 4480)', () => {
  it('writes each value as an open tuple and a person whose activities say it; reading it back gives the same value', () => {
    for (const value of ['available', 'away', 'busy', 'dnd'] as Availability[]) {
      const body = availabilityPidf('sip:alice@sip-phone.test', value);
      expect(isOnline(body), value).to.equal(true);
      expect(availabilityOf(body), value).to.equal(value);
    }
    expect(availabilityPidf('sip:alice@x', 'away')).to.contain('<rpid:activities><rpid:away/></rpid:activities>');
    expect(availabilityPidf('sip:alice@x', 'busy')).to.contain('<rpid:activities><rpid:busy/></rpid:activities>');
    // dnd: busy for a watcher that knows only RFC 4480, "dnd" as an `other` activity for us.
    expect(availabilityPidf('sip:alice@x', 'dnd')).to.contain('<rpid:activities><rpid:busy/><rpid:other>dnd</rpid:other></rpid:activities>');
    expect(availabilityPidf('sip:alice@x', 'available')).not.to.contain('activities');
  });

  it("reads other phones' bodies: any prefix, do-not-disturb in words, vacation as away, several persons merged by the server", () => {
    expect(availabilityOf('<presence><person><activities><away/></activities></person></presence>')).to.equal('away');
    expect(availabilityOf('<p:activities xmlns:p="urn:ietf:params:xml:ns:pidf:rpid"><p:vacation/></p:activities>')).to.equal('away');
    expect(availabilityOf('<activities><other>Do Not Disturb</other></activities>')).to.equal('dnd');
    expect(availabilityOf('<rpid:activities><rpid:on-the-phone/></rpid:activities>')).to.equal('available');
    expect(availabilityOf('<a:activities><a:away/></a:activities><b:activities><b:busy/></b:activities>')).to.equal('busy');
    expect(availabilityOf('')).to.equal('available');
  });

  it('takes only the four values: anything else is a PhoneError invalid-option', () => {
    expect(toAvailability('dnd')).to.equal('dnd');
    for (const bad of ['Away', 'offline', '', undefined, 3]) {
      expect(() => toAvailability(bad))
        .to.throw(PhoneError)
        .with.property('code', 'invalid-option');
    }
  });
});

describe('publishing our availability with a fake registrar (RFC 3903)', () => {
  function setUp() {
    const server = new FakeSipServer();
    const phone = new Phone({
      instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10',
      createWebSocket: server.createWebSocket,
      reconnectPolicy: { lossSpreadMs: 1500 },
    });
    phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password: 'alice-pw' }));
    const publishes = () => server.requests.filter((r) => r.startsWith('PUBLISH '));
    const field = (request: string, name: string) => new RegExp(`^${name}: (.*)\\r$`, 'im').exec(request)?.[1];
    return { server, phone, publishes, field };
  }

  it('publishes nothing while available; away is published once registered, a change names the entity tag, unregistering removes it', async () => {
    const { server, phone, publishes, field } = setUp();
    phone.setAvailability('away');
    expect(phone.availability).to.equal('away');
    await phone.register();
    await until(() => publishes().length === 1);
    const [first] = publishes();
    expect(first.split('\r\n')[0]).to.equal('PUBLISH sip:alice@sip-phone.test SIP/2.0');
    expect(field(first, 'Event')).to.equal('presence');
    expect(field(first, 'Content-Type')).to.equal('application/pidf+xml');
    expect(field(first, 'Expires')).to.equal('600');
    expect(field(first, 'SIP-If-Match')).to.equal(undefined);
    expect(availabilityOf(first)).to.equal('away');
    const etag = `etag-${server.requests.indexOf(first) + 1}`;

    phone.setAvailability('dnd');
    await until(() => publishes().length === 2);
    expect(field(publishes()[1], 'SIP-If-Match')).to.equal(etag);
    expect(availabilityOf(publishes()[1])).to.equal('dnd');

    // Back to available: published as such (colleagues must see the change), with the new tag.
    phone.setAvailability('available');
    await until(() => publishes().length === 3);
    expect(availabilityOf(publishes()[2])).to.equal('available');
    expect(field(publishes()[2], 'SIP-If-Match')).to.match(/^etag-\d+$/);

    await phone.unregister();
    const removal = publishes()[3];
    expect(field(removal, 'Expires')).to.equal('0');
    expect(field(removal, 'SIP-If-Match')).to.equal(`etag-${server.requests.indexOf(publishes()[2]) + 1}`);
    expect(removal).to.match(/Content-Length: 0\r\n\r\n$/);
    const methods = server.methods();
    expect(methods.lastIndexOf('PUBLISH')).to.be.lessThan(methods.lastIndexOf('REGISTER'), 'removed before the REGISTER with Expires: 0');
  });

  it('a phone that stays available publishes nothing at all', async () => {
    const { phone, publishes } = setUp();
    phone.setAvailability('available');
    await phone.register();
    await wait(100);
    await phone.unregister();
    expect(publishes()).to.have.length(0);
  });

  it('refreshes before the publication expires, with SIP-If-Match; a 412 (tag forgotten) publishes anew', async () => {
    const { server, phone, publishes, field } = setUp();
    // The server grants 2 s: the refresh comes within them.
    server.publishReply = (publish) => [200, 'OK', [`SIP-ETag: tag-${publishes().length}`, `Expires: ${/^Expires: 0\r$/m.test(publish) ? 0 : 2}`]];
    await phone.register();
    phone.setAvailability('busy');
    await until(() => publishes().length === 1);
    const started = Date.now();
    await until(() => publishes().length === 2, 3000);
    expect(Date.now() - started).to.be.within(1000, 2000);
    expect(field(publishes()[1], 'SIP-If-Match')).to.equal('tag-1');
    expect(availabilityOf(publishes()[1])).to.equal('busy');

    server.publishReply = () => [412, 'Conditional Request Failed'];
    phone.setAvailability('away');
    await until(() => publishes().length === 4);
    expect(field(publishes()[2], 'SIP-If-Match')).to.equal('tag-2');
    expect(field(publishes()[3], 'SIP-If-Match'), 'a new publication').to.equal(undefined);
    expect(availabilityOf(publishes()[3])).to.equal('away');
    phone.stop();
  });

  it('a server that refuses PUBLISH (489 Bad Event) is not asked again until the next change', async () => {
    const { server, phone, publishes } = setUp();
    server.publishReply = () => [489, 'Bad Event'];
    await phone.register();
    phone.setAvailability('away');
    await until(() => publishes().length === 1);
    await wait(200);
    expect(publishes()).to.have.length(1);
    phone.setAvailability('busy');
    await until(() => publishes().length === 2);
    expect(availabilityOf(publishes()[1])).to.equal('busy');
    phone.stop();
  });

  it('after a lost connection the next registration refreshes the same publication (SIP-If-Match), nothing is sent while down', async () => {
    const { server, phone, publishes, field } = setUp();
    phone.setAvailability('dnd');
    await phone.register();
    await until(() => publishes().length === 1);
    const etag = `etag-${server.requests.indexOf(publishes()[0]) + 1}`;
    server.dropAll();
    await until(() => phone.connectionState === 'disconnected');
    expect(publishes()).to.have.length(1, 'no removal on a dead connection');
    await until(() => phone.registrationState === 'registered' && publishes().length === 2, 4000);
    expect(field(publishes()[1], 'SIP-If-Match')).to.equal(etag);
    expect(availabilityOf(publishes()[1])).to.equal('dnd');
    phone.stop();
  });

  it('a change while a PUBLISH is on its way waits for its answer, and the last value wins', async () => {
    const { phone, publishes } = setUp();
    await phone.register();
    phone.setAvailability('away');
    phone.setAvailability('busy');
    phone.setAvailability('dnd');
    await until(() => publishes().length === 2);
    await wait(50);
    expect(publishes().map(availabilityOf)).to.deep.equal(['away', 'dnd']);
    phone.stop();
  });
});
