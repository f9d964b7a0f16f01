/**
 * Story mode rules (SPEC §19): stage gating, enemy teams by rule, stars by
 * margin of victory, a first-clear reward paid once and repeat rewards at most
 * five a day — every payment through the ledger, in one short write after
 * the battle (see playStage).
 */

import { type SnapshotUnit, snapshotOfUnits } from '../battle/snapshot.js';
import { utcDay } from '../clock.js';
import { StaleRead, withFreshRead } from '../db/fresh.js';
import type { Db, Queryable } from '../db/index.js';
import { balanceChangeCtes } from '../economy.js';
import { UserError } from '../errors.js';
import type { ItemId } from '../items.js';
import { basePower, npcFavourites } from '../power.js';
import { Rng } from '../rng.js';
import { type BattleResult, runBattle } from '../skills/engine.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../skills/registry.js';
import { BATTLE_TEAM_LATERAL, noBattleTeam, teamOfRows } from '../teams.js';
import { cmd, text } from '../text.js';
import type { UnitRow } from '../units.js';
import { STORY } from './content.js';
import { type StoryChapter, type StoryReward, type StoryStage, validateStory } from './schema.js';

export const REPEAT_REWARDS_PER_DAY = 5;
export const STAR_MARGINS = { two: 0.1, three: 0.25 } as const;

/** The validated content; throws a BootError at first use (cog setup) when it is bad. */
let chapters: StoryChapter[] | undefined;
export function storyChapters(): StoryChapter[] {
  chapters ??= validateStory(STORY);
  return chapters;
}

export function findStage(chapter: number, stage: number): StoryStage | undefined {
  const ch = storyChapters().find((c) => c.chapter === chapter);
  const s = ch?.stages[stage - 1];
  return s ? { ...s, chapter, stage } : undefined;
}

/** Ids for story enemies: stable per stage and slot, away from AniList's and the generated catalog's. */
const STORY_ENEMY_ID_BASE = 8_000_000;

/** The stage's enemy team: the same every time (seeded by the stage), powers by the §7 rule × scale. */
export function stageEnemies(s: StoryStage): SnapshotUnit[] {
  const rng = Rng.fromString(`story:${s.chapter}-${s.stage}`);
  const units: SnapshotUnit[] = [];
  const { enemies } = s;
  const make = (name: string, rarity: 'R' | 'SR' | 'SSR', ranks: [number, number], skills: string[], mult: number): SnapshotUnit => {
    const rank = rng.int(ranks[0], ranks[1]);
    const power = Math.floor(basePower(npcFavourites(rank), rarity) * enemies.scale * mult);
    return {
      name,
      characterId: STORY_ENEMY_ID_BASE + s.chapter * 100 + s.stage * 10 + units.length,
      power,
      skills,
      rarity,
      imageUrl: null,
      unitId: null,
      dupeLevel: 0,
    };
  };
  if (enemies.boss) units.push(make(enemies.boss.name, enemies.boss.rarity, enemies.boss.ranks, enemies.boss.skills, enemies.boss.powerMultiplier));
  let i = 0;
  for (const g of enemies.units) {
    for (let k = 0; k < g.count; k++, i++) units.push(make(enemies.names[i % enemies.names.length]!, g.rarity, g.ranks, g.skills ?? [], 1));
  }
  return units;
}

/** What the stage list shows: the enemy total rounded up, plus 10% headroom. */
export function recommendedPower(s: StoryStage): number {
  const total = stageEnemies(s).reduce((n, u) => n + u.power, 0);
  return Math.ceil((total * 1.1) / 500) * 500;
}

/** 0 for anything but a win; then 1★, 2★ at a ≥ 10% margin, 3★ at ≥ 25% (margin over the enemy total). */
export function starsFor(result: Pick<BattleResult, 'outcome' | 'totals'>): 0 | 1 | 2 | 3 {
  if (result.outcome !== 'WIN') return 0;
  const def = result.totals.defender;
  const margin = def > 0 ? (result.totals.attacker - def) / def : Infinity;
  if (margin >= STAR_MARGINS.three) return 3;
  if (margin >= STAR_MARGINS.two) return 2;
  return 1;
}

export interface StageProgress {
  chapter: number;
  stage: number;
  bestStars: number;
  clears: number;
}

export async function storyProgress(db: Queryable, playerId: string): Promise<Map<string, StageProgress>> {
  const r = await db.query<{ chapter: number; stage: number; best_stars: number; clears: number }>(
    'SELECT chapter, stage, best_stars, clears FROM story_progress WHERE player_id = $1',
    [playerId],
  );
  return new Map(r.rows.map((x) => [`${x.chapter}-${x.stage}`, { chapter: x.chapter, stage: x.stage, bestStars: x.best_stars, clears: x.clears }]));
}

