/**
 * Catalog data access (SPEC §1, §15, §17): small functions taking a `Db`.
 * Rows are snake_case in SQL and camelCase `Character`s here.
 *
 * Writes keep three promises:
 * - an `overridden` character's rarity and base power are never changed by an
 *   upsert (only `overrideCharacter` sets them);
 * - skill tags and squash resistance set by admins are never dropped by an
 *   upsert (tags are merged, resistance only grows);
 * - `event` rows (The Dealer) are never touched by an upsert.
 */
import type { Db, Queryable } from '../db/index.js';
import { basePower, RARITIES, type Rarity, rarityForRank } from '../power.js';
import { ANCHOR_SQUASH_RESISTANCE, type Character, type CharacterSeed, type CharacterSource, THE_DEALER_ID } from './types.js';

export const CHARACTER_COLUMNS = 'id, name, image_url, favourites, rank, rarity, base_power, skills, squash_resistance, overridden, source';

interface CharacterRow {
  id: number;
  name: string;
  image_url: string | null;
  favourites: number;
  rank: number;
  rarity: Rarity;
  base_power: number;
  skills: string[];
  squash_resistance: number;
  overridden: boolean;
  source: CharacterSource;
}

export function toCharacter(row: CharacterRow): Character {
  return {
    id: row.id,
    name: row.name,
    imageUrl: row.image_url,
    favourites: row.favourites,
    rank: row.rank,
    rarity: row.rarity,
    basePower: row.base_power,
    skills: row.skills ?? [],
    // REAL is float4: 0.4 comes back as 0.4000000059604645.
    squashResistance: Math.round(Number(row.squash_resistance) * 1e6) / 1e6,
    overridden: row.overridden,
    source: row.source,
  };
}

const INT32_MAX = 2_147_483_647;

export class CatalogInputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogInputError';
  }
}

function checkSeed(s: CharacterSeed): void {
  const ok =
    Number.isInteger(s.id) &&
    s.id > 0 &&
    s.id <= INT32_MAX &&
    Number.isInteger(s.rank) &&
    s.rank >= 1 &&
    s.rank <= INT32_MAX &&
    Number.isInteger(s.favourites) &&
    s.favourites >= 0 &&
    s.favourites <= INT32_MAX &&
    typeof s.name === 'string' &&
    s.name.trim() !== '';
  if (!ok) throw new CatalogInputError(`invalid character seed: ${JSON.stringify(s)}`);
}

/** Postgres text cannot hold NUL; everything else is passed through as parameters. */
function cleanText(s: string): string {
  return s.replaceAll('\u0000', '');
}

export interface UpsertOptions {
  /** Rows per statement. Default 1000. */
  batchSize?: number;
}

/**
 * Inserts or updates characters, one statement per batch. Rarity comes from
 * rank and base power from favourites (with the row's squash resistance).
 * A character that held one of these ranks and is not the one given for it is
 * moved out of the pool (rank 0) first, so ranks stay unique as they shift.
 * Within one call the first seed for an id (and for a rank) wins.
 * Runs in one transaction; returns the number of rows written.
 */
export async function upsertCharacters(db: Db, seeds: readonly CharacterSeed[], opts: UpsertOptions = {}): Promise<number> {
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const unique: CharacterSeed[] = [];
  const seenIds = new Set<number>();
  const seenRanks = new Set<number>();
  for (const s of seeds) {
    checkSeed(s);
    if (seenIds.has(s.id) || seenRanks.has(s.rank)) continue;
    seenIds.add(s.id);
    seenRanks.add(s.rank);
    unique.push(s);
  }
  if (unique.length === 0) return 0;
  return db.transaction(async (tx) => {
    let written = 0;
    for (let i = 0; i < unique.length; i += batchSize) {
      written += await upsertBatch(tx, unique.slice(i, i + batchSize));
    }
    return written;
  });
}

