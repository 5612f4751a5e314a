import { expect } from '@esm-bundle/chai';
import { TAB_INSTANCE_KEY, browserInstanceId, tabInstanceId } from '../../../src/core/connection/instance-id.js';

/** A Map-backed Storage, and a page that can fire pagehide/pageshow. */
function tabOf(entries: Record<string, string> = {}) {
  const store = new Map(Object.entries(entries));
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
  const page = new EventTarget();
  return { store, storage, page, hide: () => page.dispatchEvent(new Event('pagehide')) };
}

describe('instance id', () => {
  it('a tab keeps its id across a reload (let go on pagehide, taken back on load)', () => {
    const tab = tabOf();
    const id = tabInstanceId(tab.storage, tab.page);
    expect(tab.store.get(TAB_INSTANCE_KEY)).to.equal(`${id} held`);
    tab.hide();
    const reloaded = tabOf(Object.fromEntries(tab.store));
    expect(tabInstanceId(reloaded.storage, reloaded.page)).to.equal(id);
  });

  it("a duplicated tab (a copy of a live tab's sessionStorage) makes its own id", () => {
    const tab = tabOf();
    const id = tabInstanceId(tab.storage, tab.page);
    const duplicate = tabOf(Object.fromEntries(tab.store));
    const other = tabInstanceId(duplicate.storage, duplicate.page);
    expect(other).to.not.equal(id);
    expect(other).to.match(/^[0-9a-f-]{36}$/);
  });

  it('a page back from the back/forward cache holds its id again', () => {
    const tab = tabOf();
    const id = tabInstanceId(tab.storage, tab.page);
    tab.hide();
    const shown = new Event('pageshow') as Event & { persisted?: boolean };
    Object.defineProperty(shown, 'persisted', { value: true });
    tab.page.dispatchEvent(shown);
    expect(tab.store.get(TAB_INSTANCE_KEY)).to.equal(`${id} held`);
  });

  it('the browser scope keeps one id per profile; blocked storage still gives an id', () => {
    const profile = tabOf();
    const id = browserInstanceId(profile.storage);
    expect(browserInstanceId(profile.storage)).to.equal(id);
    const blocked = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {},
    };
    expect(browserInstanceId(blocked)).to.match(/^[0-9a-f-]{36}$/);
    expect(tabInstanceId(blocked, new EventTarget())).to.match(/^[0-9a-f-]{36}$/);
  });
});
