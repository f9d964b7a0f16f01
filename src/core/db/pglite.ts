import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult } from './types.js';

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

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

  /** `dataDir` undefined = in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDb> {
    const pg = await PGlite.create(dataDir, { parsers });
    return new PgliteDb(pg);
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.pg.query<T>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
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
