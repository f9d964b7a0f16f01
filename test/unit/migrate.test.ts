import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationError, migrate, readMigrations } from '../../src/core/db/migrate.js';
import { backends, openTestDb, type TestDb } from '../helpers/db.js';

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stardust-mig-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return dir;
}

describe.each(backends())('migrations on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(backend, { migrations: false });
  });
  afterAll(async () => t?.close());

  it('applies the project migrations in order, and a second run changes nothing', async () => {
    const files = await readMigrations();
    const first = await migrate(t.db);
    expect(first).toEqual(files.map((f) => f.name));
    expect(await migrate(t.db)).toEqual([]);
    const rows = (await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows;
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });

  it('two migrators racing apply each file once', async () => {
    const dir = await dirWith({ '900_race.sql': 'CREATE TABLE race_once (x INT); INSERT INTO race_once VALUES (1);' });
    const [a, b] = await Promise.all([migrate(t.db, dir), migrate(t.db, dir)]);
    expect([...a, ...b]).toEqual(['900_race.sql']);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM race_once')).rows[0]!.n).toBe(1);
  });

  it('a failing migration names its file and the database error, and leaves nothing half-applied', async () => {
    const dir = await dirWith({
      '901_ok.sql': 'CREATE TABLE fine_table (x INT);',
      '902_bad.sql': 'CREATE TABLE half_done (x INT); SELECT * FROM no_such_table;',
    });
    const err = await migrate(t.db, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/902_bad\.sql/);
    expect((err as Error).message).toMatch(/no_such_table/);
    const tables = (await t.db.query<{ n: string }>(`SELECT tablename AS n FROM pg_tables WHERE tablename IN ('fine_table', 'half_done')`)).rows.map(
      (r) => r.n,
    );
    expect(tables).toEqual(['fine_table']);
  });
});

describe('migration files', () => {
  it('refuses a badly named file', async () => {
    const dir = await dirWith({ 'oops.sql': 'SELECT 1' });
    await expect(readMigrations(dir)).rejects.toThrow(/NNN_name\.sql/);
  });
});