async function upsertBatch(tx: Queryable, batch: readonly CharacterSeed[]): Promise<number> {
  const ids = batch.map((s) => s.id);
  const ranks = batch.map((s) => s.rank);
  // One round trip: move whoever holds these ranks (and is not the one given
  // for it) out of the pool, and read the squash resistance of Anchor rows,
  // whose power must use it. The SELECT sees the rows before the UPDATE, which
  // does not touch squash_resistance.
  const resistant = await tx.query<{ id: number; squash_resistance: number }>(
    `WITH displaced AS (
       UPDATE characters AS c SET rank = 0, updated_at = now()
         FROM unnest($1::int[], $2::int[]) AS v(id, rank)
        WHERE c.rank = v.rank AND c.rank > 0 AND c.id <> v.id
     )
     SELECT id, squash_resistance FROM characters WHERE id = ANY($1::int[]) AND squash_resistance > 0`,
    [ids, ranks],
  );
  const existingResistance = new Map(resistant.rows.map((r) => [r.id, Math.round(Number(r.squash_resistance) * 1e6) / 1e6]));

  const names: string[] = [];
  const images: (string | null)[] = [];
  const favourites: number[] = [];
  const rarities: Rarity[] = [];
  const powers: number[] = [];
  const skills: string[] = [];
  const resistances: number[] = [];
  const sources: CharacterSource[] = [];
  for (const s of batch) {
    const rarity = rarityForRank(s.rank);
    const resistance = Math.max(s.squashResistance ?? 0, existingResistance.get(s.id) ?? 0);
    names.push(cleanText(s.name.trim()));
    images.push(s.imageUrl === null ? null : cleanText(s.imageUrl));
    favourites.push(s.favourites);
    rarities.push(rarity);
    powers.push(basePower(s.favourites, rarity, resistance));
    skills.push(JSON.stringify((s.skills ?? []).map(cleanText)));
    resistances.push(s.squashResistance ?? 0);
    sources.push(s.source ?? 'anilist');
  }
  const r = await tx.query(
    `INSERT INTO characters AS c
            (id, name, image_url, favourites, rank, rarity, base_power, skills, squash_resistance, source, updated_at)
     SELECT v.id, v.name, v.image_url, v.favourites, v.rank, v.rarity, v.base_power,
            ARRAY(SELECT jsonb_array_elements_text(v.skills::jsonb)), v.squash_resistance, v.source, now()
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::int[],
                   $8::text[], $9::real[], $10::text[])
         AS v(id, name, image_url, favourites, rank, rarity, base_power, skills, squash_resistance, source)
     ON CONFLICT (id) DO UPDATE SET
       name = excluded.name,
       image_url = COALESCE(excluded.image_url, c.image_url),
       favourites = excluded.favourites,
       rank = excluded.rank,
       rarity = CASE WHEN c.overridden THEN c.rarity ELSE excluded.rarity END,
       base_power = CASE WHEN c.overridden THEN c.base_power ELSE excluded.base_power END,
       skills = c.skills || ARRAY(SELECT s FROM unnest(excluded.skills) AS s WHERE s <> ALL (c.skills)),
       squash_resistance = GREATEST(c.squash_resistance, excluded.squash_resistance),
       source = excluded.source,
       updated_at = now()
     WHERE c.source <> 'event'`,
    [ids, names, images, favourites, ranks, rarities, powers, skills, resistances, sources],
  );
  return r.rowCount;
}

/** The one query a gacha draw makes; `rank > 0` lets the planner use the partial rank index. */
export const CHARACTER_BY_RANK_SQL = `SELECT ${CHARACTER_COLUMNS} FROM characters WHERE rank = $1 AND rank > 0`;

/** The character at `rank` in the gacha pool (one indexed lookup), or null. */
export async function characterByRank(db: Queryable, rank: number): Promise<Character | null> {
  const r = await db.query<CharacterRow>(CHARACTER_BY_RANK_SQL, [rank]);
  const row = r.rows[0];
  return row ? toCharacter(row) : null;
}

/** The characters at these ranks in one query (a 10-pull), keyed by rank; missing ranks are absent. */
export async function charactersByRanks(db: Queryable, ranks: readonly number[]): Promise<Map<number, Character>> {
  const out = new Map<number, Character>();
  if (ranks.length === 0) return out;
  const r = await db.query<CharacterRow>(`SELECT ${CHARACTER_COLUMNS} FROM characters WHERE rank = ANY($1::int[]) AND rank > 0`, [[...new Set(ranks)]]);
  for (const row of r.rows) out.set(row.rank, toCharacter(row));
  return out;
}

export async function characterById(db: Queryable, id: number): Promise<Character | null> {
  if (!Number.isInteger(id) || id <= 0 || id > INT32_MAX) return null;
  const r = await db.query<CharacterRow>(`SELECT ${CHARACTER_COLUMNS} FROM characters WHERE id = $1`, [id]);
  const row = r.rows[0];
  return row ? toCharacter(row) : null;
}

/** Escapes LIKE's wildcards with its default escape character (backslash). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Characters whose name contains every word of `text` (case-insensitive, any
 * order): exact name first, then names starting with the text, then by rank
 * (the gacha pool before rank-0 characters).
 */
export async function searchCharactersByName(db: Queryable, text: string, limit = 10): Promise<Character[]> {
  const cleaned = cleanText(text).normalize('NFC').trim();
  const words = cleaned.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const patterns = words.map((w) => `%${escapeLike(w)}%`);
  const r = await db.query<CharacterRow>(
    `SELECT ${CHARACTER_COLUMNS} FROM characters
      WHERE name ILIKE ALL ($1::text[])
      ORDER BY lower(name) = lower($2) DESC, name ILIKE $3 DESC, rank = 0, rank, id
      LIMIT $4`,
    [patterns, cleaned, `${escapeLike(cleaned)}%`, clampLimit(limit)],
  );
  return r.rows.map(toCharacter);
}

function clampLimit(limit: number): number {
  return Math.min(1000, Math.max(1, Math.trunc(Number.isFinite(limit) ? limit : 10)));
}

