/** A guest folder and the host folder bound there (a filesystem grant). */
export interface Mount {
  guest: string;
  host: string;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with every guest path under a mount written as the host path bound there:
 * "/data/orders.csv line 3" -> "/home/me/job/data/orders.csv line 3". A guest path is
 * matched only as a whole path (not inside a URL or a longer path); the longest mount wins.
 * A mount of the guest root "/" is left alone: every absolute path would be under it.
 */
export function toHostPaths(text: string, mounts: readonly Mount[]): string {
  const usable = mounts
    .map((m) => ({ guest: m.guest.replace(/\/+$/, ''), host: m.host.replace(/\/+$/, '') }))
    .filter((m) => m.guest !== '')
    .sort((a, b) => b.guest.length - a.guest.length);
  if (usable.length === 0 || !text.includes('/')) return text;
  const re = new RegExp(`(?<![\\w.~/-])(${usable.map((m) => escape(m.guest)).join('|')})(?=/|$|[^\\w.~-])`, 'g');
  return text.replace(re, (guest) => usable.find((m) => m.guest === guest)!.host);
}
