/** The setup check's STUN/TURN servers: does each give the candidates it should. */
import { parseIceServers } from '../kernel/config.js';
import type { IceCandidateKind, IceServerCheck, PreflightDeps } from './preflight.js';

export type IceTarget = { url: string; server: RTCIceServer } | { url?: undefined; invalid: boolean };

/** One target per URL of each server; a bad setting or none is one line of its own. */
export function iceTargets(value: RTCIceServer[] | string): IceTarget[] {
  let servers: RTCIceServer[];
  try {
    servers = parseIceServers(value);
  } catch {
    return [{ invalid: true }];
  }
  if (!servers.length) return [{ invalid: false }];
  return servers.flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]).map((url) => ({ url, server })));
}

/**
 * A throw-away peer connection with this one server gathers candidates (a data channel, no media):
 * a STUN server that answers gives a server-reflexive candidate, a TURN server that accepts the
 * credentials a relay candidate; `icecandidateerror` says why not (401: credentials refused).
 */
export async function checkIceServer(target: IceTarget, timeoutMs: number, deps: PreflightDeps): Promise<IceServerCheck> {
  if (target.url === undefined) {
    return target.invalid
      ? { name: 'ice-server', status: 'failed', reason: 'invalid', candidateTypes: [], timeoutMs, detail: '' }
      : { name: 'ice-server', status: 'skipped', reason: 'none', candidateTypes: [], timeoutMs, detail: '' };
  }
  const { url, server } = target;
  const kind = /^turns?:/i.test(url) ? 'turn' : 'stun';
  const base = { name: 'ice-server', target: url, kind, timeoutMs, detail: '' } as const;
  if (kind === 'turn' && (!server.username || !server.credential)) return { ...base, status: 'failed', reason: 'no-credentials', candidateTypes: [] };
  const wanted: IceCandidateKind = kind === 'turn' ? 'relay' : 'srflx';
  const now = deps.now ?? (() => performance.now());
  const create = deps.createPeerConnection ?? ((config: RTCConfiguration) => new RTCPeerConnection(config));
  const types = new Set<IceCandidateKind>();
  let error: { errorCode?: number; errorText?: string } | undefined;
  let gatherMs: number | undefined;
  let timedOut = false;
  const started = now();
  let pc: RTCPeerConnection | undefined;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((timedOut = true), resolve()), timeoutMs);
      const finish = () => (clearTimeout(timer), resolve());
      try {
        pc = create({ iceServers: [{ urls: url, username: server.username, credential: server.credential }] });
      } catch (e) {
        error = { errorText: e instanceof Error ? e.message : String(e) };
        return finish();
      }
      pc.onicecandidate = ({ candidate }) => {
        if (!candidate) return finish();
        const type = candidate.type as IceCandidateKind | null;
        if (!type) return;
        types.add(type);
        if (type === wanted) {
          gatherMs ??= Math.round(now() - started);
          finish();
        }
      };
      pc.onicecandidateerror = (event) => {
        const { errorCode, errorText } = event as RTCPeerConnectionIceErrorEvent;
        error = { errorCode, errorText };
        // A refused credential is final: no need to wait for gathering to give up.
        if (errorCode === 401 || errorCode === 403 || errorCode === 441) finish();
      };
      pc.onicegatheringstatechange = () => {
        if (pc?.iceGatheringState === 'complete') finish();
      };
      pc.createDataChannel('preflight');
      pc.createOffer()
        .then((offer) => pc?.setLocalDescription(offer))
        .catch((e: unknown) => {
          error = { errorText: e instanceof Error ? e.message : String(e) };
          finish();
        });
    });
  } finally {
    if (pc) pc.onicecandidate = pc.onicecandidateerror = pc.onicegatheringstatechange = null;
    pc?.close();
  }
  const facts = { ...base, candidateTypes: [...types], gatherMs, ...error };
  if (types.has(wanted)) return { ...facts, status: 'ok', reason: kind === 'turn' ? 'relay' : 'stun-answered' };
  const code = error?.errorCode;
  if (code === 401 || code === 403 || code === 441) return { ...facts, status: 'failed', reason: 'credentials-refused' };
  if (code === 701) return { ...facts, status: 'failed', reason: 'unreachable' };
  if (timedOut) return { ...facts, status: 'failed', reason: 'timeout' };
  if (error) return { ...facts, status: 'failed', reason: 'error' };
  // Gathering completed without error and without the candidate: a TURN server that gave no
  // relay fails; a STUN server may simply see this device's own address (no NAT), so it warns.
  return kind === 'turn' ? { ...facts, status: 'failed', reason: 'no-relay' } : { ...facts, status: 'warning', reason: 'no-srflx' };
}
