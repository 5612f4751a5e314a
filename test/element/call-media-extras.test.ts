import { expect } from '@esm-bundle/chai';
import { render } from 'lit';
import { callMediaExtras } from '../../src/parts/call-media-extras.js';
import { loadLanguage, stringsFor } from '../../src/i18n/strings.js';
import type { Call, CallInfo } from '../../src/core/calls/call.js';

const info = (id: string, remoteUri: string, remoteDisplayName = ''): CallInfo => ({ id, remoteUri, remoteDisplayName }) as CallInfo;

describe('the recording indicator and the conference parties', () => {
  const shown = (lang: string, options: { recording?: boolean; partners?: Call[]; onMerge?: (() => void) | null }) => {
    const container = document.createElement('div');
    render(
      callMediaExtras({ t: stringsFor(lang), call: info('a', 'sip:carol@example.com'), recording: false, partners: [], onMerge: null, ...options }),
      container,
    );
    return container;
  };

  it("says a recording runs, as a status, in the phone's language", async () => {
    await loadLanguage('de');
    expect(shown('en', {}).querySelector('[part~="recording"]')).to.equal(null);
    const en = shown('en', { recording: true }).querySelector('[part~="recording"]')!;
    expect([en.textContent, en.getAttribute('role')]).to.deep.equal(['Recording', 'status']);
    expect(shown('de', { recording: true }).querySelector('[part~="recording"]')!.textContent).to.equal('Aufnahme läuft');
  });

  it('shows the other merged parties by name, with a video element for each, named for all in the conference', () => {
    const bob = { info: info('b', 'sip:bob@example.com', 'Bob Smith'), remoteStream: null, video: false } as unknown as Call;
    const view = shown('en', { partners: [bob] });
    expect(view.querySelector('[part~="conference"]')!.getAttribute('aria-label')).to.equal('Conference with carol and Bob Smith');
    expect(view.querySelector('[part~="conference-party"] figcaption')!.textContent).to.equal('Bob Smith');
    expect(view.querySelectorAll('[part~="conference-video"]').length).to.equal(1);
  });

  it('"Merge calls" only when there is something to merge', () => {
    let merged = 0;
    expect(shown('en', {}).querySelector('[part~="merge-button"]')).to.equal(null);
    const button = shown('de', { onMerge: () => merged++ }).querySelector<HTMLButtonElement>('[part~="merge-button"]')!;
    expect(button.textContent).to.equal('Gespräche zusammenführen');
    button.click();
    expect(merged).to.equal(1);
  });
});
