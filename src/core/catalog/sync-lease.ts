import { randomUUID } from 'node:crypto';
import { acquireJobLease, releaseJobLease, renewJobLease } from '../audit.js';
import type { Queryable } from '../db/index.js';

/**
 * Every catalog sync — the background one at boot and an owner's
 * `!catalog_sync` — writes the same progress row (catalog_sync, id 1), so
 * they take the same lease: one sync at a time across every process.
 */
export const CATALOG_SYNC_LEASE = 'catalog_sync';
/** A holder that stops renewing (a crash) frees the lease after this long. */
export const CATALOG_SYNC_LEASE_MS = 10 * 60_000;

export interface SyncLease {
  readonly holder: string;
  /** Extends the lease (call it on progress); errors are the caller's to log. */
  renew(now: Date): Promise<void>;
  release(): Promise<void>;
}

/** Takes the catalog-sync lease, or returns null when another sync holds it. */
export async function takeSyncLease(db: Queryable, now: Date): Promise<SyncLease | null> {
  const holder = randomUUID();
  if (!(await acquireJobLease(db, CATALOG_SYNC_LEASE, holder, now, CATALOG_SYNC_LEASE_MS))) return null;
  return {
    holder,
    renew: (at) => renewJobLease(db, CATALOG_SYNC_LEASE, holder, at, CATALOG_SYNC_LEASE_MS),
    release: () => releaseJobLease(db, CATALOG_SYNC_LEASE, holder),
  };
}
