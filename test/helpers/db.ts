import pg from 'pg';
import { PgliteDb } from '../../src/core/db/pglite.js';
import { PostgresDb } from '../../src/core/db/postgres.js';
import { migrate } from '../../src/core/db/migrate.js';
import type { Db } from '../../src/core/db/index.js';

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

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database: an in-memory PGlite, or a throwaway Postgres
 * database created for this test file and dropped by close().
 */
export async function openTestDb(backend: Backend, opts: { poolSize?: number; migrations?: boolean } = {}): Promise<TestDb> {
  let db: Db;
  let drop: () => Promise<void> = async () => {};
  if (backend === 'pglite') {
    db = await PgliteDb.open();
  } else {
    const base = process.env.TEST_DATABASE_URL!;
    const name = `stardust_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    db = new PostgresDb({ url: withDatabase(base, name), poolSize: opts.poolSize ?? 10, statementTimeoutMs: 30_000, idleTimeoutMs: 5_000 });
    drop = async () => {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
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
