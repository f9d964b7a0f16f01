import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casinoFight, endEvent, openRound } from '../../../src/core/casino.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { ledgerMismatches, playerWithTeam, seedCatalog } from './helpers.js';

/**
 * `!end_event` closing the round while a `!fight` is between reading the open
 * round and writing its score, forced on a real Postgres (PGlite runs one
 * transaction at a time, so it can't interleave): a blocker holds the fight
 * right after `openRound`, and the end must wait for it and pay the score as
 * it stood when the round closed.
 */
const run = process.env.TEST_DATABASE_URL ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

run('casino: the round closing during a !fight (Postgres interleaving)', () => {
  let tdb: TestDb;
  const now = new Date('2026-01-05T12:00:00Z');
  beforeAll(async () => {
    tdb = await openTestDb('postgres', { poolSize: 10 });
    await seedCatalog(tdb.db);
    await playerWithTeam(tdb.db, 'p1', [5000, 5001]);
    await playerWithTeam(tdb.db, 'p2', [6000]);
  });
  afterAll(async () => {
    await tdb?.close();
  });

  it('a fight holding the open round delays the end; its score is paid as part of that round', async () => {
    // p1 is rank 1 (The Dealer); p2's score is what gets 1% as gems.
    await casinoFight(tdb.db, 'p1', now);
    await casinoFight(tdb.db, 'p1', now);
    const round = await openRound(tdb.db, now);
    await tdb.db.query('INSERT INTO event_scores (round_id, player_id, score, fights, updated_at) VALUES ($1, $2, 0, 0, $3)', [round.id, 'p2', now]);

    let releaseBlocker!: () => void;
    const blockerHeld = new Promise<void>((resolveHeld) => {
      void tdb.db.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM event_scores WHERE round_id = $1 AND player_id = $2 FOR UPDATE', [round.id, 'p2']);
        resolveHeld();
        await new Promise<void>((r) => (releaseBlocker = r));
      });
    });
    await blockerHeld;
    const fight = casinoFight(tdb.db, 'p2', now); // takes the round FOR SHARE, then waits on p2's score row
    await sleep(300);
    let ended = false;
    const end = endEvent(tdb.db, 'owner', now).then((r) => {
      ended = true;
      return r;
    });
    await sleep(300);
    expect(ended).toBe(false); // the close waits for the fight that holds the round
    releaseBlocker();
    const f = await fight;
    const r = await end;
    expect(r?.roundId).toBe(round.id);
    expect(r?.winner?.playerId).toBe('p1');
    expect(r?.paid).toEqual([expect.objectContaining({ playerId: 'p2', score: f.score, gems: Math.floor(f.score * 0.01) })]);
    const after = await tdb.db.query<{ score: number }>('SELECT score FROM event_scores WHERE round_id = $1 AND player_id = $2', [round.id, 'p2']);
    expect(Number(after.rows[0]!.score)).toBe(f.score);
    expect(await ledgerMismatches(tdb.db)).toEqual([]);
  });

  it('a fight that reaches the round after the close scores into the next round', async () => {
    await casinoFight(tdb.db, 'p1', new Date('2026-01-06T12:00:00Z'));
    const round = await openRound(tdb.db, now);
    // Hold the end's transaction open after its close by locking a player row it pays.
    let releaseBlocker!: () => void;
    const blockerHeld = new Promise<void>((resolveHeld) => {
      void tdb.db.transaction(async (tx) => {
        await tx.query("SELECT 1 FROM units WHERE player_id = 'p1' AND character_id = 77777 FOR UPDATE");
        resolveHeld();
        await new Promise<void>((r) => (releaseBlocker = r));
      });
    });
    await blockerHeld;
    const end = endEvent(tdb.db, 'owner', now); // closes the round, then waits on p1's Dealer unit
    await sleep(300);
    const fight = casinoFight(tdb.db, 'p2', new Date('2026-01-06T12:00:00Z')); // waits on the closed round
    await sleep(100);
    releaseBlocker();
    const r = await end;
    await fight;
    expect(r?.roundId).toBe(round.id);
    const next = await openRound(tdb.db, now);
    expect(next.id).not.toBe(round.id);
    const s = await tdb.db.query<{ round_id: number }>("SELECT round_id FROM event_scores WHERE player_id = 'p2' AND round_id >= $1", [round.id]);
    expect(s.rows.map((x) => Number(x.round_id))).toEqual([next.id]);
    expect(await ledgerMismatches(tdb.db)).toEqual([]);
  });
});
