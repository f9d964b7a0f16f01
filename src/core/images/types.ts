export type CardRarity = 'R' | 'SR' | 'SSR' | 'UR';

export interface CardInfo {
  characterId: number;
  name: string;
  rarity: CardRarity;
  power: number;
  dupeLevel: number;
  imageUrl: string | null;
}

export interface TeamSlot extends CardInfo {
  skills: string[];
}

export interface BattleImageInput {
  attackerName: string;
  defenderName: string;
  attacker: CardInfo[];
  defender: CardInfo[];
  attackerFinal: number[];
  defenderFinal: number[];
  attackerTotal: number;
  defenderTotal: number;
  /** From the attacker's point of view. */
  outcome: 'WIN' | 'LOSS' | 'DRAW';
}

export interface BannerImageInput {
  name: string;
  endsAt: Date;
  featured: CardInfo[];
}

export type BountyTier = 'R' | 'SR' | 'SSR' | 'UR';

export interface BountyBoardInput {
  slots: { tier: BountyTier; power: number; status: 'AVAILABLE' | 'COMPLETED' | 'FAILED'; reward: string }[];
  resetsAt: Date;
  keys: number;
}

export interface RaidBarInput {
  bossName: string;
  hp: number;
  maxHp: number;
  phase: number;
  /** Fractions of max HP where phases switch, e.g. [0.6, 0.25]. */
  phaseThresholds: number[];
  endsAt: Date;
  artUrl?: string | null;
  bossCharacterId?: number;
}

export interface RaidHitInput {
  /** Who attacked (shown as "<NAME> DEALT"). */
  playerName: string;
  bossName: string;
  artUrl?: string | null;
  bossCharacterId?: number;
  /** The phase the hit fought, and its name. */
  phase: number;
  phaseName: string;
  /** The phase after the hit (higher when it crossed a threshold). */
  phaseAfter?: number;
  /** Fractions of max HP where phases switch, e.g. [0.6, 0.25]. */
  phaseThresholds: number[];
  /** The team as it fought, in slot order. */
  team: CardInfo[];
  /** Each unit's final power in the battle. */
  teamFinal: number[];
  /** The skill the phase silenced on each unit, if any (same order as `team`). */
  silenced?: (string | null)[];
  /** The team's final total. */
  teamTotal: number;
  /** Multiplier on the damage the boss took in this phase (0.8 = 20% less). */
  damageTaken: number;
  /** Damage after the phase's reduction. */
  damage: number;
  /** HP actually taken (the damage capped at the HP left). */
  applied: number;
  hpBefore: number;
  hpAfter: number;
  maxHp: number;
  lastHit: boolean;
}
