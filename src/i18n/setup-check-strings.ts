/**
 * The plain-language verdicts of the setup check (`preflight()`'s `detail`), in English and
 * German like strings.ts. A table of their own, loaded with the check: in strings.ts they would
 * add about 3 KB gzip to what every page loads first.
 */
import type { PreflightFacts } from '../core/setup-check/preflight.js';

export type PreflightVerdict = (check: PreflightFacts) => string;

const seconds = (ms: number) => Math.round(ms / 100) / 10;
/** An ICE error as " (401 Unauthorized)": the browser's text without its closing full stop. */
const iceError = (c: { errorCode?: number; errorText?: string }) => {
  const text = c.errorText?.replace(/\.$/, '');
  return c.errorCode ? ` (${c.errorCode}${text ? ` ${text}` : ''})` : text ? ` (${text})` : '';
};

export const en: PreflightVerdict = (c) => {
  switch (c.name) {
    case 'secure-context':
      return c.reason === 'secure'
        ? 'This page is secure (https:// or localhost): the browser may give it the microphone and camera.'
        : 'This page is not secure (not https:// or localhost): browsers give it no microphone or camera.';
    case 'microphone':
    case 'camera': {
      const noun = c.name === 'microphone' ? 'microphone' : 'camera';
      const device = c.device ? ` (${c.device})` : '';
      switch (c.reason) {
        case 'works':
          return c.name === 'camera' && c.width ? `Your camera works${device}, ${c.width}×${c.height}.` : `Your ${noun} works${device}.`;
        case 'silent':
          return `Your microphone${device} gives no sound: is it muted or switched off?`;
        case 'level-unknown':
          return `Your microphone${device} is available; its level is measured when you press "Check my setup".`;
        case 'not-granted':
          return `Not checked: the browser would ask for permission first. Press "Check my setup" to test your ${noun}.`;
        case 'denied':
          return `The browser blocks the ${noun} for this page: allow it in the site settings (the icon in the address bar).`;
        case 'no-device':
          return c.name === 'camera' ? 'No camera was found: calls work, but without your picture.' : 'No microphone was found: connect one.';
        case 'in-use':
          return `The ${noun} could not be started: another program may be using it.`;
        case 'unsupported':
          return `This browser gives this page no access to a ${noun}.`;
        default:
          return `The ${noun} failed to start (${c.errorName ?? 'unknown error'}).`;
      }
    }
    case 'speaker': {
      const device = c.device ? ` on ${c.device}` : '';
      switch (c.reason) {
        case 'played':
          return `A test tone played${device}: if you heard nothing, check the volume and the speaker choice.`;
        case 'played-default':
          return 'This browser cannot choose the speaker: the test tone played on the default one.';
        case 'not-requested':
          return 'Not played: the test tone sounds only when you press "Check my setup".';
        case 'blocked':
          return 'The browser did not let the page play sound.';
        case 'unsupported':
          return 'This browser cannot play a test tone.';
        default:
          return `The test tone failed (${c.errorName ?? 'unknown error'}).`;
      }
    }
    case 'server':
      switch (c.reason) {
        case 'answered':
          return `The SIP server answers in ${c.rttMs} ms (${c.tls ? 'encrypted, wss://' : 'not encrypted, ws://'}).`;
        case 'unencrypted':
          return `The SIP server answers in ${c.rttMs} ms, but the connection is not encrypted: use wss://.`;
        case 'no-sip-answer':
          return `The server took the WebSocket connection but did not answer a SIP request within ${seconds(c.timeoutMs)} s.`;
        case 'timeout':
          return `The SIP server did not answer within ${seconds(c.timeoutMs)} s.`;
        case 'refused':
          return 'Could not connect to the SIP server: nothing answers at that address, or it refused the WebSocket connection.';
        case 'blocked':
          return `The browser refused to open this connection${c.errorText ? ` (${c.errorText})` : ''}. An https:// page needs a wss:// server.`;
        case 'invalid-url':
          return 'This is not a WebSocket URL: it must start with wss:// or ws://.';
        default:
          return 'No SIP server is set.';
      }
    case 'ice-server': {
      const kind = c.kind === 'turn' ? 'TURN' : 'STUN';
      const error = iceError(c);
      switch (c.reason) {
        case 'stun-answered':
          return `The STUN server answers (${c.gatherMs} ms): calls can find this device's public address.`;
        case 'relay':
          return `The TURN server works: it gave a relay address in ${c.gatherMs} ms.`;
        case 'no-srflx':
          return 'The STUN server gave no public address: it did not answer, or this device has no address behind a router to find.';
        case 'no-relay':
          return 'The TURN server gave no relay address.';
        case 'credentials-refused':
          return `The TURN server refused the credentials${error}.`;
        case 'no-credentials':
          return 'A TURN server needs a user name and a credential (password).';
        case 'timeout':
          return `The ${kind} server did not answer within ${seconds(c.timeoutMs)} s.`;
        case 'unreachable':
          return `The ${kind} server could not be reached${error}.`;
        case 'invalid':
          return 'The STUN/TURN servers setting is not valid: it must be JSON such as [{"urls":"stun:stun.example.com"}].';
        case 'none':
          return "No STUN/TURN servers are set: calls use this device's own addresses only.";
        default:
          return `The ${kind} server reported an error${error}.`;
      }
    }
  }
};

