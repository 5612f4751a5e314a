/**
 * A call's recording: our microphone and what the other side sends, mixed with Web Audio into one
 * track and encoded by MediaRecorder in the type the browser records (e.g. `audio/webm;codecs=opus`
 * in Chromium and Firefox). Its own chunk: loaded the first time a page records.
 */
import { runningAudioContext } from '../media/web-audio.js';

/** Makes the Web Audio context and the recorder (tests and benchmarks may pass their own). */
export interface RecordingEnvironment {
  audioContext?: () => AudioContext;
  mediaRecorder?: (stream: MediaStream) => MediaRecorder;
}

/** How often MediaRecorder hands over what it has encoded (ms): the blob grows as the call goes. */
const TIMESLICE_MS = 1000;

export class CallRecording {
  private readonly context: AudioContext;
  private readonly destination: MediaStreamAudioDestinationNode;
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  /** The tracks in the mix, each with its source node. */
  private readonly sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  private finished: Promise<Blob> | null = null;

  /**
   * Starts recording the audio of `tracks` (more may join with mix()); rejects with
   * 'media-unavailable' when Web Audio does not start (see web-audio.ts).
   */
  static async start(tracks: MediaStreamTrack[], environment: RecordingEnvironment = {}): Promise<CallRecording> {
    return new CallRecording(await runningAudioContext(environment.audioContext), tracks, environment);
  }

  private constructor(context: AudioContext, tracks: MediaStreamTrack[], environment: RecordingEnvironment) {
    this.context = context;
    this.destination = this.context.createMediaStreamDestination();
    this.mix(tracks);
    this.recorder = environment.mediaRecorder?.(this.destination.stream) ?? new MediaRecorder(this.destination.stream);
    this.recorder.addEventListener('dataavailable', ({ data }) => {
      if (data.size) this.chunks.push(data);
    });
    this.recorder.start(TIMESLICE_MS);
  }

  /** The type of what is recorded (e.g. 'audio/webm;codecs=opus'). */
  get mimeType(): string {
    return this.recorder.mimeType;
  }

  /**
   * The tracks to record from now on: new ones (a remote stream that arrived late, a party merged
   * in, another microphone) join the mix; ended ones and ones no longer listed leave it.
   */
  mix(tracks: MediaStreamTrack[]): void {
    if (this.finished) return;
    const wanted = new Set(tracks.filter((track) => track.kind === 'audio' && track.readyState === 'live'));
    for (const [track, source] of this.sources) {
      if (wanted.has(track)) continue;
      source.disconnect();
      this.sources.delete(track);
    }
    for (const track of wanted) {
      if (this.sources.has(track)) continue;
      const source = this.context.createMediaStreamSource(new MediaStream([track]));
      source.connect(this.destination);
      this.sources.set(track, source);
    }
  }

  /** Stops recording; resolves to everything recorded, one Blob (again the same one if asked twice). */
  stop(): Promise<Blob> {
    return (this.finished ??= new Promise<Blob>((resolve) => {
      const done = () => {
        for (const source of this.sources.values()) source.disconnect();
        this.sources.clear();
        void this.context.close().catch(() => {});
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType || 'audio/webm' }));
      };
      if (this.recorder.state === 'inactive') return done();
      this.recorder.addEventListener('stop', done, { once: true });
      this.recorder.stop();
    }));
  }
}

/** The `sip-recording` event: a call's recording started, or stopped (with what was recorded). */
export interface RecordingDetail {
  call: import('../calls/call.js').CallInfo;
  state: 'started' | 'stopped';
  /** Everything recorded (with 'stopped'): both sides mixed, in the browser's recording type. */
  blob?: Blob;
}
