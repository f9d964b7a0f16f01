import { createHash } from 'node:crypto';
import pg from 'pg';
import { DatabaseBusy, type Db, PgError, pgErrorCode, type QueryResult } from './types.js';

// Currency and counters are BIGINT; they stay well inside 2^53, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// Calendar dates stay 'YYYY-MM-DD' strings (UTC days), never shifted by a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

// Parameterised statements are sent as named prepared statements, and the
// bot's connections use generic plans (plan_cache_mode, set per connection):
// each connection parses and plans a statement once, then only binds and
// runs it. A pull's two statements are CTEs of a dozen parts, and planning
// them was 0.85 ms of the server's 1.45 ms per pull (EXPLAIN ANALYZE); left
// to choose, Postgres kept re-planning them. Measured with bench/gacha.ts on
// this 2-core machine: one pull alone 2.1 -> 1.4 ms, 50 players at pool 8
// 550 -> 1,000 pulls/s. Every statement here is an index lookup or a small
// scan whose best plan does not hinge on the parameter values, and the SQL
// is a bounded set of constant texts (values always go in parameters), so
// the per-connection statement cache stays small.
const statementNames = new Map<string, string>();
function prepared(sql: string, params: readonly unknown[] | undefined): string | pg.QueryConfig {
  if (!params || params.length === 0) return sql; // simple protocol: exec() may send several statements
  let name = statementNames.get(sql);
  if (!name) {
    name = `sd_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  /** How long a statement may wait for a pooled connection before it fails as DatabaseBusy (default 5 s). */
  connectionWaitMs?: number;
}

/**
 * Load, not a fault: pg-pool's wait for a free connection ran out, a new
 * connection wasn't set up within that wait, or the server has no connection
 * slot left. Nothing ran. (A server that refuses connections, or a connection
 * lost mid-statement, stays an error.)
 */
const BUSY_MESSAGES = new Set(['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout']);
function asBusy(err: unknown): unknown {
  if (err instanceof Error && BUSY_MESSAGES.has(err.message)) return new DatabaseBusy(err);
  if (pgErrorCode(err) === PgError.TooManyConnections) return new DatabaseBusy(err);
  return err;
}

class PgClientDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly client: pg.PoolClient) {}
  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.client.query(prepared(sql, params));
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
      connectionTimeoutMillis: opts.connectionWaitMs ?? 5_000,
      statement_timeout: opts.statementTimeoutMs,
      options: '-c plan_cache_mode=force_generic_plan',
    });
    // A dropped idle connection (server restart, pg_terminate_backend) must not crash the process.
    this.pool.on('error', () => {});
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    try {
      const r = await this.pool.query(prepared(sql, params));
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    } catch (err) {
      throw asBusy(err);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.pool.query(sql);
    } catch (err) {
      throw asBusy(err);
    }
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
        if (err || !c) return reject(asBusy(err ?? new Error('the pool gave no client')));
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
