/**
 * Battle records: one row per fight with the seed, both teams' snapshots and
 * the engine's rule set, enough for `!replay` to re-run it exactly — or to say
 * it can't, when the rules have changed since.
 */
import type { Queryable } from '../db/index.js';
import type { Outcome, Side } from '../skills/engine.js';
import type { Difficulty } from './npc.js';
import { parseSnapshot, type SnapshotUnit } from './snapshot.js';

export type BattleKind = 'pvp' | 'npc';

export interface BattleRecord {
  id: number;
  kind: BattleKind;
  attackerId: string;
  attackerName: string;
  defenderId: string | null;
  difficulty: Difficulty | null;
  defenderName: string;
  seed: number;
  attacker: SnapshotUnit[];
  defender: SnapshotUnit[];
  outcome: Outcome;
  totals: Record<Side, number>;
  finalPowers: Record<Side, number[]>;
  retries: number;
  /** The engine's RULES_VERSION when it was fought (1 for battles from before versions were kept). */
  rulesVersion: number;
  createdAt: Date;
}

export type NewBattleRecord = Omit<BattleRecord, 'id'>;

interface BattleRow {
  id: string;
  kind: BattleKind;
  attacker_id: string;
  attacker_name: string;
  defender_id: string | null;
  difficulty: Difficulty | null;
  defender_name: string;
  seed: string;
  attacker_team: unknown;
  defender_team: unknown;
  outcome: Outcome;
  attacker_total: string;
  defender_total: string;
  final_powers: { attacker: number[]; defender: number[] };
  retries: number;
  rules_version: number;
  created_at: Date;
}

function toRecord(r: BattleRow): BattleRecord {
  return {
    id: Number(r.id),
    kind: r.kind,
    attackerId: r.attacker_id,
    attackerName: r.attacker_name,
    defenderId: r.defender_id,
    difficulty: r.difficulty,
    defenderName: r.defender_name,
    seed: Number(r.seed),
    attacker: parseSnapshot(r.attacker_team),
    defender: parseSnapshot(r.defender_team),
    outcome: r.outcome,
    totals: { attacker: Number(r.attacker_total), defender: Number(r.defender_total) },
    finalPowers: { attacker: r.final_powers.attacker.map(Number), defender: r.final_powers.defender.map(Number) },
    retries: r.retries,
    rulesVersion: r.rules_version,
    createdAt: new Date(r.created_at),
  };
}

/** Stores a fought battle; returns its id. */
export async function insertBattle(db: Queryable, b: NewBattleRecord): Promise<number> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO battles (kind, attacker_id, attacker_name, defender_id, difficulty, defender_name, seed,
                          attacker_team, defender_team, outcome, attacker_total, defender_total, final_powers, retries, rules_version, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13::jsonb, $14, $15, $16)
     RETURNING id`,
    [
      b.kind,
      b.attackerId,
      b.attackerName,
      b.defenderId,
      b.difficulty,
      b.defenderName,
      b.seed,
      JSON.stringify(b.attacker),
      JSON.stringify(b.defender),
      b.outcome,
      b.totals.attacker,
      b.totals.defender,
      JSON.stringify(b.finalPowers),
      b.retries,
      b.rulesVersion,
      b.createdAt,
    ],
  );
  return Number(r.rows[0]!.id);
}

export async function getBattle(db: Queryable, id: number): Promise<BattleRecord | null> {
  const r = await db.query<BattleRow>('SELECT * FROM battles WHERE id = $1', [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

/** A player's most recent battles (as attacker), newest first. */
export async function recentBattles(db: Queryable, playerId: string, limit = 10): Promise<BattleRecord[]> {
  const r = await db.query<BattleRow>('SELECT * FROM battles WHERE attacker_id = $1 ORDER BY id DESC LIMIT $2', [playerId, limit]);
  return r.rows.map(toRecord);
}
