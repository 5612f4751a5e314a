// Reads what rtpengine recorded of a call (`--recording-method=pcap`, started per call with the ng
// command "start recording"): every RTP packet it received, decrypted, as raw IP in a pcap file.
// The packets from the browser are what rtpengine forwards to the plain phone.
import fs from 'node:fs';
import path from 'node:path';

/** Starts recording every call rtpengine has now; resolves to their call ids. */
export async function recordCalls(rtpengine) {
  const { calls = [] } = await rtpengine.command({ command: 'list', limit: 100 });
  for (const id of calls) await rtpengine.command({ command: 'start recording', 'call-id': id });
  return calls;
}

/** The RTP packets in rtpengine's pcap files for this call: { at (ms), srcPort, dstPort, pt, payload }. */
export function recordedPackets(recordingDir, callId) {
  const dir = path.join(recordingDir, 'pcaps');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(callId) && f.endsWith('.pcap')) : [];
  return files.flatMap((f) => parsePcap(fs.readFileSync(path.join(dir, f))));
}

export function parsePcap(buffer) {
  const linktype = buffer.readUInt32LE(20);
  const packets = [];
  for (let o = 24; o + 16 <= buffer.length;) {
    const at = buffer.readUInt32LE(o) * 1000 + buffer.readUInt32LE(o + 4) / 1000;
    const length = buffer.readUInt32LE(o + 8);
    o += 16;
    const frame = buffer.subarray(o, o + length);
    o += length;
    const ip = linktype === 1 ? frame.subarray(14) : frame; // Ethernet or raw IP
    if (ip.length < 20 || ip[0] >> 4 !== 4 || ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0] & 15) * 4);
    const rtp = udp.subarray(8);
    if (rtp.length < 12 || rtp[0] >> 6 !== 2) continue;
    const csrcs = rtp[0] & 15;
    let start = 12 + 4 * csrcs;
    if (rtp[0] & 0x10) start += 4 + 4 * rtp.readUInt16BE(start + 2);
    const end = rtp[0] & 0x20 ? rtp.length - rtp[rtp.length - 1] : rtp.length;
    packets.push({
      at,
      srcPort: udp.readUInt16BE(0),
      dstPort: udp.readUInt16BE(2),
      pt: rtp[1] & 127,
      marker: !!(rtp[1] & 0x80),
      timestamp: rtp.readUInt32BE(4),
      payload: rtp.subarray(start, end),
    });
  }
  return packets;
}

/** G.711 μ-law byte → linear sample (−32124…32124). */
function ulaw(byte) {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** RMS of a PCMU payload in dBFS (−Infinity for digital silence). */
export function pcmuLevel(payload) {
  let sum = 0;
  for (const byte of payload) sum += ulaw(byte) ** 2;
  return 20 * Math.log10(Math.sqrt(sum / Math.max(1, payload.length)) / 32768);
}

/**
 * RFC 4733 events in the packets: one { event, digit, volume, duration, ends } per distinct event
 * (by RTP timestamp), with `ends` the number of end packets and `starts` the non-end ones.
 */
export function telephoneEvents(packets) {
  const digits = '0123456789*#ABCD';
  const byTimestamp = new Map();
  for (const p of packets) {
    const e = byTimestamp.get(p.timestamp) ?? { digit: digits[p.payload[0]] ?? `?${p.payload[0]}`, starts: 0, ends: 0, duration: 0 };
    if (p.payload[1] & 0x80) e.ends++;
    else e.starts++;
    e.duration = Math.max(e.duration, p.payload.readUInt16BE(2));
    byTimestamp.set(p.timestamp, e);
  }
  return [...byTimestamp.values()];
}
