import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshotOfUnits } from '../../../src/core/battle/snapshot.js';
import { UserError } from '../../../src/core/errors.js';
import { requireBossByKey } from '../../../src/core/raid/bosses.js';
import { type AttackResult, attackRaid, getRaid, startRaid } from '../../../src/core/raid/raids.js';
import { computeRaidRewards } from '../../../src/core/raid/rewards.js';
import { Rng } from '../../../src/core/rng.js';
import { runBattle } from '../../../src/core/skills/engine.js';
import { teamUnits } from '../../../src/core/teams.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ledgerMismatches, playerWithTeam, seedCatalog } from './helpers.js';

const T0 = new Date('2030-03-01T10:00:00Z');
const GUILD = 'g1';

describe.each(backends())('raids (core) on %s', (backend) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 10 });
    await seedCatalog(tdb.db);
  });
  afterAll(async () => tdb?.close());
  beforeEach(async () => tdb.reset());

  const db = () => tdb.db;

  async function setHp(raidId: number, hp: number) {
    await db().query('UPDATE raids SET hp = $2 WHERE id = $1', [raidId, hp]);
  }

  /** What attackRaid will deal with this rng seed (no suppression: the teams here carry no skills). */
  async function predictDamage(playerId: string, phaseIndex: 0 | 1 | 2, seed: number): Promise<number> {
    const boss = requireBossByKey('gloomfang');
    const phase = boss.phases[phaseIndex]!;
    const team = snapshotOfUnits(await teamUnits(db(), playerId, 'battle'));
    const battle = runBattle(team, phase.defenders, {
      seed: new Rng(seed).nextUint32(),
      variance: phase.mechanics.attackerVariance ? { attacker: phase.mechanics.attackerVariance } : undefined,
    });
    return Math.floor(battle.totals.attacker * phase.mechanics.damageTaken + 1e-9);
  }

  it('100 concurrent attacks on a boss with little HP left: exactly one last hit, HP 0, rewards paid once, ledger consistent', async () => {
    const raid = await startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    // Two strong early attackers, so the board has eligible shares as well as leeches.
    await playerWithTeam(db(), 'big1', [5000, 5001, 5002, 5003, 5004]);
    await playerWithTeam(db(), 'big2', [5005, 5006, 5007, 5008, 5009]);
    for (const p of ['big1', 'big2']) {
      const r = await attackRaid(db(), { guildId: GUILD, playerId: p, rng: new Rng(7), now: T0 });
      expect(r.kind).toBe('hit');
    }
    const players = Array.from({ length: 100 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    for (const [i, p] of players.entries()) await playerWithTeam(db(), p, [6000 + (i % 20)]);
    // Roughly 30 one-unit hits are needed: some land, the rest find the raid over.
    await setHp(raid.id, 250_000);

    const results = await Promise.allSettled(
      players.map((p, i) => attackRaid(db(), { guildId: GUILD, playerId: p, rng: new Rng(1000 + i), now: new Date(T0.getTime() + 60_000) })),
    );
    const hits = results.filter((r): r is PromiseFulfilledResult<AttackResult> => r.status === 'fulfilled').map((r) => r.value);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(UserError);
      expect(String(r.reason.message)).toMatch(/No raid is running/);
    }
    expect(hits.every((h) => h.kind === 'hit')).toBe(true);
    const lastHits = hits.filter((h) => h.kind === 'hit' && h.lastHit);
    expect(lastHits).toHaveLength(1);
    expect(hits.length).toBeGreaterThan(5);
    expect(refused.length).toBeGreaterThan(0);
    const lh = lastHits[0]!;
    if (lh.kind !== 'hit') throw new Error('unreachable');
    expect(lh.finish).not.toBeNull();

    const after = (await getRaid(db(), raid.id))!;
    expect(after).toMatchObject({ hp: 0, active: false, endReason: 'defeated' });
    // The hits took exactly the HP that was left.
    const applied = hits.reduce((s, h) => s + (h.kind === 'hit' ? h.applied : 0), 0);
    expect(applied).toBe(250_000);
    const attacks = await db().query<{ n: number; last: number }>(
      'SELECT count(*)::int AS n, count(*) FILTER (WHERE last_hit)::int AS last FROM raid_attacks WHERE raid_id = $1',
      [raid.id],
    );
    expect(attacks.rows[0]).toEqual({ n: hits.length + 2, last: 1 });
    // Tickets: only attacks that hit spent one.
    const tickets = await db().query<{ used: number }>("SELECT COALESCE(SUM(used), 0)::int AS used FROM daily_tickets WHERE kind = 'raid'");
    expect(tickets.rows[0]!.used).toBe(hits.length + 2);

    // Rewards paid once: one raid_rewards row and one ledger row per paid participant.
    const participants = await db().query<{ player_id: string; damage: number }>(
      'SELECT player_id, damage FROM raid_damage WHERE raid_id = $1 ORDER BY damage DESC, first_attack_at, player_id',
      [raid.id],
    );
    const expected = computeRaidRewards(
      requireBossByKey('gloomfang').rewards,
      participants.rows.map((r) => ({ playerId: r.player_id, damage: Number(r.damage) })),
      { reason: 'defeated', lastHitPlayerId: after.lastHitPlayerId },
    );
    const ledger = await db().query<{ player_id: string; n: number; gems: number }>(
      "SELECT player_id, count(*)::int AS n, SUM(delta)::bigint AS gems FROM ledger WHERE reason = 'raid_reward' AND ref = $1 GROUP BY player_id",
      [`raid:${raid.id}`],
    );
    expect(ledger.rows.every((r) => r.n === 1)).toBe(true);
    const paid = Object.fromEntries(ledger.rows.map((r) => [r.player_id, Number(r.gems)]));
    for (const line of expected) expect(paid[line.playerId] ?? 0).toBe(line.gems);
    const rewardsRows = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM raid_rewards WHERE raid_id = $1', [raid.id]);
    expect(rewardsRows.rows[0]!.n).toBe(participants.rows.length);
    expect(await ledgerMismatches(db())).toEqual([]);
    // The last hitter got the last-hit bonus item.
    const items = await db().query<{ quantity: number }>("SELECT quantity FROM player_items WHERE player_id = $1 AND item_id = 'bond_large'", [
      after.lastHitPlayerId,
    ]);
    expect(items.rows[0]?.quantity ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('phase 2 begins exactly at 60% HP and phase 3 exactly at 25%, each seen by one attack only', async () => {
    const raid = await startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    await playerWithTeam(db(), 'x', [5000, 5001]);
    const max = raid.maxHp;
    // One HP above the threshold after the hit: still phase 1.
    let dmg = await predictDamage('x', 0, 11);
    await setHp(raid.id, max * 0.6 + dmg + 1);
    let r = await attackRaid(db(), { guildId: GUILD, playerId: 'x', rng: new Rng(11), now: T0 });
    expect(r).toMatchObject({ kind: 'hit', hpAfter: max * 0.6 + 1, phaseBefore: 1, phaseAfter: 1 });
    // Landing exactly on 60%: phase 2.
    dmg = await predictDamage('x', 0, 12);
    await setHp(raid.id, max * 0.6 + dmg);
    r = await attackRaid(db(), { guildId: GUILD, playerId: 'x', rng: new Rng(12), now: T0 });
    expect(r).toMatchObject({ kind: 'hit', hpAfter: max * 0.6, phaseBefore: 1, phaseAfter: 2 });
    // The next attack fights phase 2 (20% less damage) and sees no switch.
    await db().query('DELETE FROM daily_tickets');
    r = await attackRaid(db(), { guildId: GUILD, playerId: 'x', rng: new Rng(13), now: T0 });
    expect(r).toMatchObject({ kind: 'hit', phaseBefore: 2, phaseAfter: 2 });
    if (r.kind === 'hit') {
      expect(r.phase.number).toBe(2);
      expect(r.damage).toBe(Math.floor(r.total * 0.8 + 1e-9));
    }
    // Exactly 25%: phase 3.
    dmg = await predictDamage('x', 1, 14);
    await setHp(raid.id, max * 0.25 + dmg);
    r = await attackRaid(db(), { guildId: GUILD, playerId: 'x', rng: new Rng(14), now: T0 });
    expect(r).toMatchObject({ kind: 'hit', hpAfter: max * 0.25, phaseBefore: 2, phaseAfter: 3 });
  });

  it('the phase switch is seen by exactly one of many concurrent attacks', async () => {
    const raid = await startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    const players = Array.from({ length: 30 }, (_, i) => `q${i}`);
    for (const [i, p] of players.entries()) await playerWithTeam(db(), p, [6000 + (i % 20)]);
    await setHp(raid.id, raid.maxHp * 0.6 + 50_000);
    const results = await Promise.all(players.map((p, i) => attackRaid(db(), { guildId: GUILD, playerId: p, rng: new Rng(i), now: T0 })));
    const switches = results.filter((r) => r.kind === 'hit' && r.phaseAfter > r.phaseBefore);
    expect(switches).toHaveLength(1);
    expect((await getRaid(db(), raid.id))!.phase).toBe(2);
  });

  it('no battle team, or no tickets left: a clear message and nothing changed', async () => {
    const raid = await startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    await playerWithTeam(db(), 'empty', []);
    await expect(attackRaid(db(), { guildId: GUILD, playerId: 'empty', rng: new Rng(1), now: T0 })).rejects.toThrow(/no battle team/);
    await playerWithTeam(db(), 'y', [5000]);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => attackRaid(db(), { guildId: GUILD, playerId: 'y', rng: new Rng(i), now: T0 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    expect(refused[0]!.reason.message).toMatch(/no raid tickets left in this server today \(3 a day in each server\)/);
    const d = await db().query<{ attacks: number }>('SELECT attacks FROM raid_damage WHERE raid_id = $1 AND player_id = $2', [raid.id, 'y']);
    expect(d.rows[0]!.attacks).toBe(3);
    // Tickets come back at 00:00 UTC by the game clock.
    const tomorrow = new Date('2030-03-02T00:00:01Z');
    await expect(attackRaid(db(), { guildId: GUILD, playerId: 'y', rng: new Rng(9), now: tomorrow })).resolves.toMatchObject({ kind: 'hit', ticketsLeft: 2 });
  });

  it('a raid that times out while attacks arrive ends once with the reduced share; late attacks spend no ticket', async () => {
    const raid = await startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'gloomfang', hours: 1, startedBy: 'owner', now: T0 });
    const players = Array.from({ length: 40 }, (_, i) => `t${i}`);
    for (const [i, p] of players.entries()) await playerWithTeam(db(), p, [5000 + (i % 20)]);
    const before = new Date(raid.endsAt.getTime() - 1000);
    const after = new Date(raid.endsAt.getTime() + 1000);
    // Even players attack just before the end, odd ones just after: interleaved.
    const results = await Promise.allSettled(
      players.map((p, i) => attackRaid(db(), { guildId: GUILD, playerId: p, rng: new Rng(i), now: i % 2 ? after : before })),
    );
    const ok = results.filter((r): r is PromiseFulfilledResult<AttackResult> => r.status === 'fulfilled').map((r) => r.value);
    const expired = ok.filter((r) => r.kind === 'expired');
    const hits = ok.filter((r) => r.kind === 'hit');
    expect(expired.length).toBeGreaterThanOrEqual(1);
    expect(expired.filter((e) => e.kind === 'expired' && e.finish)).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason.message).toMatch(/No raid is running/);
    const end = (await getRaid(db(), raid.id))!;
    expect(end).toMatchObject({ active: false, endReason: 'timeout' });
    const tickets = await db().query<{ used: number }>("SELECT COALESCE(SUM(used), 0)::int AS used FROM daily_tickets WHERE kind = 'raid'");
    expect(tickets.rows[0]!.used).toBe(hits.length);
    // Paid once, at the timed-out factor.
    const participants = await db().query<{ player_id: string; damage: number }>(
      'SELECT player_id, damage FROM raid_damage WHERE raid_id = $1 ORDER BY damage DESC, first_attack_at, player_id',
      [raid.id],
    );
    const expected = computeRaidRewards(
      requireBossByKey('gloomfang').rewards,
      participants.rows.map((r) => ({ playerId: r.player_id, damage: Number(r.damage) })),
      { reason: 'timeout', lastHitPlayerId: null },
    );
    const total = await db().query<{ gems: number; n: number }>(
      "SELECT COALESCE(SUM(delta), 0)::bigint AS gems, count(*)::int AS n FROM ledger WHERE reason = 'raid_reward'",
    );
    expect(Number(total.rows[0]!.gems)).toBe(expected.reduce((s, l) => s + l.gems, 0));
    expect(total.rows[0]!.n).toBe(expected.filter((l) => l.gems > 0).length);
    expect(await ledgerMismatches(db())).toEqual([]);
  });

  it('one active raid per guild, even when two starts race', async () => {
    const results = await Promise.allSettled([
      startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'gloomfang', startedBy: 'o', now: T0 }),
      startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'seraphine', startedBy: 'o', now: T0 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(refused.reason.message).toMatch(/already running|just started/);
    await expect(startRaid(db(), { guildId: GUILD, channelId: 'c1', bossWord: 'nobody', startedBy: 'o', now: T0 })).rejects.toThrow(/no boss called `nobody`/);
    // Another guild is independent.
    await expect(startRaid(db(), { guildId: 'g2', channelId: 'c9', bossWord: 'null', startedBy: 'o', now: T0 })).resolves.toMatchObject({ guildId: 'g2' });
  });
});
