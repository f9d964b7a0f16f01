import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buyPulls } from '../../../src/core/buy.js';
import { ensurePlayer } from '../../../src/core/players.js';
import { UnbelievaBoatClient } from '../../../src/core/unbelievaboat.js';
import type { Logger } from '../../../src/log.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ledgerMismatches } from '../raid/helpers.js';

/**
 * UnbelievaBoat answered the PATCH with 2xx — the credits were taken — but the
 * body was not a balance. The old code released the allowance and told the
 * player "Nothing was charged", so the credits were gone and no gems came.
 */
const M = 100_000_000;

describe.each(backends())('!buy when the charge went through but its answer is unreadable, on %s', (backend) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb(backend);
  });
  afterAll(async () => {
    await tdb?.close();
  });

  for (const [label, patchBody] of [
    ['not JSON', 'OK'],
    ['JSON without a balance', '{"status":"ok"}'],
  ] as const) {
    it(`a 200 PATCH with a body that is ${label} pays the gems (the credits were taken)`, async () => {
      const player = `bp-${label.length}`;
      await ensurePlayer(tdb.db, player, player);
      const bank = { value: 3 * M };
      const fetchImpl = (async (_url: string, init?: RequestInit) => {
        if (init?.method === 'PATCH') {
          bank.value += (JSON.parse(String(init.body)) as { bank: number }).bank;
          return new Response(patchBody, { status: 200 });
        }
        return new Response(JSON.stringify({ user_id: player, cash: 0, bank: bank.value, total: bank.value }), { status: 200 });
      }) as typeof fetch;
      const client = new UnbelievaBoatClient({ url: 'http://ub.test/api/v1', token: 't', timeoutMs: 1000, fetch: fetchImpl });
      const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() } as unknown as Logger;
      const r = await buyPulls({ db: tdb.db, log, now: new Date('2026-02-01T10:00:00Z'), client }, { playerId: player, guildId: 'g', pulls: 2 });
      expect(bank.value).toBe(1 * M);
      expect(r.gems).toBe(2000);
      expect(r.bankAfter).toBe(1 * M);
      const p = await tdb.db.query<{ gems: number }>('SELECT gems FROM players WHERE id = $1', [player]);
      expect(Number(p.rows[0]!.gems)).toBe(2000);
      const d = await tdb.db.query<{ reserved: number; bought: number }>('SELECT reserved, bought FROM ub_daily WHERE player_id = $1', [player]);
      expect(d.rows[0]).toEqual({ reserved: 0, bought: 2 });
      const s = await tdb.db.query<{ status: string }>('SELECT status FROM ub_purchases WHERE player_id = $1', [player]);
      expect(s.rows.map((x) => x.status)).toEqual(['granted']);
      expect(await ledgerMismatches(tdb.db)).toEqual([]);
    });
  }
});
