import { html } from 'lit';
import type { Strings } from '../i18n/strings.js';
import { icon } from './icons.js';

export interface CallVideoView {
  t: Strings;
  remoteStream: MediaStream | null;
  localStream: MediaStream | null;
  video: boolean;
  /** Words over the picture while the call is held ("On hold"), instead of a frozen frame. */
  heldText: string;
}

/** Full screen for the video box (remote video with our camera inset), or back. */
function fullScreen(event: Event): void {
  const box = (event.currentTarget as HTMLElement).closest<HTMLElement>('.videos');
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else void box?.requestFullscreen?.().catch(() => {});
}

function pictureInPicture(event: Event): void {
  const video = (event.currentTarget as HTMLElement).closest('.videos')?.querySelector('video');
  if (document.pictureInPictureElement) void document.exitPictureInPicture().catch(() => {});
  else void video?.requestPictureInPicture().catch(() => {});
}

/**
 * The remote video, large, with our camera inset; double-click the remote video for full screen.
 * For an audio-only call the box is hidden but the remote element still plays the sound.
 */
export function callVideo(view: CallVideoView) {
  const { t } = view;
  return html`
    <div class="videos ${view.video ? '' : 'audio-only'} ${view.heldText ? 'held' : ''}" part="videos">
      <video part="remote-video" autoplay playsinline .srcObject=${view.remoteStream} @dblclick=${fullScreen} aria-label=${t.remoteVideo}></video>
      ${view.heldText ? html`<div class="held-overlay" part="held-overlay">${icon('hold')}<span>${view.heldText}</span></div>` : ''}
      ${
        view.video
          ? html`<div class="video-tools">
            ${
              document.pictureInPictureEnabled
                ? html`<button type="button" part="pip-button" @click=${pictureInPicture} aria-label=${t.pictureInPicture} title=${t.pictureInPicture}>${icon('pictureInPicture')}</button>`
                : ''
            }
            ${
              document.fullscreenEnabled
                ? html`<button type="button" part="fullscreen-button" @click=${fullScreen} aria-label=${t.fullScreen} title=${t.fullScreen}>${icon('fullScreen')}</button>`
                : ''
            }
          </div>`
          : ''
      }
      ${
        view.video && view.localStream
          ? html`<video part="local-video" autoplay playsinline muted .srcObject=${view.localStream} aria-label=${t.localVideo}></video>`
          : ''
      }
    </div>
  `;
}
