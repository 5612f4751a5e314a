// The demo's web login page: signed out, the form (it posts to /demo/login, which sets a session
// cookie); signed in, a <sip-phone> whose `credentials` function fetches credentials the backend
// mints for the session's user (demo/web-login.mjs) at every digest challenge, so no SIP
// password is ever in the page, and takes fresh TURN credentials from the same answer.
const notice = document.getElementById('notice');

async function start() {
  let config;
  try {
    config = await (await fetch('/demo/config.json', { cache: 'no-store' })).json();
  } catch (error) {
    notice.textContent = `Could not read /demo/config.json (${error.message}). Start the demo with \`npm start\`.`;
    notice.hidden = false;
    return;
  }
  const session = await fetch('/demo/session', { cache: 'no-store' });
  if (!session.ok) {
    document.getElementById('signed-out').hidden = false;
    document.getElementById('failed').hidden = !new URLSearchParams(location.search).has('failed');
    return;
  }
  const { user } = await session.json();
  document.getElementById('who').textContent = user;
  document.getElementById('signed-in').hidden = false;

  const phone = document.createElement('sip-phone');
  phone.id = 'phone';
  phone.server = config.server;
  phone.uri = `sip:${user}@${config.domain}`;
  phone.trace = true;
  phone.credentials = async () => {
    const response = await fetch('/demo/sip-credentials', { cache: 'no-store' });
    if (!response.ok) throw new Error(`the login service answered ${response.status}`);
    const { username, password, iceServers } = await response.json();
    if (iceServers.length) phone.iceServers = iceServers;
    return { username, password };
  };
  phone.autoRegister = true;
  document.getElementById('phone-slot').replaceWith(phone);
  await import('/dist/sip-phone.js');
}

start();
