import type { Queryable } from './db/index.js';
import { UserError } from './errors.js';

/**
 * The one way currency changes. A change is a single statement: the balance
 * update carries its condition in SQL (never below zero), and the ledger rows
 * are written by the same statement, so Σ ledger = balance always holds and
 * concurrent spends can't overdraw — with or without a surrounding transaction.
 */
export interface Delta {
  gems?: number;
  coins?: number;
}

export interface Balance {
  gems: number;
  coins: number;
}

export class NotEnoughCurrency extends UserError {
  constructor(
    readonly need: Delta,
    readonly have: Balance | null,
    message: string,
  ) {
    super(message);
    this.name = 'NotEnoughCurrency';
  }
}

const CHANGE_SQL = `
WITH ${balanceChangeCtes({ name: 'chg', playerId: '$1::text', gems: '$2', coins: '$3', reason: '$4::text', ref: '$5::text' })}
SELECT gems, coins FROM chg`;

/**
 * Many players' credits: $1 ids, $2 gems, $3 coins (one line per player),
 * $4 reason, $5 ref. Rows are locked in id order first, so two batch payouts
 * (a raid ending, !end_event, !apologems) running at once queue behind each
 * other instead of deadlocking.
 */
const PAY_MANY_SQL = `
WITH ${balanceChangeCtes({
  name: 'pay',
  many: 'SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS p (player_id, gems, coins)',
  reason: '$4::text',
  ref: '$5::text',
})}
SELECT count(*)::int AS n FROM pay`;

function checkDelta(d: Delta): { gems: number; coins: number } {
  const gems = d.gems ?? 0;
  const coins = d.coins ?? 0;
  if (!Number.isSafeInteger(gems) || !Number.isSafeInteger(coins)) throw new RangeError(`currency deltas must be integers: ${gems}, ${coins}`);
  return { gems, coins };
}

/**
 * Applies a delta (positive pays, negative spends) and records why. Throws
 * NotEnoughCurrency — a friendly UserError — when a spend would go below zero.
 */
export async function changeBalance(db: Queryable, playerId: string, delta: Delta, reason: string, ref?: string | null): Promise<Balance> {
  const { gems, coins } = checkDelta(delta);
  const r = await db.query<Balance>(CHANGE_SQL, [playerId, gems, coins, reason, ref ?? null]);
  const row = r.rows[0];
  if (row) return row;
  const have = (await db.query<Balance>('SELECT gems, coins FROM players WHERE id = $1', [playerId])).rows[0] ?? null;
  throw new NotEnoughCurrency(delta, have, describeShortfall({ gems, coins }, have));
}

/**
 * Pays many players in one statement (apologems, event and raid rewards).
 * Credits only. Lines for the same player are summed first: an UPDATE … FROM
 * updates a row once however many source rows match, so a repeated id would
 * otherwise pay only one of its lines.
 */
export async function payMany(
  db: Queryable,
  payments: Array<{ playerId: string; gems?: number; coins?: number }>,
  reason: string,
  ref?: string | null,
): Promise<number> {
  const byId = new Map<string, { id: string; gems: number; coins: number }>();
  for (const p of payments) {
    const d = checkDelta(p);
    if (d.gems < 0 || d.coins < 0) throw new RangeError('payMany only credits');
    const cur = byId.get(p.playerId);
    if (cur) {
      cur.gems += d.gems;
      cur.coins += d.coins;
      checkDelta(cur);
    } else byId.set(p.playerId, { id: p.playerId, ...d });
  }
  const rows = [...byId.values()].filter((p) => p.gems !== 0 || p.coins !== 0);
  if (rows.length === 0) return 0;
  const r = await db.query<{ n: number }>(PAY_MANY_SQL, [rows.map((p) => p.id), rows.map((p) => p.gems), rows.map((p) => p.coins), reason, ref ?? null]);
  return r.rows[0]?.n ?? 0;
}

function describeShortfall(d: { gems: number; coins: number }, have: Balance | null): string {
  if (!have) return "You don't have a wallet yet — try again.";
  const parts: string[] = [];
  if (d.gems < 0 && have.gems + d.gems < 0) parts.push(`${(-d.gems).toLocaleString('en-US')} gems (you have ${have.gems.toLocaleString('en-US')})`);
  if (d.coins < 0 && have.coins + d.coins < 0) parts.push(`${(-d.coins).toLocaleString('en-US')} coins (you have ${have.coins.toLocaleString('en-US')})`);
  return parts.length ? `Not enough: that needs ${parts.join(' and ')}.` : 'Not enough currency for that.';
}

export interface LedgerEntry {
  id: number;
  currency: 'gems' | 'coins';
  delta: number;
  balanceAfter: number;
  reason: string;
  ref: string | null;
  createdAt: Date;
}

