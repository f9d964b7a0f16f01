import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { startTestBot, type TestBot } from '../helpers/app.js';
import { backends, openTestDb, type TestDb } from '../helpers/db.js';
import { checkInvariants, describeReport, runWorkload } from '../helpers/workload.js';

/**
 * The long randomized workload: 10,000 commands from 100 players with 50 in
 * flight on Postgres (a smaller run on PGlite, whose one connection serialises
 * everything), the game clock moving across days. Then every money and
 * once-only invariant must hold, and no command may have hit an unexpected error.
 */
const OWNER = '69999999';
const SEED = Number(process.env.WORKLOAD_SEED ?? 777_001);
const SIZE: Record<string, { players: number; commands: number; concurrency: number }> = {
  postgres: { players: 100, commands: Number(process.env.WORKLOAD_COMMANDS ?? 10_000), concurrency: 50 },
  pglite: { players: 40, commands: Number(process.env.WORKLOAD_COMMANDS_PGLITE ?? 2_000), concurrency: 20 },
};

describe.each(backends())('long randomized workload on %s', (backend) => {
  let tdb: TestDb;
  let bot: TestBot;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 20 });
    await upsertCharacters(tdb.db, generateOfflineCatalog());
    bot = await startTestBot(backend, { tdb, env: { OWNER_IDS: OWNER, DATABASE_POOL_SIZE: '20', LOG_LEVEL: process.env.WORKLOAD_LOG_LEVEL ?? 'silent' } });
  }, 180_000);
  afterAll(async () => {
    await bot?.close();
    await tdb?.close();
  });

  it('keeps every invariant with no unexpected errors', async () => {
    const size = SIZE[backend]!;
    const report = await runWorkload(bot, { ...size, seed: SEED, ownerId: OWNER, clockEvery: 150 });
    const inv = await checkInvariants(tdb.db);
    console.log(`[${backend}] seed ${SEED}\n${describeReport(report)}\n${JSON.stringify(inv.counts)}`);
    expect(inv.violations, inv.violations.join('\n')).toEqual([]);
    expect(report.apologies.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    expect(report.httpErrors.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    expect(report.leaks.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    expect(report.sent).toBe(size.commands);
    expect(inv.counts.starters).toBe(size.players);
    // Every kind of once-only reward was really exercised.
    for (const k of [
      'checkins',
      'taskClaims',
      'achievements',
      'storyClears',
      'raidPayouts',
      'casinoPayouts',
      'expeditionClaims',
      'scrapped',
      'shopBuys',
      'bountyAttempts',
    ] as const) {
      expect(inv.counts[k], k).toBeGreaterThan(0);
    }
  }, 1_200_000);
});
