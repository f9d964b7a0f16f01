/**
 * Battles players start (SPEC §7). A battle is three steps so that nothing is
 * written for a fight the player never sees:
 *   1. prepare — load the teams (effective powers) and run the pure engine;
 *   2. the caller renders the reply (image);
 *   3. saveBattle — one transaction: the record, the day's task on a win, and
 *      a boss kill when the configured boss user was beaten.
 * Battles pay no currency; Royalty is only reported.
 */
import type { Db, Queryable } from '../db/index.js';
import { UserError } from '../errors.js';
import { requirePlayer } from '../players.js';
import type { Rng } from '../rng.js';
import { type BattleResult, RULES_VERSION, runBattle, type Side } from '../skills/engine.js';
import { recordTaskWin, type TaskKey } from '../tasks.js';
import { requireBattleTeam } from '../teams.js';
import { cmd, text } from '../text.js';
import { type Difficulty, npcTeam } from './npc.js';
import { type BattleKind, type BattleRecord, getBattle, insertBattle } from './record.js';
import { type SnapshotUnit, snapshotOfUnits } from './snapshot.js';

/** A fought battle not yet saved. */
export interface Fight {
  kind: BattleKind;
  attackerId: string;
  attackerName: string;
  defenderId: string | null;
  difficulty: Difficulty | null;
  defenderName: string;
  attacker: SnapshotUnit[];
  defender: SnapshotUnit[];
  result: BattleResult;
}

export interface SavedBattle {
  id: number;
  /** The daily task this win completed (null unless the outcome is WIN). */
  task: TaskKey | null;
  /** The configured boss user was beaten. */
  bossKill: boolean;
}

export interface Fighter {
  id: string;
  name: string;
}

/** The same pure engine call the replay makes; one place, so the two can't drift. */
function fightTeams(attacker: SnapshotUnit[], defender: SnapshotUnit[], seed: number): BattleResult {
  return runBattle(attacker, defender, { seed });
}

/** Your battle team vs an NPC team of `difficulty` (`trainingDummy`: the no-argument opponent). */
export async function prepareNpcBattle(db: Queryable, input: { player: Fighter; difficulty: Difficulty; trainingDummy?: boolean; rng: Rng }): Promise<Fight> {
  const units = await requireBattleTeam(db, input.player.id);
  const npc = npcTeam(input.difficulty, input.rng, { trainingDummy: input.trainingDummy });
  const attacker = snapshotOfUnits(units);
  const result = fightTeams(attacker, npc.units, input.rng.nextUint32());
  return {
    kind: 'npc',
    attackerId: input.player.id,
    attackerName: input.player.name,
    defenderId: null,
    difficulty: input.difficulty,
    defenderName: npc.name,
    attacker,
    defender: npc.units,
    result,
  };
}

/** Your battle team vs another player's (both at their effective powers). */
export async function preparePvpBattle(db: Queryable, input: { player: Fighter; opponent: { id: string; name?: string }; rng: Rng }): Promise<Fight> {
  if (input.opponent.id === input.player.id) {
    throw new UserError(text`You can't battle yourself — try ${cmd('battle', 'normal')} for a practice fight.`);
  }
  const mine = await requireBattleTeam(db, input.player.id);
  const opponent = await requirePlayer(db, input.opponent.id, input.opponent.name);
  // The platform's display name when it knows the member, else the name they last played under.
  const opponentName = input.opponent.name ?? (opponent.username || opponent.id);
  const theirs = await requireBattleTeam(db, input.opponent.id, opponentName);
  const attacker = snapshotOfUnits(mine);
  const defender = snapshotOfUnits(theirs);
  const result = fightTeams(attacker, defender, input.rng.nextUint32());
  return {
    kind: 'pvp',
    attackerId: input.player.id,
    attackerName: input.player.name,
    defenderId: input.opponent.id,
    difficulty: null,
    defenderName: opponentName,
    attacker,
    defender,
    result,
  };
}

/**
 * Records the battle, and on a win the day's task (idempotent per player, day
 * and task: the unique key makes a second win a no-op) and a boss kill. One
 * transaction, with the time from the game clock.
 */
export async function saveBattle(db: Db, fight: Fight, opts: { now: Date; bossUserId?: string }): Promise<SavedBattle> {
  const won = fight.result.outcome === 'WIN';
  const task: TaskKey | null = won ? (fight.kind === 'pvp' ? 'pvp' : fight.difficulty) : null;
  const bossKill = won && fight.kind === 'pvp' && !!opts.bossUserId && fight.defenderId === opts.bossUserId;
  const id = await db.transaction(async (tx) => {
    const battleId = await insertBattle(tx, {
      kind: fight.kind,
      attackerId: fight.attackerId,
      attackerName: fight.attackerName,
      defenderId: fight.defenderId,
      difficulty: fight.difficulty,
      defenderName: fight.defenderName,
      seed: fight.result.seed,
      attacker: fight.attacker,
      defender: fight.defender,
      outcome: fight.result.outcome,
      totals: fight.result.totals,
      finalPowers: fight.result.finalPowers,
      retries: fight.result.retries,
      rulesVersion: fight.result.rulesVersion,
      createdAt: opts.now,
    });
    if (task) await recordTaskWin(tx, fight.attackerId, task, opts.now);
    if (bossKill) await tx.query('UPDATE players SET boss_kills = boss_kills + 1 WHERE id = $1', [fight.attackerId]);
    return battleId;
  });
  return { id, task, bossKill };
}

export interface Replay {
  record: BattleRecord;
  /** The battle re-run by today's engine. */
  result: BattleResult;
  /**
   * The record was fought under today's rules (RULES_VERSION). When not, the
   * re-run shows how it goes under today's rules and is not compared.
   */
  sameRules: boolean;
  /** Same rules, and outcome, totals, final powers and retries all equal the record's. */
  matches: boolean;
  /** What differs, in words (empty when it matches or the rules differ). */
  differences: string[];
}

const SIDE_NAMES: readonly Side[] = ['attacker', 'defender'];

/**
 * Re-runs a recorded battle from its seed and snapshots and compares it with
 * the record — only when it was fought under today's rules: a battle from an
 * older rule set can't be re-run exactly, and differing from it proves nothing.
 */
export function replayRecord(record: BattleRecord): Replay {
  const result = fightTeams(record.attacker, record.defender, record.seed);
  if (record.rulesVersion !== RULES_VERSION) return { record, result, sameRules: false, matches: false, differences: [] };
  const differences: string[] = [];
  if (result.outcome !== record.outcome) differences.push(`outcome ${result.outcome} instead of ${record.outcome}`);
  for (const side of SIDE_NAMES) {
    if (result.totals[side] !== record.totals[side]) differences.push(`${side} total ${result.totals[side]} instead of ${record.totals[side]}`);
    const a = result.finalPowers[side];
    const b = record.finalPowers[side];
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) differences.push(`${side} final powers ${a.join('/')} instead of ${b.join('/')}`);
  }
  if (result.retries !== record.retries) differences.push(`${result.retries} retries instead of ${record.retries}`);
  return { record, result, sameRules: true, matches: differences.length === 0, differences };
}

/** Loads and replays a battle, or a clear error for an unknown id. */
export async function replayBattle(db: Queryable, id: number): Promise<Replay> {
  const record = await getBattle(db, id);
  if (!record) throw new UserError(`There is no battle #${id}.`);
  return replayRecord(record);
}
