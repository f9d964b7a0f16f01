import { z } from 'zod';
import { BootError } from '../errors.js';
import { ITEMS, type ItemId } from '../items.js';
import { RANK_BANDS, type Rarity } from '../power.js';
import { findSkill } from '../skills/registry.js';

const rarity = z.enum(['R', 'SR', 'SSR']);
const rankRange = z.tuple([z.number().int().min(1), z.number().int().min(1)]);
const battleSkill = z.string().refine((s) => findSkill(s)?.appliesIn === 'b', { message: 'is not a battle skill in the registry' });

const enemyGroup = z.object({
  rarity,
  ranks: rankRange,
  count: z.number().int().min(1).max(5),
  skills: z.array(battleSkill).max(3).optional(),
});

const reward = z.object({
  gems: z.number().int().min(0).max(1_000_000).optional(),
  coins: z.number().int().min(0).max(100_000).optional(),
  items: z.partialRecord(z.enum(Object.keys(ITEMS) as [ItemId, ...ItemId[]]), z.number().int().min(1).max(100)).optional(),
});

const stage = z.object({
  title: z.string().min(1).max(60),
  lines: z.array(z.string().min(1).max(300)).min(2).max(3),
  enemies: z.object({
    units: z.array(enemyGroup).min(1),
    /** Multiplies every enemy's §7 power: the smooth difficulty curve. */
    scale: z.number().min(0.1).max(5),
    names: z.array(z.string().min(1).max(40)).min(1),
    boss: z
      .object({
        name: z.string().min(1).max(40),
        rarity,
        ranks: rankRange,
        skills: z.array(battleSkill).min(1).max(3),
        powerMultiplier: z.number().min(1).max(3),
      })
      .optional(),
  }),
  firstClear: reward,
  repeat: reward,
});

const chapter = z.object({
  chapter: z.number().int().min(1),
  title: z.string().min(1).max(60),
  stages: z.array(stage).length(5),
});

export type StoryChapterInput = z.input<typeof chapter>;
export type StoryChapter = z.output<typeof chapter>;
export type StoryStage = z.output<typeof stage> & { chapter: number; stage: number };
export type StoryReward = z.output<typeof reward>;

/** Rank ranges must sit inside their rarity's band (SPEC §1), low ≤ high. */
function checkRanks(r: Rarity, [lo, hi]: [number, number]): string | null {
  const [a, b] = RANK_BANDS[r];
  if (lo > hi) return `rank range ${lo}–${hi} is reversed`;
  if (lo < a || hi > b) return `rank range ${lo}–${hi} is outside ${r} ranks ${a}–${b}`;
  return null;
}

/**
 * Validates the story content; throws a BootError naming the chapter and
 * stage of the first problem, so bad content stops the bot at boot.
 */
export function validateStory(input: readonly unknown[]): StoryChapter[] {
  const chapters: StoryChapter[] = [];
  input.forEach((raw, ci) => {
    const parsed = chapter.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const [, stageIdx, ...rest] = issue.path;
      const where = issue.path[0] === 'stages' && typeof stageIdx === 'number' ? `stage ${ci + 1}-${stageIdx + 1}` : `chapter ${ci + 1}`;
      throw new BootError(`story content: ${where}: ${rest.join('.') || issue.path.join('.')} ${issue.message}`);
    }
    const ch = parsed.data;
    if (ch.chapter !== ci + 1) throw new BootError(`story content: chapter ${ci + 1} is numbered ${ch.chapter}`);
    ch.stages.forEach((s, si) => {
      const where = `stage ${ch.chapter}-${si + 1}`;
      const size = s.enemies.units.reduce((n, g) => n + g.count, 0) + (s.enemies.boss ? 1 : 0);
      if (size > 5) throw new BootError(`story content: ${where}: enemy team has ${size} units (at most 5)`);
      for (const g of s.enemies.units) {
        const bad = checkRanks(g.rarity, g.ranks);
        if (bad) throw new BootError(`story content: ${where}: ${bad}`);
      }
      if (s.enemies.boss) {
        const bad = checkRanks(s.enemies.boss.rarity, s.enemies.boss.ranks);
        if (bad) throw new BootError(`story content: ${where}: boss ${bad}`);
      }
      if (si === 4 && !s.enemies.boss) throw new BootError(`story content: ${where}: the last stage of a chapter needs a boss`);
    });
    chapters.push(ch);
  });
  if (chapters.length < 1) throw new BootError('story content: no chapters');
  return chapters;
}
