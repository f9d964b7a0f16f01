/**
 * Raids (SPEC §13): a boss shared by a guild, fought through the battle
 * engine, with phases at HP thresholds.
 *
 * Concurrency: an attack reads the raid, fights outside any transaction,
 * then writes in one statement that locks the raid row first (`FOR UPDATE`)
 * and re-checks that the boss is still in the phase whose mechanics it fought
 * (else it is fought again), so concurrent attacks — from any process — queue
 * on that row only for their short write. HP is taken by one conditional
 * UPDATE that never goes below zero and returns the HP and phase before and
 * after, so exactly one attack sees `hp_after = 0` (the last hit) and exactly
 * one sees each phase change (the one that announces it). Ending a raid is
 * `UPDATE … SET active = false WHERE active RETURNING`: whoever gets the row
 * pays the rewards, in the same transaction, so they are paid once however
 * many attacks, status checks or `!raid stop`s race. Inside a transaction only
 * the transaction handle is used (never the pool), so a full pool can't
 * deadlock a waiting attack.
 */

import { snapshotOfUnits } from '../battle/snapshot.js';
import { formatDuration, utcDay } from '../clock.js';
import { StaleRead, withFreshRead } from '../db/fresh.js';
import type { Db, Queryable } from '../db/index.js';
import { payMany } from '../economy.js';
import { UserError } from '../errors.js';
import type { ItemId } from '../items.js';
import type { Rng } from '../rng.js';
import { type BattleResult, type BattleUnit, runBattle } from '../skills/engine.js';
import { findSkill } from '../skills/registry.js';
import { BATTLE_TEAM_LATERAL, noBattleTeam, teamOfRows } from '../teams.js';
import { cmd, type Text, text } from '../text.js';
import type { Unit, UnitRow } from '../units.js';
import { findBoss, type ItemBundle, phaseForHp, phaseInfo, phaseThresholds, RAID_BOSSES, type RaidBoss, type RaidPhase, requireBossByKey } from './bosses.js';
import { computeRaidRewards, type RaidEndReason, type RewardLine } from './rewards.js';
import { TICKETS_PER_DAY, ticketsResetAt } from './tickets.js';

export interface Raid {
  id: number;
  guildId: string;
  channelId: string;
  boss: RaidBoss;
  maxHp: number;
  hp: number;
  /** Highest phase reached. */
  phase: number;
  active: boolean;
  startedBy: string;
  startedAt: Date;
  endsAt: Date;
  endedAt: Date | null;
  endReason: RaidEndReason | null;
  lastHitPlayerId: string | null;
}

interface RaidRow {
  id: number;
  guild_id: string;
  channel_id: string;
  boss_key: string;
  max_hp: number;
  hp: number;
  phase: number;
  active: boolean;
  started_by: string;
  started_at: Date;
  ends_at: Date;
  ended_at: Date | null;
  end_reason: RaidEndReason | null;
  last_hit_player: string | null;
}

const RAID_COLUMNS = 'id, guild_id, channel_id, boss_key, max_hp, hp, phase, active, started_by, started_at, ends_at, ended_at, end_reason, last_hit_player';

function toRaid(r: RaidRow): Raid {
  return {
    id: Number(r.id),
    guildId: r.guild_id,
    channelId: r.channel_id,
    boss: requireBossByKey(r.boss_key),
    maxHp: Number(r.max_hp),
    hp: Number(r.hp),
    phase: r.phase,
    active: r.active,
    startedBy: r.started_by,
    startedAt: new Date(r.started_at),
    endsAt: new Date(r.ends_at),
    endedAt: r.ended_at ? new Date(r.ended_at) : null,
    endReason: r.end_reason,
    lastHitPlayerId: r.last_hit_player,
  };
}

/** The phase the boss is in now (from HP; equals `raid.phase` once announced). */
export function currentPhase(raid: Pick<Raid, 'boss' | 'hp' | 'maxHp'>): RaidPhase {
  return phaseInfo(raid.boss, phaseForHp(raid.boss, raid.hp, raid.maxHp));
}