/** The stage before this one in play order, or null for 1-1. */
function previousStage(chapter: number, stage: number): { chapter: number; stage: number } | null {
  if (stage > 1) return { chapter, stage: stage - 1 };
  if (chapter > 1) return { chapter: chapter - 1, stage: 5 };
  return null;
}

/** The first stage not yet cleared, in play order (null when everything is cleared). */
export function nextStage(progress: Map<string, StageProgress>): { chapter: number; stage: number } | null {
  for (const ch of storyChapters())
    for (let s = 1; s <= ch.stages.length; s++) if (!progress.has(`${ch.chapter}-${s}`)) return { chapter: ch.chapter, stage: s };
  return null;
}

export function isOpen(progress: Map<string, StageProgress>, chapter: number, stage: number): boolean {
  const prev = previousStage(chapter, stage);
  return prev === null || progress.has(`${prev.chapter}-${prev.stage}`);
}

export interface StageResult {
  stage: StoryStage;
  attacker: SnapshotUnit[];
  defender: SnapshotUnit[];
  result: BattleResult;
  stars: 0 | 1 | 2 | 3;
  bestStars: number;
  firstClear: boolean;
  /** The reward paid by this fight (first clear or repeat), or null. */
  paid: StoryReward | null;
  /** Repeat rewards already used today (after this fight). */
  repeatsToday: number;
}

/** Royalty on a winning team pays ×1.5 gems and coins (SPEC §6); items are unchanged. */
export function withRoyalty(reward: StoryReward, royalty: boolean): StoryReward {
  if (!royalty) return reward;
  return {
    ...reward,
    gems: reward.gems ? Math.floor(reward.gems * ROYALTY_REWARD_MULTIPLIER) : reward.gems,
    coins: reward.coins ? Math.floor(reward.coins * ROYALTY_REWARD_MULTIPLIER) : reward.coins,
  };
}

interface StoryReadRow {
  battle_team: number[] | null;
  open: boolean;
  best_stars: number | null;
  repeats_today: number | null;
}

/**
 * Everything a fight needs, in one round trip: the battle team (units with
 * effective power), whether the stage is open, the stage's best stars and
 * today's repeat rewards. $1 player, $2/$3 the stage, $4/$5 the stage before
 * it (null for 1-1), $6 today.
 */
const STAGE_READ_SQL = `
SELECT p.battle_team,
       ($4::int IS NULL OR EXISTS (SELECT 1 FROM story_progress WHERE player_id = me.id AND chapter = $4 AND stage = $5)) AS open,
       (SELECT best_stars FROM story_progress WHERE player_id = me.id AND chapter = $2 AND stage = $3) AS best_stars,
       (SELECT repeat_rewards FROM story_daily WHERE player_id = me.id AND day = $6::date) AS repeats_today,
       bt.*
  FROM (SELECT $1::text AS id) me
  LEFT JOIN players p ON p.id = me.id
  ${BATTLE_TEAM_LATERAL}`;

/**
 * A won fight's write, one statement (so one implicit transaction; nothing
 * else runs in between). It re-checks what the read assumed: the battle team
 * is still the one that fought ($7), and the first clear is decided by the
 * primary key, the daily repeat count by a conditional upsert — so
 * concurrent fights from any process pay the first clear once and never more
 * than five repeats a day. The reward (first or repeat, Royalty applied in
 * JS) is paid through the ledger builder and items in the same statement.
 * $1 player, $2 chapter, $3 stage, $4 stars, $5 now, $6 today, $7 team,
 * $8-$11 first-clear gems, coins, item ids, quantities; $12-$15 the repeat's.
 */
