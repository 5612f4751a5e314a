import { css } from 'lit';
import { layout } from './styles/layout.js';
import { tokens } from './styles/tokens.js';
import { qualityWarningStyles } from './parts/quality-warning.js';
import { callMediaExtrasStyles } from './parts/call-media-extras.js';

export const styles = [
  tokens,
  layout,
  qualityWarningStyles,
  callMediaExtrasStyles,
  css`
    :host {
      display: block;
      box-sizing: border-box;
      padding: calc(var(--_spacing) * 1.5);
      border-radius: var(--_radius);
      background: var(--_background);
      color: var(--_foreground);
      font-family: var(--_font);
      font-size: 14px;
    }
    :host([hidden]),
    [hidden] {
      display: none !important;
    }
    *,
    *::before,
    *::after {
      box-sizing: inherit;
    }
    .stack {
      display: grid;
      gap: var(--_spacing);
    }
    button {
      font: inherit;
      border: 0;
      border-radius: calc(var(--_radius) / 1.5);
      padding: calc(var(--_spacing) * 0.75) calc(var(--_spacing) * 1.5);
      background: var(--_surface);
      color: var(--_foreground);
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible,
    summary:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: 2px;
    }
    .primary,
    [part~='call-button'],
    [part~='answer-button'] {
      background: var(--_success);
      color: var(--_success-contrast);
    }
    [part~='hangup-button'],
    [part~='reject-button'] {
      background: var(--_danger);
      color: var(--_danger-contrast);
    }
    .accent {
      background: var(--_accent);
      color: var(--_accent-contrast);
    }
    input {
      font: inherit;
      width: 100%;
      padding: calc(var(--_spacing) * 0.75);
      border: 1px solid var(--_muted);
      border-radius: calc(var(--_radius) / 2);
      background: var(--_background);
      color: var(--_foreground);
      accent-color: var(--_accent);
    }
    input::placeholder {
      color: var(--_muted);
      opacity: 1;
    }
    .toggle {
      display: flex;
      color: var(--_foreground);
    }
    .toggle input {
      width: auto;
    }
    label {
      display: grid;
      gap: 2px;
      color: var(--_muted);
      font-size: 12px;
    }
    .row {
      display: flex;
      gap: var(--_spacing);
      align-items: center;
    }
    .row > input {
      flex: 1;
    }
    [part~='status'] {
      display: flex;
      gap: var(--_spacing);
      align-items: center;
      padding: var(--_spacing);
      border-radius: calc(var(--_radius) / 2);
      background: var(--_surface);
    }
    [part~='voicemail-badge'] {
      min-width: 1.5em;
      padding: 0 6px;
      border-radius: 999px;
      text-align: center;
      font-weight: 600;
      background: var(--_danger);
      color: var(--_danger-contrast);
    }
    [part~='offline-banner'] {
      display: flex;
      gap: var(--_spacing);
      align-items: center;
      justify-content: space-between;
      padding: var(--_spacing);
      border-radius: calc(var(--_radius) / 2);
      background: var(--_danger);
      color: var(--_danger-contrast);
    }
    [part~='offline-banner'] button:focus-visible {
      /* the accent would not stand out on the danger colour */
      outline-color: var(--_danger-contrast);
    }
    .dot {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      background: var(--_muted);
      flex: none;
    }
    .dot.registered {
      background: var(--_success);
    }
    .dot.failed {
      background: var(--_danger);
    }
    .error {
      color: var(--_danger);
    }
    [part~='settings'] summary {
      cursor: pointer;
      color: var(--_muted);
    }
    [part~='dialpad'] {
      display: grid;
      grid-template-columns: repeat(3, 1fr);
      gap: calc(var(--_spacing) / 2);
    }
    [part~='key'] {
      font-size: 18px;
      padding: var(--_spacing);
    }
    .incoming {
      padding: var(--_spacing);
      border-radius: calc(var(--_radius) / 2);
      background: var(--_surface);
    }
    .videos {
      position: relative;
      background: #000;
      border-radius: calc(var(--_radius) / 2);
      overflow: hidden;
      aspect-ratio: 4 / 3;
    }
    .videos.audio-only {
      display: none;
    }
    [part~='remote-video'] {
      width: 100%;
      height: 100%;
      object-fit: contain;
      display: block;
    }
    select {
      font: inherit;
      padding: calc(var(--_spacing) / 2);
      border: 1px solid var(--_muted);
      border-radius: calc(var(--_radius) / 3);
      background: var(--_background);
      color: var(--_foreground);
    }
    [part~='local-video'] {
      position: absolute;
      right: var(--_spacing);
      bottom: var(--_spacing);
      width: 28%;
      border-radius: calc(var(--_radius) / 3);
      border: 2px solid var(--_background);
    }
    .history {
      list-style: none;
      padding: 0;
      margin: var(--_spacing) 0;
      display: grid;
      gap: calc(var(--_spacing) / 2);
    }
    .history li {
      display: grid;
      grid-template-columns: auto 1fr auto;
      gap: 0 var(--_spacing);
      align-items: center;
    }
    .history .meta {
      grid-column: 2;
      color: var(--_muted);
      font-size: 12px;
    }
    .history button {
      grid-row: 1 / span 2;
      grid-column: 3;
    }
    [part~='unread-badge'] {
      margin-inline-start: 6px;
      padding: 0 6px;
      border-radius: 9px;
      background: var(--_danger);
      color: var(--_danger-contrast);
      font-size: 12px;
    }
    [part~='conversations'] {
      margin: var(--_spacing) 0;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      margin: -1px;
      padding: 0;
      border: 0;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `,
  // The call screen: icons, round buttons, the caller card, in-call tools, the video box's tools.
  css`
    .icon {
      width: 1.25em;
      height: 1.25em;
      fill: currentColor;
      flex: none;
      vertical-align: middle;
    }
    .round-row {
      display: flex;
      gap: calc(var(--_spacing) * 3);
      align-items: center;
      justify-content: center;
      flex-wrap: wrap;
    }
    .round {
      width: 56px;
      height: 56px;
      padding: 0;
      border-radius: 50%;
      display: inline-grid;
      place-items: center;
    }
    .round .icon {
      width: 28px;
      height: 28px;
    }
    .caller-card {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto;
      gap: var(--_spacing);
      align-items: center;
    }
    .avatar {
      width: 48px;
      height: 48px;
      border-radius: 50%;
      display: grid;
      place-items: center;
      background: var(--_accent);
      color: var(--_accent-contrast);
      font-size: 18px;
      font-weight: 600;
    }
    .who {
      display: grid;
      min-width: 0;
    }
    .who > * {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .caller {
      font-size: 16px;
    }
    .uri,
    .call-state {
      color: var(--_muted);
      font-size: 12px;
    }
    .meters {
      display: grid;
      gap: 4px;
      justify-items: end;
    }
    .tools {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(64px, 1fr));
      gap: calc(var(--_spacing) / 2);
    }
    .tool {
      display: grid;
      justify-items: center;
      gap: 2px;
      padding: var(--_spacing) 2px;
      font-size: 11px;
    }
    .tool[aria-pressed='true'],
    .tool[aria-expanded='true'] {
      background: var(--_foreground);
      color: var(--_background);
    }
    .held-overlay {
      position: absolute;
      inset: 0;
      display: grid;
      place-content: center;
      justify-items: center;
      gap: var(--_spacing);
      background: #202124;
      color: #fff;
      font-size: 16px;
    }
    .held-overlay .icon {
      width: 40px;
      height: 40px;
    }
    .videos.audio-only.held {
      display: block;
      aspect-ratio: auto;
      min-height: 96px;
    }
    .videos.held [part~='remote-video'] {
      visibility: hidden;
    }
    .video-tools {
      position: absolute;
      top: var(--_spacing);
      right: var(--_spacing);
      display: flex;
      gap: calc(var(--_spacing) / 2);
    }
    .video-tools button {
      padding: calc(var(--_spacing) / 2);
      background: rgb(0 0 0 / 50%);
      color: #fff;
    }
    [part~='sound-button'] {
      display: flex;
      gap: var(--_spacing);
      align-items: center;
      justify-content: center;
    }
  `,
  // Settings file buttons (export, import, notifications) and the import result.
  css`
    .settings-file {
      flex-wrap: wrap;
      margin-top: var(--_spacing);
    }
    .import-message {
      margin: var(--_spacing) 0 0;
      color: var(--_muted);
      font-size: 12px;
    }
  `,
];
