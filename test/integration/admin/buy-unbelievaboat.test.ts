import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import buy from '../../../src/cogs/buy.js';
import { buyPulls } from '../../../src/core/buy.js';
import type { Db } from '../../../src/core/db/index.js';
import { ensurePlayer } from '../../../src/core/players.js';
import { UnbelievaBoatClient } from '../../../src/core/unbelievaboat.js';
import type { Logger } from '../../../src/log.js';
import { FakeUnbelievaBoat } from '../../fakes/unbelievaboat.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ledgerMismatches } from '../raid/helpers.js';

const G = 'guild-1';
const M = 100_000_000;

describe.each(backends())('!buy with UnbelievaBoat credits on %s', (backend) => {
  let tdb: TestDb;
  let fake: FakeUnbelievaBoat;
  let bot: TestBot;
  let plain: TestBot;
  /** A long timeout: PGlite shares the event loop, so a 300 ms deadline is too tight under concurrent load. */
  let roomy: TestBot;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 10 });
    fake = await FakeUnbelievaBoat.start('secret-token');
    bot = await startTestBot(backend, {
      tdb,
      cogs: [buy],
      env: { UNBELIEVABOAT_URL: fake.url, UNBELIEVABOAT_TOKEN: 'secret-token', UNBELIEVABOAT_TIMEOUT_MS: '300' },
    });
    plain = await startTestBot(backend, { tdb, cogs: [buy] });
    roomy = await startTestBot(backend, {
      tdb,
      cogs: [buy],
      env: { UNBELIEVABOAT_URL: fake.url, UNBELIEVABOAT_TOKEN: 'secret-token', UNBELIEVABOAT_TIMEOUT_MS: '10000' },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await plain?.close();
    await roomy?.close();
    await fake?.close();
    await tdb?.close();
  });

  const gemsOf = async (id: string) => (await bot.get(`/api/players/${id}`)).json.gems as number;
  const allowance = async (id: string) =>
    (await tdb.db.query<{ reserved: number; bought: number }>('SELECT reserved, bought FROM ub_daily WHERE player_id = $1', [id])).rows[0] ?? {
      reserved: 0,
      bought: 0,
    };

  it('bad input and no configuration: clear messages, nothing changed', async () => {
    expect(textOf(await bot.say('u0', '!buy 0'))).toMatch(/`pulls` must be from 1 to 10/);
    expect(textOf(await bot.say('u0', '!buy 11'))).toMatch(/`pulls` must be from 1 to 10/);
    expect(textOf(await bot.say('u0', '!buy 1', { guildId: null }))).toMatch(/works in a server channel, not in DMs/);
    expect(textOf(await plain.say('u0', '!buy 1'))).toMatch(/isn't set up on this bot/);
    expect(fake.requests).toHaveLength(0);
    expect(await allowance('u0')).toEqual({ reserved: 0, bought: 0 });
  });

  it('takes 100,000,000 credits a pull with PATCH {bank: -cost} and the token, and pays 1,000 gems a pull through the ledger', async () => {
    fake.setBalance(G, 'u1', 3.5 * M);
    const t = textOf(await bot.say('u1', '!buy 3'));
    expect(t).toMatch(/paid \*\*300,000,000\*\* UnbelievaBoat credits and got \*\*3,000 💎\*\*/);
    expect(t).toMatch(/Bought today\n3\/10/);
    expect(fake.balance(G, 'u1').bank).toBe(0.5 * M);
    const patch = fake.patches().at(-1)!;
    expect(patch).toMatchObject({ path: `/api/v1/guilds/${G}/users/u1`, authorization: 'secret-token', body: { bank: -300_000_000 } });
    expect(await gemsOf('u1')).toBe(3000);
    expect(await allowance('u1')).toEqual({ reserved: 0, bought: 3 });
    const purchase = await tdb.db.query<{ status: string }>("SELECT status FROM ub_purchases WHERE player_id = 'u1'");
    expect(purchase.rows).toEqual([{ status: 'granted' }]);
  });

  it('insufficient funds, 401, 500 and a timeout each say so and change nothing', async () => {
    fake.setBalance(G, 'u2', 1.5 * M);
    expect(textOf(await bot.say('u2', '!buy 2'))).toMatch(
      /You need 200,000,000 credits in your UnbelievaBoat bank for 2 pulls; you have 150,000,000. Nothing was charged/,
    );
    fake.failNext(1, 401);
    expect(textOf(await bot.say('u2', '!buy 1'))).toMatch(/refused this bot's token \(HTTP 401\)/);
    fake.failNext(1, 500, 'PATCH');
    expect(textOf(await bot.say('u2', '!buy 1'))).toMatch(/UnbelievaBoat had a problem \(HTTP 500\)\. No gems were added.*error id `[0-9A-F]{8}`/);
    fake.hangNext(1);
    const t0 = Date.now();
    expect(textOf(await bot.say('u2', '!buy 1'))).toMatch(/didn't answer within 300 ms\. No gems were added/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(fake.balance(G, 'u2').bank).toBe(1.5 * M);
    expect(await gemsOf('u2')).toBe(0);
    expect(await allowance('u2')).toEqual({ reserved: 0, bought: 0 });
    const statuses = await tdb.db.query<{ status: string }>("SELECT status FROM ub_purchases WHERE player_id = 'u2' ORDER BY id");
    expect(statuses.rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    // After all that, a good purchase still works.
    expect(textOf(await bot.say('u2', '!buy 1'))).toMatch(/Pulls bought/);
    expect(await gemsOf('u2')).toBe(1000);
  });

  it('at most 10 pulls a UTC day, even with concurrent buys', async () => {
    fake.setBalance(G, 'u3', 100 * M);
    const replies = await Promise.all(Array.from({ length: 6 }, () => roomy.say('u3', '!buy 3')));
    const texts = replies.map((r) => textOf(r));
    expect(texts.filter((t) => /Pulls bought/.test(t))).toHaveLength(3);
    expect(texts.filter((t) => /at most 10 pulls a day/.test(t))).toHaveLength(3);
    expect(fake.balance(G, 'u3').bank).toBe(91 * M);
    expect(await gemsOf('u3')).toBe(9000);
    expect(textOf(await bot.say('u3', '!buy 2'))).toMatch(/you have 1 left today/);
    expect(textOf(await bot.say('u3', '!buy 1'))).toMatch(/Bought today\n10\/10/);
    expect(textOf(await bot.say('u3', '!buy 1'))).toMatch(/you have none left today/);
    // A new UTC day by the game clock.
    await bot.post('/api/clock', { advanceSeconds: 86_400 });
    expect(textOf(await bot.say('u3', '!buy 1'))).toMatch(/Bought today\n1\/10/);
    expect(await ledgerMismatches(tdb.db)).toEqual([]);
  });

  it('credits taken but the gem grant fails: the player gets an error id, the refund details are logged, the allowance stays used', async () => {
    await ensurePlayer(tdb.db, 'u4', 'u4');
    fake.setBalance(G, 'u4', 2 * M);
    const failing: Db = new Proxy(tdb.db, {
      get(target, prop, recv) {
        if (prop === 'transaction')
          return async () => {
            throw new Error('database went away');
          };
        const v = Reflect.get(target, prop, recv);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() } as unknown as Logger;
    const client = new UnbelievaBoatClient({ url: fake.url, token: 'secret-token', timeoutMs: 1000 });
    const err = await buyPulls({ db: failing, log, now: new Date(), client }, { playerId: 'u4', guildId: G, pulls: 2 }).then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(/200,000,000 UnbelievaBoat credits were taken, but adding the gems failed.*error id `[0-9A-F]{8}`/);
    const logged = (log.error as unknown as ReturnType<typeof vi.fn>).mock.calls[0]![0];
    expect(logged).toMatchObject({ userId: 'u4', guildId: G, credits: 200_000_000, errorId: expect.any(String) });
    expect(fake.balance(G, 'u4').bank).toBe(0);
    expect(await gemsOf('u4')).toBe(0);
    const p = await tdb.db.query<{ status: string; error: string }>("SELECT status, error FROM ub_purchases WHERE player_id = 'u4'");
    expect(p.rows[0]!.status).toBe('grant_failed');
    expect(p.rows[0]!.error).toContain(logged.errorId);
  });
});
