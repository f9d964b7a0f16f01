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

/** Postgres error codes the game reacts to by name. */
export const PgError = {
  UniqueViolation: '23505',
  CheckViolation: '23514',
  ForeignKeyViolation: '23503',
  SerializationFailure: '40001',
  DeadlockDetected: '40P01',
  AdminShutdown: '57P01',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