export async function ledgerPage(db: Queryable, playerId: string, page: number, perPage = 10): Promise<{ entries: LedgerEntry[]; total: number }> {
  const r = await db.query<{
    id: number;
    currency: 'gems' | 'coins';
    delta: number;
    balance_after: number;
    reason: string;
    ref: string | null;
    created_at: Date;
    total: number;
  }>(
    `SELECT id, currency, delta, balance_after, reason, ref, created_at, count(*) OVER ()::int AS total
       FROM ledger WHERE player_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    [playerId, perPage, (page - 1) * perPage],
  );
  return {
    total: r.rows[0]?.total ?? 0,
    entries: r.rows.map((x) => ({
      id: x.id,
      currency: x.currency,
      delta: x.delta,
      balanceAfter: x.balance_after,
      reason: x.reason,
      ref: x.ref,
      createdAt: x.created_at,
    })),
  };
}

/** Σ ledger per currency for a player — equals the balance by construction; tests check it. */
export async function ledgerSums(db: Queryable, playerId: string): Promise<Balance> {
  const r = await db.query<Balance>(
    `SELECT COALESCE(SUM(delta) FILTER (WHERE currency = 'gems'), 0)::bigint AS gems,
            COALESCE(SUM(delta) FILTER (WHERE currency = 'coins'), 0)::bigint AS coins
       FROM ledger WHERE player_id = $1`,
    [playerId],
  );
  return r.rows[0] ?? { gems: 0, coins: 0 };
}

/** One player's change; the values are SQL expressions (parameters like `$1`, or scalar subqueries over earlier CTEs). */
interface OnePlayerChange {
  playerId: string;
  gems: string;
  coins: string;
  /** Assignments added to the same UPDATE (a statement may update a players row only once, so counters ride along). */
  alsoSet?: string;
  /** Conditions added to the UPDATE's WHERE, on the players row `p` (re-checks of what a command read before). */
  alsoWhere?: string;
}

/** Credits to many players: a query returning (player_id, gems, coins), one row per player. */
interface ManyPlayersChange {
  many: string;
}

/**
 * The one builder of money SQL (changeBalance, payMany and every statement
 * that changes a balance as part of a larger write: a pull, auto-scrap, a
 * scrap, story and bounty rewards, expedition claims). Two CTEs for a `WITH`:
 *
 * - `name`: one UPDATE of the players rows with the never-below-zero
 *   condition in SQL, returning (id, gems, coins) after the change, for each
 *   row it changed; a row whose condition failed is not returned, so the
 *   caller checks for its row (`notEnoughCurrency` words the refusal);
 * - `name_ledger`: the ledger rows of those changes (one per non-zero
 *   currency), written by the same statement, so Σ ledger = balance holds
 *   whatever runs beside it.
 *
 * Many-player changes lock the rows in id order first (`FOR NO KEY UPDATE`,
 * the strength the UPDATE takes anyway: it must not conflict with the KEY
 * SHARE locks that foreign-key checks hold on the same players).
 * `reason` and `ref` are SQL expressions too.
 */
export function balanceChangeCtes(c: { name: string; reason: string; ref: string } & (OnePlayerChange | ManyPlayersChange)): string {
  const n = c.name;
  const many = 'many' in c;
  const deltas = many ? c.many : ['SELECT', `(${c.playerId})::text AS player_id,`, `(${c.gems})::bigint AS gems,`, `(${c.coins})::bigint AS coins`].join(' ');
  const alsoSet = !many && c.alsoSet ? `, ${c.alsoSet}` : '';
  const alsoWhere = !many && c.alsoWhere ? ` AND (${c.alsoWhere})` : '';
  const lock = many ? `${n}_lock AS (SELECT id FROM players WHERE id IN (SELECT player_id FROM ${n}_delta) ORDER BY id FOR NO KEY UPDATE), ` : '';
  const lockJoin = many ? ` JOIN ${n}_lock l ON l.id = d.player_id` : '';
  return `${n}_delta AS (${deltas}), ${lock}${n} AS (
  UPDATE players p SET gems = p.gems + d.gems, coins = p.coins + d.coins${alsoSet}
    FROM ${n}_delta d${lockJoin}
   WHERE p.id = d.player_id AND p.gems + d.gems >= 0 AND p.coins + d.coins >= 0${alsoWhere}
  RETURNING p.id, p.gems, p.coins, d.gems AS delta_gems, d.coins AS delta_coins
), ${n}_ledger AS (
  INSERT INTO ledger (player_id, currency, delta, balance_after, reason, ref)
  SELECT u.id, x.currency, x.delta, CASE x.currency WHEN 'gems' THEN u.gems ELSE u.coins END, ${c.reason}, ${c.ref}
    FROM ${n} u, LATERAL (VALUES ('gems', u.delta_gems), ('coins', u.delta_coins)) AS x (currency, delta)
   WHERE x.delta <> 0
)`;
}

/** The shortfall message changeBalance would give, for callers of balanceChangeCtes. */
export async function notEnoughCurrency(db: Queryable, playerId: string, delta: Delta): Promise<NotEnoughCurrency> {
  const { gems, coins } = checkDelta(delta);
  const have = (await db.query<Balance>('SELECT gems, coins FROM players WHERE id = $1', [playerId])).rows[0] ?? null;
  return new NotEnoughCurrency(delta, have, describeShortfall({ gems, coins }, have));
}
