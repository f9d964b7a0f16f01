import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AniListClient } from '../../../src/core/anilist/client.js';
import { catalogSize, characterById, characterByRank, overrideCharacter } from '../../../src/core/catalog/repo.js';
import { CatalogSyncError, type SyncProgress, syncCatalog, syncState } from '../../../src/core/catalog/sync.js';
import { basePower, rarityForRank } from '../../../src/core/power.js';
import { FakeAniList, generateFakeCharacters } from '../../fakes/anilist.js';
import { ENGINES, instrumentedDb, openTestDb, type TestDb } from './db.js';

const noWait = { sleep: async () => {}, requestsPerMinute: 0, backoffBaseMs: 1 };

describe.each(ENGINES)('catalog sync on %s', (engine) => {
  let t: TestDb;
  let fake: FakeAniList;
  let anilist: AniListClient;

  beforeAll(async () => {
    t = await openTestDb(engine);
    fake = await FakeAniList.start({ total: 600 });
    anilist = new AniListClient({ url: fake.url, ...noWait });
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });
  beforeEach(async () => {
    await t.reset();
    fake.characters = generateFakeCharacters(600);
    fake.requests.length = 0;
  });

  async function ranks(): Promise<{ id: number; rank: number }[]> {
    const r = await t.db.query<{ id: number; rank: number }>('SELECT id, rank FROM characters WHERE rank > 0 ORDER BY rank');
    return r.rows;
  }

  it('a full sync of 500 saves ranks in favourites order with rarity and power from power.ts', async () => {
    const progress: SyncProgress[] = [];
    const result = await syncCatalog(t.db, anilist, { limit: 500, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ status: 'complete', startPage: 1, pagesSaved: 10, savedThisRun: 500, saved: 500, pages: 10 });
    const expected = generateFakeCharacters(600).slice(0, 500);
    expect(await ranks()).toEqual(expected.map((c, i) => ({ id: c.id, rank: i + 1 })));
    for (const rank of [1, 250, 251, 500]) {
      const c = (await characterByRank(t.db, rank))!;
      const src = expected[rank - 1]!;
      expect(c).toMatchObject({ id: src.id, name: src.name, imageUrl: src.image, favourites: src.favourites, source: 'anilist' });
      expect(c.rarity).toBe(rarityForRank(rank));
      expect(c.basePower).toBe(basePower(src.favourites, rarityForRank(rank)));
    }
    // pages that arrive together are saved together, so progress may skip pages, but always climbs to the end
    const seen = progress.map((p) => p.page);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(progress.at(-1)).toMatchObject({ page: 10, pages: 10, saved: 500, etaSeconds: 0 });
    for (const p of progress) expect(p.saved).toBe(p.page * 50);
    expect(progress[0]!.rate).toBeGreaterThan(0);
    expect(await syncState(t.db)).toMatchObject({ completed: true, nextPage: 11, saved: 500 });
    expect(fake.requests.map((r) => Number(r.variables.page)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a limit that is not a whole number of pages stops at the limit', async () => {
    const result = await syncCatalog(t.db, anilist, { limit: 120, pagesPerTransaction: 2 });
    expect(result).toMatchObject({ status: 'complete', pages: 3, saved: 120 });
    expect(await catalogSize(t.db)).toBe(120);
  });

  it('stops early and completes when AniList runs out of characters', async () => {
    fake.characters = generateFakeCharacters(130);
    const result = await syncCatalog(t.db, anilist, { limit: 500 });
    expect(result).toMatchObject({ status: 'complete', saved: 130, pagesSaved: 3 });
  });

  it('resumes an interrupted sync at the next page and ends complete with no duplicates', async () => {
    const ac = new AbortController();
    const first = await syncCatalog(t.db, anilist, {
      limit: 500,
      signal: ac.signal,
      pagesPerTransaction: 1,
      onProgress: (p) => {
        if (p.page >= 4) ac.abort();
      },
    });
    // Pages already fetched when the abort fired are kept, not thrown away.
    expect(first.status).toBe('aborted');
    const savedPages = first.pagesSaved;
    expect(savedPages).toBeGreaterThanOrEqual(4);
    expect(savedPages).toBeLessThan(10);
    expect(first.saved).toBe(savedPages * 50);
    expect(await syncState(t.db)).toMatchObject({ completed: false, nextPage: savedPages + 1, saved: savedPages * 50 });
    expect(await catalogSize(t.db)).toBe(savedPages * 50);

    fake.requests.length = 0;
    const second = await syncCatalog(t.db, anilist, { limit: 500 });
    expect(second).toMatchObject({ status: 'complete', startPage: savedPages + 1, pagesSaved: 10 - savedPages, saved: 500 });
    expect(Math.min(...fake.requests.map((r) => Number(r.variables.page)))).toBe(savedPages + 1);
    const rows = await ranks();
    expect(rows).toHaveLength(500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(500);
    expect(rows.map((r) => r.rank)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const all = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM characters');
    expect(all.rows[0]?.n).toBe(500);
  });

  it('restart ignores saved progress; a finished sync starts over next time', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await syncCatalog(t.db, anilist, { limit: 100, signal: ac.signal })).toMatchObject({ status: 'aborted', pagesSaved: 0 });
    await syncCatalog(t.db, anilist, { limit: 100 });
    expect((await syncCatalog(t.db, anilist, { limit: 100 })).startPage).toBe(1);
    await t.db.query('UPDATE catalog_sync SET next_page = 2, completed_at = NULL');
    expect((await syncCatalog(t.db, anilist, { limit: 100 })).startPage).toBe(2);
    await t.db.query('UPDATE catalog_sync SET next_page = 2, completed_at = NULL');
    expect((await syncCatalog(t.db, anilist, { limit: 100, restart: true })).startPage).toBe(1);
  });

  it('overrides survive a sync while name, favourites and rank are refreshed', async () => {
    await syncCatalog(t.db, anilist, { limit: 100 });
    const target = (await characterByRank(t.db, 5))!;
    await overrideCharacter(t.db, target.id, 'R', 1234);
    // AniList moves things around: the target climbs to rank 2 with more favourites
    const list = generateFakeCharacters(600);
    const [moved] = list.splice(4, 1);
    list.splice(1, 0, { ...moved!, name: 'New Name', favourites: list[0]!.favourites - 1 });
    fake.characters = list;
    await syncCatalog(t.db, anilist, { limit: 100 });
    expect(await characterById(t.db, target.id)).toMatchObject({
      name: 'New Name',
      rank: 2,
      favourites: list[1]!.favourites,
      rarity: 'R',
      basePower: 1234,
      overridden: true,
    });
    const neighbour = (await characterByRank(t.db, 3))!;
    expect(neighbour.rarity).toBe('SSR');
  });

  it('a failing batch rolls back whole; what was saved stays, and the next run resumes there', async () => {
    await syncCatalog(t.db, anilist, { limit: 500 });
    const oldAtRank = new Map((await ranks()).map((r) => [r.rank, r.id]));
    // a new AniList order: every rank now belongs to another character
    fake.characters = generateFakeCharacters(600, 5);
    const newList = fake.characters;
    const { db } = instrumentedDb(t.db, { failOn: { pattern: /INSERT INTO characters/, nth: 3 } });
    const err = await syncCatalog(db, anilist, { limit: 500, pagesPerTransaction: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogSyncError);
    expect((err as CatalogSyncError).page).toBe(3);
    expect(await syncState(t.db)).toMatchObject({ completed: false, nextPage: 3, saved: 100 });
    // pages 1–2 saved with the new characters
    expect((await characterByRank(t.db, 1))?.id).toBe(newList[0]!.id);
    expect((await characterByRank(t.db, 100))?.id).toBe(newList[99]!.id);
    // page 3's batch rolled back completely: its ranks are still held by the old characters
    for (const rank of [101, 125, 150]) expect((await characterByRank(t.db, rank))?.id).toBe(oldAtRank.get(rank));

    fake.requests.length = 0;
    const again = await syncCatalog(t.db, anilist, { limit: 500 });
    expect(again).toMatchObject({ status: 'complete', startPage: 3, saved: 500 });
    // (prefetches cut off by the failure may still reach the server late, but nothing before page 3 is asked again)
    expect(Math.min(...fake.requests.map((r) => Number(r.variables.page)))).toBe(3);
    expect((await ranks()).map((r) => r.id)).toEqual(newList.slice(0, 500).map((c) => c.id));
  });

  it('a server failure mid-sync keeps the saved pages and reports the page', async () => {
    const flaky = new AniListClient({ url: fake.url, ...noWait, maxRetries: 1 });
    fake.failingPages.set(3, 502);
    try {
      const err = await syncCatalog(t.db, flaky, { limit: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CatalogSyncError);
      expect((err as CatalogSyncError).page).toBe(3);
      expect((err as Error).message).toMatch(/page 3: AniList http: TopCharacters answered HTTP 502/);
    } finally {
      fake.failingPages.clear();
    }
    expect((await syncState(t.db))?.nextPage).toBe(3);
    expect(await catalogSize(t.db)).toBe(100);
  });

  it('rides out 429s during a sync (waiting Retry-After)', async () => {
    // a server of its own: late prefetches cut off in earlier tests must not use up the 429s
    const own = await FakeAniList.start({ total: 200 });
    const clock = { t: 0, slept: [] as number[] };
    const client = new AniListClient({
      url: own.url,
      requestsPerMinute: 0,
      now: () => clock.t,
      sleep: async (ms) => {
        clock.slept.push(ms);
        clock.t += ms;
      },
    });
    own.rateLimitNext(2, '3');
    const result = await syncCatalog(t.db, client, { limit: 150, concurrency: 1 }).finally(() => own.close());
    expect(result.status).toBe('complete');
    expect(clock.slept).toEqual([3000, 3000]);
    expect(await catalogSize(t.db)).toBe(150);
  });
});