export async function activeRaid(db: Queryable, guildId: string): Promise<Raid | null> {
  const r = await db.query<RaidRow>(`SELECT ${RAID_COLUMNS} FROM raids WHERE guild_id = $1 AND active`, [guildId]);
  return r.rows[0] ? toRaid(r.rows[0]) : null;
}

export async function latestRaid(db: Queryable, guildId: string): Promise<Raid | null> {
  const r = await db.query<RaidRow>(`SELECT ${RAID_COLUMNS} FROM raids WHERE guild_id = $1 ORDER BY id DESC LIMIT 1`, [guildId]);
  return r.rows[0] ? toRaid(r.rows[0]) : null;
}

export async function getRaid(db: Queryable, raidId: number): Promise<Raid | null> {
  const r = await db.query<RaidRow>(`SELECT ${RAID_COLUMNS} FROM raids WHERE id = $1`, [raidId]);
  return r.rows[0] ? toRaid(r.rows[0]) : null;
}

export const MAX_RAID_HOURS = 168;

/** Spawns a boss in a guild. One active raid per guild (the partial unique index decides). */
export async function startRaid(
  db: Queryable,
  input: { guildId: string; channelId: string; bossWord: string; hours?: number; startedBy: string; now: Date },
): Promise<Raid> {
  const boss = findBoss(input.bossWord);
  if (!boss) throw new UserError(`There is no boss called \`${input.bossWord.slice(0, 30)}\`. Bosses: ${bossList()}.`);
  const hours = input.hours ?? boss.durationHours;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_RAID_HOURS) throw new UserError(`A raid lasts 1 to ${MAX_RAID_HOURS} hours.`);
  const endsAt = new Date(input.now.getTime() + hours * 3_600_000);
  const r = await db.query<RaidRow>(
    `INSERT INTO raids (guild_id, channel_id, boss_key, max_hp, hp, started_by, started_at, ends_at)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7)
     ON CONFLICT (guild_id) WHERE active DO NOTHING
     RETURNING ${RAID_COLUMNS}`,
    [input.guildId, input.channelId, boss.key, boss.maxHp, input.startedBy, input.now, endsAt],
  );
  const row = r.rows[0];
  if (!row) {
    const running = await activeRaid(db, input.guildId);
    throw new UserError(
      running
        ? `A raid is already running in this server: **${running.boss.name}** (${running.hp.toLocaleString('en-US')} HP left). Stop it first with \`raid stop\`.`
        : 'A raid was just started in this server by someone else.',
    );
  }
  return toRaid(row);
}

export function bossList(): string {
  return RAID_BOSSES.map((b) => `\`${b.key}\``).join(', ');
}

// ---- ending and rewards ------------------------------------------------------

export interface PaidLine extends RewardLine {
  username: string;
}

export interface FinishResult {
  raid: Raid;
  reason: RaidEndReason;
  totalDamage: number;
  lines: PaidLine[];
  mvpPlayerId: string | null;
  lastHitPlayerId: string | null;
}

/**
 * Ends a raid and pays its rewards, once: only the caller whose conditional
 * update flips `active` gets a result; everyone else gets null.
 */
