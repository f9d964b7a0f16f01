/**
 * Power math (SPEC §1, §2): rarity from rank, base power from favourites, the
 * soft-cap squash with Anchor's resistance, and the one effective-power
 * formula used everywhere a unit's strength is shown or fought with.
 */
export type Rarity = 'R' | 'SR' | 'SSR';
export const RARITIES: readonly Rarity[] = ['R', 'SR', 'SSR'];

/** Rank bands of the gacha pool (inclusive). */
export const RANK_BANDS: Readonly<Record<Rarity, readonly [number, number]>> = {
  SSR: [1, 250],
  SR: [251, 1500],
  R: [1501, 10000],
};

export const CATALOG_SIZE = 10_000;

export function rarityForRank(rank: number): Rarity {
  if (rank >= 1 && rank <= 250) return 'SSR';
  if (rank <= 1500) return 'SR';
  return 'R';
}

/** Diminishing returns above `soft`, approaching but never exceeding `hard`. */
export function squash(v: number, soft: number, hard: number): number {
  if (v <= soft) return v;
  const excess = v - soft;
  const margin = hard - soft;
  const factor = margin * 1.2;
  return Math.min(hard, Math.trunc(soft + margin * (1 - 1 / (1 + excess / factor))));
}

const SQUASH: Readonly<Record<Exclude<Rarity, 'SSR'>, { raw: (f: number) => number; soft: number; hard: number }>> = {
  SR: { raw: (f) => 7000 + f / 6, soft: 9000, hard: 9900 },
  R: { raw: (f) => 4000 + f / 2, soft: 5000, hard: 6250 },
};

/**
 * Base power from AniList favourites and rarity. `squashResistance` (Anchor,
 * e.g. 0.4) gives back that share of what the squash took.
 */
export function basePower(favourites: number, rarity: Rarity, squashResistance = 0): number {
  const f = Math.max(1, favourites);
  if (rarity === 'SSR') return Math.max(10000, Math.trunc(10200 + (Math.log10(f) - 4.17) * 1780));
  const { raw: rawOf, soft, hard } = SQUASH[rarity];
  const raw = rawOf(f);
  const squashed = Math.trunc(squash(raw, soft, hard));
  if (squashResistance <= 0) return squashed;
  return Math.trunc(squashed + squashResistance * (raw - squashed));
}

export interface PowerFactors {
  dupeLevel: number;
  teamLevel: number;
  bondLevel: number;
}

/** Effective power (SPEC §2) — the single formula for inventory, teams, battles, raids, events, expeditions. */
export function effectivePower(base: number, f: PowerFactors): number {
  return Math.floor(base * (1 + 0.05 * f.dupeLevel) * (1 + 0.01 * f.teamLevel) * (1 + 0.005 * f.bondLevel));
}

/** Favourites an NPC unit at `rank` gets (SPEC §7). */
export function npcFavourites(rank: number): number {
  return Math.floor(600000 / Math.sqrt(rank));
}
