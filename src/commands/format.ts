import type { Config } from '../config.js';
import { ITEMS, type ItemId } from '../core/items.js';

/** 12,345 */
export function n(x: number): string {
  return Math.trunc(x).toLocaleString('en-US');
}

/** "1,500 💎" */
export function gems(cfg: Config, x: number): string {
  return `${n(x)} ${cfg.emoji.gems}`;
}

export function coins(cfg: Config, x: number): string {
  return `${n(x)} ${cfg.emoji.coins}`;
}

/** What a reward pays: "1,500 💎 + 200 🪙 + 2 × 🧪 Faint Tincture", or "nothing". */
export function rewardText(cfg: Config, r: { gems?: number; coins?: number; items?: Partial<Record<ItemId, number>> }): string {
  const parts: string[] = [];
  if (r.gems) parts.push(gems(cfg, r.gems));
  if (r.coins) parts.push(coins(cfg, r.coins));
  for (const [id, qty] of Object.entries(r.items ?? {}) as [ItemId, number][]) {
    if (id in ITEMS && qty > 0) parts.push(`${n(qty)} × ${ITEMS[id].emoji} ${ITEMS[id].name}`);
  }
  return parts.join(' + ') || 'nothing';
}

export function rarityEmoji(cfg: Config, rarity: 'R' | 'SR' | 'SSR' | 'UR'): string {
  return cfg.emoji[rarity];
}

/** 🥇 🥈 🥉, then **4.** — for leaderboards (0-based rank). */
export function rankMark(i: number): string {
  return ['🥇', '🥈', '🥉'][i] ?? `**${i + 1}.**`;
}

/** A text progress bar: ▰▰▰▱▱▱ */
export function bar(fraction: number, width = 12): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return '▰'.repeat(full) + '▱'.repeat(width - full);
}

/** Discord's relative timestamp, readable in the playground too. */
export function when(d: Date): string {
  return `<t:${Math.floor(d.getTime() / 1000)}:R>`;
}

/** "1 unit" / "3 units" */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${n(count)} ${count === 1 ? word : many}`;
}
