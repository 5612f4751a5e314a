import { html } from 'lit';
import type { RegistrationState } from '../core/phone.js';
import type { Strings } from '../i18n/strings.js';
import { settingsPanel } from '../parts/settings-panel.js';
import type { IncomingCallAlertController } from '../controllers/incoming-call-alert-controller.js';
import type { SettingsController } from '../controllers/settings-controller.js';
import type { SetupCheckController } from '../controllers/setup-check-controller.js';

/** What the settings view reads from the element (its public properties and methods). */
export interface SettingsViewHost {
  readonly registrationState: RegistrationState;
  unregister(): Promise<void>;
}

/** The settings pane: the registration form, the settings file, notifications and the setup check. */
export function settingsView(
  t: Strings,
  el: SettingsViewHost,
  settings: SettingsController,
  setupCheck: SetupCheckController,
  alerts: IncomingCallAlertController,
) {
  return settingsPanel({
    t,
    values: settings.values,
    registered: el.registrationState === 'registered',
    busy: el.registrationState === 'registering',
    onRegister: settings.submit,
    onUnregister: () => void el.unregister().catch(() => {}),
    onExport: settings.exportFile,
    onImport: (file) => void settings.importFile(file),
    importMessage: settings.importMessage,
    offerNotifications: alerts.canAskPermission,
    onEnableNotifications: () => alerts.requestPermission(),
    onCheckSetup: () => void setupCheck.check(),
    checkingSetup: setupCheck.checking,
    setupCheck: setupCheck.shown
      ? html`<sip-setup-check part="setup-check" exportparts="setup-check-summary, setup-check-item, setup-check-level" .t=${t}></sip-setup-check>`
      : '',
  });
}
