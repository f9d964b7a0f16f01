import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentBoard, huntBounty } from '../../src/core/bounty/index.js';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import type { Db } from '../../src/core/db/index.js';
import { claimExpedition, startExpedition } from '../../src/core/expedition.js';
import { attackRaid, startRaid } from '../../src/core/raid/raids.js';
import { Rng } from '../../src/core/rng.js';
import { findStage, playStage, REPEAT_REWARDS_PER_DAY } from '../../src/core/story/story.js';
import { setTeam } from '../../src/core/teams.js';
import { backends, countingDb, openTestDb, type TestDb } from '../helpers/db.js';

/**
 * Fights read, compute the battle outside any transaction, then write once
 * (ARCHITECTURE.md "Scaling out"): the round trips of a story fight, a hunt,
 * a raid attack and an expedition claim are pinned here, as the gacha test
 * pins a pull's (a statement is one round trip; a transaction adds BEGIN and
 * COMMIT). And what the write re-checks: a read gone stale makes the write
 * change nothing, and the fight is read and fought again.
 */
const T0 = new Date('2030-03-01T10:30:00Z');

/** A Db that runs `between` once, right after its `n`-th statement outside a transaction (between a fight's read and its write). */
function interleaved(db: Db, n: number, between: () => Promise<unknown>): Db {
  let seen = 0;
  return {
    kind: db.kind,
    query: (async (sql: string, params?: readonly unknown[]) => {
      const r = await db.query(sql, params);
      if (++seen === n) await between();
      return r;
    }) as Db['query'],
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
    ping: () => db.ping(),
  };
}

async function ledgerMismatches(db: Db): Promise<unknown[]> {
  return (
    await db.query(
      `SELECT p.id FROM players p LEFT JOIN (
         SELECT player_id, SUM(delta) FILTER (WHERE currency = 'gems') AS g, SUM(delta) FILTER (WHERE currency = 'coins') AS c
           FROM ledger GROUP BY player_id) l ON l.player_id = p.id
        WHERE p.gems <> COALESCE(l.g, 0) OR p.coins <> COALESCE(l.c, 0)`,
    )
  ).rows;
}

