/** localStorage, or null where the page may not use it (sandboxed frame, privacy mode). */
export function storageOrNull(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}
