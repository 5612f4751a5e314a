/**
 * Which `+sip.instance` (RFC 5626) the phone registers with, and so which tabs ring.
 * - 'tab' (default): one per tab. Kept in sessionStorage, so a reload keeps it (the registrar
 *   replaces the old contact); a duplicated tab, whose sessionStorage is a copy of a live tab's,
 *   gets a new one: an id is taken over only when the page that had it let it go (pagehide).
 *   The registrar then forks incoming calls to every open tab.
 * - 'browser': one per browser profile (localStorage): the newest tab takes the registration
 *   and the others no longer ring.
 */
export type RegistrationScope = 'tab' | 'browser';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export const BROWSER_INSTANCE_KEY = 'sip-phone.instance-id';
export const TAB_INSTANCE_KEY = 'sip-phone.tab-instance-id';

/** The browser profile's id (made and kept on first use). */
export function browserInstanceId(local: Store | null): string {
  try {
    const saved = local?.getItem(BROWSER_INSTANCE_KEY);
    if (saved) return saved;
    const id = crypto.randomUUID();
    local?.setItem(BROWSER_INSTANCE_KEY, id);
    return id;
  } catch {
    return crypto.randomUUID();
  }
}

/** This tab's id: the one a reload let go, else a new one; held until `page` fires pagehide. */
export function tabInstanceId(session: Store | null, page: Pick<EventTarget, 'addEventListener'>): string {
  let id: string = crypto.randomUUID();
  try {
    const [saved, state] = (session?.getItem(TAB_INSTANCE_KEY) ?? '').split(' ');
    if (saved && state === 'free') id = saved;
    const hold = (state: 'held' | 'free') => session?.setItem(TAB_INSTANCE_KEY, `${id} ${state}`);
    hold('held');
    page.addEventListener('pagehide', () => hold('free'));
    // Back from the back/forward cache: the page is live again.
    page.addEventListener('pageshow', (event) => (event as PageTransitionEvent).persisted && hold('held'));
  } catch {
    // storage blocked: a new id per page load
  }
  return id;
}

export const SERVER_CHOICE_KEY = 'sip-phone.server-choice';

/**
 * Which of several servers this tab prefers, as a fraction in [0, 1) of the list: drawn once per
 * tab and kept in sessionStorage, so a fleet of phones spreads evenly over the servers and a
 * reload comes back to the same one.
 */
export function tabServerChoice(session: Store | null): number {
  try {
    const saved = Number(session?.getItem(SERVER_CHOICE_KEY) ?? NaN);
    if (saved >= 0 && saved < 1) return saved;
    const choice = Math.random();
    session?.setItem(SERVER_CHOICE_KEY, String(choice));
    return choice;
  } catch {
    return Math.random();
  }
}
