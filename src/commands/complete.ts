import { searchCharactersByName } from '../core/catalog/repo.js';
import { listPresets } from '../core/presets.js';
import { RAID_BOSSES } from '../core/raid/bosses.js';
import { SKILLS } from '../core/skills/registry.js';
import { isOpen, storyChapters, storyProgress } from '../core/story/story.js';
import { searchUnits } from '../core/units.js';
import type { Completion } from './args.js';
import { n } from './format.js';
import type { CommandRegistry } from './registry.js';
import type { Services } from './types.js';

/** One autocomplete suggestion: what the player sees, and the option value it fills in. */
export interface Suggestion {
  name: string;
  value: string | number;
}

export interface CompletionContext {
  services: Services;
  registry: CommandRegistry;
  userId: string;
  isOwner: boolean;
}

/** Discord shows at most 25 suggestions, each name at most 100 characters. */
const MAX = 25;
const clip = (s: string) => (s.length <= 100 ? s : `${s.slice(0, 99)}…`);

function matching<T>(items: readonly T[], query: string, text: (x: T) => string): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return items.slice(0, MAX);
  const starts = items.filter((x) => text(x).toLowerCase().startsWith(q));
  const contains = items.filter((x) => !text(x).toLowerCase().startsWith(q) && text(x).toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, MAX);
}

/**
 * Suggestions for a slash option as the player types: their own units (id,
 * name, rarity, power), catalog characters, skills, bosses, presets, story
 * stages, commands. Never more than Discord shows; never slow (one bounded
 * query at most).
 */
export async function suggest(kind: Completion, query: string, ctx: CompletionContext): Promise<Suggestion[]> {
  const db = ctx.services.db;
  const q = query.slice(0, 100);
  switch (kind) {
    case 'unit':
      return (await searchUnits(db, ctx.userId, q, MAX)).map((u) => ({
        name: clip(`#${u.id} ${u.name} · ${u.rarity}${u.dupeLevel ? ` +${u.dupeLevel}` : ''} · ${n(u.power)} power`),
        value: u.id,
      }));
    case 'character':
      if (!q.trim()) return [];
      return (await searchCharactersByName(db, q, MAX)).map((c) => ({ name: clip(`${c.name} · ${c.rarity} · id ${c.id}`), value: clip(c.name) }));
    case 'skill':
      return matching(SKILLS, q, (s) => s.name).map((s) => ({ name: s.name, value: s.name }));
    case 'boss':
      return matching(RAID_BOSSES, q, (b) => `${b.key} ${b.name}`).map((b) => ({ name: clip(`${b.name} (${b.key})`), value: b.key }));
    case 'preset':
      return matching(await listPresets(db, ctx.userId), q, (p) => p.name).map((p) => ({ name: clip(`${p.name} · ${p.unitIds.length} units`), value: p.name }));
    case 'stage': {
      const progress = await storyProgress(db, ctx.userId);
      const stages = storyChapters().flatMap((ch) =>
        ch.stages.map((s, i) => ({
          key: `${ch.chapter}-${i + 1}`,
          title: s.title,
          open: isOpen(progress, ch.chapter, i + 1),
          stars: progress.get(`${ch.chapter}-${i + 1}`)?.bestStars ?? 0,
        })),
      );
      const open = stages.filter((s) => s.open);
      return matching(open, q, (s) => `${s.key} ${s.title}`).map((s) => ({ name: clip(`${s.key} ${s.title} ${'★'.repeat(s.stars)}`), value: s.key }));
    }
    case 'command': {
      const names = ctx.registry.cogs.flatMap((c) => c.commands).filter((c) => !c.hidden && (!c.ownerOnly || ctx.isOwner));
      return matching(names, q, (c) => c.name).map((c) => ({ name: c.name, value: c.name }));
    }
  }
}
