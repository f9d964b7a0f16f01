import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeBalance, ledgerSums } from '../../src/core/economy.js';
import { ensurePlayer } from '../../src/core/players.js';
import { backends, openTestDb, type TestDb } from '../helpers/db.js';

describe.each(backends())('the ledger economy on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(backend, { poolSize: 20 });
  });
  afterAll(async () => t?.close());

  it('100 concurrent spends of 300 from 10,000 gems: exactly 33 succeed, never below zero, Σ ledger = balance', async () => {
    await ensurePlayer(t.db, 'spender', 'spender');
    await changeBalance(t.db, 'spender', { gems: 10_000 }, 'test');
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => changeBalance(t.db, 'spender', { gems: -300 }, 'spend')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(33);
    const bal = (await t.db.query<{ gems: number }>(`SELECT gems FROM players WHERE id = 'spender'`)).rows[0]!;
    expect(bal.gems).toBe(100);
    expect(await ledgerSums(t.db, 'spender')).toEqual({ gems: 100, coins: 0 });
  });
});