const HAS_SKILL = 'EXISTS (SELECT 1 FROM unnest(skills) AS s WHERE lower(s) = lower($1))';

/** Catalog characters carrying `skill` (case-insensitive), pool first by rank (`!whohas`). */
export async function charactersWithSkill(db: Queryable, skill: string, limit = 20): Promise<Character[]> {
  const r = await db.query<CharacterRow>(`SELECT ${CHARACTER_COLUMNS} FROM characters WHERE ${HAS_SKILL} ORDER BY rank = 0, rank, id LIMIT $2`, [
    cleanText(skill),
    clampLimit(limit),
  ]);
  return r.rows.map(toCharacter);
}

export async function countCharactersWithSkill(db: Queryable, skill: string): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM characters WHERE ${HAS_SKILL}`, [cleanText(skill)]);
  return r.rows[0]?.n ?? 0;
}

/** `!override_unit`: sets rarity and base power and marks the character overridden. Null if unknown. */
export async function overrideCharacter(db: Queryable, id: number, rarity: Rarity, power: number): Promise<Character | null> {
  if (!RARITIES.includes(rarity)) throw new CatalogInputError(`rarity must be one of ${RARITIES.join(', ')}, got ${String(rarity)}`);
  if (!Number.isInteger(power) || power < 0 || power > INT32_MAX) throw new CatalogInputError(`power must be a whole number >= 0, got ${power}`);
  const r = await db.query<CharacterRow>(
    `UPDATE characters SET rarity = $2, base_power = $3, overridden = TRUE, updated_at = now()
      WHERE id = $1 RETURNING ${CHARACTER_COLUMNS}`,
    [id, rarity, power],
  );
  const row = r.rows[0];
  return row ? toCharacter(row) : null;
}

/**
 * `!add_skill`: adds a skill tag (no duplicate, case-insensitive). Anchor (or
 * an explicit `squashResistance`) also sets the squash resistance and
 * recomputes base power, unless the character is overridden. The caller
 * passes the registry's spelling of the name. Null if the character is unknown.
 */
export async function addSkillToCharacter(db: Db, id: number, skillName: string, squashResistance?: number): Promise<Character | null> {
  const skill = cleanText(skillName).trim();
  if (skill === '') throw new CatalogInputError('skill name is empty');
  const resistance = squashResistance ?? (skill.toLowerCase() === 'anchor' ? ANCHOR_SQUASH_RESISTANCE : undefined);
  if (resistance !== undefined && !(resistance >= 0 && resistance <= 1)) {
    throw new CatalogInputError(`squash resistance must be within 0..1, got ${resistance}`);
  }
  return db.transaction(async (tx) => {
    const cur = await tx.query<CharacterRow>(`SELECT ${CHARACTER_COLUMNS} FROM characters WHERE id = $1 FOR UPDATE`, [id]);
    const row = cur.rows[0];
    if (!row) return null;
    const c = toCharacter(row);
    const skills = c.skills.some((s) => s.toLowerCase() === skill.toLowerCase()) ? c.skills : [...c.skills, skill];
    const newResistance = resistance ?? c.squashResistance;
    const power = c.overridden || resistance === undefined ? c.basePower : basePower(c.favourites, c.rarity, newResistance);
    const r = await tx.query<CharacterRow>(
      `UPDATE characters SET skills = $2::text[], squash_resistance = $3, base_power = $4, updated_at = now()
        WHERE id = $1 RETURNING ${CHARACTER_COLUMNS}`,
      [id, skills, newResistance, power],
    );
    return toCharacter(r.rows[0]!);
  });
}

/** Characters in the gacha pool (rank > 0). */
export async function catalogSize(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM characters WHERE rank > 0');
  return r.rows[0]?.n ?? 0;
}

/** The Dealer's favourites: a casino's lucky number; SSR power follows from it. */
const DEALER_FAVOURITES = 77_777;

/**
 * Makes sure The Dealer (77777, rank 0, SSR, source 'event') is in the catalog.
 * Event-exclusive: rank 0 keeps it out of every gacha roll.
 */
export async function ensureTheDealer(db: Queryable): Promise<Character> {
  const r = await db.query<CharacterRow>(
    `INSERT INTO characters AS c (id, name, image_url, favourites, rank, rarity, base_power, skills, source)
     VALUES ($1, 'The Dealer', NULL, $2, 0, 'SSR', $3, ARRAY['Lucky 7'], 'event')
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, rank = 0, rarity = 'SSR',
       base_power = CASE WHEN c.overridden THEN c.base_power ELSE excluded.base_power END,
       favourites = excluded.favourites, source = 'event', updated_at = now()
     WHERE c.source <> 'event'
     RETURNING ${CHARACTER_COLUMNS}`,
    [THE_DEALER_ID, DEALER_FAVOURITES, basePower(DEALER_FAVOURITES, 'SSR')],
  );
  const row = r.rows[0];
  if (row) return toCharacter(row);
  return (await characterById(db, THE_DEALER_ID))!;
}