const STAGE_WRITE_SQL = `
WITH me AS (
  SELECT id FROM players WHERE id = $1 AND battle_team = $7::bigint[]
), first AS (
  INSERT INTO story_progress (player_id, chapter, stage, best_stars, clears, first_cleared_at)
  SELECT id, $2, $3, $4, 1, $5 FROM me
  ON CONFLICT DO NOTHING RETURNING 1
), again AS (
  UPDATE story_progress SET best_stars = GREATEST(best_stars, $4), clears = clears + 1
   WHERE player_id = (SELECT id FROM me) AND chapter = $2 AND stage = $3 AND NOT EXISTS (SELECT 1 FROM first)
  RETURNING best_stars
), counted AS (
  INSERT INTO story_daily (player_id, day, repeat_rewards) SELECT $1, $6::date, 1 FROM again
  ON CONFLICT (player_id, day) DO UPDATE SET repeat_rewards = story_daily.repeat_rewards + 1
   WHERE story_daily.repeat_rewards < ${REPEAT_REWARDS_PER_DAY}
  RETURNING repeat_rewards
), paid AS (
  SELECT CASE WHEN EXISTS (SELECT 1 FROM first) THEN 'first' WHEN EXISTS (SELECT 1 FROM counted) THEN 'repeat' END AS kind
), ${balanceChangeCtes({
  name: 'pay',
  playerId: '$1',
  gems: "CASE (SELECT kind FROM paid) WHEN 'first' THEN $8::bigint ELSE $12::bigint END",
  coins: "CASE (SELECT kind FROM paid) WHEN 'first' THEN $9::bigint ELSE $13::bigint END",
  reason: "CASE (SELECT kind FROM paid) WHEN 'first' THEN 'story first clear' ELSE 'story repeat clear' END",
  ref: "'story:' || $2 || '-' || $3",
  alsoWhere: '(SELECT kind FROM paid) IS NOT NULL',
})}, items AS (
  INSERT INTO player_items AS pi (player_id, item_id, quantity)
  SELECT $1, i.item, i.qty
    FROM paid, unnest(CASE paid.kind WHEN 'first' THEN $10::text[] ELSE $14::text[] END,
                      CASE paid.kind WHEN 'first' THEN $11::int[] ELSE $15::int[] END) AS i (item, qty)
   WHERE paid.kind IS NOT NULL AND i.qty > 0
  ON CONFLICT (player_id, item_id) DO UPDATE SET quantity = pi.quantity + EXCLUDED.quantity
)
SELECT (SELECT count(*) FROM me)::int AS team_ok, (SELECT kind FROM paid) AS paid,
       (SELECT best_stars FROM again) AS best_stars, (SELECT repeat_rewards FROM counted) AS repeats`;

export async function playStage(db: Db, input: { playerId: string; chapter: number; stage: number; seed: number; now: Date }): Promise<StageResult> {
  const s = findStage(input.chapter, input.stage);
  if (!s) {
    const count = storyChapters().length;
    throw new UserError(
      text`There is no stage ${input.chapter}-${input.stage}. Chapters run from 1 to ${count}, each with stages 1 to 5 — try ${cmd('story')}.`,
    );
  }
  const prev = previousStage(s.chapter, s.stage);
  const today = utcDay(input.now);
  return withFreshRead(async () => {
    const read = await db.query<StoryReadRow & Partial<UnitRow> & { team_slot: number | null }>(STAGE_READ_SQL, [
      input.playerId,
      s.chapter,
      s.stage,
      prev?.chapter ?? null,
      prev?.stage ?? null,
      today,
    ]);
    const head = read.rows[0]!;
    if (!head.open) throw new UserError(`Stage ${s.chapter}-${s.stage} is locked — clear ${prev!.chapter}-${prev!.stage} first.`);
    const team = teamOfRows(read.rows);
    if (team.length === 0) throw noBattleTeam();

    const attacker = snapshotOfUnits(team);
    const defender = stageEnemies(s);
    const result = runBattle(attacker, defender, { seed: input.seed });
    const stars = starsFor(result);
    const base = { stage: s, attacker, defender, result, stars };
    if (stars === 0) return { ...base, bestStars: head.best_stars ?? 0, firstClear: false, paid: null, repeatsToday: head.repeats_today ?? 0 };

    const royalty = result.royalty.attacker;
    const first = withRoyalty(s.firstClear, royalty);
    const repeat = withRoyalty(s.repeat, royalty);
    const itemsOf = (r: StoryReward) => Object.entries(r.items ?? {}).filter(([, q]) => q) as [ItemId, number][];
    const w = await db.query<{ team_ok: number; paid: 'first' | 'repeat' | null; best_stars: number | null; repeats: number | null }>(STAGE_WRITE_SQL, [
      input.playerId,
      s.chapter,
      s.stage,
      stars,
      input.now,
      today,
      head.battle_team,
      first.gems ?? 0,
      first.coins ?? 0,
      itemsOf(first).map(([id]) => id),
      itemsOf(first).map(([, q]) => q),
      repeat.gems ?? 0,
      repeat.coins ?? 0,
      itemsOf(repeat).map(([id]) => id),
      itemsOf(repeat).map(([, q]) => q),
    ]);
    const out = w.rows[0]!;
    if (out.paid === 'first') return { ...base, bestStars: stars, firstClear: true, paid: first, repeatsToday: head.repeats_today ?? 0 };
    if (out.best_stars !== null) {
      const paid = out.paid === 'repeat' ? repeat : null;
      return { ...base, bestStars: out.best_stars, firstClear: false, paid, repeatsToday: out.repeats ?? REPEAT_REWARDS_PER_DAY };
    }
    // Nothing was written: the team changed since the read, or another process's first clear of
    // this stage committed after this statement's snapshot. Fight again from a fresh read.
    throw new StaleRead(`story ${s.chapter}-${s.stage} (team ${out.team_ok ? 'unchanged' : 'changed'})`);
  });
}
