/**
 * Sending a text message (SIP MESSAGE): loaded on demand with the conversations view. Checks
 * first and sends nothing on bad input; keeps the message in the history while it is under way.
 */
import { resolveTarget } from '../kernel/config.js';
import { PhoneError } from '../kernel/errors.js';
import { headerLines, type SipHeaders } from '../kernel/sip-headers.js';
import { MESSAGE_MAX_BYTES, type MessageInfo, type Messages } from './messages.js';

/**
 * Sends `text` (text/plain) to `target` (a SIP URI, or a user in our domain). Resolves once the
 * server or the other side accepted it: status 'sent' (2xx, 202 excepted) or 'stored' (202: kept
 * for a user who is offline). Rejects with a PhoneError: 'invalid-option' (no text),
 * 'message-too-long' (over MESSAGE_MAX_BYTES of UTF-8), 'invalid-target', 'invalid-header', 'not-registered' (all
 * before anything is sent), or 'message-failed' with the SIP status (`statusCode`) of a refusal.
 */
export function sendMessage(messages: Messages, target: string, text: string, { headers }: { headers?: SipHeaders } = {}): Promise<MessageInfo> {
  return new Promise((resolve, reject) => {
    if (typeof text !== 'string' || !text.trim()) throw new PhoneError('invalid-option', 'A message needs some text.');
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > MESSAGE_MAX_BYTES) throw new PhoneError('message-too-long', `The message has ${bytes} bytes; at most ${MESSAGE_MAX_BYTES} can be sent.`);
    const { ua, config } = messages;
    const uri = resolveTarget(String(target ?? ''), config?.domain ?? 'invalid');
    const extraHeaders = headerLines(headers);
    if (!ua || !config || messages.phone.registrationState !== 'registered') throw new PhoneError('not-registered', 'Register before sending messages.');
    const message: MessageInfo = {
      id: crypto.randomUUID(),
      direction: 'outgoing',
      remoteUri: uri,
      remoteDisplayName: '',
      text,
      at: Date.now(),
      status: 'sending',
    };
    messages.add(message);
    ua.sendMessage(uri, text, {
      contentType: 'text/plain;charset=utf-8',
      extraHeaders,
      eventHandlers: {
        succeeded: ({ response }) => {
          const status = response?.status_code === 202 ? 'stored' : 'sent';
          messages.update(message.id, { status });
          resolve({ ...message, status });
        },
        failed: ({ response, cause }) => {
          const statusCode = response?.status_code;
          messages.update(message.id, { status: 'failed', statusCode });
          const why = statusCode ? `${statusCode} ${response.reason_phrase ?? ''}`.trim() : String(cause ?? 'no answer');
          reject(new PhoneError('message-failed', `The message to ${uri} was not delivered (${why}).`, statusCode));
        },
      },
    });
  });
}
