/**
 * The offline catalog (SPEC §1): 10,000 invented characters the bot can use
 * with no network at all, so a new user can play at once; and `ensureCatalog`,
 * which fills an empty catalog on boot from AniList when it answers quickly,
 * else from this generator.
 *
 * Everything is derived from one fixed seed, so every install gets the same
 * names, ranks, favourites and skills. Generated ids start at 9,000,000 (far
 * above AniList's ids). The six real characters that skills refer to keep
 * their real AniList ids and names at invented ranks; their skill tags:
 *
 *   Tohru Honda   Queen of the Zodiacs, Entwined Souls (Entwined Souls wants Kyo on the team)
 *   Kyo Sohma     Feline Fealty (wants Tohru on the team — the cat of the zodiac)
 *   Coco          The Amber Sun (wants Agott on the team)
 *   Agott         The Onyx Moon (eclipsed when Coco is on her team)
 *   Frieren       Eternity (wants Himmel on the team)
 *   Himmel        Ephemerality (wants Frieren on the team)
 *
 * Generated characters carry the general skills at rates that grow with
 * rarity (SSR 35%, SR 15%, R 6% have one; a few SSRs have two). Anchor only
 * goes to SR and R characters, where the squash it resists applies.
 */

import type { AniListClient } from '../anilist/client.js';
import type { Db } from '../db/index.js';
import { basePower, CATALOG_SIZE, type Rarity, rarityForRank } from '../power.js';
import { Rng } from '../rng.js';
import { catalogSize, ensureTheDealer, upsertCharacters } from './repo.js';
import { type SyncOptions, syncCatalog } from './sync.js';
import { ANCHOR_SQUASH_RESISTANCE, type CharacterSeed, SKILL_CHARACTERS } from './types.js';

export const OFFLINE_CATALOG_SEED = 'stardust-offline-catalog-v1';
export const GENERATED_ID_BASE = 9_000_000;

/** Where the six real characters sit in the offline catalog, and their skills. */
export const OFFLINE_REAL_CHARACTERS: readonly { id: number; name: string; rank: number; skills: readonly string[] }[] = [
  { ...SKILL_CHARACTERS.frieren, rank: 12, skills: ['Eternity'] },
  { ...SKILL_CHARACTERS.himmel, rank: 160, skills: ['Ephemerality'] },
  { ...SKILL_CHARACTERS.kyoSohma, rank: 230, skills: ['Feline Fealty'] },
  { ...SKILL_CHARACTERS.tohruHonda, rank: 330, skills: ['Queen of the Zodiacs', 'Entwined Souls'] },
  { ...SKILL_CHARACTERS.coco, rank: 1320, skills: ['The Amber Sun'] },
  { ...SKILL_CHARACTERS.agott, rank: 2600, skills: ['The Onyx Moon'] },
];

// --- names ------------------------------------------------------------------

