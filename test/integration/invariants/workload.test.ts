import { describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { checkInvariants, describeReport, runWorkload } from '../../helpers/workload.js';

/**
 * The short randomized workload (the long one is in test/long): ~1,000
 * commands from 20 players, many at once, with the clock moving; afterwards
 * every money and once-only invariant must hold and nothing may have hit an
 * unexpected error.
 */
const OWNER = '69999999';
const SEED = Number(process.env.WORKLOAD_SEED ?? 20240611);

describe.each(backends())('randomized workload on %s', (backend) => {
  const game = useTestBot(backend, {
    db: { poolSize: 10 },
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    env: { OWNER_IDS: OWNER },
    timeout: 120_000,
  });

  it('1,000 concurrent commands from 20 players keep every invariant, with no unexpected errors', async () => {
    const report = await runWorkload(game.bot, { players: 20, commands: 1_000, concurrency: 20, seed: SEED, ownerId: OWNER, clockEvery: 60 });
    const inv = await checkInvariants(game.db);
    console.log(`[${backend}] seed ${SEED}\n${describeReport(report)}\n${JSON.stringify(inv.counts)}`);
    expect(inv.violations, inv.violations.join('\n')).toEqual([]);
    expect(report.apologies.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    expect(report.httpErrors.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    expect(report.leaks.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    // The mix really ran: money moved, units came and went, once-only rewards were paid.
    expect(report.sent).toBe(1_000);
    expect(inv.counts.starters).toBe(20);
    // About 100 !pull are sent; how many can be paid for depends on the battles won (stronger NPCs since the difficulty fix).
    expect(inv.counts.pulls).toBeGreaterThan(30);
    expect(inv.counts.battles).toBeGreaterThan(20);
  }, 180_000);
});
