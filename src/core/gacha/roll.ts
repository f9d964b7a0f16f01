/**
 * The gacha roll (SPEC §3), pure: no database, no clock. Everything a pull
 * decides comes from an Rng passed in, so a recorded seed (off-banner) or a
 * revealed banner secret (verifiable banners) replays it exactly.
 *
 * One roll draws, in this order:
 *   1. the tier: u = rng.next(); u < 0.02 → SSR, u < 0.13 → SR, else R
 *      (skipped when the tier is forced, e.g. the starter's first card);
 *   2. for SSR/SR when the banner has rate-up characters of that tier:
 *      rng.chance(rateUpChance) → a rate-up character, rng.pick(list);
 *   3. otherwise the rank, uniform in the tier's band: rng.int(lo, hi).
 */
import { createHash, createHmac } from 'node:crypto';
import { RANK_BANDS, type Rarity } from '../power.js';
import { Rng } from '../rng.js';

export const PULL_COST = 1_000;
export const TIER_CHANCE = { SSR: 0.02, SR: 0.11, R: 0.87 } as const;
export const SPARK_COST = 300;
export const MAX_DUPE = 10;
/** What a copy pulled at dupe 10 is scrapped for (SPEC §2) — also the `!scrap_r` / `!scrap_sr` prices (§4). */
export const SCRAP_VALUE: Readonly<Record<Rarity, { gems: number; coins: number }>> = {
  R: { gems: 100, coins: 5 },
  SR: { gems: 500, coins: 25 },
  SSR: { gems: 10_000, coins: 500 },
};

/** The public rate-up lists of a banner, by tier, in the banner's order. */
export interface RateUp {
  SSR: readonly number[];
  SR: readonly number[];
  chance: number;
}

export interface Roll {
  tier: Rarity;
  /** The rank drawn in the tier's band; null when the roll became a rate-up character. */
  rank: number | null;
  /** The rate-up character id, when the roll became one. */
  rateUpId: number | null;
}

export function tierFor(u: number): Rarity {
  if (u < TIER_CHANCE.SSR) return 'SSR';
  if (u < TIER_CHANCE.SSR + TIER_CHANCE.SR) return 'SR';
  return 'R';
}

export function rollOne(rng: Rng, rateUp: RateUp | null = null, forceTier?: Rarity): Roll {
  const tier = forceTier ?? tierFor(rng.next());
  if (rateUp && tier !== 'R') {
    const list = rateUp[tier];
    if (list.length > 0 && rng.chance(rateUp.chance)) return { tier, rank: null, rateUpId: rng.pick(list) };
  }
  const [lo, hi] = RANK_BANDS[tier];
  return { tier, rank: rng.int(lo, hi), rateUpId: null };
}

/** Off-banner rolls: `count` rolls in order from one stream; the starter forces the first to SSR. */
export function rollOffBanner(seed: number, count: number, opts: { starter?: boolean } = {}): Roll[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => rollOne(rng, null, opts.starter && i === 0 ? 'SSR' : undefined));
}

/** SHA-256 of the banner secret, hex — published when the banner starts. */
export function seedHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The seed of one roll on a verifiable banner: the first 4 bytes (big-endian)
 * of HMAC-SHA256(key = secret, message = "<playerId>:<counter>"). The counter
 * is the player's n-th pull on that banner, 1-based, with no gaps.
 */
export function streamSeed(secret: string, playerId: string, counter: number): number {
  return createHmac('sha256', secret).update(`${playerId}:${counter}`, 'utf8').digest().readUInt32BE(0);
}

/** The rolls of a banner pull: roll i uses its own stream, counter `counterStart + i`. */
export function rollOnBanner(secret: string, playerId: string, counterStart: number, count: number, rateUp: RateUp): Roll[] {
  return Array.from({ length: count }, (_, i) => rollOne(new Rng(streamSeed(secret, playerId, counterStart + i)), rateUp));
}

/** REAL (float4) comes back as 0.30000001192…; both pulling and verifying use this rounding. */
export function normaliseChance(x: number): number {
  return Math.round(Number(x) * 1e6) / 1e6;
}

/** The rate-up lists from a banner's parallel id/rarity arrays. */
export function rateUpOf(ids: readonly number[], rarities: readonly string[], chance: number): RateUp {
  const SSR: number[] = [];
  const SR: number[] = [];
  ids.forEach((id, i) => {
    if (rarities[i] === 'SSR') SSR.push(id);
    else if (rarities[i] === 'SR') SR.push(id);
  });
  return { SSR, SR, chance: normaliseChance(chance) };
}