const JP_GIVEN_START = [
  'A',
  'Ai',
  'Aki',
  'Ame',
  'Ao',
  'Asa',
  'Aya',
  'Chi',
  'Emi',
  'Fumi',
  'Hana',
  'Haru',
  'Hika',
  'Hina',
  'Hiro',
  'Hoshi',
  'Ichi',
  'Iku',
  'Izu',
  'Kae',
  'Kai',
  'Kana',
  'Kao',
  'Kazu',
  'Kei',
  'Kiyo',
  'Ko',
  'Kuro',
  'Mai',
  'Mako',
  'Mana',
  'Mao',
  'Mei',
  'Michi',
  'Mido',
  'Mina',
  'Mio',
  'Mitsu',
  'Miya',
  'Mizu',
  'Nagi',
  'Nao',
  'Natsu',
  'Nori',
  'Rei',
  'Ren',
  'Rika',
  'Rin',
  'Ryo',
  'Sae',
  'Saku',
  'Sei',
  'Shin',
  'Shio',
  'Sora',
  'Suzu',
  'Tae',
  'Taka',
  'Tama',
  'Tomo',
  'Tsuki',
  'Ume',
  'Yasu',
  'Yoshi',
  'Yu',
  'Yuki',
  'Yume',
];
const JP_GIVEN_END = [
  'ka',
  'ko',
  'mi',
  'na',
  'ne',
  'no',
  'ri',
  'sa',
  'ra',
  'e',
  'ho',
  'yo',
  'to',
  'ya',
  'ki',
  'ta',
  'ru',
  'ma',
  'hito',
  'suke',
  'ji',
  'se',
  'kaze',
];
const JP_FAMILY_START = [
  'Aki',
  'Asa',
  'Fuji',
  'Hana',
  'Hoshi',
  'Ishi',
  'Kami',
  'Kawa',
  'Kaze',
  'Kiri',
  'Kuro',
  'Matsu',
  'Mina',
  'Miya',
  'Mizu',
  'Mori',
  'Naka',
  'Nishi',
  'Shira',
  'Suzu',
  'Taka',
  'Tachi',
  'Tsuki',
  'Ume',
  'Yama',
  'Yoshi',
  'Haya',
  'Sakura',
  'Kita',
  'Oka',
];
const JP_FAMILY_END = [
  'bana',
  'da',
  'gawa',
  'hara',
  'kawa',
  'mori',
  'moto',
  'mura',
  'no',
  'oka',
  'saki',
  'sawa',
  'shima',
  'tani',
  'yama',
  'zaki',
  'zono',
  'hashi',
  'kura',
  'bayashi',
];
const WEST_GIVEN_START = [
  'Ael',
  'Bri',
  'Cael',
  'Da',
  'El',
  'Fen',
  'Ily',
  'Iso',
  'Ka',
  'Lio',
  'Ly',
  'Mae',
  'Ner',
  'Ori',
  'Qui',
  'Ro',
  'Sel',
  'Syl',
  'Tam',
  'Va',
  'Wil',
  'Ys',
  'Zeph',
  'Ari',
  'Cor',
  'Eve',
  'Lu',
  'Mar',
  'Nim',
  'Rho',
];
const WEST_GIVEN_END = ['a', 'anne', 'wen', 'ra', 'ric', 'is', 'elle', 'ian', 'ora', 'eth', 'iel', 'yn', 'as', 'ette', 'on'];
const WEST_FAMILY_START = [
  'Ash',
  'Black',
  'Bright',
  'Dawn',
  'Ever',
  'Frost',
  'Gold',
  'Hart',
  'Ivy',
  'Moon',
  'Night',
  'Oak',
  'Rain',
  'Raven',
  'Silver',
  'Star',
  'Storm',
  'Thorn',
  'Wind',
  'Winter',
  'Amber',
  'Briar',
  'Cinder',
  'Ember',
  'Fair',
];
const WEST_FAMILY_END = [
  'bloom',
  'brook',
  'crest',
  'dale',
  'fall',
  'field',
  'ford',
  'gale',
  'glen',
  'hart',
  'holt',
  'lace',
  'leaf',
  'mere',
  'ridge',
  'shade',
  'song',
  'vale',
  'well',
  'wood',
];

/** A two-part name: Japanese-style (given family) two times in three, otherwise a western-fantasy one. */
function inventName(rng: Rng): string {
  if (rng.chance(2 / 3)) {
    return `${rng.pick(JP_GIVEN_START)}${rng.pick(JP_GIVEN_END)} ${rng.pick(JP_FAMILY_START)}${rng.pick(JP_FAMILY_END)}`;
  }
  return `${rng.pick(WEST_GIVEN_START)}${rng.pick(WEST_GIVEN_END)} ${rng.pick(WEST_FAMILY_START)}${rng.pick(WEST_FAMILY_END)}`;
}

// --- favourites and skills ----------------------------------------------------

/** AniList-shaped favourites: ~320k at rank 1, a power law down to ~420 at rank 10,000. */
function favouriteCurve(rank: number): number {
  return 320_000 * rank ** -0.72;
}

const GENERAL_SKILLS: readonly { name: string; weight: number }[] = [
  { name: 'Surge', weight: 14 },
  { name: 'Berserk', weight: 12 },
  { name: 'Guard', weight: 10 },
  { name: 'Revive', weight: 9 },
  { name: 'The Joker', weight: 8 },
  { name: 'Second Wind', weight: 8 },
  { name: 'Hardworker', weight: 8 },
  { name: 'Master of Coin', weight: 6 },
  { name: 'The Long Road', weight: 6 },
  { name: 'Kamikaze', weight: 5 },
  { name: 'Royalty', weight: 4 },
  { name: 'Anchor', weight: 5 },
  { name: 'Lucky 7', weight: 3 },
  { name: 'Golden Egg', weight: 2 },
];

function pickSkill(rng: Rng, rarity: Rarity, exclude: readonly string[]): string {
  const pool = GENERAL_SKILLS.filter((s) => !exclude.includes(s.name) && !(s.name === 'Anchor' && rarity === 'SSR'));
  const total = pool.reduce((sum, s) => sum + s.weight, 0);
  let roll = rng.float(0, total);
  for (const s of pool) {
    roll -= s.weight;
    if (roll < 0) return s.name;
  }
  return pool[pool.length - 1]!.name;
}

const SKILL_RATE: Readonly<Record<Rarity, number>> = { SSR: 0.35, SR: 0.15, R: 0.06 };

export interface OfflineCatalogOptions {
  size?: number;
  seed?: string;
}

