/**
 * `!verify <pull id>` (and scripts/verify-pull.ts): recompute a pull from
 * public data and say whether it matches what was recorded.
 *
 * Banner pulls: the banner's revealed secret must hash to the SHA-256
 * published when it started; then roll i of the pull is
 * rollOne(Rng(streamSeed(secret, playerId, counterStart + i)), banner's rate-ups)
 * and the character is the one at the rolled rank (or the rate-up id).
 * Off-banner pulls: the recorded seed replays the rolls — a replay, not a
 * proof, since the bot chose that seed.
 */
import type { Queryable } from '../db/index.js';
import { UserError } from '../errors.js';
import type { Rarity } from '../power.js';
import { type Banner, bannerById, bannerRateUp } from './banner.js';
import { type Roll, rollOffBanner, rollOnBanner, seedHash } from './roll.js';

export interface RecordedRoll {
  tier: Rarity;
  rank: number | null;
  rateUpId: number | null;
  characterId: number | null;
}

export interface PullRecord {
  id: number;
  playerId: string;
  kind: 'single' | 'ten' | 'starter';
  bannerId: number | null;
  counterStart: number | null;
  seed: number | null;
  rolls: RecordedRoll[];
  createdAt: Date;
}

export async function getPullRecord(db: Queryable, pullId: number): Promise<PullRecord | null> {
  const r = await db.query<{
    id: number;
    player_id: string;
    kind: PullRecord['kind'];
    banner_id: number | null;
    counter_start: number | null;
    seed: number | null;
    rolls: RecordedRoll[];
    created_at: Date;
  }>('SELECT id, player_id, kind, banner_id, counter_start, seed, rolls, created_at FROM pulls WHERE id = $1', [pullId]);
  const x = r.rows[0];
  if (!x) return null;
  return {
    id: Number(x.id),
    playerId: x.player_id,
    kind: x.kind,
    bannerId: x.banner_id === null ? null : Number(x.banner_id),
    counterStart: x.counter_start,
    seed: x.seed === null ? null : Number(x.seed),
    rolls: x.rolls,
    createdAt: x.created_at,
  };
}

export type VerifyResult =
  | { status: 'pending'; pull: PullRecord; banner: Banner }
  | {
      status: 'match' | 'mismatch';
      pull: PullRecord;
      banner: Banner | null;
      /** Banner pulls: SHA-256(revealed secret) equals the published hash. */
      hashOk: boolean | null;
      recomputed: Roll[];
      /** Per roll: the recomputed roll equals the recorded one. */
      rollsOk: boolean[];
      /** Rolls whose rank now holds a different character (a catalog sync since the pull); informational. */
      catalogMoved: Array<{ slot: number; rank: number; recorded: number | null; now: number | null }>;
    };

function sameRoll(a: Roll, b: RecordedRoll): boolean {
  return a.tier === b.tier && (a.rank ?? null) === (b.rank ?? null) && (a.rateUpId ?? null) === (b.rateUpId ?? null);
}

export async function verifyPull(db: Queryable, pullId: number, now: Date): Promise<VerifyResult> {
  const pull = await getPullRecord(db, pullId);
  if (!pull) throw new UserError(`There is no pull #${pullId}. Pull ids are shown under each pull.`);
  let banner: Banner | null = null;
  let recomputed: Roll[];
  let hashOk: boolean | null = null;
  if (pull.bannerId !== null) {
    banner = await bannerById(db, pull.bannerId, now);
    if (!banner) throw new Error(`pull ${pullId} names banner ${pull.bannerId}, which is missing`);
    if (banner.seedSecret === null) return { status: 'pending', pull, banner };
    hashOk = seedHash(banner.seedSecret) === banner.seedHash;
    recomputed = rollOnBanner(banner.seedSecret, pull.playerId, pull.counterStart!, pull.rolls.length, bannerRateUp(banner));
  } else {
    recomputed = rollOffBanner(pull.seed!, pull.rolls.length, { starter: pull.kind === 'starter' });
  }
  const rollsOk = recomputed.map((r, i) => sameRoll(r, pull.rolls[i]!));
  const ranks = pull.rolls.filter((r) => r.rank !== null).map((r) => r.rank!);
  const c = await db.query<{ id: number; rank: number }>('SELECT id, rank FROM characters WHERE rank = ANY($1::int[]) AND rank > 0', [ranks]);
  const atRank = new Map(c.rows.map((x) => [x.rank, x.id]));
  const catalogMoved = pull.rolls.flatMap((r, slot) =>
    r.rank !== null && atRank.get(r.rank) !== r.characterId ? [{ slot, rank: r.rank, recorded: r.characterId, now: atRank.get(r.rank) ?? null }] : [],
  );
  const ok = rollsOk.every(Boolean) && hashOk !== false && pull.rolls.every((r) => r.rateUpId === null || r.rateUpId === r.characterId);
  return { status: ok ? 'match' : 'mismatch', pull, banner, hashOk, recomputed, rollsOk, catalogMoved };
}
