import { expect } from 'vitest';
import type { Db } from '../../../src/core/db/index.js';
import { changeBalance } from '../../../src/core/economy.js';
import { ensurePlayer } from '../../../src/core/players.js';

/** Creates the player if needed and credits gems/coins through the ledger. */
export async function fund(db: Db, playerId: string, delta: { gems?: number; coins?: number }): Promise<void> {
  await ensurePlayer(db, playerId, playerId);
  if ((delta.gems ?? 0) !== 0 || (delta.coins ?? 0) !== 0) await changeBalance(db, playerId, delta, 'test');
}

/** Σ ledger = balance for every player (one query). */
export async function expectLedgerMatchesBalances(db: Db): Promise<void> {
  const r = await db.query<{ id: string; gems: number; coins: number; lg: number; lc: number }>(
    `SELECT p.id, p.gems, p.coins, COALESCE(l.g, 0)::bigint AS lg, COALESCE(l.c, 0)::bigint AS lc
       FROM players p LEFT JOIN (
         SELECT player_id, sum(delta) FILTER (WHERE currency = 'gems') AS g, sum(delta) FILTER (WHERE currency = 'coins') AS c
           FROM ledger GROUP BY player_id) l ON l.player_id = p.id
      WHERE p.gems <> COALESCE(l.g, 0) OR p.coins <> COALESCE(l.c, 0)`,
  );
  expect(r.rows, 'players whose ledger does not sum to their balance').toEqual([]);
}

export async function wallet(db: Db, playerId: string): Promise<{ gems: number; coins: number; totalPulls: number; totalScrapped: number }> {
  const r = await db.query<{ gems: number; coins: number; total_pulls: number; total_scrapped: number }>(
    'SELECT gems, coins, total_pulls, total_scrapped FROM players WHERE id = $1',
    [playerId],
  );
  const p = r.rows[0]!;
  return { gems: p.gems, coins: p.coins, totalPulls: p.total_pulls, totalScrapped: p.total_scrapped };
}

/** Units and copies (Σ dupe + 1) a player holds, and the ledger row count — "nothing changed" snapshots. */
export async function snapshot(
  db: Db,
  playerId: string,
): Promise<{ units: number; copies: number; ledger: number; gems: number; coins: number; dupes: string }> {
  const r = await db.query<{ units: number; copies: number; ledger: number; gems: number; coins: number; dupes: string }>(
    `SELECT (SELECT count(*) FROM units WHERE player_id = $1)::int AS units,
            (SELECT COALESCE(sum(dupe_level + 1), 0) FROM units WHERE player_id = $1)::int AS copies,
            (SELECT count(*) FROM ledger WHERE player_id = $1)::int AS ledger,
            COALESCE((SELECT gems FROM players WHERE id = $1), 0) AS gems,
            COALESCE((SELECT coins FROM players WHERE id = $1), 0) AS coins,
            COALESCE((SELECT string_agg(id || ':' || dupe_level || ':' || locked, ',' ORDER BY id) FROM units WHERE player_id = $1), '') AS dupes`,
    [playerId],
  );
  return r.rows[0]!;
}

/** A Db whose n-th query (counting inside transactions too) throws — a test-only failure injection. */
export function failingOnQuery(db: Db, n: number): Db {
  let count = 0;
  const wrap = (inner: Db): Db => ({
    kind: inner.kind,
    query: (async (sql: string, params?: readonly unknown[]) => {
      count++;
      if (count === n) throw new Error(`injected failure on query ${n}`);
      return inner.query(sql, params);
    }) as Db['query'],
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    close: () => inner.close(),
    ping: () => inner.ping(),
  });
  return wrap(db);
}

export { countingDb } from '../../helpers/db.js';

/**
 * Presses a component twice at once (a double click). The second press may be
 * dropped as busy, or refused because the first already finished the view;
 * returns the texts of whatever both produced.
 */
export async function doubleClick(
  post: (path: string, body: unknown) => Promise<{ status: number; json: any }>,
  userId: string,
  messageId: string,
  customId: string,
  values?: string[],
): Promise<{ statuses: number[]; messages: any[] }> {
  const body = { userId, messageId, customId, values };
  const rs = await Promise.all([post('/api/interactions', body), post('/api/interactions', body)]);
  return {
    statuses: rs.map((r) => r.status),
    messages: rs.flatMap((r) => (r.status === 200 ? [...(r.json.replies ?? []), ...(r.json.edits ?? [])] : [])),
  };
}
