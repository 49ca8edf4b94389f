/**
 * The audit record of `dativo-host state reset`: who forgot which streams' state, and
 * what it was. Each backend keeps it next to the state it reset:
 *   file      <state dir>/<tenant>/<job>/audit/<id>.json
 *   target    _dativo/state/audit/<tenant>/<job>/<id>.json (and the reset commit manifest)
 *   postgres  the table <table>_audit, in the same transaction as the delete
 * The CLI also logs it as an audit log record (`audit: true`, event state.reset).
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { ShownState } from './state-store.js';

export interface StateResetAudit {
  event: 'state.reset';
  /** Sortable and unique: <ISO time without separators>-<random>. */
  id: string;
  at: string;
  /** user@host that ran the reset. */
  by: string;
  tenant: string;
  job: string;
  backend: string;
  streams: string[];
  /** The states forgotten (empty for a stream that had none). */
  previous: ShownState[];
}

export function resetAudit(fields: Omit<StateResetAudit, 'event' | 'id' | 'at' | 'by'>): StateResetAudit {
  const at = new Date().toISOString();
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry for the uid (containers)
  }
  return { event: 'state.reset', id: `${at.replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`, at, by: `${user}@${hostname()}`, ...fields };
}
