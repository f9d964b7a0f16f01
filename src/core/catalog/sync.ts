/**
 * Catalog sync (SPEC §1): reads the top N characters by favourites from
 * AniList, 50 a page, and saves them with rank = position in that order.
 *
 * Each group of pages is saved in one transaction together with the progress
 * row, so a failed batch rolls back whole and what was saved before stays. A
 * later run resumes at the first page not saved (unless `restart`). An abort
 * (Ctrl-C) stops between requests and keeps everything already fetched.
 *
 * Fetching runs ahead of writing (several pages at once when the request
 * budget is unlimited), so with the rate limit lifted the sync is bound by
 * whichever of the two is slower.
 */

import { ANILIST_PER_PAGE, type AniListCharacterPage, type AniListClient, AniListError } from '../anilist/client.js';
import type { Db } from '../db/index.js';
import { CATALOG_SIZE } from '../power.js';
import { upsertCharacters } from './repo.js';
import type { CharacterSeed } from './types.js';

export interface SyncProgress {
  /** Last page saved (1-based). */
  page: number;
  pages: number;
  /** Characters saved by this sync so far (including earlier, resumed runs). */
  saved: number;
  /** Characters saved per second in this run. */
  rate: number;
  /** Estimated seconds left at this run's pace. */
  etaSeconds: number;
}

export interface SyncOptions {
  /** How many top characters to read. Default 10,000. */
  limit?: number;
  perPage?: number;
  /**
   * Most pages saved in one transaction. Default 20. Pages that have already
   * arrived are saved together; at AniList's pace that is one page at a time.
   */
  pagesPerTransaction?: number;
  /** Pages requested ahead at once. Default 8 with an unlimited budget (tests, bench), else 1. */
  concurrency?: number;
  /** Ignore saved progress and start at page 1. */
  restart?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
  now?: () => number;
}

export interface SyncResult {
  status: 'complete' | 'aborted';
  /** The page this run started at (> 1 when it resumed). */
  startPage: number;
  /** Pages saved by this run. */
  pagesSaved: number;
  /** Characters saved by this run. */
  savedThisRun: number;
  /** Characters saved by this sync in all its runs. */
  saved: number;
  pages: number;
}

