/**
 * Memory of the real bot (src/main.ts in a child process, as `npm start` runs
 * it): RSS at idle with the 10,000-character catalog loaded, and under pull
 * load (`!pull 10` with images, 4 at a time), on the embedded PGlite (the
 * default) and on Postgres.
 *
 *   npx tsx bench/memory.ts
 *   BENCH_MEMORY_KINDS=pglite npx tsx bench/memory.ts   # one database only
 *
 * Target: idle RSS < 200 MB.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { httpBot, spawnBot, type ChildBot } from '../test/helpers/workload.js';
import type { BenchRow, BenchSuite } from './types.js';

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const IDLE_TARGET_MB = 200;
const PULLS = Number(process.env.BENCH_MEMORY_PULLS ?? 300);
/** Which databases to measure (comma-separated), e.g. BENCH_MEMORY_KINDS=pglite for a lighter run. */
const KINDS = (process.env.BENCH_MEMORY_KINDS ?? 'pglite,postgres').split(',').map((k) => k.trim()).filter((k): k is 'pglite' | 'postgres' => k === 'pglite' || k === 'postgres');

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function measure(kind: 'pglite' | 'postgres'): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-mem-'));
  const dbName = `stardust_mem_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const owner = '900000000';
  const env: Record<string, string> = { STARDUST_DATA_DIR: dataDir, OWNER_IDS: owner, LOG_LEVEL: 'warn' };
  if (kind === 'postgres') {
    await admin(`CREATE DATABASE ${dbName}`);
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  let child: ChildBot | undefined;
  try {
    // First boot generates and stores the catalog; the figure is for a bot that restarts on it.
    child = await spawnBot(env, { readyTimeoutMs: 300_000 });
    child.kill('SIGTERM');
    await child.exited;
    child = await spawnBot(env, { readyTimeoutMs: 300_000 });
    const bot = httpBot(child.baseUrl);
    await bot.say(owner, '!gems'); // the first command loads the command path
    await sleep(5_000);
    const idle = rssMb(child.pid);

    const me = '900000001';
    await bot.say(me, '!starter');
    await bot.say(owner, `!give gems <@${me}> ${PULLS * 10_000}`);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child!.pid))), 100);
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
      { name: `RSS at idle, catalog of 10,000 loaded, ${kind}`, value: idle, unit: 'MB', target: `< ${IDLE_TARGET_MB}`, pass: idle < IDLE_TARGET_MB, notes: 'src/main.ts in a child process, restarted on its database' },
      { name: `RSS peak under pull load, ${kind}`, value: peak, unit: 'MB', notes: `${PULLS} × !pull 10 with images, 4 at a time, ${(PULLS / seconds).toFixed(1)}/s` },
      { name: `RSS 5 s after pull load, ${kind}`, value: after, unit: 'MB' },
    ];
  } finally {
    if (child) {
      child.kill('SIGKILL');
      await child.exited;
    }
    if (kind === 'postgres') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
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
  for (const r of await suite()) console.log(`${r.name.padEnd(48)} ${Number.isFinite(r.value) ? r.value.toFixed(1) : 'n/a'} ${r.unit} ${r.target ? `(target ${r.target}: ${r.pass ? 'met' : 'NOT met'})` : ''} ${r.notes ?? ''}`);
  process.exit(0);
}
