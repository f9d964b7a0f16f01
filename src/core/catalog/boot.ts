import type { Logger } from '../../log.js';
import type { AniListClient } from '../anilist/index.js';
import type { Db } from '../db/index.js';
import { ensureCatalog } from './offline.js';
import { syncCatalog, syncState } from './sync.js';
import { takeSyncLease } from './sync-lease.js';

export interface CatalogBootOptions {
  /** The bot's one AniList client (its request budget is shared with lookups and owner syncs). */
  anilist: AniListClient;
  /** Never call AniList (STARDUST_OFFLINE). */
  offline: boolean;
  log: Logger;
}

/**
 * First boot must not make a newcomer wait: an empty catalog is seeded from
 * the generated offline catalog at once (a second or two), so `!starter`
 * works immediately. Then, unless offline, a background sync from AniList
 * (resuming any earlier partial run) replaces the pool rank by rank at
 * AniList's pace — about 7 minutes at 30 requests a minute. Returns a
 * function that stops the background sync (shutdown).
 */
export async function bootCatalog(db: Db, opts: CatalogBootOptions): Promise<() => Promise<void>> {
  const { log } = opts;
  const seeded = await ensureCatalog(db, { preferOffline: true, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
  if (opts.offline) return async () => {};
  const state = await syncState(db);
  const wanted = seeded.source === 'offline' || (state !== null && !state.completed);
  if (!wanted) return async () => {};

  const { anilist } = opts;
  const stop = new AbortController();
  const running = (async () => {
    if (!(await anilist.reachable(2500, stop.signal))) {
      log.info('AniList is not reachable; playing on the offline catalog (run `npm run catalog:sync` later to switch)');
      return;
    }
    // Another process (or an owner's !catalog_sync) may be syncing: the same lease for all of them.
    const lease = await takeSyncLease(db, new Date());
    if (!lease) {
      log.info('another catalog sync is running; this boot leaves it to finish');
      return;
    }
    log.info('syncing the top characters from AniList in the background');
    try {
      const r = await syncCatalog(db, anilist, {
        signal: stop.signal,
        onProgress: (p) => {
          void lease.renew(new Date()).catch((err: unknown) => log.warn({ err }, 'could not renew the catalog sync lease'));
          if (p.page % 20 === 0 || p.page === p.pages)
            log.info(`catalog sync: page ${p.page}/${p.pages}, ${p.saved} characters, ~${Math.round(p.etaSeconds)} s left`);
        },
      });
      log.info(`catalog sync ${r.status}: ${r.saved} characters`);
    } catch (err) {
      log.warn({ err }, 'catalog sync stopped; the bot keeps the catalog it has and resumes on the next boot');
    } finally {
      await lease.release().catch((err: unknown) => log.warn({ err }, 'could not release the catalog sync lease'));
    }
  })();
  return async () => {
    stop.abort();
    await running;
  };
}
