/**
 * The camera, microphone and screen of our calls: getUserMedia with the chosen devices, whether
 * media may start without a prompt, media that starts after a call's offer or answer went out,
 * device switches and screen sharing on calls in progress. The Phone hands it the calls.
 */
import type { Call } from '../calls/call.js';
import { PhoneError } from '../kernel/errors.js';
import type { PhoneOptions } from '../phone.js';
import { MediaPermissions } from './media-permissions.js';

/** The microphone and camera to use (device ids; undefined keeps the current choice). */
export interface DevicePreferences {
  audioInput?: string;
  videoInput?: string;
}

/** What media acquisition needs from the phone: the calls, and where to report. */
export interface MediaAcquisitionHost {
  /** Live calls. */
  calls(): Iterable<Call>;
  /** The active call behind an id (the newest active one without), or PhoneError. */
  activeCall(callId?: string): Call;
  /** What the screen share changed on a call ('video'). */
  videoChanged(call: Call): void;
  /** A failure nobody awaits (media that started after the call went out). */
  error(error: PhoneError): void;
}

export class MediaAcquisition {
  /** The microphone and camera to use (device ids; undefined keeps the current choice). */
  devicePreferences: DevicePreferences = {};
  private readonly permissions: MediaPermissions | undefined;

  constructor(
    private readonly options: Pick<PhoneOptions, 'getUserMedia' | 'getDisplayMedia' | 'mediaGranted'>,
    private readonly host: MediaAcquisitionHost,
  ) {
    if (!options.mediaGranted && typeof navigator !== 'undefined') this.permissions = new MediaPermissions();
  }

  /** Whether media may be used without a prompt (then a call's offer or answer need not wait for it). */
  granted(video: boolean): boolean {
    return this.options.mediaGranted?.(video) ?? this.permissions?.granted(video) ?? false;
  }

  /** The microphone (and camera) as chosen in devicePreferences; a refusal is PhoneError 'media-denied'. */
  async getMedia(video: boolean, audio = true): Promise<MediaStream> {
    const getUserMedia = this.options.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
    const { audioInput, videoInput } = this.devicePreferences;
    try {
      return await getUserMedia({
        audio: audio && (audioInput ? { deviceId: audioInput } : true),
        video: video && (videoInput ? { deviceId: videoInput } : true),
      });
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'NotAllowedError' || name === 'SecurityError') {
        throw new PhoneError('media-denied', `Access to the ${video ? 'camera and microphone' : 'microphone'} was denied.`);
      }
      throw new PhoneError('media-unavailable', `No usable ${video ? 'camera or microphone' : 'microphone'}: ${(error as Error)?.message ?? error}`);
    }
  }

  /**
   * Starts the camera and microphone for a call under way; a failure ends the call. A caller's
   * start once the INVITE is out (they have the whole ringing time, and do not share the CPU with
   * creating the offer); a callee's at once, as media flows one round trip after its answer.
   */
  supplyMedia(call: Call, video: boolean): void {
    if (call.direction === 'incoming') return this.startMedia(call, video);
    const sent = ({ originator }: { originator: string }) => {
      if (originator !== 'local') return;
      call.session.off('sdp', sent);
      this.startMedia(call, video);
    };
    call.session.on('sdp', sent);
  }

  private startMedia(call: Call, video: boolean): void {
    this.getMedia(video).then(
      (media) => call.supplyMedia(media),
      (error: PhoneError) => {
        if (call.state === 'ended') return;
        call.end('media-denied', call.direction === 'incoming' ? 480 : undefined);
        this.host.error(error);
      },
    );
  }

  /** Switches microphone and/or camera, also on calls in progress (replaceTrack, no renegotiation). */
  async selectDevices({ audioInput, videoInput }: DevicePreferences): Promise<void> {
    this.devicePreferences = { ...this.devicePreferences, ...(audioInput !== undefined && { audioInput }), ...(videoInput !== undefined && { videoInput }) };
    for (const call of this.host.calls()) {
      if (call.state !== 'active' || !call.localStream) continue;
      const kinds = [audioInput !== undefined && 'audio', videoInput !== undefined && call.video && 'video'].filter(Boolean) as ('audio' | 'video')[];
      for (const kind of kinds) {
        const stream = await this.getMedia(kind === 'video', kind === 'audio');
        const track = stream.getTracks().find((t) => t.kind === kind)!;
        (await call.replaceTrack(track))?.stop();
      }
    }
  }

  /** Sends the screen instead of the camera on a video call, until stopScreenShare() or the browser's "Stop sharing". */
  async shareScreen(callId?: string): Promise<void> {
    const call = this.host.activeCall(callId);
    if (!call.video) throw new PhoneError('invalid-call-state', 'Screen sharing needs a video call.');
    const getDisplayMedia = this.options.getDisplayMedia ?? ((c: DisplayMediaStreamOptions) => navigator.mediaDevices.getDisplayMedia(c));
    let screen: MediaStream;
    try {
      screen = await getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      throw new PhoneError('media-denied', `Screen sharing was not allowed: ${(error as Error)?.message ?? error}`);
    }
    const track = screen.getVideoTracks()[0];
    const camera = await call.replaceTrack(track);
    camera?.stop();
    call.screenTrack = track;
    track.addEventListener('ended', () => void this.stopScreenShare(call.id).catch(() => {}));
    this.host.videoChanged(call);
  }

  /** Goes back to the camera after shareScreen(). */
  async stopScreenShare(callId?: string): Promise<void> {
    const call = this.host.activeCall(callId);
    const screen = call.screenTrack;
    if (!screen) return;
    call.screenTrack = null;
    const camera = (await this.getMedia(true, false)).getVideoTracks()[0];
    (await call.replaceTrack(camera))?.stop();
    screen.stop();
    this.host.videoChanged(call);
  }
}
