import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJobRun, every, hourKey, type Repeating, runOnce } from '../../../src/core/jobs.js';
import { FakeDiscord, guildIdForShard } from '../../fakes/discord/server.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ask, BOT_ID, cogsWith, type DiscordBot, repliesTo, secondHandle, sleep, startBot, textOfMessage } from './harness.js';

const ALICE = '1400000000000000001';
const CHAN_A = '1300000000000000010';
const CHAN_B = '1300000000000000020';

/**
 * Two shard processes, simulated in one test process: two apps, each with its
 * own connection pool to the SAME database and its own discord.js client
 * running one shard of two.
 */
describe.each(backends())('two shards on one database (%s)', (backend) => {
  let tdb: TestDb;
  let second: { db: TestDb['db']; close(): Promise<void> };
  let fake: FakeDiscord;
  const bots: DiscordBot[] = [];
  const guildA = guildIdForShard(0, 2);
  const guildB = guildIdForShard(1, 2);

  beforeAll(async () => {
    tdb = await openTestDb(backend);
    second = await secondHandle(tdb.db);
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' } });
    await fake.start();
    fake.addGuild({ id: guildA, name: 'A', ownerId: ALICE, channels: [{ id: CHAN_A, name: 'a' }], members: [{ id: ALICE, username: 'alice' }] });
    fake.addGuild({ id: guildB, name: 'B', ownerId: ALICE, channels: [{ id: CHAN_B, name: 'b' }], members: [{ id: ALICE, username: 'alice' }] });
    const cogs = await cogsWith();
    const [b0, b1] = await Promise.all([
      startBot(fake, tdb.db, { cogs, discord: { shards: [0], shardCount: 2 } }),
      startBot(fake, second.db, { cogs, discord: { shards: [1], shardCount: 2 } }),
    ]);
    bots.push(b0, b1);
  });

  afterAll(async () => {
    for (const b of bots) await b.stop();
    await fake?.stop();
    await second?.close();
    await tdb?.close();
  });

  it('each shard owns and answers only its own guild', async () => {
    const [b0, b1] = bots as [DiscordBot, DiscordBot];
    expect(b0.transport.owns(CHAN_A)).toBe(true);
    expect(b0.transport.owns(CHAN_B)).toBe(false);
    expect(b1.transport.owns(CHAN_B)).toBe(true);
    expect(b0.transport.status()).toMatchObject({ gateway: 'ready', shards: [{ id: 0, status: 'Ready' }], shardCount: 2, guilds: 1 });
    expect(b1.transport.status()).toMatchObject({ gateway: 'ready', shards: [{ id: 1, status: 'Ready' }], shardCount: 2, guilds: 1 });

    const a = fake.sendMessage({ channelId: CHAN_A, authorId: ALICE, content: '!gems' });
    const b = fake.sendMessage({ channelId: CHAN_B, authorId: ALICE, content: '!gems' });
    await fake.waitFor(() => repliesTo(fake, CHAN_A, a.id)[0] && repliesTo(fake, CHAN_B, b.id)[0], 5000, 'both shards');
    await sleep(100);
    expect(repliesTo(fake, CHAN_A, a.id)).toHaveLength(1);
    expect(repliesTo(fake, CHAN_B, b.id)).toHaveLength(1);
    // The player row is shared: one player, created once, whichever shard saw them first.
    expect((await tdb.db.query('SELECT 1 FROM players WHERE id = $1', [ALICE])).rowCount).toBe(1);
  });

  it('a prefix set on one shard applies to that guild only', async () => {
    expect(textOfMessage(await ask(fake, { channelId: CHAN_B, authorId: ALICE, content: '!prefix $' }))).toContain('now start with `$`');
    expect(textOfMessage(await ask(fake, { channelId: CHAN_B, authorId: ALICE, content: '$gems' }))).toContain('Gems');
    expect(textOfMessage(await ask(fake, { channelId: CHAN_A, authorId: ALICE, content: '!gems' }))).toContain('Gems');
  });

  it('a once-per-hour job scheduled on both shards runs once per hour', async () => {
    const runs: Array<{ shard: number; hour: string }> = [];
    const timers: Repeating[] = bots.map((bot, shard) =>
      every(
        5,
        () =>
          runOnce(bot.app.services.db, 'test-hourly-board', hourKey(bot.clock.now()), async () => {
            runs.push({ shard, hour: hourKey(bot.clock.now()) });
            await sleep(20); // a job that takes a moment, so the shards overlap
          }),
        { name: 'test-hourly-board', immediately: true },
      ),
    );
    try {
      await sleep(300);
      expect(runs).toHaveLength(1);
      for (const b of bots) b.clock.advance(3600);
      await fake.waitFor(() => runs.length >= 2, 3000, 'next hour');
      await sleep(200);
      expect(runs).toHaveLength(2);
      expect(runs[0]!.hour).not.toBe(runs[1]!.hour);
      const rows = await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'test-hourly-board'`);
      expect(rows.rows[0]!.n).toBe(2);
    } finally {
      await Promise.all(timers.map((t) => t.stop()));
    }
    // The transport's own hourly maintenance ran once although both shards started it.
    const prune = await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'prune-job-runs'`);
    expect(prune.rows[0]!.n).toBe(1);
  });

  it('concurrent claims from both shards: exactly one wins', async () => {
    const dbs = [tdb.db, second.db];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => claimJobRun(dbs[i % 2]!, 'raid-phase-2', `${guildA}:2025-01-01T10`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
