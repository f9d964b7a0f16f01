import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * A connection killed in the middle of a transaction, between two statements
 * (pg_terminate_backend, a server restart): the transaction fails like any
 * other error, nothing is thrown outside it (an uncaught exception would end
 * the bot), the dead connection is not reused, and the pool serves again.
 */
const BASE = process.env.TEST_DATABASE_URL;

describe.skipIf(!BASE)('a Postgres connection killed mid-transaction', () => {
  let tdb: TestDb;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);

  beforeAll(async () => {
    tdb = await openTestDb('postgres', { poolSize: 2 });
    await tdb.db.exec('CREATE TABLE fault_probe (id INT PRIMARY KEY)');
  }, 60_000);
  afterAll(async () => {
    await tdb?.close();
  });

  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  };

  it('fails the transaction, writes nothing, throws nothing outside it, and the pool recovers', async () => {
    // Vitest reports uncaught exceptions too; this listener makes the count part of the assertion.
    process.prependListener('uncaughtException', onUncaught);
    try {
      for (let round = 0; round < 3; round++) {
        const run = tdb.db.transaction(async (tx) => {
          await tx.query('INSERT INTO fault_probe (id) VALUES ($1)', [round]);
          const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          await terminate(pid);
          // The server's FATAL arrives while no statement is running on this client.
          await new Promise((r) => setTimeout(r, 300));
          await tx.query('SELECT 1');
        });
        await expect(run).rejects.toThrow();
        expect((await tdb.db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      }
      const rows = await tdb.db.query('SELECT id FROM fault_probe');
      expect(rows.rows).toEqual([]);
      expect(await tdb.db.ping()).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught.map(String)).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
