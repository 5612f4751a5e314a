// The React example: <SipPhone> from sip-phone/react in a small app that shows, as text, what
// its onSip… props received. Configured from the query string:
//   index.html?server=wss://sip.example.com&uri=sip:bob@example.com&password=…
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SipPhone } from 'sip-phone/react';
import type { SipCallEndedDetail } from 'sip-phone';

interface AppProps {
  server: string;
  uri: string;
  password: string;
}

function App({ server, uri, password }: AppProps) {
  const [registeredAs, setRegisteredAs] = useState<string | null>(null);
  const [callState, setCallState] = useState('no call');
  const [ended, setEnded] = useState<SipCallEndedDetail | null>(null);
  return (
    <main>
      <h1>sip-phone in React</h1>
      <p id="registration">{registeredAs ? `Registered as ${registeredAs}` : 'Not registered'}</p>
      <p id="call-state">Call: {callState}</p>
      <p id="call-ended">{ended ? `Last call ended: ${ended.cause} after ${Math.round(ended.durationMs / 1000)} s` : 'No call has ended'}</p>
      <SipPhone
        server={server}
        uri={uri}
        password={password}
        autoRegister
        autoAnswer
        onSipRegistered={(e) => setRegisteredAs(e.detail.uri)}
        onSipUnregistered={() => setRegisteredAs(null)}
        onSipCallState={(e) => setCallState(e.detail.call.state)}
        onSipCallEnded={(e) => {
          setCallState('no call');
          setEnded(e.detail);
        }}
      />
    </main>
  );
}

const query = new URLSearchParams(location.search);
createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App server={query.get('server') ?? ''} uri={query.get('uri') ?? ''} password={query.get('password') ?? ''} />
  </StrictMode>,
);
