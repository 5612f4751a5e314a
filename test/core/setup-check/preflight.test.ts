import { expect } from '@esm-bundle/chai';
import {
  preflightOptions,
  runPreflight,
  type IceServerCheck,
  type MediaCheck,
  type PreflightDeps,
  type PreflightInput,
  type PreflightProgress,
  type ServerCheck,
  type SpeakerCheck,
} from '../../../src/core/setup-check/preflight.js';
import { PhoneError } from '../../../src/core/kernel/errors.js';
import { verdictsFor } from '../../../src/i18n/setup-check-strings.js';
import type { WebSocketLike } from '../../../src/core/connection/sip-socket.js';

type ServerBehaviour = 'answers' | 'silent' | 'refuses' | 'never-opens' | 'throws';

/** A WebSocket to a "server" that behaves as told; answers OPTIONS with 200 after `delayMs`. */
class FakeWebSocket implements WebSocketLike {
  static made: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly protocol: string,
    private readonly behaviour: ServerBehaviour,
    private readonly delayMs = 5,
  ) {
    FakeWebSocket.made.push(this);
    if (behaviour === 'answers' || behaviour === 'silent') setTimeout(() => ((this.readyState = 1), this.onopen?.({})), 2);
    if (behaviour === 'refuses') setTimeout(() => ((this.readyState = 3), this.onerror?.({}), this.onclose?.({ code: 1006, reason: '', wasClean: false })), 2);
  }
  send(data: string) {
    this.sent.push(data);
    if (this.behaviour !== 'answers') return;
    const callId = /Call-ID: (\S+)/.exec(data)?.[1];
    // Something else first (a stray keep-alive), then the answer to our request.
    setTimeout(() => this.onmessage?.({ data: '\r\n' }), 1);
    setTimeout(() => this.onmessage?.({ data: `SIP/2.0 200 OK\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\n\r\n` }), this.delayMs);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
}

interface GatherScript {
  types?: string[];
  error?: { errorCode: number; errorText: string };
  complete?: boolean;
}

/** A peer connection that gathers as scripted once its offer is set. */
class FakePeerConnection {
  static made: FakePeerConnection[] = [];
  onicecandidate: ((e: { candidate: { type: string } | null }) => void) | null = null;
  onicecandidateerror: ((e: { errorCode: number; errorText: string }) => void) | null = null;
  onicegatheringstatechange: (() => void) | null = null;
  iceGatheringState = 'new';
  closed = false;
  channels: string[] = [];
  constructor(
    readonly config: RTCConfiguration,
    private readonly script: GatherScript,
  ) {
    FakePeerConnection.made.push(this);
  }
  createDataChannel(label: string) {
    this.channels.push(label);
  }
  async createOffer() {
    return { type: 'offer', sdp: '' };
  }
  async setLocalDescription() {
    this.iceGatheringState = 'gathering';
    for (const type of this.script.types ?? []) setTimeout(() => this.onicecandidate?.({ candidate: { type } }), 3);
    if (this.script.error) setTimeout(() => this.onicecandidateerror?.(this.script.error!), 4);
    if (this.script.complete) {
      setTimeout(() => {
        this.iceGatheringState = 'complete';
        this.onicegatheringstatechange?.();
        this.onicecandidate?.({ candidate: null });
      }, 8);
    }
  }
  close() {
    this.closed = true;
  }
}

/** A stream with one track of `kind`, whose stop() is recorded. */
function fakeStream(kind: 'audio' | 'video', label: string) {
  const track = {
    kind,
    label,
    stopped: false,
    stop() {
      this.stopped = true;
    },
    getSettings: () => ({ width: 640, height: 480 }),
  };
  const stream = {
    track,
    getTracks: () => [track],
    getAudioTracks: () => (kind === 'audio' ? [track] : []),
    getVideoTracks: () => (kind === 'video' ? [track] : []),
  };
  return stream;
}

const TIMEOUT = 200;

interface Setup {
  permissions?: { microphone?: string; camera?: string };
  media?: boolean;
  server?: string;
  servers?: Record<string, ServerBehaviour>;
  iceServers?: RTCIceServer[] | string;
  gather?: Record<string, GatherScript>;
  getUserMediaError?: { audio?: string; video?: string };
  level?: number | null;
  sinkApplied?: boolean;
  devices?: PreflightInput['devices'];
}

