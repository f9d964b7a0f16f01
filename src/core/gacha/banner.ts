/**
 * Banners (SPEC §3, §15 `!set_banner`): at most one active (a partial unique
 * index), replaced in one transaction, expired by the game clock. Each
 * banner has a secret seed whose SHA-256 is published at the start and which
 * is revealed when it ends, so every pull on it can be checked (verify.ts).
 */
import { randomBytes } from 'node:crypto';
import { recordAdminAction } from '../audit.js';
import type { Db, Queryable } from '../db/index.js';
import { UserError } from '../errors.js';
import { basePower, RARITIES, type Rarity } from '../power.js';
import { cmd, text } from '../text.js';
import { normaliseChance, type RateUp, rateUpOf, seedHash } from './roll.js';

export interface Banner {
  id: number;
  name: string;
  rateUpIds: number[];
  rateUpRarities: Rarity[];
  rateUpChance: number;
  startsAt: Date;
  endsAt: Date;
  active: boolean;
  seedHash: string;
  /** Only when revealed (ended or replaced); null while it runs. */
  seedSecret: string | null;
  revealedAt: Date | null;
}

interface BannerRow {
  id: number;
  name: string;
  rate_up_ids: number[];
  rate_up_rarities: Rarity[];
  rate_up_chance: number;
  starts_at: Date;
  ends_at: Date;
  active: boolean;
  seed_hash: string;
  seed_secret: string;
  revealed_at: Date | null;
}

const COLUMNS = 'id, name, rate_up_ids, rate_up_rarities, rate_up_chance, starts_at, ends_at, active, seed_hash, seed_secret, revealed_at';

/** A banner's secret is public once it has ended by the clock, been replaced, or been revealed. */
export function isRevealed(b: { active: boolean; endsAt: Date; revealedAt: Date | null }, now: Date): boolean {
  return !b.active || b.revealedAt !== null || b.endsAt.getTime() <= now.getTime();
}

function toBanner(r: BannerRow, now: Date): Banner {
  const b = {
    id: Number(r.id),
    name: r.name,
    rateUpIds: r.rate_up_ids ?? [],
    rateUpRarities: r.rate_up_rarities ?? [],
    rateUpChance: normaliseChance(r.rate_up_chance),
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    active: r.active,
    seedHash: r.seed_hash,
    revealedAt: r.revealed_at,
  };
  return { ...b, seedSecret: isRevealed(b, now) ? r.seed_secret : null };
}

export function bannerRateUp(b: Pick<Banner, 'rateUpIds' | 'rateUpRarities' | 'rateUpChance'>): RateUp {
  return rateUpOf(b.rateUpIds, b.rateUpRarities, b.rateUpChance);
}

/** The running banner by the game clock, or null. */
export async function activeBanner(db: Queryable, now: Date): Promise<Banner | null> {
  const r = await db.query<BannerRow>(`SELECT ${COLUMNS} FROM banners WHERE active AND starts_at <= $1 AND ends_at > $1`, [now]);
  return r.rows[0] ? toBanner(r.rows[0], now) : null;
}

export async function bannerById(db: Queryable, id: number, now: Date): Promise<Banner | null> {
  const r = await db.query<BannerRow>(`SELECT ${COLUMNS} FROM banners WHERE id = $1`, [id]);
  return r.rows[0] ? toBanner(r.rows[0], now) : null;
}

/**
 * The most recently ended banner (its secret is public), for `!banner` when
 * none runs. A banner replaced early ended when it was replaced (revealed_at),
 * not at its planned ends_at.
 */
export async function lastEndedBanner(db: Queryable, now: Date): Promise<Banner | null> {
  const r = await db.query<BannerRow>(
    `SELECT ${COLUMNS} FROM banners WHERE NOT active OR ends_at <= $1
      ORDER BY LEAST(ends_at, COALESCE(revealed_at, ends_at)) DESC, id DESC LIMIT 1`,
    [now],
  );
  return r.rows[0] ? toBanner(r.rows[0], now) : null;
}

/**
 * Expired banners deactivate themselves: marks them inactive and revealed.
 * Pulls already ignore a banner past its end (they filter by the clock), so
 * this is bookkeeping any command may run; it is cheap when nothing expired.
 */
