/**
 * webrtc-adapter, loaded on demand: it patches the browser's WebRTC globals, and only calls need
 * that, so the first render does without its ~12 KB. `register()` starts loading it; `call()` and
 * `answer()` wait for it (JsSIP creates a call's peer connection only then).
 */
let loading: Promise<void> | undefined;

export function loadBrowserShims(): Promise<void> {
  // A failed load (offline page, blocked chunk) is retried next time; the browser's own WebRTC
  // then serves meanwhile: every browser we support has the standard API.
  return (loading ??= import('webrtc-adapter').then(
    () => {},
    () => void (loading = undefined),
  ));
}