function setup(s: Setup = {}) {
  FakeWebSocket.made = [];
  FakePeerConnection.made = [];
  const gumCalls: MediaStreamConstraints[] = [];
  const streams: ReturnType<typeof fakeStream>[] = [];
  const tones: (string | undefined)[] = [];
  const progress: PreflightProgress[] = [];
  const deps: PreflightDeps = {
    isSecureContext: true,
    queryPermission: async (name) => (s.permissions?.[name] ?? 'granted') as 'granted',
    getUserMedia: async (constraints) => {
      gumCalls.push(constraints);
      const kind = constraints.audio ? 'audio' : 'video';
      const error = s.getUserMediaError?.[kind];
      if (error) throw new DOMException('no', error);
      const stream = fakeStream(kind, kind === 'audio' ? 'Fake Microphone' : 'Fake Camera');
      streams.push(stream);
      return stream as unknown as MediaStream;
    },
    enumerateDevices: async () => [
      { deviceId: 'default', kind: 'audiooutput', label: 'Default Speaker' },
      { deviceId: 'usb', kind: 'audiooutput', label: 'USB Headset' },
    ],
    measureLevel: async (_stream, _ms, onLevel) => {
      onLevel(0.01);
      onLevel(s.level ?? 0.2);
      return s.level === undefined ? 0.2 : s.level;
    },
    playTone: async (sinkId) => {
      tones.push(sinkId);
      return { sinkApplied: s.sinkApplied ?? true };
    },
    createWebSocket: (url, protocol) => {
      const behaviour = s.servers?.[url] ?? 'answers';
      if (behaviour === 'throws')
        throw new DOMException('An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.', 'SecurityError');
      return new FakeWebSocket(url, protocol, behaviour);
    },
    createPeerConnection: (config) => {
      const url = config.iceServers![0].urls as string;
      return new FakePeerConnection(config, s.gather?.[url] ?? { types: ['host'], complete: true }) as unknown as RTCPeerConnection;
    },
    describe: verdictsFor('en'),
    onProgress: (p) => progress.push(structuredClone(p)),
  };
  const input: PreflightInput = {
    server: s.server ?? 'ws://127.0.0.1:8080',
    iceServers: s.iceServers ?? [],
    media: s.media ?? false,
    timeoutMs: TIMEOUT,
    devices: s.devices,
  };
  return { run: (changes: Partial<PreflightInput> = {}) => runPreflight({ ...input, ...changes }, deps), deps, gumCalls, streams, tones, progress };
}

const STUN = 'stun:stun.example.org:3478';
const TURN = 'turn:turn.example.org:3478?transport=udp';