export const de: PreflightVerdict = (c) => {
  switch (c.name) {
    case 'secure-context':
      return c.reason === 'secure'
        ? 'Diese Seite ist sicher (https:// oder localhost): Der Browser darf ihr Mikrofon und Kamera geben.'
        : 'Diese Seite ist nicht sicher (weder https:// noch localhost): Browser geben ihr weder Mikrofon noch Kamera.';
    case 'microphone':
    case 'camera': {
      const mic = c.name === 'microphone';
      const noun = mic ? 'das Mikrofon' : 'die Kamera';
      const device = c.device ? ` (${c.device})` : '';
      switch (c.reason) {
        case 'works':
          return mic ? `Ihr Mikrofon funktioniert${device}.` : `Ihre Kamera funktioniert${device}${c.width ? `, ${c.width}×${c.height}` : ''}.`;
        case 'silent':
          return `Ihr Mikrofon${device} liefert keinen Ton: Ist es stummgeschaltet oder ausgeschaltet?`;
        case 'level-unknown':
          return `Ihr Mikrofon${device} ist verfügbar; den Pegel misst „Einrichtung prüfen“.`;
        case 'not-granted':
          return `Nicht geprüft: Der Browser würde erst um Erlaubnis fragen. Klicken Sie auf „Einrichtung prüfen“, um ${noun} zu testen.`;
        case 'denied':
          return `Der Browser sperrt ${noun} für diese Seite: Erlauben Sie den Zugriff in den Website-Einstellungen (Symbol in der Adressleiste).`;
        case 'no-device':
          return mic ? 'Kein Mikrofon gefunden: Schließen Sie eines an.' : 'Keine Kamera gefunden: Anrufe gehen, aber ohne Ihr Bild.';
        case 'in-use':
          return `${mic ? 'Das Mikrofon' : 'Die Kamera'} ließ sich nicht starten: Vielleicht benutzt ein anderes Programm ${mic ? 'es' : 'sie'}.`;
        case 'unsupported':
          return `Dieser Browser gibt dieser Seite keinen Zugriff auf ${mic ? 'ein Mikrofon' : 'eine Kamera'}.`;
        default:
          return `${mic ? 'Das Mikrofon' : 'Die Kamera'} ließ sich nicht starten (${c.errorName ?? 'unbekannter Fehler'}).`;
      }
    }
    case 'speaker': {
      const device = c.device ? ` auf ${c.device}` : '';
      switch (c.reason) {
        case 'played':
          return `Ein Testton wurde${device} abgespielt: Wenn Sie nichts gehört haben, prüfen Sie Lautstärke und Lautsprecherwahl.`;
        case 'played-default':
          return 'Dieser Browser kann den Lautsprecher nicht wählen: Der Testton kam aus dem Standardlautsprecher.';
        case 'not-requested':
          return 'Nicht abgespielt: Der Testton erklingt nur, wenn Sie auf „Einrichtung prüfen“ klicken.';
        case 'blocked':
          return 'Der Browser hat der Seite nicht erlaubt, Ton abzuspielen.';
        case 'unsupported':
          return 'Dieser Browser kann keinen Testton abspielen.';
        default:
          return `Der Testton ist fehlgeschlagen (${c.errorName ?? 'unbekannter Fehler'}).`;
      }
    }
    case 'server':
      switch (c.reason) {
        case 'answered':
          return `Der SIP-Server antwortet in ${c.rttMs} ms (${c.tls ? 'verschlüsselt, wss://' : 'unverschlüsselt, ws://'}).`;
        case 'unencrypted':
          return `Der SIP-Server antwortet in ${c.rttMs} ms, aber die Verbindung ist unverschlüsselt: Verwenden Sie wss://.`;
        case 'no-sip-answer':
          return `Der Server hat die WebSocket-Verbindung angenommen, aber binnen ${String(seconds(c.timeoutMs)).replace('.', ',')} s keine SIP-Anfrage beantwortet.`;
        case 'timeout':
          return `Der SIP-Server hat nicht binnen ${String(seconds(c.timeoutMs)).replace('.', ',')} s geantwortet.`;
        case 'refused':
          return 'Keine Verbindung zum SIP-Server: Unter dieser Adresse antwortet nichts, oder die WebSocket-Verbindung wurde abgelehnt.';
        case 'blocked':
          return `Der Browser hat diese Verbindung nicht geöffnet${c.errorText ? ` (${c.errorText})` : ''}. Eine https://-Seite braucht einen wss://-Server.`;
        case 'invalid-url':
          return 'Das ist keine WebSocket-URL: Sie muss mit wss:// oder ws:// beginnen.';
        default:
          return 'Es ist kein SIP-Server eingetragen.';
      }
    case 'ice-server': {
      const kind = c.kind === 'turn' ? 'TURN' : 'STUN';
      const error = iceError(c);
      switch (c.reason) {
        case 'stun-answered':
          return `Der STUN-Server antwortet (${c.gatherMs} ms): Anrufe finden die öffentliche Adresse dieses Geräts.`;
        case 'relay':
          return `Der TURN-Server funktioniert: Er hat in ${c.gatherMs} ms eine Relay-Adresse vergeben.`;
        case 'no-srflx':
          return 'Der STUN-Server hat keine öffentliche Adresse geliefert: Er antwortet nicht, oder dieses Gerät hat keine Adresse hinter einem Router.';
        case 'no-relay':
          return 'Der TURN-Server hat keine Relay-Adresse vergeben.';
        case 'credentials-refused':
          return `Der TURN-Server hat die Zugangsdaten abgelehnt${error}.`;
        case 'no-credentials':
          return 'Ein TURN-Server braucht Benutzernamen und Passwort (credential).';
        case 'timeout':
          return `Der ${kind}-Server hat nicht binnen ${String(seconds(c.timeoutMs)).replace('.', ',')} s geantwortet.`;
        case 'unreachable':
          return `Der ${kind}-Server ist nicht erreichbar${error}.`;
        case 'invalid':
          return 'Die STUN/TURN-Server-Angabe ist ungültig: Sie muss JSON sein, z. B. [{"urls":"stun:stun.example.com"}].';
        case 'none':
          return 'Keine STUN/TURN-Server eingetragen: Anrufe nutzen nur die eigenen Adressen dieses Geräts.';
        default:
          return `Der ${kind}-Server hat einen Fehler gemeldet${error}.`;
      }
    }
  }
};

/** The verdicts for a BCP 47 language tag ('de-AT' → de), English when we have no such language. */
export function verdictsFor(lang: string | null | undefined): PreflightVerdict {
  return (lang ?? '').toLowerCase().split('-')[0] === 'de' ? de : en;
}
