/**
 * Small helpers for the element tests: create a <sip-phone> from markup, find its parts, wait for
 * events and conditions, and route `ws://fake…` WebSockets to a FakeSipServer (the element's
 * SipSocket opens `new WebSocket(url, 'sip')`, so swapping the global is enough; no src/ hook).
 */
import '../../src/index.js';
import type { SipPhone } from '../../src/index.js';
import { FakeSipServer } from '../core/fake-sip-server.js';

const created = new Set<SipPhone>();

/** Parses `markup` (one <sip-phone>) without putting it in the document: attach listeners first. */
export function create(markup = '<sip-phone></sip-phone>'): SipPhone {
  const holder = document.createElement('div');
  holder.innerHTML = markup;
  const el = holder.firstElementChild as SipPhone;
  created.add(el);
  return el;
}

/** Puts the element in the document and waits for its first render. */
export async function attach(el: SipPhone): Promise<SipPhone> {
  document.body.append(el);
  await el.updateComplete;
  return el;
}

export async function fixture(markup?: string): Promise<SipPhone> {
  return attach(create(markup));
}

/** Removes every element the test created (call from afterEach). */
export function removeAll(): void {
  for (const el of created) el.remove();
  created.clear();
}

export function part<T extends HTMLElement = HTMLElement>(el: SipPhone, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

export function parts<T extends HTMLElement = HTMLElement>(el: SipPhone, name: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
}

/** The visible text of the status line, whitespace collapsed. */
export function statusText(el: SipPhone): string {
  return (part(el, 'status')?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Collects every event of these types fired by (or through) `target`, in order. */
export function record(target: EventTarget, types: string[]): CustomEvent[] {
  const events: CustomEvent[] = [];
  for (const type of types) target.addEventListener(type, (e) => events.push(e as CustomEvent));
  return events;
}

/** The next `type` event from `target`; rejects after `timeoutMs` so a failure names what never came. */
export function nextEvent(target: EventTarget, type: string, timeoutMs = 3000): Promise<CustomEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(
      type,
      (e) => {
        clearTimeout(timer);
        resolve(e as CustomEvent);
      },
      { once: true },
    );
  });
}

/** Polls `condition` until it holds; rejects with `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sets form fields the way typing does: value, then an input event. */
export function fill(form: HTMLFormElement, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const input = form.elements.namedItem(name) as HTMLInputElement | null;
    if (!input) throw new Error(`the form has no field named ${name}`);
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
}

/** The accessible name from aria-labelledby or aria-label (enough for the parts we check). */
export function accessibleName(node: Element): string {
  const root = node.getRootNode() as Document | ShadowRoot;
  const ids = node.getAttribute('aria-labelledby');
  if (ids) {
    return ids
      .split(/\s+/)
      .map((id) => root.getElementById(id)?.textContent?.trim() ?? '')
      .join(' ')
      .trim();
  }
  return node.getAttribute('aria-label')?.trim() ?? '';
}

const RealWebSocket = window.WebSocket;

/**
 * Routes WebSockets to `ws://fake…` URLs to `server`; any other URL (the test runner's own
 * connection) still gets a real WebSocket. Returns the function that restores the original.
 */
export function routeFakeWebSockets(server: FakeSipServer): () => void {
  function WebSocketToFake(this: unknown, url: string | URL, protocols?: string | string[]) {
    const href = String(url);
    if (href.startsWith('ws://fake')) return server.createWebSocket(href);
    return new RealWebSocket(url, protocols);
  }
  Object.assign(WebSocketToFake, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  WebSocketToFake.prototype = RealWebSocket.prototype;
  window.WebSocket = WebSocketToFake as unknown as typeof WebSocket;
  return () => {
    window.WebSocket = RealWebSocket;
  };
}

/**
 * In a describe block: a fresh FakeSipServer for each test (handed to `take`), `ws://fake…`
 * WebSockets routed to it, and after each test every created element removed and the real
 * WebSocket back.
 */
export function useFakeRegistrar(take: (server: FakeSipServer) => void, options?: ConstructorParameters<typeof FakeSipServer>[0]): void {
  let restore = () => {};
  beforeEach(() => {
    const server = new FakeSipServer(options);
    take(server);
    restore = routeFakeWebSockets(server);
  });
  afterEach(() => {
    removeAll();
    restore();
  });
}

export { FakeSipServer };