export async function closeExpiredBanners(db: Queryable, now: Date): Promise<Array<{ id: number; name: string }>> {
  const r = await db.query<{ id: number; name: string }>(
    'UPDATE banners SET active = FALSE, revealed_at = COALESCE(revealed_at, $1) WHERE active AND ends_at <= $1 RETURNING id, name',
    [now],
  );
  return r.rows.map((x) => ({ id: Number(x.id), name: x.name }));
}

// --- !set_banner ----------------------------------------------------------

export interface BannerSpec {
  days: number;
  name: string;
  rateUps: Array<{ id: number; rarity: Rarity }>;
  chance: number;
}

export const BANNER_USAGE = '[days] [Name] [id:RARITY] … [chance:0.5]';
export const MAX_BANNER_DAYS = 90;
const MAX_RATE_UPS = 12;

/**
 * Parses `[7] [Summer Stars] [176754:SSR] [209:SR] [chance:0.6]` (the message
 * tokens joined back with spaces). Every part sits in its own brackets;
 * anything else is a clear UserError naming the problem.
 */
export function parseBannerSpec(spec: string): BannerSpec {
  const usage = text`Use ${cmd('set_banner', BANNER_USAGE)}, e.g. ${cmd('set_banner', '[7] [Summer Stars] [176754:SSR] [209:SR]')}.`;
  const src = spec.trim();
  if (!src) throw new UserError(text`Give the banner's days, name and rate-up characters. ${usage}`);
  const parts: string[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch !== '[') throw new UserError(text`Unexpected \`${src.slice(i, i + 20)}\` — every part goes in [brackets]. ${usage}`);
    const end = src.indexOf(']', i + 1);
    const nextOpen = src.indexOf('[', i + 1);
    if (end < 0) throw new UserError(text`A \`[\` is never closed. ${usage}`);
    if (nextOpen >= 0 && nextOpen < end) throw new UserError(text`Brackets can't be nested: \`${src.slice(i, end + 1)}\`. ${usage}`);
    parts.push(src.slice(i + 1, end).trim());
    i = end + 1;
  }
  if (src.includes(']') && (src.match(/\]/g)?.length ?? 0) !== parts.length) throw new UserError(text`A \`]\` has no matching \`[\`. ${usage}`);
  if (parts.length < 3) throw new UserError(text`Give the days, the name and at least one rate-up \`[id:RARITY]\`. ${usage}`);

  const [daysText, name, ...rest] = parts as [string, string, ...string[]];
  if (!/^\d{1,3}$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > MAX_BANNER_DAYS) {
    throw new UserError(text`Days must be a whole number from 1 to ${MAX_BANNER_DAYS} (got \`[${daysText.slice(0, 20)}]\`). ${usage}`);
  }
  if (name.length < 1 || name.length > 60) throw new UserError('The banner name must be 1 to 60 characters.');
  if (/^\d+\s*:\s*\w+$/.test(name)) throw new UserError(text`The second part is the banner's name, not a rate-up (got \`[${name}]\`). ${usage}`);

  const rateUps: BannerSpec['rateUps'] = [];
  let chance = 0.5;
  let chanceSeen = false;
  for (const p of rest) {
    const c = /^chance\s*:\s*(\d*\.?\d+)$/i.exec(p);
    if (c) {
      const v = Number(c[1]);
      if (chanceSeen || !(v > 0 && v <= 1)) throw new UserError(`The rate-up chance must appear once and be above 0 and at most 1 (got \`[${p}]\`).`);
      chance = v;
      chanceSeen = true;
      continue;
    }
    const m = /^(\d{1,10})\s*:\s*([a-z]+)$/i.exec(p);
    if (!m) throw new UserError(`\`[${p.slice(0, 30)}]\` isn't a rate-up — write \`[id:RARITY]\`, e.g. \`[176754:SSR]\`.`);
    const id = Number(m[1]);
    const rarity = m[2]!.toUpperCase() as Rarity;
    if (!RARITIES.includes(rarity)) throw new UserError(`Rarity must be R, SR or SSR (got \`${m[2]}\` in \`[${p}]\`).`);
    if (id < 1 || id > 2_147_483_647) throw new UserError(`\`${m[1]}\` isn't a character id.`);
    if (rateUps.some((r) => r.id === id)) throw new UserError(`Character ${id} is listed twice.`);
    rateUps.push({ id, rarity });
  }
  if (rateUps.length === 0) throw new UserError(text`Give at least one rate-up \`[id:RARITY]\`. ${usage}`);
  if (rateUps.length > MAX_RATE_UPS) throw new UserError(`At most ${MAX_RATE_UPS} rate-up characters.`);
  return { days: Number(daysText), name, rateUps, chance };
}

