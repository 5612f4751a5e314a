import { html } from 'lit';
import type { Strings } from '../i18n/strings.js';

/** The registration form's fields, as the 2013 client had them. */
export interface SettingsValues {
  displayName: string;
  domain: string;
  user: string;
  password: string;
  server: string;
  iceServers: string;
}

export interface SettingsView {
  t: Strings;
  values: SettingsValues;
  registered: boolean;
  busy: boolean;
  onRegister(values: SettingsValues): void;
  onUnregister(): void;
  /** Downloads the settings as JSON (never with the password). */
  onExport(): void;
  /** A settings file the user chose to import. */
  onImport(file: File): void;
  /** What the last import did, shown under the buttons. */
  importMessage: string;
  /** Whether to offer "Enable notifications" (`notify` set and the user not asked yet). */
  offerNotifications: boolean;
  onEnableNotifications(): void;
  /** "Check my setup" was pressed. */
  onCheckSetup(): void;
  /** A setup check started from the button is running (a press then does nothing). */
  checkingSetup: boolean;
  /** The setup check's results (`<sip-setup-check>`), once it was opened. */
  setupCheck: unknown;
}

function read(form: HTMLFormElement): SettingsValues {
  const data = new FormData(form);
  const get = (name: keyof SettingsValues) => String(data.get(name) ?? '').trim();
  return {
    displayName: get('displayName'),
    domain: get('domain'),
    user: get('user'),
    password: String(data.get('password') ?? ''),
    server: get('server'),
    iceServers: get('iceServers'),
  };
}

/** Import opens the file chooser (the file input itself stays hidden). */
function chooseFile(event: Event): void {
  (event.currentTarget as HTMLElement).parentElement?.querySelector<HTMLInputElement>('input[type=file]')?.click();
}

function fileChosen(event: Event, view: SettingsView): void {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = ''; // choosing the same file again imports it again
  if (file) view.onImport(file);
}

/**
 * Display name, domain, user name, password; advanced: server URL and STUN/TURN servers; export
 * and import of the settings as a JSON file; "Check my setup" and its results.
 */
export function settingsPanel(view: SettingsView) {
  const v = view.values;
  return html`
    <details part="settings" ?open=${!view.registered && !v.user}>
      <summary>${view.t.settings}</summary>
      <form class="stack" @submit=${(e: Event) => (e.preventDefault(), view.onRegister(read(e.target as HTMLFormElement)))}>
        <label>${view.t.displayName} <input name="displayName" autocomplete="name" .value=${v.displayName} /></label>
        <label>${view.t.domain} <input name="domain" required .value=${v.domain} placeholder="example.com" /></label>
        <label>${view.t.userName} <input name="user" required autocomplete="username" .value=${v.user} /></label>
        <label>${view.t.password} <input name="password" type="password" autocomplete="current-password" .value=${v.password} /></label>
        <details>
          <summary>${view.t.advanced}</summary>
          <div class="stack">
            <label>${view.t.serverUrl} <input name="server" required .value=${v.server} placeholder="wss://sip.example.com:8443" /></label>
            <label>${view.t.iceServers} <input name="iceServers" .value=${v.iceServers} placeholder='[{"urls":"stun:stun.example.com"}]' /></label>
          </div>
        </details>
        <div class="row">
          <button type="submit" class="accent" part="register-button" ?disabled=${view.busy}>${view.t.register}</button>
          <button type="button" part="unregister-button" ?disabled=${!view.registered} @click=${view.onUnregister}>${view.t.unregister}</button>
        </div>
      </form>
      <div class="row settings-file">
        <button type="button" part="export-button" @click=${view.onExport}>${view.t.exportSettings}</button>
        <button type="button" part="import-button" @click=${chooseFile}>${view.t.importSettings}</button>
        <input type="file" accept=".json,application/json" hidden @change=${(e: Event) => fileChosen(e, view)} />
        ${
          view.offerNotifications
            ? html`<button type="button" part="notify-button" @click=${view.onEnableNotifications}>${view.t.enableNotifications}</button>`
            : ''
        }
      </div>
      ${view.importMessage ? html`<p class="import-message" role="status">${view.importMessage}</p>` : ''}
      <div class="row">
        <!-- aria-disabled, not disabled: a disabled button would drop the focus the click gave it -->
        <button type="button" part="check-setup-button" aria-disabled=${view.checkingSetup ? 'true' : 'false'} @click=${view.onCheckSetup}>${view.t.checkSetup}</button>
      </div>
      ${view.setupCheck}
    </details>
  `;
}
