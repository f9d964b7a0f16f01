/**
 * Gacha throughput against a real Postgres: 50 players pulling at once
 * through the core `pull` (the database work of a pull; no image rendering,
 * no HTTP). A throwaway database is created on BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) and dropped afterwards.
 *
 *   npx tsx bench/gacha.ts            (BENCH_SECONDS=5 BENCH_POOL=8 to change; the pool defaults to the bot's)
 *
 * Rows: single pulls/s sustained with p50/p99 latency per pull, 10-pulls/s
 * with p50/p99, and the round trips of a 10-pull counted by wrapping the Db
 * (statements, plus the BEGIN and COMMIT of its one transaction).
 */
import { pathToFileURL } from 'node:url';
import { testConfig } from '../src/config.js';
import { generateOfflineCatalog, upsertCharacters } from '../src/core/catalog/index.js';
import type { Db } from '../src/core/db/index.js';
import { changeBalance } from '../src/core/economy.js';
import { pull } from '../src/core/gacha/pull.js';
import { ensurePlayer } from '../src/core/players.js';
import { Rng } from '../src/core/rng.js';
import { createThrowawayPostgres } from '../test/helpers/db.js';
import type { BenchRow, BenchSuite } from './types.js';

const PLAYERS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** The bot's own default pool size unless BENCH_POOL says otherwise. */
const POOL = Number(process.env.BENCH_POOL ?? testConfig().databasePoolSize);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** 50 players pulling back to back for `seconds`; latency of each pull in ms. */
async function run(db: Db, count: 1 | 10, seconds: number): Promise<{ perSecond: number; p50: number; p99: number; pulls: number }> {
  const latencies: number[] = [];
  const rng = new Rng(1234);
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PLAYERS }, async (_, i) => {
      const playerId = `bench-${i}`;
      while (performance.now() < until) {
        const t = performance.now();
        await pull(db, { playerId, count, now: new Date(), rng: new Rng(rng.nextUint32()) });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), pulls: latencies.length };
}

/**
 * Open loop: single pulls started at a fixed rate (spread over the 50
 * players, one pull at a time per player), latency from the scheduled start —
 * what a player sees when the bot serves `rate` pulls a second. The closed
 * loop above measures capacity; with 50 clients always waiting, its latency
 * is queueing by Little's law (50 / throughput), not the cost of a pull.
 */
async function paced(db: Db, rate: number, seconds: number): Promise<{ achieved: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const busy = new Array<Promise<void>>(PLAYERS).fill(Promise.resolve());
  const rng = new Rng(99);
  const all: Promise<void>[] = [];
  for (let k = 0; k < total; k++) {
    const at = start + (k * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const i = k % PLAYERS;
    const seed = rng.nextUint32();
    const p = busy[i]!.then(async () => {
      await pull(db, { playerId: `bench-${i}`, count: 1, now: new Date(), rng: new Rng(seed) });
      latencies.push(performance.now() - at);
    });
    busy[i] = p;
    all.push(p);
  }
  await Promise.all(all);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { achieved: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** One player pulling alone, back to back: the cost of one pull without queueing. */
async function serial(db: Db, count: 1 | 10, n: number): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await pull(db, { playerId: 'bench-0', count, now: new Date(), rng: new Rng(k + 1) });
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Counts what a 10-pull sends: statements through the Db, and its transactions (each adds BEGIN and COMMIT). */
async function roundTrips(db: Db): Promise<{ statements: number; transactions: number }> {
  let statements = 0;
  let transactions = 0;
  const wrap = (inner: Db): Db => ({
    kind: inner.kind,
    query: ((sql: string, params?: readonly unknown[]) => {
      statements++;
      return inner.query(sql, params);
    }) as Db['query'],
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => {
      transactions++;
      return inner.transaction((tx) => fn(wrap(tx)));
    },
    close: () => inner.close(),
    ping: () => inner.ping(),
  });
  await pull(wrap(db), { playerId: 'bench-0', count: 10, now: new Date(), rng: new Rng(7) });
  return { statements, transactions };
}

export const suite: BenchSuite = async (): Promise<BenchRow[]> => {
  const { db, drop } = await createThrowawayPostgres({ prefix: 'stardust_bench_gacha', poolSize: POOL });
  try {
    await upsertCharacters(db, generateOfflineCatalog());
    for (let i = 0; i < PLAYERS; i++) {
      await ensurePlayer(db, `bench-${i}`, `bench-${i}`);
      await changeBalance(db, `bench-${i}`, { gems: 2_000_000_000 }, 'bench');
    }
    await run(db, 1, 1); // warm-up: connections, plans, caches
    const single = await run(db, 1, SECONDS);
    const ten = await run(db, 10, SECONDS);
    const open = await paced(db, 500, SECONDS);
    const alone = await serial(db, 1, 300);
    const rt = await roundTrips(db);
    const note = `${PLAYERS} players at once, pool ${POOL}, ${SECONDS} s, local Postgres; DB work only (no image rendering)`;
    return [
      {
        name: 'single pulls / s (sustained)',
        value: single.perSecond,
        unit: 'pulls/s',
        target: '>= 500',
        pass: single.perSecond >= 500,
        notes: `${single.pulls} pulls; ${note}`,
      },
      { name: 'single pull latency p50 (closed loop)', value: single.p50, unit: 'ms', notes: `queueing-dominated: 50 clients always waiting; ${note}` },
      { name: 'single pull latency p99 (closed loop)', value: single.p99, unit: 'ms', notes: `queueing-dominated; ${note}` },
      { name: 'single pull alone p50', value: alone.p50, unit: 'ms', notes: '1 player, 300 pulls back to back: the cost of a pull without queueing' },
      { name: 'single pull alone p99', value: alone.p99, unit: 'ms', notes: '1 player, 300 pulls back to back' },
      { name: 'single pull p50 at 500/s offered', value: open.p50, unit: 'ms', notes: `open loop, achieved ${Math.round(open.achieved)}/s; ${note}` },
      {
        name: 'single pull p99 at 500/s offered',
        value: open.p99,
        unit: 'ms',
        target: '< 50',
        pass: open.p99 < 50,
        notes: `open loop, achieved ${Math.round(open.achieved)}/s; ${note}`,
      },
      {
        name: '10-pulls / s (sustained)',
        value: ten.perSecond,
        unit: '10-pulls/s',
        notes: `${ten.pulls} 10-pulls = ${Math.round(ten.perSecond * 10)} characters/s; ${note}`,
      },
      { name: '10-pull latency p50', value: ten.p50, unit: 'ms', notes: note },
      { name: '10-pull latency p99', value: ten.p99, unit: 'ms', notes: note },
      {
        name: '10-pull database round trips',
        value: rt.statements + 2 * rt.transactions,
        unit: 'round trips',
        target: '<= 4',
        pass: rt.statements + 2 * rt.transactions <= 4,
        notes: `${rt.statements} statements in ${rt.transactions} transaction (BEGIN + statements + COMMIT)`,
      },
    ];
  } finally {
    await drop();
  }
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await suite()) {
    const v = Math.abs(row.value) >= 100 ? Math.round(row.value).toLocaleString('en-US') : row.value.toFixed(2);
    console.log(
      `${row.name.padEnd(34)} ${v.padStart(10)} ${row.unit}${row.target ? `  (target ${row.target}: ${row.pass ? 'pass' : 'MISS'})` : ''}${row.notes ? `  — ${row.notes}` : ''}`,
    );
  }
}
