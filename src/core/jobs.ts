import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import type { Db, Queryable } from './db/index.js';

/**
 * Jobs that must happen once however many processes run the bot (shards,
 * a restart overlapping the old process). The guard is a row in `job_runs`
 * keyed by (job, period): whoever inserts it first runs the job for that
 * period; everyone else's INSERT … ON CONFLICT DO NOTHING returns no row.
 * Nothing here lives in process memory, so it holds across shards.
 *
 * Announcements that go to a guild must be sent by the shard that owns the
 * guild: key such jobs per guild (`${guildId}:${hourKey(now)}`) and run them
 * from that shard, or claim globally and let `announce` skip channels this
 * process doesn't own.
 */

/** Who claimed a run (for people reading job_runs). */
export const PROCESS_TAG = `${hostname()}#${process.pid}`;

/** '2025-01-31T13' — one key per UTC hour. */
export function hourKey(d: Date): string {
  return d.toISOString().slice(0, 13);
}

/** '2025-01-31' — one key per UTC day. */
export function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Claims (job, periodKey). True for exactly one caller across all processes;
 * false for every other (and for repeats). `at` comes from the game clock.
 */
export async function claimJobRun(db: Queryable, job: string, periodKey: string, at: Date = new Date(), by: string = PROCESS_TAG): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO job_runs (job, period_key, claimed_by, claimed_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (job, period_key) DO NOTHING
     RETURNING 1`,
    [job, periodKey, by, at],
  );
  return r.rowCount === 1;
}

/**
 * Claims and runs `fn` in ONE transaction: if `fn` throws, the claim is rolled
 * back and a later tick (on any shard) may try again; a concurrent claimer
 * waits on the key until this commits and then sees it taken. Keep `fn` to
 * database work; send messages after it resolves (they can't be rolled back).
 */
export async function runOnce<T>(
  db: Db,
  job: string,
  periodKey: string,
  fn: (tx: Db) => Promise<T>,
  at: Date = new Date(),
): Promise<{ ran: true; value: T } | { ran: false }> {
  return db.transaction(async (tx) => {
    if (!(await claimJobRun(tx, job, periodKey, at))) return { ran: false as const };
    return { ran: true as const, value: await fn(tx) };
  });
}

/** Whether (job, periodKey) has been claimed. */
export async function jobRan(db: Queryable, job: string, periodKey: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM job_runs WHERE job = $1 AND period_key = $2', [job, periodKey]);
  return r.rowCount > 0;
}

/** Deletes claims older than `before` (their periods are long over). Returns how many. */
export async function pruneJobRuns(db: Queryable, before: Date): Promise<number> {
  const r = await db.query('DELETE FROM job_runs WHERE claimed_at < $1', [before]);
  return r.rowCount;
}

export interface Repeating {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `fn` every `ms` (and once right away with `immediately`). Timers are
 * unref'd so they never keep the process alive; a tick is skipped while the
 * previous run is still going; errors are logged, never thrown.
 */
export function every(ms: number, fn: () => Promise<unknown>, opts: { name: string; log?: Logger; immediately?: boolean }): Repeating {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = fn()
      .then(
        () => {},
        (err: unknown) => opts.log?.error({ err, job: opts.name }, `scheduled job ${opts.name} failed`),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, ms);
  timer.unref();
  if (opts.immediately) tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
