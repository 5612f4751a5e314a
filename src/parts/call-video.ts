import { html } from 'lit';
import type { Strings } from '../i18n/strings.js';

export interface CallVideoView {
  t: Strings;
  remoteStream: MediaStream | null;
  localStream: MediaStream | null;
  video: boolean;
}

function fullScreen(event: Event): void {
  const video = event.currentTarget as HTMLVideoElement;
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else void video.requestFullscreen?.().catch(() => {});
}

function pictureInPicture(event: Event): void {
  const video = (event.currentTarget as HTMLElement).parentElement?.querySelector('video');
  if (document.pictureInPictureElement) void document.exitPictureInPicture().catch(() => {});
  else void video?.requestPictureInPicture().catch(() => {});
}

/**
 * The remote video, large, with our camera inset; double-click the remote video for full screen.
 * For an audio-only call the box is hidden but the remote element still plays the sound.
 */
export function callVideo(view: CallVideoView) {
  return html`
    <div class="videos ${view.video ? '' : 'audio-only'}" part="videos">
      <video part="remote-video" autoplay playsinline .srcObject=${view.remoteStream} @dblclick=${fullScreen} aria-label=${view.t.remoteVideo}></video>
      ${view.video && document.pictureInPictureEnabled
        ? html`<button type="button" part="pip-button" class="pip" @click=${pictureInPicture} aria-label=${view.t.pictureInPicture}><span aria-hidden="true">⧉</span></button>`
        : ''}
      ${view.video && view.localStream
        ? html`<video part="local-video" autoplay playsinline muted .srcObject=${view.localStream} aria-label=${view.t.localVideo}></video>`
        : ''}
    </div>
  `;
}