export class CatalogSyncError extends Error {
  constructor(
    readonly page: number,
    cause: unknown,
  ) {
    super(`catalog sync failed at page ${page}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CatalogSyncError';
  }
}

interface ProgressRow {
  target: number;
  per_page: number;
  pages: number;
  next_page: number;
  saved: number;
  completed_at: string | Date | null;
}

export interface SyncState {
  target: number;
  perPage: number;
  pages: number;
  nextPage: number;
  saved: number;
  completed: boolean;
}

/** The saved progress of the last sync, or null when none ran. */
export async function syncState(db: Db): Promise<SyncState | null> {
  const r = await db.query<ProgressRow>('SELECT target, per_page, pages, next_page, saved, completed_at FROM catalog_sync WHERE id = 1');
  const row = r.rows[0];
  if (!row) return null;
  return {
    target: row.target,
    perPage: row.per_page,
    pages: row.pages,
    nextPage: row.next_page,
    saved: row.saved,
    completed: row.completed_at !== null,
  };
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return (err instanceof AniListError && err.kind === 'aborted') || signal.aborted;
}

export async function syncCatalog(db: Db, anilist: AniListClient, opts: SyncOptions = {}): Promise<SyncResult> {
  const limit = opts.limit ?? CATALOG_SIZE;
  const perPage = opts.perPage ?? ANILIST_PER_PAGE;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`sync limit must be a positive whole number, got ${limit}`);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > ANILIST_PER_PAGE) throw new RangeError(`perPage must be 1..50, got ${perPage}`);
  const pages = Math.ceil(limit / perPage);
  const group = Math.max(1, opts.pagesPerTransaction ?? 20);
  const concurrency = Math.max(1, opts.concurrency ?? (anilist.budget.unlimited ? 8 : 1));
  const now = opts.now ?? Date.now;
  // Our own signal, so a prefetch still in flight is cancelled when the run ends for any reason.
  const stop = new AbortController();
  const onCallerAbort = (): void => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) stop.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await runSync(db, anilist, opts, { limit, perPage, pages, group, concurrency, now, signal: stop.signal });
  } finally {
    opts.signal?.removeEventListener('abort', onCallerAbort);
    stop.abort();
  }
}

async function runSync(
  db: Db,
  anilist: AniListClient,
  opts: SyncOptions,
  cfg: { limit: number; perPage: number; pages: number; group: number; concurrency: number; now: () => number; signal: AbortSignal },
): Promise<SyncResult> {
  const { limit, perPage, pages, group, concurrency, now, signal } = cfg;

  // Resume only a run of the same shape that did not finish.
  const state = opts.restart ? null : await syncState(db);
  const resume = state !== null && !state.completed && state.target === limit && state.perPage === perPage && state.nextPage <= pages;
  const startPage = resume ? state.nextPage : 1;
  let saved = resume ? state.saved : 0;
  if (!resume) {
    await db.query(
      `INSERT INTO catalog_sync (id, target, per_page, pages, next_page, saved, started_at, updated_at, completed_at)
       VALUES (1, $1, $2, $3, 1, 0, now(), now(), NULL)
       ON CONFLICT (id) DO UPDATE SET target = $1, per_page = $2, pages = $3, next_page = 1, saved = 0,
         started_at = now(), updated_at = now(), completed_at = NULL`,
      [limit, perPage, pages],
    );
  }

  const started = now();
  let savedThisRun = 0;
  let pagesSaved = 0;
  let lastPage = startPage - 1;

  const fetchPage = (page: number): Promise<AniListCharacterPage> => {
    const p = anilist.topCharacters(page, perPage, { signal });
    p.catch(() => {}); // a prefetch that is never awaited must not be an unhandled rejection
    return p;
  };

  const save = async (batch: AniListCharacterPage[], firstPage: number): Promise<void> => {
    const seeds: CharacterSeed[] = [];
    batch.forEach((pg, i) => {
      const page = firstPage + i;
      pg.characters.forEach((c, index) => {
        const rank = (page - 1) * perPage + index + 1;
        if (rank > limit) return;
        seeds.push({ id: c.id, name: c.name, imageUrl: c.imageUrl, favourites: c.favourites, rank, source: 'anilist' });
      });
    });
    const nextPage = firstPage + batch.length;
    try {
      await db.transaction(async (tx) => {
        await upsertCharacters(tx, seeds);
        await tx.query('UPDATE catalog_sync SET next_page = $1, saved = saved + $2, updated_at = now() WHERE id = 1', [nextPage, seeds.length]);
      });
    } catch (err) {
      throw new CatalogSyncError(firstPage, err);
    }
    saved += seeds.length;
    savedThisRun += seeds.length;
    pagesSaved += batch.length;
    lastPage = nextPage - 1;
    const elapsed = Math.max(1e-3, (now() - started) / 1000);
    const pagesLeft = pages - lastPage;
    const paceEta = pagesSaved > 0 ? (pagesLeft * elapsed) / pagesSaved : 0;
    // A burst can run ahead of the budget; the pages beyond it wait for the window to slide.
    const budget = anilist.budget;
    const budgetEta = budget.unlimited ? 0 : (Math.max(0, pagesLeft - Math.max(0, budget.limit - budget.used)) * budget.windowMs) / budget.limit / 1000;
    opts.onProgress?.({
      page: lastPage,
      pages,
      saved,
      rate: savedThisRun / elapsed,
      etaSeconds: Math.max(paceEta, budgetEta),
    });
  };

  // Pages are fetched up to `concurrency` ahead and saved in order. A batch is
  // saved when it is full or when the next page has not arrived yet: at
  // AniList's pace that is every page; with the limit lifted, whatever arrived
  // during the previous write goes into one bigger transaction.
  interface InFlight {
    page: number;
    promise: Promise<AniListCharacterPage>;
    settled: boolean;
  }
  const inflight: InFlight[] = [];
  let nextToFetch = startPage;
  let endReached = false;
  const topUp = (): void => {
    while (!endReached && !signal.aborted && inflight.length < concurrency && nextToFetch <= pages) {
      const page = nextToFetch++;
      const entry: InFlight = { page, promise: fetchPage(page), settled: false };
      entry.promise.then(
        () => (entry.settled = true),
        () => (entry.settled = true),
      );
      inflight.push(entry);
    }
  };

  let buffer: AniListCharacterPage[] = [];
  let bufferStart = startPage;
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    await save(batch, bufferStart);
    bufferStart += batch.length;
  };

  let finished = startPage > pages;
  let aborted = signal.aborted;
  topUp();
  while (inflight.length > 0 && !aborted) {
    const head = inflight.shift()!;
    let current: AniListCharacterPage;
    try {
      current = await head.promise;
    } catch (err) {
      await flush(); // the pages before this one are complete: keep them
      if (isAbort(err, signal)) {
        aborted = true;
        break;
      }
      throw new CatalogSyncError(head.page, err);
    }
    buffer.push(current);
    const last = head.page >= pages || !current.hasNextPage || current.characters.length < perPage;
    if (last) {
      endReached = true;
      inflight.length = 0; // anything fetched past the end is not wanted
    } else {
      topUp();
    }
    const nextReady = inflight[0]?.settled ?? false;
    if (last || buffer.length >= group || !nextReady || signal.aborted) await flush();
    if (last) finished = true;
    else if (signal.aborted) aborted = true;
  }
  await flush();

  if (finished && !aborted) {
    await db.query('UPDATE catalog_sync SET completed_at = now(), updated_at = now() WHERE id = 1');
  }
  return {
    status: finished && !aborted ? 'complete' : 'aborted',
    startPage,
    pagesSaved,
    savedThisRun,
    saved,
    pages,
  };
}
