import { buildConfig } from '../../src/core/kernel/config.js';
import { Phone, type PhoneEvents } from '../../src/core/phone.js';
import type { FakeSipServer } from './fake-sip-server.js';

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A configured phone on `server`, and the connection and registration events it emits. */
export function phoneWith(server: FakeSipServer, password = 'alice-pw') {
  // The first attempt after a lost connection at 1-1.5 s (not the default spread over 1-5 s).
  const reconnectPolicy = { lossSpreadMs: 1500 };
  const phone = new Phone({ instanceId: '8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10', createWebSocket: server.createWebSocket, reconnectPolicy });
  phone.configure(buildConfig({ server: 'ws://fake:1', uri: 'sip:alice@sip-phone.test', password }));
  const events: { type: keyof PhoneEvents; detail: unknown }[] = [];
  for (const type of ['connecting', 'connected', 'connection-lost', 'registered', 'unregistered', 'registration-failed', 'error'] as const) {
    phone.on(type, (detail) => events.push({ type, detail }));
  }
  return { phone, events, types: () => events.map((e) => e.type) };
}
