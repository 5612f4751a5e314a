import { parseIceServers, parseServers, parseUri } from '../kernel/config.js';
import { PhoneError } from '../kernel/errors.js';

/**
 * The settings a user may keep between visits and move between browsers: everything the
 * settings form and the connection attributes set. The password is only ever kept with
 * `remember-password`, and never leaves in an export.
 */
export interface SavedSettings {
  server?: string;
  uri?: string;
  displayName?: string;
  authorizationUser?: string;
  iceServers?: RTCIceServer[];
  registerExpires?: number;
  video?: boolean;
  dtmf?: 'rfc4733' | 'info';
  password?: string;
}

/** The part of the Web Storage API the store needs (a Map-backed fake serves in tests). */
export type SettingsStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The storage key: one per element id, so two phones on a page keep their own settings. */
export function settingsKey(elementId = ''): string {
  return elementId ? `sip-phone.settings.${elementId}` : 'sip-phone.settings';
}

type Field = Exclude<keyof SavedSettings, 'password'>;

/** Each field a settings file may carry, with its check; a bad value throws 'invalid-option'. */
const fields: { [K in Field]: (value: unknown) => SavedSettings[K] } = {
  server: (value) => parseServers(text('server', value)).join(' '),
  uri: (value) => parseUri(text('uri', value)).uri,
  displayName: (value) => text('displayName', value),
  authorizationUser: (value) => text('authorizationUser', value),
  iceServers: (value) => parseIceServers(value as RTCIceServer[] | string),
  registerExpires: (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 60 || value > 86400) {
      throw new PhoneError('invalid-option', `registerExpires must be a whole number of seconds from 60 to 86400 (got ${JSON.stringify(value)}).`);
    }
    return value;
  },
  video: (value) => {
    if (typeof value !== 'boolean') throw new PhoneError('invalid-option', `video must be true or false (got ${JSON.stringify(value)}).`);
    return value;
  },
  dtmf: (value) => {
    if (value !== 'rfc4733' && value !== 'info') throw new PhoneError('invalid-option', `dtmf must be "rfc4733" or "info" (got ${JSON.stringify(value)}).`);
    return value;
  },
};

export const settingsFields = Object.keys(fields) as Field[];

function text(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new PhoneError('invalid-option', `${name} must be text (got ${JSON.stringify(value)}).`);
  return value.trim();
}

/**
 * Checks settings read from a file: a JSON object whose known fields hold valid values.
 * Unknown fields (and any password) are ignored; the first bad value throws a PhoneError
 * 'invalid-option' that says which field and why.
 */
export function parseSettings(json: string): SavedSettings {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new PhoneError('invalid-option', 'The settings file is not JSON.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PhoneError('invalid-option', 'The settings file must hold a JSON object such as {"server": "wss://…", "uri": "sip:…"}.');
  }
  const settings: SavedSettings = {};
  for (const name of settingsFields) {
    const value = (data as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    try {
      (settings as Record<Field, unknown>)[name] = fields[name](value);
    } catch (error) {
      // The config checks name their own codes (invalid-server, …): an import reports them all as a bad option.
      throw new PhoneError('invalid-option', `Settings file, ${name}: ${(error as Error).message}`);
    }
  }
  return settings;
}

/** The JSON text of an export: the settings without the password, whatever was given. */
export function exportSettings(settings: SavedSettings): string {
  const { password: _password, ...shareable } = settings;
  const ordered: SavedSettings = {};
  for (const name of settingsFields) if (shareable[name] !== undefined) (ordered as Record<Field, unknown>)[name] = shareable[name];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Settings kept in storage under one key; the password only when asked to remember it. */
export class SettingsStore {
  constructor(
    private readonly storage: SettingsStorage | null,
    private readonly key: string = settingsKey(),
  ) {}

  /** What was saved, each field checked; a field that no longer passes its check is left out. */
  load(): SavedSettings {
    let data: unknown;
    try {
      data = JSON.parse(this.storage?.getItem(this.key) ?? '{}');
    } catch {
      return {};
    }
    if (typeof data !== 'object' || data === null) return {};
    const saved = data as Record<string, unknown>;
    const settings: SavedSettings = {};
    for (const name of settingsFields) {
      if (saved[name] === undefined) continue;
      try {
        (settings as Record<Field, unknown>)[name] = fields[name](saved[name]);
      } catch {
        // a value we cannot use any more (edited by hand, older version): the default stands
      }
    }
    if (typeof saved.password === 'string' && saved.password) settings.password = saved.password;
    return settings;
  }

  /** Replaces what was saved; the password is dropped unless `rememberPassword`. */
  save(settings: SavedSettings, { rememberPassword = false }: { rememberPassword?: boolean } = {}): void {
    const { password, ...rest } = settings;
    const kept: SavedSettings = rememberPassword && password ? { ...rest, password } : rest;
    try {
      this.storage?.setItem(this.key, JSON.stringify(kept));
    } catch {
      // storage full or blocked: the settings last for this page only
    }
  }

  clear(): void {
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // storage blocked: nothing was kept
    }
  }
}
