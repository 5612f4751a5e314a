// The demo page's only script (the page's CSP allows no inline script).
// 1. Reads /demo/config.json (written by demo/start.mjs: the Kamailio WebSocket URL and the demo
//    users), gives each <sip-phone> its server and password as properties (never attributes).
// 2. Logs every sip-* event of both phones, newest first, as text.
// 3. Loads the bundle, which upgrades the two elements; they register (auto-register).
// 4. The theme playground: a preset and a few --sip-phone-* custom properties, set live on both
//    phones (through the CSSOM, which the CSP allows), and the CSS that gives the same look.
// 5. The link to the React example (served by start.mjs), which registers as a third user.
// 6. The line about dave, the plain SIP phone, when start.mjs started one.

const EVENTS = [
  'sip-connecting',
  'sip-connected',
  'sip-connection-lost',
  'sip-registered',
  'sip-unregistered',
  'sip-registration-failed',
  'sip-incoming-call',
  'sip-call-state',
  'sip-call-ended',
  'sip-call-updated',
  'sip-call-reconnecting',
  'sip-call-reconnected',
  'sip-recording',
  'sip-dtmf',
  'sip-message',
  'sip-presence',
  'sip-voicemail',
  'sip-error',
  'sip-trace',
];
const MAX_LOG_ENTRIES = 300;

const log = document.getElementById('log');
const notice = document.getElementById('notice');

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = false;
}

/** "the other party" of a call, as plain text. */
function party(call) {
  return call.remoteDisplayName ? `${call.remoteDisplayName} <${call.remoteUri}>` : call.remoteUri;
}

/** One line about an event's detail. Every value is shown as text, whatever it contains. */
function describe(type, detail = {}) {
  const { call, ...rest } = detail ?? {};
  switch (type) {
    case 'sip-incoming-call':
      return `from ${party(call)}${call.video ? ' (video)' : ''}`;
    case 'sip-call-state':
      return `${call.direction} ${party(call)}: ${rest.previousState} → ${call.state}${rest.cause ? ` (${rest.cause})` : ''}`;
    case 'sip-call-ended':
      return `${party(call)}: ${rest.cause}${rest.statusCode ? ` ${rest.statusCode}` : ''}, ${(rest.durationMs / 1000).toFixed(1)} s`;
    case 'sip-call-updated': {
      const value = {
        held: call.held,
        remoteHeld: call.remoteHeld,
        muted: `audio ${call.muted?.audio ? 'muted' : 'on'}, video ${call.muted?.video ? 'muted' : 'on'}`,
        video: call.video,
        transfer: call.transfer,
        media: call.mediaConnected ? 'connected' : 'not connected',
      }[rest.change];
      return `${party(call)}: ${rest.change} = ${value}`;
    }
    case 'sip-dtmf':
      return `${rest.direction} tone ${rest.tone}`;
    case 'sip-message':
      return `from ${party(rest.message)}: ${rest.message.text}`;
    case 'sip-presence':
      return `${rest.uri} is ${rest.state}`;
    case 'sip-error':
      return `${rest.code}: ${rest.message}`;
    case 'sip-trace':
      return `${rest.direction === 'out' ? 'sent' : 'received'} ${rest.text.split('\r\n')[0]}`;
    default:
      return Object.entries(rest)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
  }
}

function logEvent(phoneName, event) {
  const item = document.createElement('li');
  item.className = `event ${event.type === 'sip-error' || event.type === 'sip-registration-failed' ? 'bad' : ''}`;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString([], { hour12: false });
  const who = document.createElement('span');
  who.className = `who ${phoneName}`;
  who.textContent = phoneName;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = event.type;
  const text = document.createElement('span');
  text.className = 'detail';
  let summary;
  try {
    summary = describe(event.type, event.detail);
  } catch {
    summary = JSON.stringify(event.detail);
  }
  text.textContent = summary;
  item.append(time, who, name, text);
  log.prepend(item);
  while (log.childElementCount > MAX_LOG_ENTRIES) log.lastElementChild.remove();
}

document.getElementById('clear-log').addEventListener('click', () => log.replaceChildren());

// --- Theme playground ---------------------------------------------------------------------

