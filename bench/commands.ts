/**
 * Commands end to end through the playground HTTP API (parse, database,
 * images, JSON), one at a time, on PGlite and on Postgres:
 * `!gems`, `!inventory`, `!pull 10` (with its image), `!battle hard` (with its image).
 *
 *   npx tsx bench/commands.ts
 *
 * Postgres: a throwaway database on BENCH_DATABASE_URL / TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
 * Target: `!pull 10` with image p50 < 80 ms.
 */
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { changeBalance } from '../src/core/economy.js';
import { generateOfflineCatalog, upsertCharacters } from '../src/core/catalog/index.js';
import type { Backend } from '../test/helpers/db.js';
import type { BenchRow, BenchSuite } from './types.js';

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Case {
  cmd: string;
  runs: number;
  /** The reply must carry an image. */
  image?: boolean;
  target?: { p50: number };
}

const CASES: Case[] = [
  { cmd: '!gems', runs: 100 },
  { cmd: '!inventory', runs: 100 },
  { cmd: '!pull 10', runs: 60, image: true, target: { p50: 80 } },
  { cmd: '!battle hard', runs: 60, image: true },
];

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

async function measure(backend: Backend): Promise<BenchRow[]> {
  // The test helpers make (and drop) the throwaway database and boot the whole bot on a random port.
  process.env.TEST_DATABASE_URL ??= PG_URL;
  const { openTestDb } = await import('../test/helpers/db.js');
  const { startTestBot } = await import('../test/helpers/app.js');
  const tdb = await openTestDb(backend, { poolSize: 5 });
  const rows: BenchRow[] = [];
  try {
    await upsertCharacters(tdb.db, generateOfflineCatalog());
    const bot = await startTestBot(backend, { tdb, env: { STARDUST_SEED: String(Date.now() % 1e9) } });
    try {
      const me = '900000001';
      await bot.say(me, '!starter');
      await changeBalance(tdb.db, me, { gems: 100_000_000 }, 'bench');
      for (let i = 0; i < 4; i++) await bot.say(me, '!pull 10');
      const units = ((await bot.get(`/api/players/${me}`)).json.units as Array<{ id: number; power: number }>).sort((a, b) => b.power - a.power);
      await bot.say(me, `!stb ${units.slice(0, 5).map((u) => u.id).join(' ')}`);
      for (const c of CASES) {
        for (let i = 0; i < 5; i++) await bot.say(me, c.cmd); // warm-up: JIT, caches, pool
        const times: number[] = [];
        for (let i = 0; i < c.runs; i++) {
          const t0 = performance.now();
          const replies = await bot.say(me, c.cmd);
          times.push(performance.now() - t0);
          if (c.image && !replies.some((r) => r.attachments.length > 0)) throw new Error(`${c.cmd} replied without an image: ${JSON.stringify(replies).slice(0, 300)}`);
          if (replies.some((r) => r.embeds.some((e) => e.title === 'Something went wrong'))) throw new Error(`${c.cmd} failed: ${JSON.stringify(replies).slice(0, 300)}`);
        }
        times.sort((a, b) => a - b);
        const p50 = quantile(times, 0.5);
        const p99 = quantile(times, 0.99);
        const label = `${c.cmd}${c.image ? ' (with image)' : ''}, ${backend}`;
        rows.push({
          name: `${label}, p50`,
          value: p50,
          unit: 'ms',
          ...(c.target ? { target: `< ${c.target.p50}`, pass: p50 < c.target.p50 } : {}),
          notes: `${c.runs} runs, one at a time`,
        });
        rows.push({ name: `${label}, p99`, value: p99, unit: 'ms', notes: `${c.runs} runs` });
      }
    } finally {
      await bot.close();
    }
  } finally {
    await tdb.close();
  }
  return rows;
}

export const suite: BenchSuite = async () => {
  const rows: BenchRow[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  for (const backend of ['pglite', 'postgres'] as const) {
    try {
      rows.push(...(await measure(backend)));
    } catch (err) {
      rows.push({ name: `commands on ${backend}`, value: NaN, unit: '', pass: false, notes: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const r of rows) r.notes = `${r.notes ?? ''}${r.notes ? '; ' : ''}load ${load}`;
  return rows;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await suite();
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${Number.isFinite(r.value) ? r.value.toFixed(1) : 'n/a'} ${r.unit} ${r.target ? `(target ${r.target}: ${r.pass ? 'met' : 'NOT met'})` : ''} ${r.notes ?? ''}`);
  process.exit(0);
}
