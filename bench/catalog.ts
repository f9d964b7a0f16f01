/**
 * Catalog benchmarks: a full 10,000-character sync against the fake AniList
 * (in its own process) with the rate limit lifted — on PGlite, and on Postgres
 * when one answers — seeding the offline catalog, and draws by rank.
 *
 *   npx tsx bench/catalog.ts            (alone)
 *   npm run bench -- --only catalog     (with the others)
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test; a throwaway database is created
 * and dropped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AniListClient } from '../src/core/anilist/client.js';
import { generateOfflineCatalog } from '../src/core/catalog/offline.js';
import { catalogSize, characterByRank, charactersByRanks, upsertCharacters } from '../src/core/catalog/repo.js';
import { syncCatalog } from '../src/core/catalog/sync.js';
import type { Db } from '../src/core/db/index.js';
import { migrate } from '../src/core/db/migrate.js';
import { PgliteDb } from '../src/core/db/pglite.js';
import { Rng } from '../src/core/rng.js';
import { withThrowawayPostgres } from '../test/helpers/db.js';
import type { BenchRow, BenchSuite } from './types.js';

function withPostgres<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  return withThrowawayPostgres(fn, { prefix: 'stardust_bench', poolSize: 5, statementTimeoutMs: 60_000 });
}

/** The fake AniList in its own process, as the real one is on another machine. */
async function startFake(): Promise<{ url: string; child: ChildProcess }> {
  const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fakes/anilist.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '10000'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  const url = out.trim();
  if (!url.startsWith('http://')) throw new Error(`fake AniList did not start: ${out}`);
  return { url, child };
}

async function fullSync(db: Db, url: string): Promise<{ seconds: number; cpuSeconds: number; size: number }> {
  const anilist = new AniListClient({ url, requestsPerMinute: 0 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await syncCatalog(db, anilist, { limit: 10_000, restart: true });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (result.status !== 'complete') throw new Error(`sync ended ${result.status}`);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, size: await catalogSize(db) };
}

async function draws(db: Db): Promise<{ singleUs: number; tenPullUs: number }> {
  const rng = new Rng(42);
  const n = 2000;
  let t = performance.now();
  for (let i = 0; i < n; i++) await characterByRank(db, rng.int(1, 10_000));
  const singleUs = ((performance.now() - t) * 1000) / n;
  t = performance.now();
  for (let i = 0; i < n / 10; i++)
    await charactersByRanks(
      db,
      Array.from({ length: 10 }, () => rng.int(1, 10_000)),
    );
  const tenPullUs = ((performance.now() - t) * 1000) / (n / 10);
  return { singleUs, tenPullUs };
}

export const suite: BenchSuite = async () => {
  const rows: BenchRow[] = [];
  const fake = await startFake();
  try {
    // PGlite (in memory)
    const lite = await PgliteDb.open();
    try {
      await migrate(lite);
      const s = await fullSync(lite, fake.url);
      rows.push({
        name: 'catalog sync, 10,000 characters from fake AniList (PGlite)',
        value: s.seconds,
        unit: 's',
        target: '< 10',
        pass: s.seconds < 10 && s.size === 10_000,
        notes: `${s.size} characters; ${s.cpuSeconds.toFixed(2)} s CPU in the bot process`,
      });
      const d = await draws(lite);
      rows.push({ name: 'draw by rank (PGlite)', value: d.singleUs, unit: 'µs/draw' });
      rows.push({ name: '10-pull by ranks, one query (PGlite)', value: d.tenPullUs, unit: 'µs/10-pull' });
      await lite.exec('TRUNCATE characters, catalog_sync CASCADE');
      const t = performance.now();
      await upsertCharacters(lite, generateOfflineCatalog());
      const seedMs = performance.now() - t;
      rows.push({ name: 'offline catalog: generate + seed 10,000 (PGlite)', value: seedMs, unit: 'ms', target: '< 2000', pass: seedMs < 2000 });
    } finally {
      await lite.close();
    }

    // Postgres, when one answers
    try {
      await withPostgres(async (db) => {
        const s = await fullSync(db, fake.url);
        rows.push({
          name: 'catalog sync, 10,000 characters from fake AniList (Postgres)',
          value: s.seconds,
          unit: 's',
          target: '< 10',
          pass: s.seconds < 10 && s.size === 10_000,
          notes: `${s.size} characters; ${s.cpuSeconds.toFixed(2)} s CPU in the bot process`,
        });
        const d = await draws(db);
        rows.push({ name: 'draw by rank (Postgres)', value: d.singleUs, unit: 'µs/draw' });
        rows.push({ name: '10-pull by ranks, one query (Postgres)', value: d.tenPullUs, unit: 'µs/10-pull' });
      });
    } catch (err) {
      rows.push({ name: 'catalog sync (Postgres)', value: NaN, unit: 's', notes: `skipped: ${err instanceof Error ? err.message : String(err)}` });
    }
  } finally {
    fake.child.stdin?.end();
    fake.child.kill('SIGTERM');
    if (fake.child.exitCode === null) await once(fake.child, 'exit');
  }
  return rows;
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await suite();
  for (const r of rows) {
    const value = Number.isFinite(r.value) ? r.value.toFixed(r.value >= 100 ? 0 : 2) : 'n/a';
    const verdict = r.pass === undefined ? '' : r.pass ? '  PASS' : '  FAIL';
    console.log(`${r.name}: ${value} ${r.unit}${r.target ? ` (target ${r.target})` : ''}${verdict}${r.notes ? ` — ${r.notes}` : ''}`);
  }
}
