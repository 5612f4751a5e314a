// The demo page's only script (the page's CSP allows no inline script).
// 1. Reads /demo/config.json (written by demo/start.mjs: the Kamailio WebSocket URL and the demo
//    users), gives each <sip-phone> its server and password as properties (never attributes).
// 2. Logs every sip-* event of both phones, newest first, as text.
// 3. Loads the bundle, which upgrades the two elements; they register (auto-register).

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
  'sip-dtmf',
  'sip-error',
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
      }[rest.change];
      return `${party(call)}: ${rest.change} = ${value}`;
    }
    case 'sip-dtmf':
      return `${rest.direction} tone ${rest.tone}`;
    case 'sip-error':
      return `${rest.code}: ${rest.message}`;
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

  try {
    await import('/dist/sip-phone.js');
  } catch (error) {
    showNotice(`Could not load /dist/sip-phone.js (${error.message}). Run \`npm run build\`.`);
  }
}

start();
