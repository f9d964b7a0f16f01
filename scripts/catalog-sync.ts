/**
 * Syncs the catalog from AniList with a progress bar:
 *
 *   npx tsx scripts/catalog-sync.ts [--limit N] [--restart]
 *
 * Opens the database the way the bot does (DATABASE_URL, else PGlite under
 * STARDUST_DATA_DIR, default ./data), migrates, and reads the top N
 * characters (default 10,000) at ANILIST_REQUESTS_PER_MINUTE (default 30).
 * Ctrl-C stops cleanly, keeping every page saved; running again resumes.
 */
import 'dotenv/config';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ANILIST_DEFAULT_URL, AniListClient } from '../src/core/anilist/client.js';
import { catalogSize, ensureTheDealer } from '../src/core/catalog/repo.js';
import { syncCatalog, syncState } from '../src/core/catalog/sync.js';
import { openDb } from '../src/core/db/index.js';
import { migrate } from '../src/core/db/migrate.js';
import { CATALOG_SIZE } from '../src/core/power.js';

function fail(message: string): never {
  console.error(`catalog-sync: ${message}`);
  process.exit(1);
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number >= 0, got "${raw}"`);
  return n;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { limit: { type: 'string' }, restart: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('usage: npx tsx scripts/catalog-sync.ts [--limit N] [--restart]');
    return;
  }
  const limit = values.limit === undefined ? CATALOG_SIZE : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) fail(`--limit must be a positive whole number, got "${values.limit}"`);

  const stop = new AbortController();
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave now
    interrupted = true;
    console.log('\nstopping after the current page (Ctrl-C again to leave at once)');
    stop.abort();
  };
  process.on('SIGINT', onSigint);

  console.log(process.env.DATABASE_URL ? 'opening Postgres (DATABASE_URL)' : `opening the embedded database in ${process.env.STARDUST_DATA_DIR || './data'}`);
  const db = await openDb({
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    dataDir: process.env.STARDUST_DATA_DIR || './data',
    poolSize: intFromEnv('DATABASE_POOL_SIZE', 3),
    statementTimeoutMs: intFromEnv('DATABASE_STATEMENT_TIMEOUT_MS', 60_000),
  });

  const bar = new cliProgress.SingleBar(
    {
      format: 'AniList sync |{bar}| {percentage}% | page {value}/{total} | {saved} characters | {rate}/s | ETA {eta_text}',
      hideCursor: true,
      // without a terminal (logs, CI) print the line every few seconds instead of redrawing it
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  try {
    await migrate(db);
    if (stop.signal.aborted) return;
    await ensureTheDealer(db);
    const anilist = new AniListClient({
      url: process.env.ANILIST_URL || ANILIST_DEFAULT_URL,
      requestsPerMinute: intFromEnv('ANILIST_REQUESTS_PER_MINUTE', 30),
    });
    const before = values.restart ? null : await syncState(db);
    const pages = Math.ceil(limit / 50);
    const resuming = before !== null && !before.completed && before.target === limit;
    const startValue = resuming ? before.nextPage - 1 : 0;
    if (resuming) console.log(`resuming at page ${before.nextPage} of ${pages} (${before.saved} characters saved earlier)`);
    bar.start(pages, startValue, { saved: resuming ? before.saved : 0, rate: '0.0', eta_text: '?' });

    const result = await syncCatalog(db, anilist, {
      limit,
      restart: values.restart,
      signal: stop.signal,
      onProgress: (p) => bar.update(p.page, { saved: p.saved, rate: p.rate.toFixed(1), eta_text: formatSeconds(p.etaSeconds) }),
    });
    bar.stop();
    const size = await catalogSize(db);
    if (result.status === 'complete') {
      console.log(`done: ${result.savedThisRun} characters saved this run; the gacha pool holds ${size}`);
    } else {
      console.log(`stopped after page ${result.startPage + result.pagesSaved - 1}; ${result.saved} characters saved — run again to resume`);
    }
  } catch (err) {
    bar.stop();
    console.error(`catalog-sync failed: ${err instanceof Error ? err.message : String(err)}`);
    console.error('what was saved stays; run again to resume');
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSigint);
    await db.close();
  }
}

await main();