/** The offline catalog, ranks 1..size in order; same output on every run. */
export function generateOfflineCatalog(opts: OfflineCatalogOptions = {}): CharacterSeed[] {
  const size = opts.size ?? CATALOG_SIZE;
  const rng = Rng.fromString(opts.seed ?? OFFLINE_CATALOG_SEED);
  const real = new Map(OFFLINE_REAL_CHARACTERS.filter((c) => c.rank <= size).map((c) => [c.rank, c]));
  const usedNames = new Set(OFFLINE_REAL_CHARACTERS.map((c) => c.name));

  const seeds: CharacterSeed[] = [];
  let previous = Infinity;
  for (let rank = 1; rank <= size; rank++) {
    // ±4% noise, then never above the rank before: favourites descend with rank.
    const favourites = Math.max(1, Math.min(previous, Math.round(favouriteCurve(rank) * rng.float(0.96, 1.04))));
    previous = favourites;
    const rarity = rarityForRank(rank);
    const realOne = real.get(rank);
    if (realOne) {
      seeds.push({ id: realOne.id, name: realOne.name, imageUrl: null, favourites, rank, skills: realOne.skills, source: 'generated' });
      continue;
    }
    let name = inventName(rng);
    while (usedNames.has(name)) name = inventName(rng);
    usedNames.add(name);

    const skills: string[] = [];
    if (rng.chance(SKILL_RATE[rarity])) {
      skills.push(pickSkill(rng, rarity, skills));
      if (rarity === 'SSR' && rng.chance(0.15)) skills.push(pickSkill(rng, rarity, skills));
    }
    const seed: CharacterSeed = { id: GENERATED_ID_BASE + rank, name, imageUrl: null, favourites, rank, skills, source: 'generated' };
    if (skills.includes('Anchor')) seed.squashResistance = ANCHOR_SQUASH_RESISTANCE;
    seeds.push(seed);
  }
  return seeds;
}

/** Base power the offline catalog gives a seed (what the database will hold). */
export function seedPower(seed: CharacterSeed): number {
  return basePower(seed.favourites, rarityForRank(seed.rank), seed.squashResistance ?? 0);
}

// --- boot -------------------------------------------------------------------------

export interface CatalogLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface EnsureCatalogOptions {
  anilist?: AniListClient;
  /** Skip AniList even when it answers (tests, the playground, offline installs). */
  preferOffline?: boolean;
  log: CatalogLog;
  /** How quickly AniList must answer to be used. Default 2.5 s. */
  reachableTimeoutMs?: number;
  /** Passed to the sync when AniList is used. */
  sync?: Omit<SyncOptions, 'onProgress'>;
}

export interface EnsureCatalogResult {
  source: 'existing' | 'anilist' | 'offline';
  size: number;
}

/**
 * On boot: makes sure The Dealer exists and the gacha pool is not empty. An
 * empty catalog is synced from AniList when it answers within
 * `reachableTimeoutMs` (at the default budget of 30 requests a minute a full
 * sync takes about 7 minutes), otherwise — or if that sync fails — seeded
 * from the offline catalog in a second or two.
 */
export async function ensureCatalog(db: Db, opts: EnsureCatalogOptions): Promise<EnsureCatalogResult> {
  const { log } = opts;
  await ensureTheDealer(db);
  const existing = await catalogSize(db);
  if (existing > 0) return { source: 'existing', size: existing };

  if (opts.anilist && !opts.preferOffline) {
    if (await opts.anilist.reachable(opts.reachableTimeoutMs ?? 2500)) {
      log.info(`catalog is empty; syncing the top characters from AniList (${opts.anilist.url})`);
      try {
        const result = await syncCatalog(db, opts.anilist, {
          ...opts.sync,
          onProgress: (p) => {
            if (p.page % 20 === 0 || p.page === p.pages) {
              log.info(`catalog sync: page ${p.page}/${p.pages}, ${p.saved} characters, ~${Math.round(p.etaSeconds)} s left`);
            }
          },
        });
        if (result.status === 'complete') {
          const size = await catalogSize(db);
          log.info(`catalog synced from AniList: ${size} characters`);
          return { source: 'anilist', size };
        }
        log.warn('catalog sync was stopped before it finished; using the offline catalog');
      } catch (err) {
        log.warn(`catalog sync from AniList failed (${err instanceof Error ? err.message : String(err)}); using the offline catalog`);
      }
    } else {
      log.info('AniList did not answer quickly; using the offline catalog');
    }
  }

  const started = Date.now();
  await upsertCharacters(db, generateOfflineCatalog());
  const size = await catalogSize(db);
  log.info(`offline catalog seeded: ${size} characters in ${Date.now() - started} ms`);
  return { source: 'offline', size };
}
