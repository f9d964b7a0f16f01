import pg from 'pg';
import type { Db, QueryResult } from './types.js';

// Currency and counters are BIGINT; they stay well inside 2^53, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// Calendar dates stay 'YYYY-MM-DD' strings (UTC days), never shifted by a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface PostgresOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
}

class PgClientDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly client: pg.PoolClient) {}
  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.client.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  }
  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async close(): Promise<void> {}
  async ping(): Promise<boolean> {
    return true;
  }
}

export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(opts: PostgresOptions) {
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize,
      idleTimeoutMillis: opts.idleTimeoutMs,
      connectionTimeoutMillis: 10_000,
      statement_timeout: opts.statementTimeoutMs,
    });
    // A dropped idle connection (server restart, pg_terminate_backend) must not crash the process.
    this.pool.on('error', () => {});
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.pool.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    let broken = false;
    // pg-pool stops listening for errors on a client while it is checked out: a connection killed
    // between two statements (pg_terminate_backend, a server restart) would be an uncaught exception
    // that takes the process down. Note it instead; the next statement fails and the client is dropped.
    const onError = () => {
      broken = true;
    };
    // The callback form attaches the listener in the same tick the pool hands the client over (a
    // promise would leave a gap in which a FATAL arriving with the startup's last packet goes unheard).
    const client = await new Promise<pg.PoolClient>((resolve, reject) =>
      this.pool.connect((err, c) => {
        if (err || !c) return reject(err ?? new Error('the pool gave no client'));
        c.on('error', onError);
        resolve(c);
      }),
    );
    try {
      await client.query('BEGIN');
      const result = await fn(new PgClientDb(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself is gone; don't return it to the pool
      }
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
