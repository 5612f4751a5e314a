// Firefox ESR preferences for tests in a loopback-only network namespace (measured, see
// shared INTEROP-NOTES): fake camera and microphone without a prompt, and ICE that gathers on lo.
export const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Without a standing permission Firefox gathers only the "default address", which needs a route.
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'dom.disable_open_during_load': false,
};
