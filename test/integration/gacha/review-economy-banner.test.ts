import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { payMany } from '../../../src/core/economy.js';
import { closeExpiredBanners, lastEndedBanner, parseBannerSpec, setBanner } from '../../../src/core/gacha/index.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { expectLedgerMatchesBalances, fund, wallet } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(backends())('economy and banner edge cases on %s', (backend) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb(backend);
    await upsertCharacters(tdb.db, generateOfflineCatalog());
  }, 120_000);
  afterAll(async () => tdb?.close());
  beforeEach(async () => tdb.reset());
  afterEach(async () => expectLedgerMatchesBalances(tdb.db));

  it('payMany pays every line, also two lines for the same player (summed, one ledger row per currency)', async () => {
    await fund(tdb.db, 'a', {});
    await fund(tdb.db, 'b', {});
    const n = await payMany(
      tdb.db,
      [
        { playerId: 'a', gems: 100 },
        { playerId: 'b', gems: 7 },
        { playerId: 'a', gems: 50, coins: 3 },
      ],
      'test-many',
    );
    expect(n).toBe(2);
    expect(await wallet(tdb.db, 'a')).toMatchObject({ gems: 150, coins: 3 });
    expect(await wallet(tdb.db, 'b')).toMatchObject({ gems: 7, coins: 0 });
  });

  it('!banner with none running names the banner that ended last, not one replaced early whose planned end is later', async () => {
    const t0 = new Date('2025-06-01T00:00:00Z');
    await fund(tdb.db, 'owner', {});
    await setBanner(tdb.db, parseBannerSpec('[7] [Long One] [176754:SSR]'), 'owner', t0);
    // Replaced after an hour by a one-day banner, which then runs out.
    await setBanner(tdb.db, parseBannerSpec('[1] [Short One] [176754:SSR]'), 'owner', new Date(t0.getTime() + HOUR));
    const later = new Date(t0.getTime() + 2 * DAY);
    await closeExpiredBanners(tdb.db, later);
    const last = await lastEndedBanner(tdb.db, later);
    expect(last?.name).toBe('Short One');
  });
});

describe('layers', () => {
  it('cogs hold no SQL (data access goes through src/core)', () => {
    const dir = new URL('../../../src/cogs/', import.meta.url);
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\.query\s*[<(]|\bSELECT\s+\S+.*\bFROM\b/.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
