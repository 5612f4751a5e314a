/** The availability values, apart from the publication (availability.ts pulls JsSIP; the element checks a value before it loads). */
import { PhoneError } from '../kernel/errors.js';

/** What we tell colleagues: 'available', 'away', 'busy' or 'dnd' (do not disturb). */
export type Availability = 'available' | 'away' | 'busy' | 'dnd';

export const AVAILABILITIES: readonly Availability[] = ['available', 'away', 'busy', 'dnd'];

/** The value as an Availability, or a PhoneError 'invalid-option'. */
export function toAvailability(value: unknown): Availability {
  if (AVAILABILITIES.includes(value as Availability)) return value as Availability;
  throw new PhoneError('invalid-option', `availability must be one of ${AVAILABILITIES.join(', ')}, not "${String(value)}".`);
}
