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
