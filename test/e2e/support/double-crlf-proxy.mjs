// A SIP-over-WebSocket proxy (node `ws` 7) between the phone and Kamailio's ws port whose
// keep-alives are CRLFCRLF, as Asterisk's are: it answers the phone's CRLFCRLF ping with CRLFCRLF
// (in place of Kamailio's CRLF pong) and, with `pingEveryMs`, also pings the phone with CRLFCRLF.
// Every other message passes through unchanged. It counts what crossed it.
//
//   const proxy = await startDoubleCrlfProxy({ upstream: kamailio.wsUrl, pingEveryMs: 5000 });
//   proxy.url, proxy.counts, await proxy.close()
import WebSocket from 'ws';
import { freePort } from '../../../demo/kamailio/kamailio.mjs';

export async function startDoubleCrlfProxy({ upstream, pingEveryMs = 0 }) {
  const port = await freePort();
  const counts = {
    connections: 0,
    /** Pings from the phone ("\r\n\r\n"), each answered with "\r\n\r\n". */
    pingsFromPhone: 0,
    /** Unsolicited "\r\n\r\n" sent to the phone. */
    pingsToPhone: 0,
    /** Lone "\r\n" from the phone (an answer to a ping, JsSIP's way). */
    crlfFromPhone: 0,
    /** SIP messages from the phone. */
    sipFromPhone: 0,
  };
  const server = new WebSocket.Server({ host: '127.0.0.1', port, handleProtocols: (protocols) => (protocols.includes('sip') ? 'sip' : false) });
  const timers = new Set();
  server.on('connection', (phone) => {
    counts.connections++;
    const kamailio = new WebSocket(upstream, 'sip');
    const pending = [];
    const toKamailio = (data) => (kamailio.readyState === WebSocket.OPEN ? kamailio.send(data) : pending.push(data));
    kamailio.on('open', () => {
      for (const data of pending.splice(0)) kamailio.send(data);
    });
    kamailio.on('message', (data) => {
      if (phone.readyState !== WebSocket.OPEN) return;
      phone.send(data === '\r\n' ? '\r\n\r\n' : data);
    });
    phone.on('message', (data) => {
      if (data === '\r\n') {
        counts.crlfFromPhone++; // answers our ping: ends here, as it would at Asterisk
        return;
      }
      if (data === '\r\n\r\n') counts.pingsFromPhone++;
      else counts.sipFromPhone++;
      toKamailio(data);
    });
    let timer;
    if (pingEveryMs > 0) {
      timer = setInterval(() => {
        if (phone.readyState !== WebSocket.OPEN) return;
        counts.pingsToPhone++;
        phone.send('\r\n\r\n');
      }, pingEveryMs);
      timers.add(timer);
    }
    const closeBoth = () => {
      clearInterval(timer);
      timers.delete(timer);
      phone.close();
      kamailio.close();
    };
    phone.on('close', closeBoth);
    kamailio.on('close', closeBoth);
    phone.on('error', closeBoth);
    kamailio.on('error', closeBoth);
  });
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    counts,
    close: () => {
      for (const timer of timers) clearInterval(timer);
      for (const client of server.clients) client.terminate();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