export interface SetBannerResult {
  banner: Banner;
  /** The banner it replaced, now revealed. */
  replaced: Banner | null;
  /** Characters whose catalog rarity was changed to the one listed. */
  forced: Array<{ id: number; name: string; from: Rarity; to: Rarity }>;
}

/** An arbitrary constant: replacing banners is serialised across processes. */
const BANNER_LOCK_KEY = 4_242_005;

/**
 * Replaces the active banner (one transaction): checks every id is in the
 * catalog, forces the listed rarities there (marked overridden so a sync
 * keeps them; base power follows the new rarity), reveals the old banner,
 * starts the new one with a fresh secret, and writes the admin audit row.
 * Any problem is a UserError and nothing changes.
 */
export async function setBanner(db: Db, spec: BannerSpec, actorId: string, now: Date): Promise<SetBannerResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [BANNER_LOCK_KEY]);
    const ids = spec.rateUps.map((r) => r.id);
    const found = await tx.query<{ id: number; name: string; rarity: Rarity; favourites: number; squash_resistance: number; rank: number }>(
      'SELECT id, name, rarity, favourites, squash_resistance, rank FROM characters WHERE id = ANY($1::int[]) FOR UPDATE',
      [ids],
    );
    const byId = new Map(found.rows.map((r) => [r.id, r]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) throw new UserError(text`Not in the catalog: ${missing.join(', ')}. Check the ids with ${cmd('lookup', '<name>')}.`);
    const event = found.rows.find((r) => r.rank === 0);
    if (event) throw new UserError(`${event.name} (${event.id}) is outside the gacha pool and can't be a rate-up.`);

    const forced: SetBannerResult['forced'] = [];
    const changeIds: number[] = [];
    const changeRarities: string[] = [];
    const changePowers: number[] = [];
    for (const r of spec.rateUps) {
      const c = byId.get(r.id)!;
      if (c.rarity === r.rarity) continue;
      forced.push({ id: c.id, name: c.name, from: c.rarity, to: r.rarity });
      changeIds.push(c.id);
      changeRarities.push(r.rarity);
      changePowers.push(basePower(c.favourites, r.rarity, Number(c.squash_resistance)));
    }
    if (changeIds.length) {
      await tx.query(
        `UPDATE characters c SET rarity = v.rarity, base_power = v.power, overridden = TRUE, updated_at = $4
           FROM unnest($1::int[], $2::text[], $3::int[]) AS v (id, rarity, power) WHERE c.id = v.id`,
        [changeIds, changeRarities, changePowers, now],
      );
    }

    const old = await tx.query<BannerRow>(`UPDATE banners SET active = FALSE, revealed_at = COALESCE(revealed_at, $1) WHERE active RETURNING ${COLUMNS}`, [
      now,
    ]);
    const secret = randomBytes(32).toString('hex');
    const endsAt = new Date(now.getTime() + spec.days * 86_400_000);
    const ins = await tx.query<BannerRow>(
      `INSERT INTO banners (name, rate_up_ids, rate_up_rarities, rate_up_chance, starts_at, ends_at, seed_hash, seed_secret, created_by)
       VALUES ($1, $2::int[], $3::text[], $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [spec.name, ids, spec.rateUps.map((r) => r.rarity), spec.chance, now, endsAt, seedHash(secret), secret, actorId],
    );
    const banner = toBanner(ins.rows[0]!, now);
    await recordAdminAction(
      tx,
      actorId,
      'set_banner',
      {
        bannerId: banner.id,
        name: spec.name,
        days: spec.days,
        rateUps: spec.rateUps,
        chance: spec.chance,
        forced,
        replaced: old.rows[0] ? Number(old.rows[0].id) : null,
      },
      now,
    );
    return { banner, replaced: old.rows[0] ? toBanner(old.rows[0], now) : null, forced };
  });
}