export async function finishRaid(db: Db, raidId: number, reason: RaidEndReason, now: Date): Promise<FinishResult | null> {
  return db.transaction(async (tx) => {
    const r = await tx.query<RaidRow>(`UPDATE raids SET active = FALSE, ended_at = $2, end_reason = $3 WHERE id = $1 AND active RETURNING ${RAID_COLUMNS}`, [
      raidId,
      now,
      reason,
    ]);
    const row = r.rows[0];
    if (!row) return null;
    const raid = toRaid(row);
    const parts = await tx.query<{ player_id: string; username: string; damage: number }>(
      `SELECT d.player_id, p.username, d.damage FROM raid_damage d JOIN players p ON p.id = d.player_id
        WHERE d.raid_id = $1 ORDER BY d.damage DESC, d.first_attack_at, d.player_id`,
      [raidId],
    );
    const names = new Map(parts.rows.map((p) => [p.player_id, p.username]));
    const lines = computeRaidRewards(
      raid.boss.rewards,
      parts.rows.map((p) => ({ playerId: p.player_id, damage: Number(p.damage) })),
      { reason, lastHitPlayerId: raid.lastHitPlayerId },
    );
    if (lines.length) {
      const ids = lines.map((l) => l.playerId);
      // Lock the winners' rows in one order, so a concurrent payout to an overlapping set can't deadlock with this one.
      await tx.query('SELECT 1 FROM players WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
      await payMany(
        tx,
        lines.map((l) => ({ playerId: l.playerId, gems: l.gems })),
        'raid_reward',
        `raid:${raid.id}`,
      );
      await grantItemsMany(
        tx,
        lines.flatMap((l) => (Object.entries(l.items) as [ItemId, number][]).map(([item, qty]) => ({ playerId: l.playerId, item, qty }))),
      );
      await tx.query(
        `INSERT INTO raid_rewards (raid_id, player_id, damage, gems, items, roles)
         SELECT $1, v.player_id, v.damage, v.gems, v.items::jsonb, string_to_array(v.roles, ',')
           FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[]) AS v(player_id, damage, gems, items, roles)`,
        [raid.id, ids, lines.map((l) => l.damage), lines.map((l) => l.gems), lines.map((l) => JSON.stringify(l.items)), lines.map((l) => l.roles.join(','))],
      );
    }
    const mvp = lines.find((l) => l.roles.includes('mvp'));
    return {
      raid,
      reason,
      totalDamage: lines.reduce((s, l) => s + l.damage, 0),
      lines: lines.map((l) => ({ ...l, username: names.get(l.playerId) || l.playerId })),
      mvpPlayerId: mvp?.playerId ?? null,
      lastHitPlayerId: reason === 'defeated' ? raid.lastHitPlayerId : null,
    };
  });
}

/** Adds items to many players in one statement. */
async function grantItemsMany(db: Queryable, grants: Array<{ playerId: string; item: ItemId; qty: number }>): Promise<void> {
  const g = grants.filter((x) => x.qty > 0);
  if (g.length === 0) return;
  await db.query(
    `INSERT INTO player_items AS pi (player_id, item_id, quantity)
     SELECT player_id, item_id, sum(qty)::int FROM unnest($1::text[], $2::text[], $3::int[]) AS v(player_id, item_id, qty)
      GROUP BY player_id, item_id
     ON CONFLICT (player_id, item_id) DO UPDATE SET quantity = pi.quantity + EXCLUDED.quantity`,
    [g.map((x) => x.playerId), g.map((x) => x.item), g.map((x) => x.qty)],
  );
}

/** Guilds whose running raid is past its end time (the background sweep settles them). */
export async function expiredRaids(db: Queryable, now: Date): Promise<Array<{ guildId: string; channelId: string; endsAt: Date }>> {
  const r = await db.query<{ guild_id: string; channel_id: string; ends_at: Date }>(
    'SELECT guild_id, channel_id, ends_at FROM raids WHERE active AND ends_at <= $1',
    [now],
  );
  return r.rows.map((x) => ({ guildId: x.guild_id, channelId: x.channel_id, endsAt: new Date(x.ends_at) }));
}

/** Ends the guild's raid if its time is up (every raid command calls this first). */
export async function settleExpiredRaid(db: Db, guildId: string, now: Date): Promise<FinishResult | null> {
  const r = await db.query<{ id: number }>('SELECT id FROM raids WHERE guild_id = $1 AND active AND ends_at <= $2', [guildId, now]);
  const id = r.rows[0]?.id;
  return id === undefined ? null : finishRaid(db, Number(id), 'timeout', now);
}

/** `!raid stop`: ends the running raid; participants get the timed-out (reduced) rewards. */
export async function stopRaid(db: Db, guildId: string, now: Date): Promise<FinishResult> {
  const raid = await activeRaid(db, guildId);
  if (!raid) throw new UserError('No raid is running in this server.');
  const done = await finishRaid(db, raid.id, 'stopped', now);
  if (!done) throw new UserError('That raid has just ended.');
  return done;
}

// ---- attacks -----------------------------------------------------------------

export interface SuppressedSkill {
  unitName: string;
  skill: string;
}

export interface HitResult {
  kind: 'hit';
  raid: Raid;
  /** The phase the attack fought (its mechanics applied). */
  phase: RaidPhase;
  /** The battle team as owned (for cards). */
  team: Unit[];
  /** The team as it fought (after suppression). */
  attackers: BattleUnit[];
  suppressed: SuppressedSkill[];
  battle: BattleResult;
  /** The team's final total in the battle. */
  total: number;
  /** After the phase's damage reduction. */
  damage: number;
  /** HP actually taken (damage capped at what was left). */
  applied: number;
  hpBefore: number;
  hpAfter: number;
  phaseBefore: number;
  phaseAfter: number;
  lastHit: boolean;
  ticketsLeft: number;
  finish: FinishResult | null;
}

export interface ExpiredResult {
  kind: 'expired';
  raid: Raid;
  finish: FinishResult | null;
}

export type AttackResult = HitResult | ExpiredResult;

/** Removes one random battle skill from each unit (phase mechanic); units without one are untouched. */
export function suppressOneSkillEach(units: readonly BattleUnit[], rng: Rng): { units: BattleUnit[]; suppressed: SuppressedSkill[] } {
  const suppressed: SuppressedSkill[] = [];
  const out = units.map((u) => {
    const battleSkills = [...new Set(u.skills)].filter((s) => findSkill(s)?.appliesIn === 'b');
    if (battleSkills.length === 0) return u;
    const skill = rng.pick(battleSkills);
    suppressed.push({ unitName: u.name, skill });
    return { ...u, skills: u.skills.filter((s) => s !== skill) };
  });
  return { units: out, suppressed };
}

export function noRaidMessage(): Text {
  return text`No raid is running in this server. An owner can start one with ${cmd('raid', 'start <boss>')} (bosses: ${bossList()}).`;
}

/** $1 guild, $2 player, $3 today: the running raid, the team and today's tickets in this server — one round trip. */
const ATTACK_READ_SQL = `
SELECT r.id AS raid_id, r.guild_id, r.channel_id, r.boss_key, r.max_hp, r.hp, r.phase, r.active, r.started_by, r.started_at,
       r.ends_at, r.ended_at, r.end_reason, r.last_hit_player, p.battle_team,
       (SELECT used FROM daily_tickets WHERE player_id = me.id AND kind = 'raid' AND scope = $1 AND day = $3::date) AS tickets_used,
       bt.*
  FROM (SELECT $2::text AS id) me
  LEFT JOIN raids r ON r.guild_id = $1 AND r.active
  LEFT JOIN players p ON p.id = me.id
  ${BATTLE_TEAM_LATERAL}`;

/**
 * An attack's write, one statement in a short transaction. The hit is one
 * conditional UPDATE that never takes HP below zero and returns the HP and
 * phase before and after, so exactly one attack sees \`hp_after = 0\` (the
 * last hit) and exactly one sees each phase change. It re-checks what the
 * read assumed: the raid still running and in time, the boss still in the
 * phase whose mechanics were fought ($5), the team unchanged ($7). The raid
 * row is locked first (\`prev\`), then the player's ticket row in that raid's server, the same
 * order for every attack. If the hit landed but the day's tickets were used
 * up since the read, the caller rolls back.
 * $1 raid, $2 damage, $3 phase thresholds, $4 player, $5 phase fought,
 * $6 now, $7 team, $8 today, $9 total, $10 seed.
 */
const ATTACK_WRITE_SQL = `
WITH me AS (
  SELECT id FROM players WHERE id = $4 AND battle_team = $7::bigint[]
), prev AS (
  SELECT id, hp, phase FROM raids WHERE id = $1 FOR UPDATE
), hit AS (
  UPDATE raids r SET
         hp = GREATEST(r.hp - $2::bigint, 0),
         phase = GREATEST(r.phase, 1 + (SELECT count(*)::int FROM unnest($3::int[]) AS t(pct)
                                          WHERE GREATEST(r.hp - $2::bigint, 0) * 100 <= r.max_hp * t.pct)),
         last_hit_player = CASE WHEN r.hp - $2::bigint <= 0 THEN $4 ELSE r.last_hit_player END
    FROM prev
   WHERE r.id = prev.id AND r.active AND r.hp > 0 AND r.ends_at > $6 AND EXISTS (SELECT 1 FROM me)
     AND 1 + (SELECT count(*)::int FROM unnest($3::int[]) AS t(pct) WHERE r.hp * 100 <= r.max_hp * t.pct) = $5
  RETURNING prev.hp AS hp_before, r.hp AS hp_after, prev.phase AS phase_before, r.phase AS phase_after, r.guild_id
), ticket AS (
  INSERT INTO daily_tickets AS t (player_id, kind, scope, day, used) SELECT $4, 'raid', hit.guild_id, $8::date, 1 FROM hit
  ON CONFLICT (player_id, kind, scope, day) DO UPDATE SET used = t.used + 1 WHERE t.used < ${TICKETS_PER_DAY.raid}
  RETURNING used
), dmg AS (
  INSERT INTO raid_damage AS d (raid_id, player_id, damage, attacks, first_attack_at, last_attack_at)
  SELECT $1, $4, hp_before - hp_after, 1, $6, $6 FROM hit
  ON CONFLICT (raid_id, player_id) DO UPDATE SET damage = d.damage + EXCLUDED.damage, attacks = d.attacks + 1, last_attack_at = EXCLUDED.last_attack_at
), rec AS (
  INSERT INTO raid_attacks (raid_id, player_id, phase, seed, total, damage, last_hit, at)
  SELECT $1, $4, $5, $10, $9, hp_before - hp_after, hp_after = 0, $6 FROM hit
)
SELECT (SELECT count(*) FROM me)::int AS team_ok, (SELECT used FROM ticket) AS used, hit.*
  FROM (SELECT 1) AS one LEFT JOIN hit ON TRUE`;

interface AttackWriteRow {
  team_ok: number;
  used: number | null;
  hp_before: number | null;
  hp_after: number | null;
  phase_before: number | null;
  phase_after: number | null;
}

/**
 * `!raid attack`: spends a raid ticket and hits the boss with the battle team.
 * Throws a UserError (and changes nothing) when there is no raid, no team or
 * no ticket left.
 *
 * Read (raid, team, tickets), fight outside any transaction, then one write
 * statement in a short transaction (ATTACK_WRITE_SQL): four round trips, and
 * the raid row — which every attacker of the guild needs — is locked only
 * for that statement and the COMMIT, not for a battle. If the write finds the
 * read out of date (a phase changed, the boss fell, the team changed), it
 * changes nothing and the attack is fought again from a fresh read. The last
 * hit pays the rewards in its own transaction (finishRaid), once.
 */
export async function attackRaid(db: Db, input: { guildId: string; playerId: string; rng: Rng; now: Date }): Promise<AttackResult> {
  const { guildId, playerId, rng, now } = input;
  const today = utcDay(now);
  const noTickets = () =>
    new UserError(
      `You have no raid tickets left in this server today (${TICKETS_PER_DAY.raid} a day in each server). They come back in ${formatDuration(ticketsResetAt(now).getTime() - now.getTime())} (00:00 UTC).`,
    );
  return withFreshRead(async (): Promise<AttackResult> => {
    const read = await db.query<Omit<RaidRow, 'id'> & { raid_id: number | null; battle_team: number[] | null; tickets_used: number | null } & Partial<UnitRow>>(
      ATTACK_READ_SQL,
      [guildId, playerId, today],
    );
    const head = read.rows[0]!;
    if (head.raid_id === null) throw new UserError(noRaidMessage());
    const raid = toRaid({ ...head, id: head.raid_id });
    // Time ran out before this attack: no ticket is spent; the raid ends here (once: finishRaid's conditional update decides).
    if (raid.endsAt.getTime() <= now.getTime()) return { kind: 'expired', raid, finish: await finishRaid(db, raid.id, 'timeout', now) };
    const team = teamOfRows(read.rows);
    if (team.length === 0) throw noBattleTeam();
    if ((head.tickets_used ?? 0) >= TICKETS_PER_DAY.raid) throw noTickets();

    const phase = currentPhase(raid);
    let attackers: BattleUnit[] = snapshotOfUnits(team);
    let suppressed: SuppressedSkill[] = [];
    if (phase.mechanics.suppressOneSkill) ({ units: attackers, suppressed } = suppressOneSkillEach(attackers, rng));
    const seed = rng.nextUint32();
    const battle = runBattle(attackers, phase.defenders, {
      seed,
      variance: phase.mechanics.attackerVariance ? { attacker: phase.mechanics.attackerVariance } : undefined,
    });
    const total = battle.totals.attacker;
    // The 1e-9 keeps float noise (x × 0.8) from costing a point.
    const damage = Math.max(0, Math.floor(total * phase.mechanics.damageTaken + 1e-9));

    return db.transaction(async (tx): Promise<AttackResult> => {
      const w = await tx.query<AttackWriteRow>(ATTACK_WRITE_SQL, [
        raid.id,
        damage,
        phaseThresholds(raid.boss),
        playerId,
        phase.number,
        now,
        head.battle_team,
        today,
        total,
        seed,
      ]);
      const hit = w.rows[0]!;
      if (hit.hp_before === null) throw new StaleRead(`raid ${raid.id} attack (team ${hit.team_ok ? 'unchanged' : 'changed'})`);
      if (hit.used === null) throw noTickets(); // used up since the read: the hit rolls back
      const hpBefore = Number(hit.hp_before);
      const hpAfter = Number(hit.hp_after);
      const applied = hpBefore - hpAfter;
      const lastHit = hpAfter === 0;
      const finish = lastHit ? await finishRaid(tx, raid.id, 'defeated', now) : null;
      const after: Raid = { ...raid, hp: hpAfter, phase: hit.phase_after!, active: !lastHit, lastHitPlayerId: lastHit ? playerId : raid.lastHitPlayerId };
      return {
        kind: 'hit',
        raid: finish ? finish.raid : after,
        phase,
        team,
        attackers,
        suppressed,
        battle,
        total,
        damage,
        applied,
        hpBefore,
        hpAfter,
        phaseBefore: hit.phase_before!,
        phaseAfter: hit.phase_after!,
        lastHit,
        ticketsLeft: TICKETS_PER_DAY.raid - hit.used,
        finish,
      } satisfies HitResult;
    });
  });
}

// ---- boards ------------------------------------------------------------------

export interface BoardEntry {
  playerId: string;
  username: string;
  damage: number;
  attacks: number;
}

export async function damageBoard(db: Queryable, raidId: number, limit = 1000): Promise<BoardEntry[]> {
  const r = await db.query<{ player_id: string; username: string; damage: number; attacks: number }>(
    `SELECT d.player_id, p.username, d.damage, d.attacks FROM raid_damage d JOIN players p ON p.id = d.player_id
      WHERE d.raid_id = $1 ORDER BY d.damage DESC, d.first_attack_at, d.player_id LIMIT $2`,
    [raidId, limit],
  );
  return r.rows.map((x) => ({ playerId: x.player_id, username: x.username || x.player_id, damage: Number(x.damage), attacks: x.attacks }));
}

export interface PaidReward {
  playerId: string;
  damage: number;
  gems: number;
  items: ItemBundle;
  roles: string[];
}

/** What a finished raid paid (for the board after the end). */
export async function raidRewards(db: Queryable, raidId: number): Promise<PaidReward[]> {
  const r = await db.query<{ player_id: string; damage: number; gems: number; items: ItemBundle; roles: string[] }>(
    'SELECT player_id, damage, gems, items, roles FROM raid_rewards WHERE raid_id = $1 ORDER BY damage DESC, player_id',
    [raidId],
  );
  return r.rows.map((x) => ({ playerId: x.player_id, damage: Number(x.damage), gems: Number(x.gems), items: x.items, roles: x.roles }));
}
