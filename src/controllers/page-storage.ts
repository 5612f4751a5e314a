/** localStorage (or sessionStorage: per tab), or null where the page may not use it (sandboxed frame, privacy mode). */
export function storageOrNull(kind: 'local' | 'session' = 'local'): Storage | null {
  try {
    return kind === 'local' ? localStorage : sessionStorage;
  } catch {
    return null;
  }
}
