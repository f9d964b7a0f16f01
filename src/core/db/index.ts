import type { Db } from './types.js';

export type { Db, Queryable, QueryResult } from './types.js';
export { DatabaseBusy, PgError, pgErrorCode } from './types.js';

export interface DbConfig {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  statementTimeoutMs: number;
}

/** Postgres when DATABASE_URL is set, otherwise embedded PGlite persisted under the data folder. */
export async function openDb(cfg: DbConfig): Promise<Db> {
  if (cfg.databaseUrl) {
    const { PostgresDb } = await import('./postgres.js');
    return new PostgresDb({
      url: cfg.databaseUrl,
      poolSize: cfg.poolSize,
      statementTimeoutMs: cfg.statementTimeoutMs,
      idleTimeoutMs: 30_000,
    });
  }
  const { mkdir } = await import('node:fs/promises');
  const path = await import('node:path');
  const dir = path.resolve(cfg.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const { PgliteDb } = await import('./pglite.js');
  return PgliteDb.open(dir);
}
