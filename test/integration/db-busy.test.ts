import { describe, expect, it } from 'vitest';
import { DatabaseBusy } from '../../src/core/db/index.js';
import { withThrowawayPostgres } from '../helpers/db.js';

/** A full pool is load, not a bug: the wait for a connection ends in DatabaseBusy (answered "busy"), and nothing ran. */
describe.skipIf(!process.env.TEST_DATABASE_URL)('Postgres pool exhaustion', () => {
  it('a statement that gets no connection within the wait fails as DatabaseBusy, a transaction too, and the pool works again afterwards', async () => {
    await withThrowawayPostgres(
      async (db) => {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        await db.query('CREATE TABLE busy_probe (n int)');
        // The pool's only connection is held by an open transaction.
        const holder = db.transaction(async (tx) => {
          await tx.query('INSERT INTO busy_probe VALUES (1)');
          await held;
        });
        await new Promise((r) => setTimeout(r, 50));
        await expect(db.query('INSERT INTO busy_probe VALUES ($1)', [2])).rejects.toBeInstanceOf(DatabaseBusy);
        await expect(db.transaction((tx) => tx.query('INSERT INTO busy_probe VALUES (3)'))).rejects.toBeInstanceOf(DatabaseBusy);
        release();
        await holder;
        const r = await db.query<{ n: number }>('SELECT n FROM busy_probe ORDER BY n');
        expect(r.rows.map((x) => x.n)).toEqual([1]);
      },
      { poolSize: 1, connectionWaitMs: 200 },
    );
  });
});
