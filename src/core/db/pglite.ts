import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import type { Db, QueryResult } from './types.js';

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

/**
 * Where the embedded database's memory goes, and what is cut (figures from
 * `BENCH_MEMORY_KINDS=pglite npx tsx bench/memory.ts`: the bot restarted on
 * its database with the 10,000-character catalog, run through tsx at the
 * time; Postgres idled at 148 MB): idle RSS 448 MB before, 250 MB with the
 * two changes below (a third, in `open`, is for the first boot). Run
 * compiled, as `npm start` now does, the same bot idles at ~187 MB.
 *
 * Postgres settings, on top of PGlite's own start parameters (kept as they
 * were, -F included: PGlite's Node file system has no fsync to call).
 * Postgres' shared memory lives in the WASM linear memory, which PGlite
 * touches in full at start and which never shrinks, so every MB of
 * shared_buffers is a MB of RSS for the life of the process.
 *
 * - shared_buffers=8MB (PGlite's initdb writes 128MB): idle 448 -> 295 MB at
 *   16MB, and 8MB takes the linear memory on from 29 to 21 MB. The whole
 *   database is ~11 MB (characters 2 MB); a page that misses comes from the
 *   OS page cache through a read(): a 10-pull takes the same ~7.5 ms at 4, 8,
 *   16 or 128MB, a seq scan of a 25 MB table 95 vs 75 ms (8MB vs 128MB),
 *   random index lookups in it ~0.2 ms alike. Nothing about durability
 *   changes: a commit still writes its WAL before it returns; wal_buffers
 *   follows shared_buffers (1/32, 256kB).
 *
 * Left alone, because they allocate nothing until used (idle linear memory
 * the same 21.4 MB with all of them at 1MB): work_mem, temp_buffers,
 * maintenance_work_mem, effective_cache_size, wal_buffers. max_connections=5
 * and fewer lock/replication slots would save 2-4 MB: not worth a smaller
 * lock table. CHECKPOINT or VACUUM after the catalog seed: no change.
 */
const POSTGRES_SETTINGS = ['shared_buffers=8MB'];

/*
 * V8 compiles WASM lazily with Liftoff, then recompiles hot functions with
 * TurboFan on background threads. TurboFan's zones for Postgres' large
 * functions peak at ~90 MB of malloc, which glibc keeps in its per-thread
 * arenas once freed (up to ~70 MB of RSS for good). Liftoff only: idle
 * 295 -> 264 MB (at 16MB shared buffers), 5 s after the pull load
 * 588 -> 522 MB, opening the database 2.0 -> 0.7 s. The price is slower
 * Postgres code where it loops: an aggregate over the 10,000 characters
 * 3.9 -> 7.4 ms, a sort 3.5 -> 4.3 ms; point queries (0.5 ms) and a 10-pull
 * (~7 ms, mostly JS) about the same. V8 flags are only dependable when the
 * process starts, so `npm start` and the Dockerfile pass `--liftoff-only` to
 * node (as does the benches' spawned bot); tests and CPU benches run with
 * TurboFan.
 */

/*
 * PGlite runs each statement synchronously (WASM on this thread) and hands
 * its lock to the next waiter in a microtask, so statements queued by many
 * commands ran back to back without the event loop getting a turn: under
 * the load bench the loop stalled for 300-800 ms at a time (no HTTP
 * accepted, no timer, no other command's step). A statement issued outside
 * a transaction therefore first waits one macrotask turn (setImmediate).
 * Statements inside a transaction don't: it holds PGlite until it commits,
 * and should finish soon.
 */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

class PgliteTxDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(private readonly tx: Transaction) {}
  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.tx.query<T>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
  }
  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async close(): Promise<void> {}
  async ping(): Promise<boolean> {
    return true;
  }
}

/**
 * Embedded Postgres (WASM). One connection: statements and transactions are
 * serialised by PGlite itself, so conditional updates behave as on Postgres.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private constructor(readonly pg: PGlite) {}

  /** `dataDir` undefined = in memory (tests); otherwise a folder on disk. */
  static async open(dataDir?: string): Promise<PgliteDb> {
    const onDisk = dataDir !== undefined && !dataDir.includes('://');
    const options = { parsers, startParams: [...PGlite.defaultStartParams, ...POSTGRES_SETTINGS.flatMap((s) => ['-c', s])] };
    // On a new folder PGlite runs initdb in a second WASM instance, which the
    // instance it returns keeps reachable until it is closed: a first boot
    // idled at 679 MB, and at 311 MB closed and reopened (once, ~0.5 s).
    const firstBoot = onDisk && !existsSync(path.join(dataDir, 'PG_VERSION'));
    let pg = await PGlite.create(dataDir, options);
    if (firstBoot) {
      await pg.close();
      pg = await PGlite.create(dataDir, options);
    }
    return new PgliteDb(pg);
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    await yieldTurn();
    const r = await this.pg.query<T>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    await yieldTurn();
    return this.pg.transaction((tx) => fn(new PgliteTxDb(tx)));
  }

  async ping(): Promise<boolean> {
    try {
      await this.pg.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}
