import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULT_REGISTER_EXPIRES, parseIceServers } from '../core/kernel/config.js';
import { PhoneError, toPhoneError } from '../core/kernel/errors.js';
import { SettingsStore, exportSettings, parseSettings, settingsKey, type SavedSettings } from '../core/storage/settings-store.js';
import type { Strings } from '../i18n/strings.js';
import type { SettingsValues } from '../parts/settings-panel.js';
import type { SipPhoneProperties } from '../sip-phone-properties.js';
import { storageOrNull } from './page-storage.js';

/** The element's settings, as the settings controller reads and writes them. */
export type SettingsHost = ReactiveControllerHost &
  HTMLElement &
  Pick<
    SipPhoneProperties,
    'server' | 'uri' | 'displayName' | 'authorizationUser' | 'password' | 'iceServers' | 'registerExpires' | 'video' | 'dtmf' | 'persist' | 'rememberPassword'
  >;

export interface SettingsActions {
  /** The strings in use. */
  strings(): Strings;
  /** The settings form was submitted: register with them (a user's click). */
  register(): void;
  /** Reports an error as a sip-error and in the status line. */
  report(error: PhoneError): void;
}

/**
 * The settings form (its values, its submit), `persist` (saved on Register, restored once before
 * the first render) and the settings file (export, import).
 */
export class SettingsController implements ReactiveController {
  /** What the last settings import did. */
  importMessage = '';
  private restored = false;

  constructor(
    private readonly host: SettingsHost,
    private readonly actions: SettingsActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The form's fields from the element's properties. */
  get values(): SettingsValues {
    const host = this.host;
    const at = host.uri.replace(/^sips?:/, '').split('@');
    return {
      displayName: host.displayName,
      user: at.length > 1 ? at[0] : '',
      domain: at.length > 1 ? at.slice(1).join('@') : '',
      password: host.password,
      server: host.server,
      iceServers: typeof host.iceServers === 'string' ? host.iceServers : host.iceServers.length ? JSON.stringify(host.iceServers) : '',
    };
  }

  readonly submit = (values: SettingsValues) => {
    const host = this.host;
    host.displayName = values.displayName;
    host.uri = `sip:${values.user}@${values.domain}`;
    host.password = values.password;
    host.server = values.server;
    host.iceServers = values.iceServers;
    if (host.persist) this.store.save(this.current(), { rememberPassword: host.rememberPassword });
    this.actions.register();
  };

  /** (Storage blocked: nothing is kept.) */
  private get store(): SettingsStore {
    return new SettingsStore(storageOrNull(), settingsKey(this.host.id));
  }

  /** The settings as they are now; empty values left out, so a file or a restore never sets them. */
  private current(): SavedSettings {
    const host = this.host;
    let iceServers: RTCIceServer[] = [];
    try {
      iceServers = parseIceServers(host.iceServers);
    } catch {
      // not valid: left out
    }
    const settings: SavedSettings = {
      server: host.server.trim() || undefined,
      uri: host.uri.trim() || undefined,
      displayName: host.displayName.trim() || undefined,
      authorizationUser: host.authorizationUser.trim() || undefined,
      iceServers: iceServers.length ? iceServers : undefined,
      registerExpires: host.registerExpires,
      video: host.video,
      dtmf: host.dtmf,
      password: host.password || undefined,
    };
    return JSON.parse(JSON.stringify(settings)) as SavedSettings;
  }

  /** `persist`: the saved settings, once, for every setting the page did not give itself. */
  restoreOnce(): void {
    const host = this.host;
    if (!host.persist || this.restored) return;
    this.restored = true;
    const given = (attribute: string, isDefault: boolean) => host.hasAttribute(attribute) || !isDefault;
    const pageGave: Record<keyof SavedSettings, boolean> = {
      server: given('server', !host.server),
      uri: given('uri', !host.uri),
      displayName: given('display-name', !host.displayName),
      authorizationUser: given('authorization-user', !host.authorizationUser),
      iceServers: given('ice-servers', !host.iceServers.length),
      registerExpires: given('register-expires', host.registerExpires === DEFAULT_REGISTER_EXPIRES),
      video: given('video', !host.video),
      dtmf: given('dtmf', host.dtmf === 'rfc4733'),
      password: !!host.password,
    };
    const store = this.store;
    const saved = store.load();
    if (saved.password && !host.rememberPassword) {
      // Kept under an earlier remember-password the page has dropped since: forget it.
      delete saved.password;
      store.save(saved);
    }
    Object.assign(host, Object.fromEntries(Object.entries(saved).filter(([name]) => !pageGave[name as keyof SavedSettings])));
  }

  readonly exportFile = () => {
    const link = document.createElement('a');
    link.href = `data:application/json;charset=utf-8,${encodeURIComponent(exportSettings(this.current()))}`;
    link.download = 'sip-phone-settings.json';
    link.click();
  };

  /** Fills in the settings from a file the user chose; a bad file changes nothing and fires sip-error 'invalid-option'. */
  readonly importFile = async (file: File): Promise<void> => {
    try {
      if (file.size > 65536) throw new PhoneError('invalid-option', `${file.name} is too large to be a settings file (${file.size} bytes).`);
      Object.assign(this.host, parseSettings(await file.text()));
      this.importMessage = this.actions.strings().settingsImported(file.name);
    } catch (error) {
      this.importMessage = this.actions.strings().importFailed(file.name);
      this.actions.report(toPhoneError(error, 'invalid-option'));
    }
    this.host.requestUpdate();
  };
}
