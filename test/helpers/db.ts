import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/core/db/index.js';
import { migrate } from '../../src/core/db/migrate.js';
import { PgliteDb } from '../../src/core/db/pglite.js';
import { PostgresDb } from '../../src/core/db/postgres.js';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; Postgres too when TEST_DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDb {
  db: Db;
  backend: Backend;
  /** Empties every game table (keeps the catalog and migrations). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The local Postgres that tests and benches make throwaway databases on. */
export const LOCAL_PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ThrowawayPostgres {
  db: PostgresDb;
  /** The database's own URL (for child processes). */
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A new, empty (or migrated) Postgres database on the local server, dropped by `drop()`. */
export async function createThrowawayPostgres(
  opts: { adminUrl?: string; prefix?: string; poolSize?: number; statementTimeoutMs?: number; connectionWaitMs?: number; migrate?: boolean } = {},
): Promise<ThrowawayPostgres> {
  const adminUrl = opts.adminUrl ?? LOCAL_PG_URL;
  const name = `${opts.prefix ?? 'stardust_t'}_${process.pid}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = new PostgresDb({
    url,
    poolSize: opts.poolSize ?? 10,
    statementTimeoutMs: opts.statementTimeoutMs ?? 30_000,
    idleTimeoutMs: 5_000,
    connectionWaitMs: opts.connectionWaitMs,
  });
  const drop = async () => {
    await db.close().catch(() => {});
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await drop();
      throw err;
    }
  }
  return { db, url, name, drop };
}

/** Runs `fn` on a throwaway migrated Postgres database and drops it afterwards. */
export async function withThrowawayPostgres<T>(fn: (db: PostgresDb) => Promise<T>, opts: Parameters<typeof createThrowawayPostgres>[0] = {}): Promise<T> {
  const t = await createThrowawayPostgres(opts);
  try {
    return await fn(t.db);
  } finally {
    await t.drop();
  }
}

/**
 * A fresh, migrated database: an in-memory PGlite, or a throwaway Postgres
 * database created for this test file and dropped by close().
 */
export async function openTestDb(backend: Backend, opts: { poolSize?: number; connectionWaitMs?: number; migrations?: boolean } = {}): Promise<TestDb> {
  let db: Db;
  let drop: () => Promise<void> = async () => {};
  if (backend === 'pglite') {
    db = await PgliteDb.open();
  } else {
    const t = await createThrowawayPostgres({
      adminUrl: process.env.TEST_DATABASE_URL!,
      poolSize: opts.poolSize ?? 10,
      connectionWaitMs: opts.connectionWaitMs,
      migrate: false,
    });
    db = t.db;
    drop = t.drop;
  }
  if (opts.migrations !== false) await migrate(db);
  return {
    db,
    backend,
    async reset() {
      const r = await db.query<{ tablename: string }>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'characters')`,
      );
      if (r.rows.length) await db.exec(`TRUNCATE ${r.rows.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
    async close() {
      await db.close();
      await drop();
    },
  };
}

/**
 * Counts the statements and transactions made through it. Round trips as
 * Postgres sees them: each statement is one, and a transaction adds two
 * (BEGIN and COMMIT) — a 10-pull is 2 statements in 1 transaction, 4 round
 * trips.
 */
export function countingDb(db: Db): { db: Db; queries: () => number; transactions: () => number; roundTrips: () => number; reset: () => void } {
  let q = 0;
  let t = 0;
  const wrap = (inner: Db): Db => ({
    kind: inner.kind,
    query: ((sql: string, params?: readonly unknown[]) => {
      q++;
      return inner.query(sql, params);
    }) as Db['query'],
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => {
      t++;
      return inner.transaction((tx) => fn(wrap(tx)));
    },
    close: () => inner.close(),
    ping: () => inner.ping(),
  });
  return {
    db: wrap(db),
    queries: () => q,
    transactions: () => t,
    roundTrips: () => q + 2 * t,
    reset: () => {
      q = 0;
      t = 0;
    },
  };
}
