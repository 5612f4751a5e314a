/**
 * A running Web Audio context, for the recorder and the conference mixer. A context made before
 * the user has interacted with the page stays 'suspended' (autoplay policy), and so does every
 * context in a browser without an audio output device (Firefox ESR on the test machine: resume()
 * never settles). Mixing in a suspended context gives silence: a recording of nothing, a merged
 * call in which nobody hears anybody. Better to say so.
 */
import { PhoneError } from '../kernel/errors.js';

/** How long a new context may take to start (ms). */
export const AUDIO_START_TIMEOUT_MS = 1500;

/** Resolves to a running context from `create`, or rejects with 'media-unavailable' (and closes it). */
export async function runningAudioContext(create: () => AudioContext = () => new AudioContext(), timeoutMs = AUDIO_START_TIMEOUT_MS): Promise<AudioContext> {
  const context = create();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = await Promise.race([
    context.resume().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (started && context.state === 'running') return context;
  void context.close().catch(() => {});
  throw new PhoneError(
    'media-unavailable',
    'The browser did not start Web Audio: it starts only after the user has interacted with the page (call this from a click), and not at all without an audio output device.',
  );
}
