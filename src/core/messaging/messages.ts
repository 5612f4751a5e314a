/**
 * Text messages (SIP MESSAGE, RFC 3428): the part the phone needs from the start. It takes each
 * user agent from the Phone, answers incoming MESSAGEs (text/plain is kept and announced, any
 * other type gets 415), and keeps the conversation history per account in storage. Sending and
 * the threads view load on demand (see send-message.ts and parts/conversations.ts).
 */
import { Emitter } from '../kernel/emitter.js';
import type { Phone } from '../phone.js';
import type { IncomingMessageEvent, OutgoingMessageEvent, UA } from '../kernel/jssip-adapter.js';
import type { PhoneConfig } from '../kernel/config.js';
import { readStoredList } from '../storage/call-history.js';

/**
 * Where a message stands. Outgoing: 'sending', then 'sent' (200: delivered), 'stored' (202: the
 * server keeps it for a user who is offline) or 'failed'. Incoming: 'received' until its thread
 * is read, then 'read'.
 */
export type MessageStatus = 'sending' | 'sent' | 'stored' | 'failed' | 'received' | 'read';

/** One text message, sent or received. */
export interface MessageInfo {
  id: string;
  direction: 'incoming' | 'outgoing';
  /** The other party's address (`sip:user@domain`): the thread it belongs to. */
  remoteUri: string;
  remoteDisplayName: string;
  /** The text as it came: show it as text, never as markup. */
  text: string;
  /** When it was sent or received (ms since the epoch). */
  at: number;
  status: MessageStatus;
  /** The SIP status of a refused message ('failed'). */
  statusCode?: number;
}

/** What Messages tells the element. */
export interface MessagesEvents {
  /** A text message arrived (already kept in the history). */
  message: { message: MessageInfo };
  /** The history changed (a message arrived, was sent, was read, or the history was cleared). */
  change: void;
}

/** The part of the Web Storage API the history needs (a Map-backed fake serves in tests). */
export type MessageStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Messages kept per contact: the oldest beyond this many go. */
export const MESSAGES_PER_CONTACT = 100;

/**
 * The longest text sendMessage() takes, in bytes of UTF-8: a MESSAGE with its headers then stays
 * within one UDP datagram on a 1500-byte path, where a server may forward it (RFC 3428 §8).
 */
export const MESSAGE_MAX_BYTES = 1300;

/**
 * The messages of one phone: listens on each user agent the phone starts and keeps the history
 * in storage under one key per address of record (`key`; read once per key).
 */
/** The phone as the inbox uses it: its user agents as they start, and whether it is registered. */
export type MessagesPhone = Pick<Phone, 'onUserAgent' | 'registrationState'>;

export class Messages extends Emitter<MessagesEvents> {
  /** The phone's current user agent and its configuration (null until it first starts). */
  ua: UA | null = null;
  config: PhoneConfig | null = null;
  /** Storage key of the history in use; set it to the account's before reading. */
  key = '';
  private cache: MessageInfo[] | null = null;
  private cacheKey = '';

  constructor(
    /** What the inbox needs of the phone (the element hands it its CoreController, which answers before the core loads). */
    readonly phone: MessagesPhone,
    private readonly storage: MessageStorage | null,
  ) {
    super();
    phone.onUserAgent((ua, config) => {
      this.ua = ua;
      this.config = config;
      ua.on('newMessage', (event: IncomingMessageEvent | OutgoingMessageEvent) => {
        if (event.originator !== 'remote') return;
        const request = event.request;
        const type = String(request.getHeader('content-type') ?? 'text/plain')
          .split(';')[0]
          .trim()
          .toLowerCase();
        if (type !== 'text/plain') {
          event.message.reject({ status_code: 415, reason_phrase: 'Unsupported Media Type', extraHeaders: ['Accept: text/plain'] });
          return;
        }
        const message: MessageInfo = {
          id: request.getHeader('call-id') || crypto.randomUUID(),
          direction: 'incoming',
          remoteUri: request.from.uri.toString(),
          remoteDisplayName: request.from.display_name ?? '',
          text: String(request.body ?? ''),
          at: Date.now(),
          status: 'received',
        };
        this.add(message);
        this.emit('message', { message });
      });
    });
  }

  /** The history, oldest first. */
  get all(): MessageInfo[] {
    if (this.cache && this.cacheKey === this.key) return this.cache;
    this.cacheKey = this.key;
    return (this.cache = readStoredList<MessageInfo>(this.storage, this.key));
  }

  /** Incoming messages not yet read. */
  get unread(): number {
    return this.all.filter((m) => m.status === 'received').length;
  }

  /** Keeps a message (the oldest of its contact beyond MESSAGES_PER_CONTACT go). */
  add(message: MessageInfo): void {
    const all = [...this.all, message];
    let extra = all.filter((m) => m.remoteUri === message.remoteUri).length - MESSAGES_PER_CONTACT;
    this.save(all.filter((m) => m.remoteUri !== message.remoteUri || extra-- <= 0));
  }

  /** Changes a kept message (its status when a send is answered, or when it is read). */
  update(id: string, change: Partial<MessageInfo>): void {
    this.save(this.all.map((m) => (m.id === id ? { ...m, ...change } : m)));
  }

  clear(): void {
    this.cache = [];
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // storage blocked: nothing was kept
    }
    this.emit('change', undefined);
  }

  private save(all: MessageInfo[]): void {
    this.cache = all;
    try {
      this.storage?.setItem(this.key, JSON.stringify(all));
    } catch {
      // storage full or blocked: the messages last for this page
    }
    this.emit('change', undefined);
  }
}
