import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSums, payMany } from '../../../src/core/economy.js';
import { ensurePlayer } from '../../../src/core/players.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';

// PGlite runs one transaction at a time, so the interleaving needs Postgres.
describe.skipIf(!backends().includes('postgres'))('a batch payout beside a transaction holding a foreign-key lock on the player', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('postgres', { poolSize: 5 });
    await ensurePlayer(t.db, 'fk-player', 'fk-player');
  });
  afterAll(async () => t?.close());

  it('does not wait for it (a ticket insert holds KEY SHARE on the player; the payout needs only NO KEY UPDATE)', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    // Like !fight: an insert whose foreign key points at the player, in a transaction still open.
    const holder = t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO daily_tickets (player_id, kind, day, used) VALUES ('fk-player', 'casino', '2026-01-01', 1)`);
      inserted();
      await held;
    });
    await didInsert;
    const started = Date.now();
    const paid = await Promise.race([
      t.db.transaction((tx) => payMany(tx, [{ playerId: 'fk-player', gems: 5 }], 'test')),
      new Promise<'blocked'>((r) => setTimeout(r, 2000, 'blocked')),
    ]);
    release();
    await holder;
    expect(paid).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await ledgerSums(t.db, 'fk-player')).toEqual({ gems: 5, coins: 0 });
  });
});
