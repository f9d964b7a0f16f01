import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/** Arbitrary constant: the advisory lock every booting process takes while migrating. */
const MIGRATION_LOCK_KEY = 4_242_001;

const FILE_PATTERN = /^(\d{3})_[a-z0-9_]+\.sql$/;

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  const seen = new Set<number>();
  for (const name of names) {
    const m = FILE_PATTERN.exec(name);
    if (!m) throw new MigrationError(name, new Error('file name must look like NNN_name.sql'));
    const version = Number(m[1]);
    if (seen.has(version)) throw new MigrationError(name, new Error(`version ${m[1]} is used twice`));
    seen.add(version);
    files.push({ version, name, sql: await readFile(path.join(dir, name), 'utf8') });
  }
  return files;
}

/**
 * Applies every migration not yet recorded, in order, each in its own
 * transaction. Each transaction first takes a transaction-scoped advisory
 * lock, so processes booting together apply each file exactly once (the
 * second one waits, then sees the file recorded). Returns the names applied.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readMigrations(dir);
  const applied: string[] = [];
  for (const file of files) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file.version]);
      if (done.rowCount > 0) return false;
      try {
        await tx.exec(file.sql);
      } catch (err) {
        throw new MigrationError(file.name, err);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [file.version, file.name]);
      return true;
    });
    if (ran) applied.push(file.name);
  }
  return applied;
}
