import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toPhoneError, type PhoneError } from '../core/kernel/errors.js';
import type { Phone } from '../core/phone.js';
import type { DevicePreferences } from '../core/media/media-acquisition.js';
import type { DeviceChoice, DeviceList } from '../parts/device-picker.js';

const DEVICES_KEY = 'sip-phone.devices';

function loadDeviceChoice(): DeviceChoice {
  try {
    return JSON.parse(localStorage.getItem(DEVICES_KEY) ?? '{}') as DeviceChoice;
  } catch {
    return {};
  }
}

type Host = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

/**
 * The microphones, cameras and speakers (listed again when they change), the user's choice
 * (remembered in localStorage), and the speaker applied to the remote video after each update.
 */
export class DevicesController implements ReactiveController {
  private mediaDevices: MediaDeviceInfo[] = [];
  /** The devices chosen, as stored. */
  choice: DeviceChoice = loadDeviceChoice();

  constructor(
    private readonly host: Host,
    private readonly report: (error: PhoneError) => PhoneError,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    navigator.mediaDevices?.addEventListener('devicechange', this.refresh);
    void this.refresh();
  }

  hostDisconnected(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.refresh);
  }

  hostUpdated(): void {
    void this.applySpeaker().catch(() => {});
  }

  /** The microphone and camera chosen (undefined: the browser's default), as the Phone takes them. */
  get inputs(): DevicePreferences {
    const { audioInput, videoInput } = this.choice;
    return { audioInput, videoInput };
  }

  /** Microphones, cameras and speakers (labels appear once the page may use media). */
  get list(): DeviceList {
    const of = (kind: MediaDeviceKind) => this.mediaDevices.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, label: d.label }));
    return { audioInputs: of('audioinput'), videoInputs: of('videoinput'), audioOutputs: of('audiooutput') };
  }

  /**
   * Remembers a choice (merged with the earlier one); the microphone and camera of a call in
   * progress switch, and the speaker, at once. A failure is reported (sip-error).
   */
  async select(choice: DeviceChoice, phone: Pick<Phone, 'media'> | null): Promise<void> {
    try {
      this.choice = { ...this.choice, ...choice };
      try {
        localStorage.setItem(DEVICES_KEY, JSON.stringify(this.choice));
      } catch {
        // storage blocked: the choice lasts for this page only
      }
      // (Before the SIP stack loads there is no call: the Phone takes the choice when it is made.)
      await phone?.media.selectDevices({ audioInput: choice.audioInput, videoInput: choice.videoInput });
      await this.applySpeaker();
      this.host.requestUpdate();
    } catch (error) {
      throw this.report(toPhoneError(error));
    }
  }

  async applySpeaker(): Promise<void> {
    const video = this.host.renderRoot.querySelector<HTMLVideoElement & { setSinkId?(id: string): Promise<void>; sinkId?: string }>('[part~="remote-video"]');
    const id = this.choice.audioOutput;
    if (video?.setSinkId && id && video.sinkId !== id) await video.setSinkId(id);
  }

  readonly refresh = async () => {
    try {
      this.mediaDevices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      this.mediaDevices = [];
    }
    this.host.requestUpdate();
  };
}