describe.each(backends())('short transactions on %s', (backend) => {
  let tdb: TestDb;
  const db = () => tdb.db;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 20 });
    await upsertCharacters(tdb.db, generateOfflineCatalog());
  }, 120_000);
  afterAll(async () => tdb?.close());
  beforeEach(async () => tdb.reset());

  /** Five of the strongest generated characters at dupe 10 as the battle team (and expedition team). */
  async function strongTeam(playerId: string, ranks: [number, number] = [1, 5]): Promise<number[]> {
    await db().query(`INSERT INTO players (id, username) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [playerId]);
    const r = await db().query<{ id: number }>(
      `INSERT INTO units (player_id, character_id, dupe_level)
       SELECT $1, id, 10 FROM characters WHERE rank BETWEEN $2 AND $3 ORDER BY rank RETURNING id`,
      [playerId, ranks[0], ranks[1]],
    );
    const ids = r.rows.map((x) => Number(x.id));
    await setTeam(db(), playerId, 'battle', ids);
    await setTeam(db(), playerId, 'expedition', ids);
    return ids;
  }

  const story = (d: Db, playerId: string, seed = 1) => playStage(d, { playerId, chapter: 1, stage: 1, seed, now: T0 });

  it('a story win is 2 round trips (one read, one write statement, no BEGIN/COMMIT); a loss is the read alone', async () => {
    await strongTeam('s1');
    const c = countingDb(db());
    const first = await story(c.db, 's1');
    expect(first.firstClear).toBe(true);
    expect({ roundTrips: c.roundTrips(), transactions: c.transactions() }).toEqual({ roundTrips: 2, transactions: 0 });
    c.reset();
    const again = await story(c.db, 's1', 2);
    expect(again.paid).not.toBeNull();
    expect(c.roundTrips()).toBe(2);

    await strongTeam('s-weak', [9_990, 9_990]);
    c.reset();
    const lost = await story(c.db, 's-weak');
    expect(lost.stars).toBe(0);
    expect(c.roundTrips()).toBe(1);
  });

  it('story: a team changed between the read and the write makes the write change nothing; the fight is fought again with the new team', async () => {
    const ids = await strongTeam('s2');
    const reversed = [...ids].reverse();
    const c = countingDb(interleaved(db(), 1, () => db().query('UPDATE players SET battle_team = $2 WHERE id = $1', ['s2', reversed])));
    const r = await story(c.db, 's2');
    expect(r.attacker.map((u) => u.unitId)).toEqual(reversed);
    expect(r.firstClear).toBe(true);
    expect(c.roundTrips()).toBe(4); // read, stale write, read, write
    const paid = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger WHERE player_id = 's2' AND reason = 'story first clear'`);
    expect(paid.rows[0]!.n).toBe(1);
  });

  it(`story: 30 fights of one stage at once (no scheduler in between) pay the first clear once and ${REPEAT_REWARDS_PER_DAY} repeats`, async () => {
    await strongTeam('s3');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => story(db(), 's3', i + 1)));
    expect(results.filter((r) => r.firstClear)).toHaveLength(1);
    expect(results.filter((r) => !r.firstClear && r.paid)).toHaveLength(REPEAT_REWARDS_PER_DAY);
    const rows = (
      await db().query<{ reason: string; n: number }>(`SELECT reason, count(*)::int AS n FROM ledger WHERE player_id = 's3' AND currency = 'gems' GROUP BY 1`)
    ).rows;
    expect(Object.fromEntries(rows.map((r) => [r.reason, r.n]))).toEqual({ 'story first clear': 1, 'story repeat clear': REPEAT_REWARDS_PER_DAY });
    const prog = (await db().query<{ clears: number }>(`SELECT clears FROM story_progress WHERE player_id = 's3'`)).rows[0]!;
    expect(prog.clears).toBe(30);
    expect(findStage(1, 1)!.firstClear.gems).toBeGreaterThan(0);
    expect(await ledgerMismatches(db())).toEqual([]);
  });

  it('a hunt is 4 round trips: one read, then BEGIN, one write statement, COMMIT', async () => {
    await strongTeam('h1');
    const board = await currentBoard(db(), T0);
    const c = countingDb(db());
    const r = await huntBounty(c.db, { playerId: 'h1', boardHour: board.hourStart, slotIndex: 0, now: T0, seed: 3 });
    expect(r.keysLeft).toBe(2);
    expect({ roundTrips: c.roundTrips(), transactions: c.transactions() }).toEqual({ roundTrips: 4, transactions: 1 });
  });

  it('hunts of two slots at once with one key left: one is fought, the other refused and rolled back (no attempt, no key)', async () => {
    await strongTeam('h2');
    const board = await currentBoard(db(), T0);
    await db().query('INSERT INTO bounty_keys (player_id, keys, regen_at) VALUES ($1, 1, $2)', ['h2', board.hourStart]);
    const results = await Promise.allSettled(
      [0, 1].map((slotIndex) => huntBounty(db(), { playerId: 'h2', boardHour: board.hourStart, slotIndex, now: T0, seed: slotIndex + 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(String(refused.reason.message)).toMatch(/no bounty keys left/);
    const attempts = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM bounty_attempts WHERE player_id = 'h2'`);
    expect(attempts.rows[0]!.n).toBe(1);
    expect((await db().query<{ keys: number }>(`SELECT keys FROM bounty_keys WHERE player_id = 'h2'`)).rows[0]!.keys).toBe(0);
  });

  it('a raid attack is 4 round trips: one read, then BEGIN, one write statement, COMMIT', async () => {
    await startRaid(db(), { guildId: 'g1', channelId: 'c1', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    await strongTeam('r1');
    const c = countingDb(db());
    const r = await attackRaid(c.db, { guildId: 'g1', playerId: 'r1', rng: new Rng(5), now: T0 });
    expect(r.kind).toBe('hit');
    expect({ roundTrips: c.roundTrips(), transactions: c.transactions() }).toEqual({ roundTrips: 4, transactions: 1 });
  });

  it('raid: a phase change between the read and the write rolls the hit back; the attack is fought again in the new phase, one ticket spent', async () => {
    const raid = await startRaid(db(), { guildId: 'g2', channelId: 'c1', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    await strongTeam('r2');
    // Another attacker takes the boss to 50% (phase 2) after this attack read it in phase 1.
    const c = countingDb(interleaved(db(), 1, () => db().query('UPDATE raids SET hp = max_hp / 2 WHERE id = $1', [raid.id])));
    const r = await attackRaid(c.db, { guildId: 'g2', playerId: 'r2', rng: new Rng(9), now: T0 });
    if (r.kind !== 'hit') throw new Error('expected a hit');
    expect(r.phase.number).toBe(2);
    expect(r.hpBefore).toBe(raid.maxHp / 2);
    expect(c.roundTrips()).toBe(8); // read + rolled-back write (3), read + write (3)
    expect(r.ticketsLeft).toBe(2);
    const attacks = await db().query<{ phase: number }>('SELECT phase FROM raid_attacks WHERE raid_id = $1', [raid.id]);
    expect(attacks.rows).toEqual([{ phase: 2 }]);
  });

  it('an expedition claim is 4 round trips; 20 claims at once (no scheduler in between) pay once', async () => {
    await strongTeam('e1');
    await startExpedition(db(), 'e1', T0);
    const later = new Date(T0.getTime() + 6 * 3_600_000);
    const c = countingDb(db());
    const claim = await claimExpedition(c.db, 'e1', later);
    expect(claim.yield.gems).toBeGreaterThan(0);
    expect({ roundTrips: c.roundTrips(), transactions: c.transactions() }).toEqual({ roundTrips: 4, transactions: 1 });

    await strongTeam('e2');
    await startExpedition(db(), 'e2', T0);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => claimExpedition(db(), 'e2', later)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason.message)).toMatch(/no expedition running/);
    const paid = await db().query<{ n: number; gems: number }>(
      `SELECT count(*)::int AS n, COALESCE(sum(delta), 0)::bigint AS gems FROM ledger WHERE player_id = 'e2' AND reason = 'expedition'`,
    );
    expect(paid.rows[0]).toEqual({ n: 1, gems: (ok[0] as PromiseFulfilledResult<{ yield: { gems: number } }>).value.yield.gems });
    const p = (await db().query<{ expeditions_claimed: number }>(`SELECT expeditions_claimed FROM players WHERE id = 'e2'`)).rows[0]!;
    expect(p.expeditions_claimed).toBe(1);
    expect(await ledgerMismatches(db())).toEqual([]);
  });
});
