/**
 * The after-command achievement check (SPEC §14) for a player owning 2,000
 * units with a full battle team: how many queries it costs when nothing is new
 * (the usual case) and its latency, p50 and p99 over many runs — on Postgres
 * (the target: one query, < 5 ms) and, for information, on PGlite.
 *
 *   npx tsx bench/achievements.ts            (alone)
 *   npm run bench -- --only achievements     (with the others)
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test; a throwaway database is created
 * and dropped.
 */
import { pathToFileURL } from 'node:url';
import { checkAchievements } from '../src/core/achievements.js';
import { generateOfflineCatalog } from '../src/core/catalog/offline.js';
import { upsertCharacters } from '../src/core/catalog/repo.js';
import type { Db, QueryResult } from '../src/core/db/index.js';
import { migrate } from '../src/core/db/migrate.js';
import { PgliteDb } from '../src/core/db/pglite.js';
import { ensurePlayer } from '../src/core/players.js';
import { Rng } from '../src/core/rng.js';
import { setTeam } from '../src/core/teams.js';
import { withThrowawayPostgres } from '../test/helpers/db.js';
import type { BenchRow, BenchSuite } from './types.js';

const UNITS = 2_000;
const RUNS = 2_000;
const WARMUP = 200;
const TARGET_MS = 5;
const PLAYER = 'bench-player';

function withPostgres<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  return withThrowawayPostgres(fn, { prefix: 'stardust_bench', poolSize: 3, statementTimeoutMs: 60_000 });
}

/** A Db that counts the statements sent through it (the check must send one). */
function counting(db: Db): { db: Db; count: () => number; reset: () => void } {
  let n = 0;
  const wrapped: Db = {
    kind: db.kind,
    query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      n++;
      return db.query<T>(sql, params);
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => {
      n++;
      return db.transaction(fn);
    },
    close: () => db.close(),
    ping: () => db.ping(),
  };
  return { db: wrapped, count: () => n, reset: () => (n = 0) };
}

/** Catalog, other players, and one player with 2,000 units, a battle team and most achievements earned. */
async function seed(db: Db): Promise<void> {
  await upsertCharacters(db, generateOfflineCatalog());
  const rng = new Rng(2024);
  // Neighbours, so the tables are not just this player's.
  for (let p = 0; p < 50; p++) {
    const id = `other-${p}`;
    await ensurePlayer(db, id, id);
    const ranks = new Set<number>();
    while (ranks.size < 200) ranks.add(rng.int(1, 10_000));
    await db.query(
      `INSERT INTO units (player_id, character_id, dupe_level, bond_level)
       SELECT $1, c.id, 0, 1 FROM characters c WHERE c.rank = ANY($2::int[])`,
      [id, [...ranks]],
    );
  }
  await ensurePlayer(db, PLAYER, PLAYER);
  const ranks = new Set<number>();
  while (ranks.size < UNITS) ranks.add(rng.int(1, 10_000));
  await db.query(
    `INSERT INTO units (player_id, character_id, dupe_level, bond_level, locked)
     SELECT $1, c.id, (c.rank % 11), 1 + (c.rank % 50), c.rank % 7 = 0 FROM characters c WHERE c.rank = ANY($2::int[])`,
    [PLAYER, [...ranks]],
  );
  const team = await db.query<{ id: number }>('SELECT id FROM units WHERE player_id = $1 ORDER BY id LIMIT 5', [PLAYER]);
  await setTeam(
    db,
    PLAYER,
    'battle',
    team.rows.map((r) => Number(r.id)),
  );
  await db.query(`INSERT INTO bounty_kills (player_id, tier, kills) VALUES ($1, 'R', 3), ($1, 'SR', 1)`, [PLAYER]);
  await db.query('UPDATE players SET total_pulls = 2500, team_level = 12, checkin_streak = 3 WHERE id = $1', [PLAYER]);
  // Award what is met now, so the measured checks find nothing new (the usual case after a command).
  await checkAchievements(db, PLAYER, new Date());
  await db.exec('ANALYZE');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Measured {
  p50: number;
  p99: number;
  queries: number;
  earned: number;
  /** `SELECT 1` on the same handle, interleaved: the floor the machine allows (a loaded machine shows in p99). */
  floorP50: number;
  floorP99: number;
}

async function measure(db: Db): Promise<Measured> {
  await seed(db);
  const c = counting(db);
  const now = new Date();
  for (let i = 0; i < WARMUP; i++) await checkAchievements(c.db, PLAYER, now);
  c.reset();
  const times: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const won = await checkAchievements(c.db, PLAYER, now);
    times.push(performance.now() - t0);
    if (won.length) throw new Error('the bench player unlocked something mid-run');
    const t1 = performance.now();
    await db.query('SELECT 1');
    floor.push(performance.now() - t1);
  }
  const queries = c.count() / RUNS;
  times.sort((a, b) => a - b);
  floor.sort((a, b) => a - b);
  const earned = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM player_achievements WHERE player_id = $1', [PLAYER])).rows[0]!.n;
  return { p50: percentile(times, 50), p99: percentile(times, 99), queries, earned, floorP50: percentile(floor, 50), floorP99: percentile(floor, 99) };
}

export const suite: BenchSuite = async (): Promise<BenchRow[]> => {
  const rows: BenchRow[] = [];
  let pgResult: Measured | null = null;
  try {
    pgResult = await withPostgres(measure);
  } catch (err) {
    rows.push({
      name: 'achievement check, Postgres',
      value: NaN,
      unit: 'ms',
      target: `< ${TARGET_MS}`,
      pass: false,
      notes: `Postgres unavailable: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  if (pgResult) {
    const note = `${UNITS.toLocaleString('en-US')} units, ${RUNS.toLocaleString('en-US')} runs after ${WARMUP} warm-up, ${pgResult.earned} achievements already earned`;
    rows.push(
      {
        name: 'achievement check, Postgres, queries per check',
        value: pgResult.queries,
        unit: 'queries',
        target: '= 1',
        pass: pgResult.queries === 1,
        notes: note,
      },
      { name: 'achievement check, Postgres, p50', value: pgResult.p50, unit: 'ms', target: `< ${TARGET_MS}`, pass: pgResult.p50 < TARGET_MS, notes: note },
      { name: 'achievement check, Postgres, p99', value: pgResult.p99, unit: 'ms', target: `< ${TARGET_MS}`, pass: pgResult.p99 < TARGET_MS, notes: note },
      {
        name: 'Postgres round trip (SELECT 1), p50 / p99 for reference',
        value: pgResult.floorP99,
        unit: 'ms (p99)',
        notes: `p50 ${pgResult.floorP50.toFixed(3)} ms; interleaved with the checks — the machine's own noise floor`,
      },
    );
  }
  const lite = await PgliteDb.open();
  try {
    await migrate(lite);
    const r = await measure(lite);
    rows.push(
      { name: 'achievement check, PGlite, p50', value: r.p50, unit: 'ms', notes: `${r.queries} query per check; embedded, for information` },
      { name: 'achievement check, PGlite, p99', value: r.p99, unit: 'ms', notes: 'embedded, for information' },
    );
  } finally {
    await lite.close();
  }
  return rows;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await suite()) {
    const v = Number.isFinite(row.value) ? row.value.toFixed(3) : 'n/a';
    console.log(
      `${row.name}: ${v} ${row.unit}${row.target ? ` (target ${row.target}) ${row.pass ? 'PASS' : 'MISS'}` : ''}${row.notes ? ` — ${row.notes}` : ''}`,
    );
  }
}
