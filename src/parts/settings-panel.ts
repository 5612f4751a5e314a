import { html } from 'lit';

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
  values: SettingsValues;
  registered: boolean;
  busy: boolean;
  onRegister(values: SettingsValues): void;
  onUnregister(): void;
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

/** Display name, domain, user name, password; advanced: server URL and STUN/TURN servers. */
export function settingsPanel(view: SettingsView) {
  const v = view.values;
  return html`
    <details part="settings" ?open=${!view.registered && !v.user}>
      <summary>Settings</summary>
      <form class="stack" @submit=${(e: Event) => (e.preventDefault(), view.onRegister(read(e.target as HTMLFormElement)))}>
        <label>Display name <input name="displayName" autocomplete="name" .value=${v.displayName} /></label>
        <label>Domain <input name="domain" required .value=${v.domain} placeholder="example.com" /></label>
        <label>User name <input name="user" required autocomplete="username" .value=${v.user} /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" .value=${v.password} /></label>
        <details>
          <summary>Advanced</summary>
          <div class="stack">
            <label>WebSocket server URL <input name="server" required .value=${v.server} placeholder="wss://sip.example.com:8443" /></label>
            <label>STUN/TURN servers (JSON) <input name="iceServers" .value=${v.iceServers} placeholder='[{"urls":"stun:stun.example.com"}]' /></label>
          </div>
        </details>
        <div class="row">
          <button type="submit" class="accent" part="register-button" ?disabled=${view.busy}>Register</button>
          <button type="button" part="unregister-button" ?disabled=${!view.registered} @click=${view.onUnregister}>Unregister</button>
        </div>
      </form>
    </details>
  `;
}
