/**
 * Whether this browser can carry calls at all: WebKitGTK as Debian builds it (MiniBrowser,
 * Epiphany) has WebSocket, custom elements and getUserMedia but no RTCPeerConnection. Such a
 * phone still registers, sends and receives messages and shows busy lamps; calls are refused.
 */
import { PhoneError } from '../kernel/errors.js';

export function webrtcSupported(): boolean {
  return typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function';
}

/** Throws PhoneError 'webrtc-unsupported' in a browser without RTCPeerConnection. */
export function requireWebRTC(): void {
  if (webrtcSupported()) return;
  throw new PhoneError('webrtc-unsupported', 'This browser cannot make or take calls: it has no WebRTC.');
}