describe('preflight: the setup check', () => {
  it('a good setup: every line ok, in a fixed order, with the figures (rtt, level, device, candidate types)', async () => {
    const t = setup({
      iceServers: [{ urls: STUN }, { urls: TURN, username: 'u', credential: 'p' }],
      gather: { [STUN]: { types: ['host', 'srflx'] }, [TURN]: { types: ['host', 'relay'] } },
      media: true,
    });
    const result = await t.run();
    expect(result.checks.map((c) => `${c.name}${c.target ? ` ${c.target}` : ''}: ${c.status}`)).to.deep.equal([
      'secure-context: ok',
      'microphone: ok',
      'camera: ok',
      'speaker: ok',
      'server ws://127.0.0.1:8080: ok',
      `ice-server ${STUN}: ok`,
      `ice-server ${TURN}: ok`,
    ]);
    expect(result.ok).to.equal(true);
    const [, mic, camera, speaker, server, stun, turn] = result.checks as [
      unknown,
      MediaCheck,
      MediaCheck,
      SpeakerCheck,
      ServerCheck,
      IceServerCheck,
      IceServerCheck,
    ];
    expect(mic).to.include({
      reason: 'works',
      device: 'Fake Microphone',
      level: 0.2,
      permission: 'granted',
      detail: 'Your microphone works (Fake Microphone).',
    });
    expect(camera).to.include({ device: 'Fake Camera', width: 640, height: 480 });
    expect(speaker).to.include({ reason: 'played', device: 'Default Speaker' });
    expect(server).to.include({ reason: 'answered', tls: false, statusCode: 200 });
    expect(server.rttMs).to.be.a('number').and.at.least(0);
    expect(server.detail).to.match(/^The SIP server answers in \d+ ms \(not encrypted, ws:\/\/\)\.$/);
    expect(stun).to.include({ reason: 'stun-answered', kind: 'stun' });
    expect(stun.candidateTypes).to.have.members(['host', 'srflx']);
    expect(turn).to.include({ reason: 'relay', kind: 'turn' });
    expect(turn.candidateTypes).to.include('relay');
    expect(turn.detail).to.match(/^The TURN server works: it gave a relay address in \d+ ms\.$/);
    // Everything opened was closed again.
    expect(
      t.streams.every((s) => s.track.stopped),
      'tracks stopped',
    ).to.equal(true);
    expect(
      FakeWebSocket.made.every((ws) => ws.closed),
      'sockets closed',
    ).to.equal(true);
    expect(
      FakePeerConnection.made.every((pc) => pc.closed),
      'peer connections closed',
    ).to.equal(true);
    expect(
      FakePeerConnection.made.map((pc) => pc.channels),
      'a data channel, no media',
    ).to.deep.equal([['preflight'], ['preflight']]);
    expect(FakePeerConnection.made[1].config.iceServers).to.deep.equal([{ urls: TURN, username: 'u', credential: 'p' }]);
  });

  it('the server gets a SIP OPTIONS over a WebSocket with the sip subprotocol; wss:// counts as TLS', async () => {
    const t = setup({ server: 'wss://sip.example.com:8443 ws://127.0.0.1:5066' });
    const result = await t.run();
    const servers = result.checks.filter((c): c is ServerCheck => c.name === 'server');
    expect(servers.map((s) => [s.target, s.status, s.tls])).to.deep.equal([
      ['wss://sip.example.com:8443', 'ok', true],
      ['ws://127.0.0.1:5066', 'ok', false],
    ]);
    expect(FakeWebSocket.made.map((ws) => ws.protocol)).to.deep.equal(['sip', 'sip']);
    expect(FakeWebSocket.made[0].sent[0]).to.match(/^OPTIONS sip:sip\.example\.com:8443 SIP\/2\.0\r\nVia: SIP\/2\.0\/WSS /);
  });

  it('without media: true, media not yet granted is skipped with a reason: no getUserMedia, no tone', async () => {
    const t = setup({ permissions: { microphone: 'prompt', camera: 'unknown' } });
    const result = await t.run();
    const [, mic, camera, speaker] = result.checks;
    expect([mic.status, camera.status, speaker.status]).to.deep.equal(['skipped', 'skipped', 'skipped']);
    expect(mic.detail).to.equal('Not checked: the browser would ask for permission first. Press "Check my setup" to test your microphone.');
    expect(speaker.reason).to.equal('not-requested');
    expect(t.gumCalls, 'never a permission prompt').to.deep.equal([]);
    expect(t.tones, 'no sound unasked').to.deep.equal([]);
    expect(result.ok, 'skipped lines do not fail the check').to.equal(true);
  });

  it('without media: true, an already granted microphone is checked (its level too); the camera that is not, skipped', async () => {
    const t = setup({ permissions: { microphone: 'granted', camera: 'prompt' } });
    const result = await t.run();
    expect(result.checks[1]).to.include({ status: 'ok', reason: 'works' });
    expect(result.checks[2]).to.include({ status: 'skipped' });
    expect(t.gumCalls).to.deep.equal([{ audio: true }]);
  });

  it('with media: true, the chosen devices are used; a speaker the browser cannot choose is a warning', async () => {
    const t = setup({
      media: true,
      permissions: { microphone: 'prompt', camera: 'prompt' },
      devices: { audioInput: 'mic-2', videoInput: 'cam-2', audioOutput: 'usb' },
      sinkApplied: false,
    });
    const result = await t.run();
    expect(t.gumCalls).to.deep.equal([{ audio: { deviceId: 'mic-2' } }, { video: { deviceId: 'cam-2' } }]);
    expect(t.tones).to.deep.equal(['usb']);
    expect(result.checks[1]).to.include({ status: 'ok', permission: 'granted' });
    expect(result.checks[3]).to.include({ status: 'warning', reason: 'played-default', device: 'USB Headset' });
  });

  it('a denied permission fails without asking; a missing camera warns; a busy microphone fails; a silent one warns', async () => {
    let result = await setup({ media: true, permissions: { microphone: 'denied' } }).run();
    expect(result.checks[1]).to.include({ status: 'failed', reason: 'denied' });
    expect(result.ok).to.equal(false);

    const t = setup({ media: true, getUserMediaError: { audio: 'NotReadableError', video: 'NotFoundError' } });
    result = await t.run();
    expect(result.checks[1]).to.include({ status: 'failed', reason: 'in-use', errorName: 'NotReadableError' });
    expect(result.checks[2]).to.include({ status: 'warning', reason: 'no-device', detail: 'No camera was found: calls work, but without your picture.' });

    result = await setup({ level: 0 }).run();
    expect(result.checks[1]).to.include({ status: 'warning', reason: 'silent' });
    result = await setup({ level: null }).run();
    expect(result.checks[1]).to.include({ status: 'ok', reason: 'level-unknown' });

    result = await setup({ media: true, getUserMediaError: { audio: 'NotAllowedError' } }).run();
    expect(result.checks[1]).to.include({ status: 'failed', reason: 'denied' });
  });

  it('an insecure page fails its line, and a browser without getUserMedia fails the media lines', async () => {
    const t = setup({ media: true });
    const result = await runPreflight(
      { server: 'ws://127.0.0.1:1', iceServers: [], media: true, timeoutMs: TIMEOUT },
      { ...t.deps, isSecureContext: false, getUserMedia: null },
    );
    expect(result.checks.slice(0, 3).map((c) => [c.status, c.reason])).to.deep.equal([
      ['failed', 'insecure'],
      ['failed', 'unsupported'],
      ['failed', 'unsupported'],
    ]);
    expect(result.checks[0].detail).to.match(/not secure/);
  });

  it('servers that fail: nothing listening, no handshake in time, no SIP answer, not a WebSocket URL, blocked, none set', async () => {
    const t = setup({
      server: 'ws://127.0.0.1:1 ws://10.0.0.1:5066 ws://127.0.0.1:2 https://sip.example.com wss://blocked.example.com',
      servers: { 'ws://127.0.0.1:1': 'refuses', 'ws://10.0.0.1:5066': 'never-opens', 'ws://127.0.0.1:2': 'silent', 'wss://blocked.example.com': 'throws' },
    });
    const started = performance.now();
    const servers = (await t.run()).checks.filter((c): c is ServerCheck => c.name === 'server');
    expect(performance.now() - started, 'bounded by the timeouts').to.be.below(TIMEOUT * 2 + 150);
    expect(servers.map((s) => [s.status, s.reason])).to.deep.equal([
      ['failed', 'refused'],
      ['failed', 'timeout'],
      ['warning', 'no-sip-answer'],
      ['failed', 'invalid-url'],
      ['failed', 'blocked'],
    ]);
    expect(servers[1].detail).to.equal('The SIP server did not answer within 0.2 s.');
    expect(servers[4].detail).to.include('An insecure WebSocket connection may not be initiated');
    expect(FakeWebSocket.made.every((ws) => ws.closed)).to.equal(true);

    const none = (await setup({ server: '  ' }).run()).checks.filter((c) => c.name === 'server');
    expect(none.map((c) => [c.status, c.detail])).to.deep.equal([['failed', 'No SIP server is set.']]);
  });

  it('a ws:// server on another machine answers, with a warning that it is not encrypted', async () => {
    const server = (await setup({ server: 'ws://sip.example.com' }).run()).checks[4];
    expect(server).to.include({ status: 'warning', reason: 'unencrypted' });
    expect(server.detail).to.match(/not encrypted: use wss:\/\//);
  });

  it('STUN/TURN servers that fail: refused credentials (401), no credentials, unreachable (701), silent, no relay, no srflx', async () => {
    const urls = {
      refused: 'turn:127.0.0.1:3478?transport=udp',
      bare: 'turn:127.0.0.1:3479',
      unreachable: 'turn:127.0.0.1:1?transport=tcp',
      silent: 'stun:10.0.0.1:3478',
      noRelay: 'turns:127.0.0.1:5349',
      noSrflx: 'stun:127.0.0.1:3478',
    };
    const t = setup({
      gather: {
        [urls.refused]: { types: ['host'], error: { errorCode: 401, errorText: 'Unauthorized' } },
        [urls.unreachable]: { types: ['host'], error: { errorCode: 701, errorText: 'TURN host lookup received error.' }, complete: true },
        [urls.silent]: { types: ['host'] },
        [urls.noRelay]: { types: ['host', 'srflx'], complete: true },
        [urls.noSrflx]: { types: ['host'], complete: true },
      },
    });
    const result = await t.run({
      iceServers: [
        { urls: urls.refused, username: 'u', credential: 'wrong' },
        { urls: urls.bare },
        { urls: urls.unreachable, username: 'u', credential: 'p' },
        { urls: [urls.silent, urls.noSrflx] },
        { urls: urls.noRelay, username: 'u', credential: 'p' },
      ],
    });
    const ice = result.checks.filter((c): c is IceServerCheck => c.name === 'ice-server');
    expect(ice.map((c) => [c.target, c.status, c.reason])).to.deep.equal([
      [urls.refused, 'failed', 'credentials-refused'],
      [urls.bare, 'failed', 'no-credentials'],
      [urls.unreachable, 'failed', 'unreachable'],
      [urls.silent, 'failed', 'timeout'],
      [urls.noSrflx, 'warning', 'no-srflx'],
      [urls.noRelay, 'failed', 'no-relay'],
    ]);
    expect(ice[0].detail).to.equal('The TURN server refused the credentials (401 Unauthorized).');
    expect(ice[0]).to.include({ errorCode: 401, errorText: 'Unauthorized' });
    expect(ice[3].detail).to.equal('The STUN server did not answer within 0.2 s.');
    expect(FakePeerConnection.made.every((pc) => pc.closed)).to.equal(true);
    expect(result.ok).to.equal(false);
  });

  it('no STUN/TURN servers is a skipped line; a bad setting a failed one', async () => {
    let ice = (await setup({ iceServers: [] }).run()).checks.filter((c) => c.name === 'ice-server');
    expect(ice.map((c) => [c.status, c.reason])).to.deep.equal([['skipped', 'none']]);
    ice = (await setup({ iceServers: '[{"urls": "http://x"}' }).run()).checks.filter((c) => c.name === 'ice-server');
    expect(ice.map((c) => [c.status, c.reason])).to.deep.equal([['failed', 'invalid']]);
  });

  it('reports progress: every line running at first, the microphone level while it is measured, all done at the end', async () => {
    const t = setup({ iceServers: [{ urls: STUN }], gather: { [STUN]: { types: ['srflx'] } } });
    const result = await t.run();
    const first = t.progress[0];
    expect(first.running).to.equal(true);
    expect(first.lines.map((l) => `${l.name}:${l.status}`)).to.deep.equal([
      'secure-context:running',
      'microphone:running',
      'camera:running',
      'speaker:running',
      'server:running',
      'ice-server:running',
    ]);
    expect(
      t.progress.some((p) => p.level === 0.01),
      'level readings while measuring',
    ).to.equal(true);
    const last = t.progress.at(-1)!;
    expect(last.running).to.equal(false);
    expect(last.level).to.equal(null);
    expect(last.lines).to.deep.equal(result.checks);
  });

  it('German verdicts', async () => {
    const t = setup({ server: 'ws://127.0.0.1:1', servers: { 'ws://127.0.0.1:1': 'never-opens' } });
    const result = await runPreflight(
      { server: 'ws://127.0.0.1:1', iceServers: [], media: false, timeoutMs: TIMEOUT },
      { ...t.deps, describe: verdictsFor('de-AT') },
    );
    expect(result.checks[1].detail).to.equal('Ihr Mikrofon funktioniert (Fake Microphone).');
    expect(result.checks[4].detail).to.equal('Der SIP-Server hat nicht binnen 0,2 s geantwortet.');
  });

  it('options: media and timeoutMs; anything else is misuse (PhoneError invalid-option)', () => {
    expect(preflightOptions(undefined)).to.deep.equal({ media: false, timeoutMs: 5000 });
    expect(preflightOptions({ media: true, timeoutMs: 2000 })).to.deep.equal({ media: true, timeoutMs: 2000 });
    for (const bad of [{ media: 'yes' }, { timeoutMs: 10 }, { timeoutMs: Number.NaN }, { video: true }, 'media', [true]]) {
      expect(() => preflightOptions(bad), JSON.stringify(bad))
        .to.throw(PhoneError)
        .with.property('code', 'invalid-option');
    }
  });
});
