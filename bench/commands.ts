/**
 * Commands end to end through the playground HTTP API (parse, database,
 * images, JSON), one at a time, on PGlite and on Postgres:
 * `!gems`, `!inventory`, `!pull 10` (with its image), `!battle hard` (with its image).
 * The bot is the real one, built and started in its own process as `npm
 * start` does (bench/_bot.ts), so the figures are what a player gets and do
 * not depend on what the bench process ran before.
 *
 *   npx tsx bench/commands.ts
 *
 * Postgres: a throwaway database on BENCH_DATABASE_URL / TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
 * Target: `!pull 10` with image p50 < 80 ms.
 */

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type DbKind, OWNER, startBenchBot } from './_bot.js';
import type { BenchRow, BenchSuite } from './types.js';

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

async function measure(backend: DbKind): Promise<BenchRow[]> {
  const b = await startBenchBot(backend, { STARDUST_SEED: String(Date.now() % 1e9) });
  const rows: BenchRow[] = [];
  try {
    const { bot } = b;
    const me = '900000001';
    await bot.say(me, '!starter');
    await bot.say(OWNER, `!give gems <@${me}> 100000000`);
    for (let i = 0; i < 4; i++) await bot.say(me, '!pull 10');
    const units = ((await bot.get(`/api/players/${me}`)).json.units as Array<{ id: number; power: number }>).sort((a, b) => b.power - a.power);
    await bot.say(
      me,
      `!stb ${units
        .slice(0, 5)
        .map((u) => u.id)
        .join(' ')}`,
    );
    for (const c of CASES) {
      for (let i = 0; i < 5; i++) await bot.say(me, c.cmd); // warm-up: JIT, caches, pool
      const times: number[] = [];
      for (let i = 0; i < c.runs; i++) {
        const t0 = performance.now();
        const replies = await bot.say(me, c.cmd);
        times.push(performance.now() - t0);
        if (c.image && !replies.some((r) => r.attachments.length > 0))
          throw new Error(`${c.cmd} replied without an image: ${JSON.stringify(replies).slice(0, 300)}`);
        if (replies.some((r) => r.embeds.some((e) => e.title === 'Something went wrong')))
          throw new Error(`${c.cmd} failed: ${JSON.stringify(replies).slice(0, 300)}`);
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
    await b.dispose();
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
  for (const r of rows)
    console.log(
      `${r.name.padEnd(44)} ${Number.isFinite(r.value) ? r.value.toFixed(1) : 'n/a'} ${r.unit} ${r.target ? `(target ${r.target}: ${r.pass ? 'met' : 'NOT met'})` : ''} ${r.notes ?? ''}`,
    );
  process.exit(0);
}
