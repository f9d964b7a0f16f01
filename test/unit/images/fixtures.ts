// Deterministic inputs for the golden images: null art URLs (drawn portraits)
// and fixed dates, so a render depends only on the code and the fonts.
//
// The goldens are the drawings themselves (the canvases before encoding), so
// they are lossless and compared pixel for pixel with a small tolerance; what
// the JPEG encoding does to them is checked in encode.test.ts.
import type { Canvas } from '@napi-rs/canvas';
import { ArtCache } from '../../../src/core/images/art.js';
import { bossArt, bossArtUrl } from '../../../src/core/images/boss-art.js';
import {
  type BannerImageInput,
  type BattleImageInput,
  type BountyBoardInput,
  type CardInfo,
  drawnPortrait,
  type RaidBarInput,
  type RaidHitInput,
  type TeamSlot,
} from '../../../src/core/images/index.js';
import {
  drawBanner,
  drawBattle,
  drawBountyBoard,
  drawCardImage,
  drawRaidBar,
  drawRaidHit,
  drawTeam,
  drawTenPull,
  renderBanner,
  renderBattle,
  renderBountyBoard,
  renderCard,
  renderRaidBar,
  renderRaidHit,
  renderTeam,
  renderTenPull,
} from '../../../src/core/images/render.js';

/** Art for the renders: these inputs have no art URLs, so nothing is fetched. */
const testArt = new ArtCache();

export const CARDS: CardInfo[] = [
  { characterId: 176754, name: 'Frieren', rarity: 'SSR', power: 12995, dupeLevel: 3, imageUrl: null },
  { characterId: 209, name: 'Kyo Sohma', rarity: 'SR', power: 9432, dupeLevel: 0, imageUrl: null },
  { characterId: 5003, name: 'Bartholomew Maximilian Featherstonehaugh-Wolfeschlegelsteinhausen', rarity: 'R', power: 4250, dupeLevel: 7, imageUrl: null },
  { characterId: 4, name: 'Haruhi Suzumiya', rarity: 'SR', power: 7500, dupeLevel: 10, imageUrl: null },
  { characterId: 90001, name: 'Essence Warden', rarity: 'UR', power: 18000, dupeLevel: 5, imageUrl: null },
  { characterId: 207, name: 'Tohru Honda', rarity: 'R', power: 4000, dupeLevel: 1, imageUrl: null },
  { characterId: 184311, name: 'Himmel', rarity: 'SSR', power: 10210, dupeLevel: 6, imageUrl: null },
  { characterId: 129840, name: 'Coco', rarity: 'R', power: 5000, dupeLevel: 2, imageUrl: null },
  { characterId: 129842, name: 'Agott', rarity: 'R', power: 6212, dupeLevel: 0, imageUrl: null },
  { characterId: 10, name: 'Mikasa Ackerman', rarity: 'SR', power: 9792, dupeLevel: 4, imageUrl: null },
];

const c = (i: number): CardInfo => CARDS[i]!;

/** A display name with emoji in it (names of players' and custom characters can have them). */
export const EMOJI_CARD: CardInfo = { characterId: 31337, name: '🌙 Luna ✨', rarity: 'SSR', power: 11111, dupeLevel: 2, imageUrl: null };

export const TEAM: (TeamSlot | null)[] = [
  { ...c(0), skills: ['Time Mage', 'Anchor', 'Soulbond'] },
  { ...c(1), skills: ['Berserker'] },
  null,
  { ...c(3), skills: ['Lucky Star', 'Guardian Angel of the Very Long Skill Name', 'Anchor', 'Mirror', 'Overdrive'] },
  { ...c(5), skills: [] },
];

/** A full team whose units have at most one skill (the common case): one row of chips. */
export const TEAM_FEW_SKILLS: TeamSlot[] = [
  { ...c(4), skills: ['Royalty'] },
  { ...c(0), skills: [] },
  { ...c(6), skills: ['Second Wind'] },
  { ...c(9), skills: ['Guard'] },
  { ...c(1), skills: [] },
];

const BATTLE: BattleImageInput = {
  attackerName: 'Aria',
  defenderName: 'Bounty: SSR',
  attacker: [c(0), c(1), c(3), c(5), c(9)],
  defender: [c(6), c(7), c(8), c(2), c(4)],
  attackerFinal: [14210, 9100, 8000, 4000, 10500],
  defenderFinal: [9800, 5200, 6000, 4100, 15900],
  attackerTotal: 45810,
  defenderTotal: 41000,
  outcome: 'WIN',
};

const BANNER: BannerImageInput = { name: 'Journey Beyond the Ends of the Earth', endsAt: new Date(Date.UTC(2025, 2, 12, 18, 0)), featured: [c(0), c(6), c(1)] };

const BOUNTY: BountyBoardInput = {
  slots: [
    // The reward text as the bounty cog writes it, item emoji and all.
    { tier: 'SR', power: 52340, status: 'AVAILABLE', reward: '1 ⚗️ Vital Draught' },
    { tier: 'SSR', power: 78110, status: 'COMPLETED', reward: '1 💖 Heart Elixir' },
    { tier: 'UR', power: 90000, status: 'FAILED', reward: '1 💠 Essence of Devotion + 5,000 💎 + 50 🪙' },
  ],
  resetsAt: new Date(Date.UTC(2025, 2, 12, 19, 0)),
  keys: 2,
};

