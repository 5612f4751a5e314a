import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toPhoneError, type PhoneError } from '../core/kernel/errors.js';
import type { PreflightOptions, PreflightResult } from '../core/setup-check/preflight.js';
import type { DeviceChoice } from '../parts/device-picker.js';
import type { SipSetupCheck } from '../parts/setup-check.js';

type Host = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment; readonly updateComplete: Promise<boolean> };

/** What the setup check reads from the element. */
export interface SetupCheckSource {
  server: string;
  iceServers: RTCIceServer[] | string;
  devices: DeviceChoice;
  /** The language of the verdicts. */
  language: string;
}

export interface SetupCheckActions {
  /** Device names appear once the page may use media: list them again. */
  refreshDevices(): void;
  /** Reports an error as a sip-error and in the status line; returns it. */
  report(error: PhoneError): PhoneError;
}

/**
 * The setup check: preflight() (loads its chunk) and "Check my setup" in the settings, whose
 * results view loads the first time it is pressed and shows from then on.
 */
export class SetupCheckController implements ReactiveController {
  /** "Check my setup" was pressed: its results show in the settings from then on. */
  shown = false;
  checking = false;

  constructor(
    private readonly host: Host,
    private readonly source: () => SetupCheckSource,
    private readonly actions: SetupCheckActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Runs the checks (loading them first); rejects, reported, only for bad options. */
  async preflight(options: PreflightOptions): Promise<PreflightResult> {
    try {
      const { preflightOptions, runPreflight, verdictsFor } = await import('../parts/setup-check.js');
      const { media, timeoutMs } = preflightOptions(options);
      const { server, iceServers, devices, language } = this.source();
      const result = await runPreflight(
        { server, iceServers, devices, media, timeoutMs },
        {
          describe: verdictsFor(language),
          onProgress: (progress) => {
            const view = this.host.renderRoot.querySelector<SipSetupCheck>('sip-setup-check');
            if (view) view.progress = progress;
          },
        },
      );
      // Device names appear once the page may use media.
      if (media) this.actions.refreshDevices();
      return result;
    } catch (error) {
      throw this.actions.report(toPhoneError(error));
    }
  }

  /** "Check my setup": loads the results view, then checks with media (a user gesture). */
  readonly check = async () => {
    if (this.checking) return;
    this.setChecking(true);
    try {
      (await import('../parts/setup-check.js')).defineSetupCheck();
      this.shown = true;
      this.host.requestUpdate();
      await this.host.updateComplete;
      await this.preflight({ media: true }).catch(() => {});
    } catch (error) {
      this.actions.report(toPhoneError(error));
    } finally {
      this.setChecking(false);
    }
  };

  private setChecking(checking: boolean): void {
    this.checking = checking;
    this.host.requestUpdate();
  }
}
