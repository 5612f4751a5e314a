type Device = 'microphone' | 'camera';

/**
 * Whether the page may already use the microphone and camera without a prompt, from the
 * Permissions API (PermissionStatus objects stay current). Where the browser cannot tell, the
 * answer is no: media is then acquired before anything is sent, so a denied prompt sends nothing.
 */
export class MediaPermissions {
  private readonly statuses: Partial<Record<Device, PermissionStatus>> = {};

  constructor() {
    for (const name of ['microphone', 'camera'] as const) {
      navigator.permissions?.query({ name } as unknown as PermissionDescriptor).then(
        (status) => (this.statuses[name] = status),
        () => {},
      );
    }
  }

  granted(video: boolean): boolean {
    const ok = (device: Device) => this.statuses[device]?.state === 'granted';
    return ok('microphone') && (!video || ok('camera'));
  }
}
