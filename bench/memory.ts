/**
 * Memory of the real bot (built and started in a child process as `npm start`
 * does): RSS at idle with the 10,000-character catalog loaded, and under pull
 * load (`!pull 10` with images, 4 at a time), on the embedded PGlite (the
 * default) and on Postgres.
 *
 *   npx tsx bench/memory.ts
 *   BENCH_MEMORY_KINDS=pglite npx tsx bench/memory.ts   # one database only
 *
 * Target: idle RSS < 200 MB.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type DbKind, OWNER, startBenchBot } from './_bot.js';
import type { BenchRow, BenchSuite } from './types.js';

const IDLE_TARGET_MB = 200;
const PULLS = Number(process.env.BENCH_MEMORY_PULLS ?? 300);
/** Which databases to measure (comma-separated), e.g. BENCH_MEMORY_KINDS=pglite for a lighter run. */
const KINDS = (process.env.BENCH_MEMORY_KINDS ?? 'pglite,postgres')
  .split(',')
  .map((k) => k.trim())
  .filter((k): k is DbKind => k === 'pglite' || k === 'postgres');

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(kind: DbKind): Promise<BenchRow[]> {
  const b = await startBenchBot(kind);
  try {
    // First boot generates and stores the catalog; the figure is for a bot that restarts on it.
    await b.restart();
    const { bot, child } = b;
    await bot.say(OWNER, '!gems'); // the first command loads the command path
    await sleep(5_000);
    const idle = rssMb(child.pid);

    const me = '900000001';
    await bot.say(me, '!starter');
    await bot.say(OWNER, `!give gems <@${me}> ${PULLS * 10_000}`);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid))), 100);
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < PULLS) {
          next++;
          await bot.say(me, '!pull 10');
        }
      }),
    );
    const seconds = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    await sleep(5_000);
    const after = rssMb(child.pid);
    return [
      {
        name: `RSS at idle, catalog of 10,000 loaded, ${kind}`,
        value: idle,
        unit: 'MB',
        target: `< ${IDLE_TARGET_MB}`,
        pass: idle < IDLE_TARGET_MB,
        notes: 'the bot as npm start runs it (dist/main.js), restarted on its database',
      },
      {
        name: `RSS peak under pull load, ${kind}`,
        value: peak,
        unit: 'MB',
        notes: `${PULLS} × !pull 10 with images, 4 at a time, ${(PULLS / seconds).toFixed(1)}/s`,
      },
      {
        name: `RSS 5 s after pull load, ${kind}`,
        value: after,
        unit: 'MB',
        notes: 'the playground keeps sent images on disk, the unwritten ones (at most 32 MB) in memory',
      },
    ];
  } finally {
    await b.dispose();
  }
}

export const suite: BenchSuite = async () => {
  const rows: BenchRow[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  for (const kind of KINDS) {
    try {
      rows.push(...(await measure(kind)));
    } catch (err) {
      rows.push({ name: `memory on ${kind}`, value: NaN, unit: '', pass: false, notes: err instanceof Error ? err.message.slice(0, 300) : String(err) });
    }
  }
  for (const r of rows) r.notes = `${r.notes ?? ''}${r.notes ? '; ' : ''}load ${load}`;
  return rows;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await suite())
    console.log(
      `${r.name.padEnd(48)} ${Number.isFinite(r.value) ? r.value.toFixed(1) : 'n/a'} ${r.unit} ${r.target ? `(target ${r.target}: ${r.pass ? 'met' : 'NOT met'})` : ''} ${r.notes ?? ''}`,
    );
  process.exit(0);
}
