/**
 * The database handle every repository function takes. Two implementations
 * speak the same SQL: `pg` (a real Postgres, DATABASE_URL) and PGlite (an
 * embedded Postgres in the data folder, the default for a fresh clone).
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Which engine is behind this handle. */
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when
   * it throws. Nested calls (on the handle passed to `fn`) reuse the outer
   * transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Closes the pool or the embedded database. */
  close(): Promise<void>;
  /** Cheap liveness probe for /health. */
  ping(): Promise<boolean>;
}

/**
 * The database couldn't take the statement in time: no pooled connection
 * came free within the pool's wait, or the server refused a new connection
 * (too many clients). Load, not a bug: nothing ran, and the dispatcher answers
 * "busy, try again" instead of an apology with an error id.
 */
export class DatabaseBusy extends Error {
  constructor(cause: unknown) {
    super(`database busy: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseBusy';
  }
}

/** Postgres error codes the game reacts to by name. */
export const PgError = {
  UniqueViolation: '23505',
  CheckViolation: '23514',
  ForeignKeyViolation: '23503',
  SerializationFailure: '40001',
  DeadlockDetected: '40P01',
  AdminShutdown: '57P01',
  TooManyConnections: '53300',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
