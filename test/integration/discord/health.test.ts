import { Status } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHealth } from '../../../src/platform/discord/health.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { BOT_ID, cogsWith, type DiscordBot, sleep, startBot } from './harness.js';

describe('GatewayHealth', () => {
  it('is healthy while shards are ready or down for less than the grace period', () => {
    let now = 1_000_000;
    const h = new GatewayHealth(60_000, now, () => now);
    const shard = (status: Status) => [{ id: 0, status, ping: 42 }];
    expect(h.healthy(shard(Status.Connecting))).toBe(true); // booting
    now += 61_000;
    expect(h.healthy(shard(Status.Connecting))).toBe(false); // never connected within the grace period
    h.up(0);
    expect(h.state(shard(Status.Ready))).toBe('ready');
    h.down(0);
    now += 30_000;
    expect(h.state(shard(Status.Reconnecting))).toBe('connecting');
    expect(h.report(shard(Status.Reconnecting))).toEqual([{ id: 0, status: 'Reconnecting', ping: 42, downForSeconds: 30 }]);
    now += 31_000;
    expect(h.healthy(shard(Status.Reconnecting))).toBe(false);
    expect(h.state(shard(Status.Reconnecting))).toBe('down');
    h.up(0);
    expect(h.healthy(shard(Status.Ready))).toBe(true);
    h.markStopped();
    expect(h.state(shard(Status.Ready))).toBe('down');
  });
});

describe('/health follows the Discord gateway', () => {
  let tdb: TestDb;
  let fake: FakeDiscord;
  let bot: DiscordBot;
  let base: string;

  beforeAll(async () => {
    tdb = await openTestDb('pglite');
    fake = new FakeDiscord({ bot: { id: BOT_ID } });
    await fake.start();
    fake.addGuild({
      id: '1200000000000000001',
      name: 'G',
      channels: [{ id: '1300000000000000001', name: 'c' }],
      members: [{ id: '1400000000000000001', username: 'alice' }],
    });
    bot = await startBot(fake, tdb.db, { cogs: await cogsWith(), env: { GATEWAY_GRACE_SECONDS: '1' } });
    base = `http://127.0.0.1:${await bot.app.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
    await tdb?.close();
  });

  const health = async () => {
    const res = await fetch(`${base}/health`);
    return {
      status: res.status,
      body: (await res.json()) as { status: string; transport: { discord: { gateway: string; shards: Array<{ id: number; status: string }> } } },
    };
  };

  it('200 and gateway "ready" when connected; a short drop and resume stays healthy', async () => {
    const ok = await health();
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('ok');
    expect(ok.body.transport.discord).toMatchObject({ gateway: 'ready', shards: [{ id: 0, status: 'Ready' }] });

    const resumes = fake.stats.resumes;
    fake.dropConnections();
    await fake.waitFor(() => fake.stats.resumes === resumes + 1 && fake.connectedSessions === 1, 5000, 'resume');
    await fake.waitFor(() => bot.transport.gatewayState() === 'ready', 5000, 'ready again');
    expect((await health()).status).toBe(200);
  });

  it('503 "degraded" once the gateway has been down longer than GATEWAY_GRACE_SECONDS', async () => {
    await fake.stop(); // Discord unreachable: the client keeps retrying
    await fake.waitFor(() => bot.transport.gatewayState() !== 'ready', 5000, 'gateway lost');
    const early = await health();
    expect(early.body.transport.discord.gateway).toBe('connecting');
    expect(early.status).toBe(200);
    await sleep(1300);
    const late = await health();
    expect(late.status).toBe(503);
    expect(late.body.status).toBe('degraded');
    expect(late.body.transport.discord.gateway).toBe('down');
  });
});
