import { html } from 'lit';
import type { Strings } from '../i18n/strings.js';

export interface DeviceChoice {
  audioInput?: string;
  videoInput?: string;
  audioOutput?: string;
  /** Where the ringtone plays (default: the speaker, `audioOutput`). */
  ringer?: string;
}

/** The browser's devices of one kind, as the `devices` property lists them. */
export interface DeviceList {
  audioInputs: { deviceId: string; label: string }[];
  videoInputs: { deviceId: string; label: string }[];
  audioOutputs: { deviceId: string; label: string }[];
}

function picker(
  label: string,
  key: keyof DeviceChoice,
  options: { deviceId: string; label: string }[],
  chosen: string | undefined,
  onChange: (choice: DeviceChoice) => void,
) {
  if (!options.length) return '';
  return html`<label>
    ${label}
    <select @change=${(e: Event) => onChange({ [key]: (e.target as HTMLSelectElement).value })}>
      ${options.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === chosen}>${d.label || `${label} ${i + 1}`}</option>`)}
    </select>
  </label>`;
}

/** Microphone, camera, speaker and ringer choices; a change applies at once, also to a call in progress. */
export function devicePicker(t: Strings, devices: DeviceList, chosen: DeviceChoice, onChange: (choice: DeviceChoice) => void) {
  return html`
    <details part="devices">
      <summary>${t.devices}</summary>
      <div class="stack">
        ${picker(t.microphone, 'audioInput', devices.audioInputs, chosen.audioInput, onChange)}
        ${picker(t.camera, 'videoInput', devices.videoInputs, chosen.videoInput, onChange)}
        ${picker(t.speaker, 'audioOutput', devices.audioOutputs, chosen.audioOutput, onChange)}
        ${picker(t.ringer, 'ringer', devices.audioOutputs, chosen.ringer ?? chosen.audioOutput, onChange)}
      </div>
    </details>
  `;
}
