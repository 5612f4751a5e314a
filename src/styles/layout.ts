import { css } from 'lit';

/**
 * How the phone uses its width: one column from a 280 px sidebar up; from 640 px (the element's
 * own width, a container query, not the viewport's) the call on the left and the settings,
 * devices and history on the right. `compact` keeps only the status, dialer and call controls.
 */
export const layout = css`
  :host {
    container: sip-phone / inline-size;
    /* Inline-size containment gives the element no width of its own content: in a flex or
       shrink-to-fit parent it would collapse, so it keeps the sidebar width at least. */
    min-width: min(280px, 100%);
  }
  .panes,
  .call-pane,
  .extras {
    display: grid;
    gap: var(--_spacing);
    align-content: start;
    min-width: 0;
  }
  /* One column that never grows wider than the element: long rows wrap instead. */
  .stack,
  .panes,
  .call-pane,
  .extras {
    grid-template-columns: minmax(0, 1fr);
  }
  .row {
    flex-wrap: wrap;
  }
  /* On a full page the 4:3 video would be taller than the screen: letterbox it instead. */
  .videos {
    max-height: min(70vh, 720px);
  }
  [part~='header'] {
    display: flex;
    gap: var(--_spacing);
    align-items: center;
  }
  @container sip-phone (min-width: 640px) {
    .panes {
      grid-template-columns: minmax(0, 3fr) minmax(240px, 2fr);
      grid-template-rows: auto 1fr;
      grid-template-areas:
        'call settings'
        'call extras';
      align-items: start;
      column-gap: calc(var(--_spacing) * 2);
    }
    .panes > [part~='settings'] {
      grid-area: settings;
    }
    .call-pane {
      grid-area: call;
    }
    .extras {
      grid-area: extras;
    }
    [part~='dialpad'] {
      width: 100%;
      max-width: 360px;
      justify-self: center;
    }
    [part~='key'] {
      padding: calc(var(--_spacing) * 1.5);
    }
  }
  :host([compact]) .panes > [part~='settings'],
  :host([compact]) .extras {
    display: none;
  }
  :host([compact]) .panes {
    grid-template-columns: minmax(0, 1fr);
    grid-template-areas: 'call';
    grid-template-rows: auto;
  }
`;
