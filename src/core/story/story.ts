/**
 * Story mode rules (SPEC §19): stage gating, enemy teams by rule, stars by
 * margin of victory, a first-clear reward paid once and repeat rewards at most
 * five a day — every payment through the ledger in the battle's transaction.
 */

import { type SnapshotUnit, snapshotOfUnits } from '../battle/snapshot.js';
import { utcDay } from '../clock.js';
import type { Db, Queryable } from '../db/index.js';
import { changeBalance } from '../economy.js';
import { UserError } from '../errors.js';
import { changeItems, type ItemId } from '../items.js';
import { basePower, npcFavourites } from '../power.js';
import { Rng } from '../rng.js';
import { type BattleResult, runBattle } from '../skills/engine.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../skills/registry.js';
import { requireBattleTeam } from '../teams.js';
import { cmd, text } from '../text.js';
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

async function payReward(tx: Db, playerId: string, reward: StoryReward, reason: string, ref: string): Promise<void> {
  if (reward.gems || reward.coins) await changeBalance(tx, playerId, { gems: reward.gems ?? 0, coins: reward.coins ?? 0 }, reason, ref);
  for (const [item, qty] of Object.entries(reward.items ?? {})) if (qty) await changeItems(tx, playerId, item as ItemId, qty);
}

/**
 * Fights a stage with the player's battle team. Gating, the battle and the
 * payment happen in one transaction; the first-clear insert is guarded by the
 * primary key, and the repeat count by a conditional upsert, so concurrent
 * commands pay the first clear once and never more than five repeats a day.
 */
export async function playStage(db: Db, input: { playerId: string; chapter: number; stage: number; seed: number; now: Date }): Promise<StageResult> {
  const s = findStage(input.chapter, input.stage);
  if (!s) {
    const count = storyChapters().length;
    throw new UserError(
      text`There is no stage ${input.chapter}-${input.stage}. Chapters run from 1 to ${count}, each with stages 1 to 5 — try ${cmd('story')}.`,
    );
  }
  return db.transaction(async (tx) => {
    const progress = await storyProgress(tx, input.playerId);
    if (!isOpen(progress, s.chapter, s.stage)) {
      const prev = previousStage(s.chapter, s.stage)!;
      throw new UserError(`Stage ${s.chapter}-${s.stage} is locked — clear ${prev.chapter}-${prev.stage} first.`);
    }
    const attacker = snapshotOfUnits(await requireBattleTeam(tx, input.playerId));
    const defender = stageEnemies(s);
    const result = runBattle(attacker, defender, { seed: input.seed });
    const stars = starsFor(result);
    const ref = `story:${s.chapter}-${s.stage}`;
    const base = { stage: s, attacker, defender, result, stars };
    const today = utcDay(input.now);
    const usedToday = async () =>
      (await tx.query<{ n: number }>('SELECT repeat_rewards AS n FROM story_daily WHERE player_id = $1 AND day = $2::date', [input.playerId, today])).rows[0]
        ?.n ?? 0;
    if (stars === 0) {
      const prev = progress.get(`${s.chapter}-${s.stage}`);
      return { ...base, bestStars: prev?.bestStars ?? 0, firstClear: false, paid: null, repeatsToday: await usedToday() };
    }
    const inserted = await tx.query(
      `INSERT INTO story_progress (player_id, chapter, stage, best_stars, clears, first_cleared_at)
       VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [input.playerId, s.chapter, s.stage, stars, input.now],
    );
    const royalty = result.royalty.attacker;
    if (inserted.rowCount === 1) {
      const paid = withRoyalty(s.firstClear, royalty);
      await payReward(tx, input.playerId, paid, 'story first clear', ref);
      return { ...base, bestStars: stars, firstClear: true, paid, repeatsToday: await usedToday() };
    }
    const upd = await tx.query<{ best_stars: number }>(
      `UPDATE story_progress SET best_stars = GREATEST(best_stars, $4), clears = clears + 1
        WHERE player_id = $1 AND chapter = $2 AND stage = $3 RETURNING best_stars`,
      [input.playerId, s.chapter, s.stage, stars],
    );
    const counted = await tx.query<{ n: number }>(
      `INSERT INTO story_daily (player_id, day, repeat_rewards) VALUES ($1, $2::date, 1)
       ON CONFLICT (player_id, day) DO UPDATE SET repeat_rewards = story_daily.repeat_rewards + 1
        WHERE story_daily.repeat_rewards < ${REPEAT_REWARDS_PER_DAY}
       RETURNING repeat_rewards AS n`,
      [input.playerId, today],
    );
    const paid = counted.rows[0] ? withRoyalty(s.repeat, royalty) : null;
    if (paid) await payReward(tx, input.playerId, paid, 'story repeat clear', ref);
    return { ...base, bestStars: upd.rows[0]!.best_stars, firstClear: false, paid, repeatsToday: counted.rows[0]?.n ?? REPEAT_REWARDS_PER_DAY };
  });
}
