import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { targetFromLink } from '../core/calls/dial-links.js';

/**
 * `handle-links`: a `sip:`, `sips:` or `tel:` link clicked anywhere on the page (also inside
 * shadow roots) is called through the phone instead of the browser's handler.
 */
export class LinksController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    /** Whether the host handles links now (`handle-links`). */
    private readonly enabled: () => boolean,
    /** Calls the link's target (a user's click). */
    private readonly call: (target: string) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('click', this.onDocumentClick);
  }

  hostDisconnected(): void {
    document.removeEventListener('click', this.onDocumentClick);
  }

  private readonly onDocumentClick = (event: MouseEvent) => {
    if (!this.enabled() || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event
      .composedPath()
      .find((node): node is HTMLAnchorElement | SVGAElement => node instanceof Element && node.localName === 'a' && node.hasAttribute('href'));
    const target = link && targetFromLink(link.getAttribute('href') ?? '');
    if (!target) return;
    event.preventDefault();
    this.call(target);
  };
}
