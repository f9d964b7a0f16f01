/**
 * Who gets what when a raid ends (pure). Pools are split by share of damage
 * among eligible participants with the largest-remainder method, so the whole
 * pool is paid and nobody is rounded into getting more than their share of a
 * unit. Participants under the leech threshold get the consolation reward only.
 */
import type { ItemId } from '../items.js';
import type { ItemBundle, RaidRewards } from './bosses.js';

export type RaidEndReason = 'defeated' | 'timeout' | 'stopped';
export type RewardRole = 'share' | 'mvp' | 'last_hit' | 'consolation';

export interface Participant {
  playerId: string;
  damage: number;
}

export interface RewardLine {
  playerId: string;
  damage: number;
  gems: number;
  items: ItemBundle;
  roles: RewardRole[];
}

/**
 * Splits `total` whole units by weight: floor of each exact share, then the
 * leftover units to the largest remainders (ties: larger weight, then order given).
 */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map((x) => Math.floor(x));
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = weights.map((_, i) => i).sort((a, b) => exact[b]! - out[b]! - (exact[a]! - out[a]!) || weights[b]! - weights[a]! || a - b);
  for (const i of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left--;
  }
  return out;
}

function addItems(into: ItemBundle, items: ItemBundle, factor = 1): void {
  for (const [id, qty] of Object.entries(items) as [ItemId, number][]) {
    const q = Math.floor(qty * factor);
    if (q > 0) into[id] = (into[id] ?? 0) + q;
  }
}

/**
 * The reward lines of a finished raid. `participants` in board order is not
 * required; the MVP is the most damage (ties: the player listed first).
 */
export function computeRaidRewards(
  rewards: RaidRewards,
  participants: readonly Participant[],
  outcome: { reason: RaidEndReason; lastHitPlayerId: string | null },
): RewardLine[] {
  const list = participants.filter((p) => p.damage > 0);
  const total = list.reduce((s, p) => s + p.damage, 0);
  if (total === 0) return [];
  const factor = outcome.reason === 'defeated' ? 1 : rewards.timeoutFactor;
  const lines = new Map<string, RewardLine>(list.map((p) => [p.playerId, { playerId: p.playerId, damage: p.damage, gems: 0, items: {}, roles: [] }]));

  // Integer comparison: damage / total ≥ leechPercent / 100.
  const eligible = list.filter((p) => p.damage * 100 >= total * rewards.leechPercent);
  const weights = eligible.map((p) => p.damage);
  splitByWeight(Math.floor(rewards.gemsPool * factor), weights).forEach((g, i) => {
    const line = lines.get(eligible[i]!.playerId)!;
    line.gems += g;
  });
  for (const [id, qty] of Object.entries(rewards.itemsPool) as [ItemId, number][]) {
    splitByWeight(Math.floor(qty * factor), weights).forEach((q, i) => {
      if (q > 0) {
        const line = lines.get(eligible[i]!.playerId)!;
        line.items[id] = (line.items[id] ?? 0) + q;
      }
    });
  }
  for (const p of eligible) lines.get(p.playerId)!.roles.push('share');
  for (const p of list) {
    if (p.damage * 100 >= total * rewards.leechPercent) continue;
    const line = lines.get(p.playerId)!;
    line.gems += rewards.consolation.gems;
    addItems(line.items, rewards.consolation.items);
    line.roles.push('consolation');
  }

  let mvp = list[0]!;
  for (const p of list) if (p.damage > mvp.damage) mvp = p;
  const mvpLine = lines.get(mvp.playerId)!;
  mvpLine.gems += Math.floor(rewards.mvp.gems * factor);
  addItems(mvpLine.items, rewards.mvp.items, factor);
  mvpLine.roles.push('mvp');

  if (outcome.reason === 'defeated' && outcome.lastHitPlayerId) {
    const lh = lines.get(outcome.lastHitPlayerId);
    if (lh) {
      lh.gems += rewards.lastHit.gems;
      addItems(lh.items, rewards.lastHit.items);
      lh.roles.push('last_hit');
    }
  }
  return [...lines.values()].sort((a, b) => b.damage - a.damage || (a.playerId < b.playerId ? -1 : 1));
}
