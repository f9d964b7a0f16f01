/**
 * Databases for the catalog tests: one PGlite in memory per test file, and a
 * throwaway Postgres database per test file when TEST_DATABASE_URL is set.
 * (Local to the catalog tests until the project-wide helper lands.)
 */
import type { Db } from '../../../src/core/db/index.js';
import { migrate } from '../../../src/core/db/migrate.js';
import { PgliteDb } from '../../../src/core/db/pglite.js';
import { createThrowawayPostgres } from '../../helpers/db.js';

export type Engine = 'pglite' | 'postgres';

/** PGlite always; Postgres too when TEST_DATABASE_URL is set. */
export const ENGINES: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDb {
  db: Db;
  /** Empties the catalog tables between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openTestDb(engine: Engine): Promise<TestDb> {
  if (engine === 'pglite') {
    const db = await PgliteDb.open();
    await migrate(db);
    return { db, reset: () => truncate(db), close: () => db.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const t = await createThrowawayPostgres({ adminUrl, poolSize: 5 });
  return { db: t.db, reset: () => truncate(t.db), close: t.drop };
}

async function truncate(db: Db): Promise<void> {
  await db.exec('TRUNCATE characters, catalog_sync CASCADE');
}

/**
 * A Db that counts statements and can make the n-th statement matching
 * `pattern` fail — inside transactions too — to test rollbacks.
 */
export function instrumentedDb(inner: Db, opts: { failOn?: { pattern: RegExp; nth: number } } = {}) {
  const stats = { queries: 0, matches: 0, sql: [] as string[] };
  const wrap = (d: Db): Db => ({
    kind: d.kind,
    async query<T>(sql: string, params?: readonly unknown[]) {
      stats.queries++;
      stats.sql.push(sql);
      if (opts.failOn?.pattern.test(sql) && ++stats.matches === opts.failOn.nth) {
        throw new Error(`injected failure on statement ${stats.matches}`);
      }
      return d.query<T>(sql, params);
    },
    exec: (sql) => d.exec(sql),
    transaction: (fn) => d.transaction((tx) => fn(wrap(tx))),
    close: () => d.close(),
    ping: () => d.ping(),
  });
  return { db: wrap(inner), stats };
}
