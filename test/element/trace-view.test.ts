import { expect } from '@esm-bundle/chai';
import type { SipTraceEntry, SipTraceView } from '../../src/index.js';
import { traceLabel } from '../../src/parts/trace-view.js';
import { FakeSipServer, create, attach, nextEvent, until, useFakeRegistrar } from './fixture.js';

const hostile = '<img src=x onerror="window.pwned = true">';

describe('<sip-phone trace> and <sip-trace-view>', () => {
  let server: FakeSipServer;
  useFakeRegistrar((s) => (server = s));
  afterEach(() => document.querySelectorAll('sip-trace-view').forEach((el) => el.remove()));

  it('without trace: no sip-trace events and no view defined, but the recent messages are kept', async () => {
    const el = create('<sip-phone server="ws://fake:1" uri="sip:alice@sip-phone.test"></sip-phone>');
    el.password = 'alice-pw';
    const traced: Event[] = [];
    el.addEventListener('sip-trace', (e) => traced.push(e));
    await attach(el);
    await el.register();
    expect(traced).to.deep.equal([]);
    expect(customElements.get('sip-trace-view')).to.equal(undefined);
    expect(el.recentSipMessages.map((m) => m.direction)).to.deep.equal(['out', 'in', 'out', 'in', ...el.recentSipMessages.slice(4).map((m) => m.direction)]);
    expect(JSON.stringify(el.recentSipMessages)).not.to.include('alice-pw');
  });

  it('with trace: sip-trace per message, and a ladder under the phone with an arrow per message; a click shows it as text', async () => {
    const el = create('<sip-phone id="alice" trace server="ws://fake:1" uri="sip:alice@sip-phone.test"></sip-phone>');
    el.password = 'alice-pw';
    await attach(el);
    await until(() => !!customElements.get('sip-trace-view'), '<sip-trace-view> defined');
    const view = document.createElement('sip-trace-view') as SipTraceView;
    view.setAttribute('for', 'alice');
    document.body.append(view);
    const first = nextEvent(el, 'sip-trace');
    await el.register();
    const detail = (await first).detail as SipTraceEntry;
    expect(detail.direction).to.equal('out');
    expect(detail.text).to.match(/^REGISTER /);
    server.inviteReply = () => [486, 'Busy Here'];
    await el.call('bob').catch(() => {});
    await nextEvent(el, 'sip-call-ended');
    await view.updateComplete;
    const root = view.shadowRoot!;
    const arrows = [...root.querySelectorAll('[part~="message"]')];
    const labels = arrows.map((a) => `${a.getAttribute('data-direction')} ${a.querySelector('.arrow')!.textContent!.replace(/\s+/g, ' ').trim()}`);
    expect(labels.slice(0, 4)).to.deep.equal([
      'out REGISTER sip:sip-phone.test',
      'in 401 Unauthorized REGISTER',
      'out REGISTER sip:sip-phone.test',
      'in 200 OK REGISTER',
    ]);
    expect(labels).to.include('in 486 Busy Here INVITE');
    expect(root.querySelector('[part~="header"]')!.textContent).to.include('fake:1');
    const busy = arrows.find((a) => a.textContent!.includes('486'))! as HTMLButtonElement;
    expect(busy.classList.contains('error')).to.equal(true);
    busy.click();
    await view.updateComplete;
    expect(busy.getAttribute('aria-expanded')).to.equal('true');
    expect(root.querySelector('[part~="message-text"]')!.textContent).to.match(/^SIP\/2\.0 486 Busy Here\r\n/);
    expect(view.text).to.include('fake:1 -> phone\nSIP/2.0 486 Busy Here');
    expect(view.text).not.to.include('alice-pw');
  });

  it('a message is shown as text, never as markup', async () => {
    (await import('../../src/parts/trace-view.js')).defineTraceView();
    const view = document.createElement('sip-trace-view');
    view.messages = [{ direction: 'in', at: 1, text: `MESSAGE sip:${hostile} SIP/2.0\r\nSubject: ${hostile}\r\n\r\n${hostile}` }];
    document.body.append(view);
    await view.updateComplete;
    (view.shadowRoot!.querySelector('[part~="message"]') as HTMLElement).click();
    await view.updateComplete;
    expect(view.shadowRoot!.querySelector('img')).to.equal(null);
    expect(view.shadowRoot!.querySelector('pre')!.textContent).to.include(hostile);
    view.clear();
    await view.updateComplete;
    expect(view.shadowRoot!.querySelectorAll('[part~="message"]')).to.have.length(0);
  });

  it('labels requests by method and responses by status and CSeq method', () => {
    expect(traceLabel('INVITE sip:bob@x SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n')).to.deep.equal({ label: 'INVITE', detail: 'sip:bob@x' });
    expect(traceLabel('SIP/2.0 404 Not Found\r\nCSeq: 7 INVITE\r\n\r\n')).to.deep.equal({ label: '404 Not Found', detail: 'INVITE' });
  });
});
