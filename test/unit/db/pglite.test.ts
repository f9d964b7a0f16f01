import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteDb } from '../../../src/core/db/pglite.js';

/**
 * The embedded database's own settings (src/core/db/pglite.ts): small shared
 * buffers, safe commit settings, data kept across a reopen. (That a first
 * boot closes and reopens the database after initdb shows only in memory:
 * bench/memory.ts.)
 */
describe('PgliteDb.open', () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'stardust-pglite-')), 'pglite');
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('creates a new database folder with 8MB of shared buffers and safe commit settings', async () => {
    const db = await PgliteDb.open(dir);
    try {
      expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
      const s = await db.query<{ shared_buffers: string; fsync: string; synchronous_commit: string; full_page_writes: string }>(
        `SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('fsync') AS fsync,
                current_setting('synchronous_commit') AS synchronous_commit, current_setting('full_page_writes') AS full_page_writes`,
      );
      // fsync is PGlite's own default (its file system has no fsync to call); the rest must stay the safe defaults.
      expect(s.rows[0]).toEqual({ shared_buffers: '8MB', fsync: 'off', synchronous_commit: 'on', full_page_writes: 'on' });
      await db.exec('CREATE TABLE kept (id INT PRIMARY KEY, note TEXT NOT NULL)');
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO kept VALUES ($1, $2)', [1, 'committed']);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO kept VALUES ($1, $2)', [2, 'rolled back']);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
    } finally {
      await db.close();
    }
  });

  it('reopens an existing folder with its committed data, and rows larger than the shared buffers read back whole', async () => {
    const db = await PgliteDb.open(dir);
    try {
      expect((await db.query<{ id: number; note: string }>('SELECT id, note FROM kept ORDER BY id')).rows).toEqual([{ id: 1, note: 'committed' }]);
      // ~24 MB of rows: three times the buffer pool, so pages are evicted and read back.
      await db.exec(`CREATE TABLE bulk AS SELECT g AS id, repeat(md5(g::text), 12) AS t FROM generate_series(1, 50000) g`);
      const r = await db.query<{ n: number; total: number; size: number }>(
        `SELECT count(*)::int AS n, sum(length(t))::int AS total, pg_total_relation_size('bulk')::int AS size FROM bulk`,
      );
      expect(r.rows[0]!.n).toBe(50_000);
      expect(r.rows[0]!.total).toBe(50_000 * 32 * 12);
      expect(r.rows[0]!.size).toBeGreaterThan(16 * 1024 * 1024);
      expect((await db.query<{ t: string }>('SELECT t FROM bulk WHERE id = 4242')).rows[0]!.t).toHaveLength(384);
    } finally {
      await db.close();
    }
  });

  it('in memory (tests) has the same settings', async () => {
    const db = await PgliteDb.open();
    try {
      expect((await db.query<{ s: string }>(`SELECT current_setting('shared_buffers') AS s`)).rows[0]!.s).toBe('8MB');
    } finally {
      await db.close();
    }
  });
});