/** The presets' own values, so the pickers start from what the phones show (see src/styles/tokens.ts). */
const PRESETS = {
  light: { accent: '#1a73e8', background: '#ffffff', foreground: '#1f1f1f', surface: '#f1f3f4', radius: 12 },
  dark: { accent: '#8ab4f8', background: '#202124', foreground: '#e8eaed', surface: '#303134', radius: 12 },
};
const COLOURS = ['accent', 'background', 'foreground', 'surface'];
const themeForm = document.getElementById('theme-form');
const cssOutput = document.getElementById('theme-css');
const prefersDark = matchMedia('(prefers-color-scheme: dark)');
/** The custom properties the user changed, name → value. */
const chosen = new Map();

function presetValues() {
  const theme = themeForm.elements.theme.value;
  return PRESETS[theme === 'auto' ? (prefersDark.matches ? 'dark' : 'light') : theme];
}

/** Shows the preset's values in every control the user has not changed. */
function showPresetValues() {
  const preset = presetValues();
  for (const name of COLOURS) if (!chosen.has(name)) themeForm.elements[name].value = preset[name];
  if (!chosen.has('radius')) themeForm.elements.radius.value = String(preset.radius);
  themeForm.elements.radiusValue.value = `${themeForm.elements.radius.value} px`;
}

function applyTheme() {
  const theme = themeForm.elements.theme.value;
  // The page follows the preset too, so the phones sit on a matching background.
  document.documentElement.dataset.theme = theme;
  for (const phone of document.querySelectorAll('sip-phone')) {
    phone.setAttribute('theme', theme);
    for (const name of [...COLOURS, 'radius']) {
      if (chosen.has(name)) phone.style.setProperty(`--sip-phone-${name}`, chosen.get(name));
      else phone.style.removeProperty(`--sip-phone-${name}`);
    }
  }
  showPresetValues();
  const lines = [...chosen].map(([name, value]) => `  --sip-phone-${name}: ${value};`);
  const attribute = theme === 'light' ? '<sip-phone>' : `<sip-phone theme="${theme}">`;
  cssOutput.textContent = lines.length
    ? `/* ${attribute} */\nsip-phone {\n${lines.join('\n')}\n}\n`
    : `/* ${attribute}\n   Pick a colour or a radius:\n   the CSS for it shows here. */\n`;
}

themeForm.addEventListener('input', (event) => {
  const name = event.target.name;
  if (COLOURS.includes(name)) chosen.set(name, event.target.value);
  if (name === 'radius') chosen.set(name, `${event.target.value}px`);
  applyTheme();
});
themeForm.addEventListener('reset', () => {
  const theme = themeForm.elements.theme.value;
  chosen.clear();
  // A reset form goes back to its first option: keep the preset, reset only the values.
  setTimeout(() => {
    themeForm.elements.theme.value = theme;
    applyTheme();
  });
});
prefersDark.addEventListener('change', applyTheme);
document.getElementById('copy-css').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  try {
    await navigator.clipboard.writeText(cssOutput.textContent);
    button.textContent = 'Copied';
  } catch {
    getSelection().selectAllChildren(cssOutput);
    button.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => (button.textContent = 'Copy CSS'), 2000);
});

// ?theme=dark (or light, auto) picks the preset; the screenshots use it.
const requestedTheme = new URLSearchParams(location.search).get('theme');
themeForm.elements.theme.value = ['light', 'dark', 'auto'].includes(requestedTheme) ? requestedTheme : 'auto';
applyTheme();

async function start() {
  const phones = [...document.querySelectorAll('sip-phone')];
  for (const phone of phones) {
    const phoneName = phone.id;
    for (const type of EVENTS) phone.addEventListener(type, (event) => logEvent(phoneName, event));
  }

  let config;
  try {
    const response = await fetch('/demo/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    config = await response.json();
  } catch (error) {
    showNotice(`Could not read /demo/config.json (${error.message}). Start the demo with \`npm start\`.`);
    return;
  }

  // Before the bundle upgrades the elements: Lit picks these properties up at upgrade, so the
  // phones register once, fully configured.
  for (const phone of phones) {
    const user = config.phones.find((p) => p.uri === phone.getAttribute('uri'));
    phone.server = config.server;
    if (user) phone.password = user.password;
  }

  if (config.reactExample) {
    const { uri, password } = config.reactExample;
    const link = document.getElementById('react-link');
    link.href = `/test/react/index.html?${new URLSearchParams({ server: config.server, uri, password })}`;
    document.getElementById('react-example').hidden = false;
  }

  if (config.plainPhone) document.getElementById('plain-phone').hidden = false;

  try {
    await import('/dist/sip-phone.js');
  } catch (error) {
    showNotice(`Could not load /dist/sip-phone.js (${error.message}). Run \`npm run build\`.`);
  }
}

start();