const RAID: RaidBarInput = {
  bossName: 'Jackpot Slime King',
  hp: 1_234_567,
  maxHp: 5_000_000,
  phase: 3,
  phaseThresholds: [0.6, 0.25],
  endsAt: new Date(Date.UTC(2025, 2, 13, 0, 0)),
  artUrl: null,
  bossCharacterId: 77777,
};

/** A phase-2 hit on Gloomfang: damage reduced to 80%, a skill silenced, a team of four. */
export const RAID_HIT: RaidHitInput = {
  playerName: 'Aria',
  bossName: 'Gloomfang, the Hollow Wolf',
  artUrl: 'drawn:boss/gloomfang',
  bossCharacterId: 8_880_001,
  phase: 2,
  phaseName: 'Howl of Silence',
  phaseAfter: 3,
  phaseThresholds: [0.6, 0.25],
  team: [c(0), c(4), c(1), c(9)],
  teamFinal: [14210, 19800, 9100, 10500],
  silenced: ['Time Mage', null, 'Berserker', null],
  teamTotal: 53610,
  damageTaken: 0.8,
  damage: 42888,
  applied: 42888,
  hpBefore: 180_000,
  hpAfter: 137_112,
  maxHp: 600_000,
  lastHit: false,
};

/** The last hit on NULL: more damage than HP was left. */
export const RAID_LAST_HIT: RaidHitInput = {
  playerName: 'Bartholomew the Untiring',
  bossName: 'NULL, the Star-Eater',
  artUrl: 'drawn:boss/null',
  bossCharacterId: 8_880_003,
  phase: 3,
  phaseName: 'Supernova Collapse',
  phaseAfter: 3,
  phaseThresholds: [0.6, 0.25],
  team: [c(6), c(0), c(4), c(3), c(8)],
  teamFinal: [12000, 16500, 21000, 6000, 5100],
  teamTotal: 60600,
  damageTaken: 1,
  damage: 60600,
  applied: 23_456,
  hpBefore: 23_456,
  hpAfter: 0,
  maxHp: 8_000_000,
  lastHit: true,
};

const RAID_SERAPHINE: RaidBarInput = {
  bossName: 'Seraphine, Tide-Crystal Empress',
  hp: 2_100_000,
  maxHp: 2_500_000,
  phase: 1,
  phaseThresholds: [0.6, 0.25],
  endsAt: new Date(Date.UTC(2025, 2, 14, 12, 0)),
  artUrl: 'drawn:boss/seraphine',
  bossCharacterId: 8_880_002,
};

export interface ImageCase {
  /** The drawing, before encoding (a frame canvas: read it, then `releaseFrame`). */
  draw: () => Promise<Canvas>;
  /** The reply as sent (encoded), or null for a drawing that is never a reply. */
  render: (() => Promise<Buffer>) | null;
}

export const imageCases: Record<string, ImageCase> = {
  'card-ssr': { draw: () => drawCardImage(c(0), testArt), render: () => renderCard(c(0), testArt) },
  'card-ur-dupe10': { draw: () => drawCardImage({ ...c(4), dupeLevel: 10 }, testArt), render: () => renderCard({ ...c(4), dupeLevel: 10 }, testArt) },
  'card-r-longname': { draw: () => drawCardImage(c(2), testArt), render: () => renderCard(c(2), testArt) },
  'card-emoji': { draw: () => drawCardImage(EMOJI_CARD, testArt), render: () => renderCard(EMOJI_CARD, testArt) },
  'ten-pull': { draw: () => drawTenPull(CARDS, testArt), render: () => renderTenPull(CARDS, testArt) },
  team: { draw: () => drawTeam("Aria's Battle Team", TEAM, 33889, testArt), render: () => renderTeam("Aria's Battle Team", TEAM, 33889, testArt) },
  'team-few-skills': { draw: () => drawTeam('Bo', TEAM_FEW_SKILLS, 47529, testArt), render: () => renderTeam('Bo', TEAM_FEW_SKILLS, 47529, testArt) },
  battle: { draw: () => drawBattle(BATTLE, testArt), render: () => renderBattle(BATTLE, testArt) },
  banner: { draw: () => drawBanner(BANNER, testArt), render: () => renderBanner(BANNER, testArt) },
  bounty: { draw: () => drawBountyBoard(BOUNTY), render: () => renderBountyBoard(BOUNTY) },
  raid: { draw: () => drawRaidBar(RAID, testArt), render: () => renderRaidBar(RAID, testArt) },
  'raid-seraphine': { draw: () => drawRaidBar(RAID_SERAPHINE, testArt), render: () => renderRaidBar(RAID_SERAPHINE, testArt) },
  'raid-hit': { draw: () => drawRaidHit(RAID_HIT, testArt), render: () => renderRaidHit(RAID_HIT, testArt) },
  'raid-last-hit': { draw: () => drawRaidHit(RAID_LAST_HIT, testArt), render: () => renderRaidHit(RAID_LAST_HIT, testArt) },
  portrait: { draw: async () => drawnPortrait(42, 'Generated Hero', 'SR', 460, 650), render: null },
  'boss-gloomfang': { draw: async () => bossArt(bossArtUrl('gloomfang'))!, render: null },
  'boss-seraphine': { draw: async () => bossArt(bossArtUrl('seraphine'))!, render: null },
  'boss-null': { draw: async () => bossArt(bossArtUrl('null'))!, render: null },
};
