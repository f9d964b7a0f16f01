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
WITH upd AS (
  UPDATE players SET gems = gems + $2::bigint, coins = coins + $3::bigint
   WHERE id = $1 AND gems + $2::bigint >= 0 AND coins + $3::bigint >= 0
  RETURNING gems, coins
), led AS (
  INSERT INTO ledger (player_id, currency, delta, balance_after, reason, ref)
  SELECT $1, c.currency, c.delta, CASE c.currency WHEN 'gems' THEN upd.gems ELSE upd.coins END, $4, $5
    FROM upd, (VALUES ('gems', $2::bigint), ('coins', $3::bigint)) AS c (currency, delta)
   WHERE c.delta <> 0
)
SELECT gems, coins FROM upd`;

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
  const r = await db.query<{ n: number }>(
    // Rows are locked in id order first, so two batch payouts (a raid ending, !end_event,
    // !apologems) running at once queue behind each other instead of deadlocking. NO KEY
    // UPDATE is the strength the UPDATE takes anyway: it must not conflict with the KEY SHARE
    // locks that foreign-key checks (a ticket row, a score row) hold on the same players.
    `WITH pay AS (
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS p (id, gems, coins)
     ), locked AS (
       SELECT id FROM players WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE
     ), upd AS (
       UPDATE players pl SET gems = pl.gems + pay.gems, coins = pl.coins + pay.coins
         FROM pay JOIN locked ON locked.id = pay.id WHERE pl.id = pay.id
       RETURNING pl.id, pl.gems, pl.coins, pay.gems AS dg, pay.coins AS dc
     ), led AS (
       INSERT INTO ledger (player_id, currency, delta, balance_after, reason, ref)
       SELECT id, 'gems', dg, gems, $4, $5 FROM upd WHERE dg <> 0
       UNION ALL
       SELECT id, 'coins', dc, coins, $4, $5 FROM upd WHERE dc <> 0
     )
     SELECT count(*)::int AS n FROM upd`,
    [rows.map((p) => p.id), rows.map((p) => p.gems), rows.map((p) => p.coins), reason, ref ?? null],
  );
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

/**
 * CHANGE_SQL's balance change as two CTEs, for a statement that does more in
 * the same round trip (a pull spends, rolls its stream counter and records
 * itself in one statement; auto-scrap pays from amounts computed in SQL).
 * Same guarantees as changeBalance: one UPDATE with the never-below-zero
 * condition, ledger rows written by the same statement. The arguments are SQL
 * expressions (parameters like `$1`, or scalar subqueries over earlier CTEs).
 * `name` returns one row (gems, coins after) only when the change applied;
 * the caller checks it. `alsoSet` adds assignments to the same UPDATE (a
 * statement may update a players row only once, so counters ride along).
 */
export function balanceChangeCtes(c: { name: string; playerId: string; gems: string; coins: string; reason: string; ref: string; alsoSet?: string }): string {
  const g = `(${c.gems})::bigint`;
  const k = `(${c.coins})::bigint`;
  return `${c.name} AS (
  UPDATE players SET gems = gems + ${g}, coins = coins + ${k}${c.alsoSet ? `, ${c.alsoSet}` : ''}
   WHERE id = ${c.playerId} AND gems + ${g} >= 0 AND coins + ${k} >= 0
  RETURNING gems, coins
), ${c.name}_ledger AS (
  INSERT INTO ledger (player_id, currency, delta, balance_after, reason, ref)
  SELECT ${c.playerId}, x.currency, x.delta, CASE x.currency WHEN 'gems' THEN ${c.name}.gems ELSE ${c.name}.coins END, ${c.reason}, ${c.ref}
    FROM ${c.name}, (VALUES ('gems', ${g}), ('coins', ${k})) AS x (currency, delta)
   WHERE x.delta <> 0
)`;
}

/** The shortfall message changeBalance would give, for callers of balanceChangeCtes. */
export async function notEnoughCurrency(db: Queryable, playerId: string, delta: Delta): Promise<NotEnoughCurrency> {
  const { gems, coins } = checkDelta(delta);
  const have = (await db.query<Balance>('SELECT gems, coins FROM players WHERE id = $1', [playerId])).rows[0] ?? null;
  return new NotEnoughCurrency(delta, have, describeShortfall({ gems, coins }, have));
}
