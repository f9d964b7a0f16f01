import type { Rarity } from '../power.js';

/** Where a catalog row came from: an AniList sync, the offline generator, or an event. */
export type CharacterSource = 'anilist' | 'generated' | 'event';

/** A catalog character (SPEC §1), camelCase at the edge of the database. */
export interface Character {
  /** AniList character id (generated characters use ids from 9,000,000 up). */
  id: number;
  name: string;
  imageUrl: string | null;
  favourites: number;
  /** 1 = most favourited; 0 = outside the gacha pool (events, or displaced by a newer sync). */
  rank: number;
  rarity: Rarity;
  basePower: number;
  skills: string[];
  squashResistance: number;
  overridden: boolean;
  source: CharacterSource;
}

/**
 * What a sync or the offline generator knows about a character. Rarity and
 * base power are derived from rank and favourites when it is saved.
 */
export interface CharacterSeed {
  id: number;
  name: string;
  imageUrl: string | null;
  favourites: number;
  /** 1..CATALOG_SIZE (the gacha pool). */
  rank: number;
  /** Skill tags to add (existing tags on the row are kept). */
  skills?: readonly string[];
  /** Anchor's resistance (0.4) when the seed carries Anchor. */
  squashResistance?: number;
  source?: CharacterSource;
}

/** Characters skills refer to by AniList id (SPEC §1). */
export const SKILL_CHARACTERS = {
  tohruHonda: { id: 207, name: 'Tohru Honda' },
  kyoSohma: { id: 209, name: 'Kyo Sohma' },
  coco: { id: 129840, name: 'Coco' },
  agott: { id: 129842, name: 'Agott' },
  frieren: { id: 176754, name: 'Frieren' },
  himmel: { id: 184311, name: 'Himmel' },
} as const;

/** The event-exclusive unit (SPEC §1, §12): rank 0, never rolled by the gacha. */
export const THE_DEALER_ID = 77777;

/** Anchor's squash resistance (SPEC §6 registry). */
export const ANCHOR_SQUASH_RESISTANCE = 0.4;
