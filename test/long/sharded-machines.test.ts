import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDb } from '../../src/core/db/postgres.js';
import { FakeDiscord, guildIdForShard, type StoredMessage } from '../fakes/discord/server.js';
import { createThrowawayPostgres, type ThrowawayPostgres } from '../helpers/db.js';
import { BOT_ID, repliesTo, textOfMessage } from '../integration/discord/harness.js';
import { type BotProcess, envFromExample, getJson, startBotProcess, workDir } from '../integration/discord/process-bot.js';
import { ledgerMismatches, playerWithTeam } from '../integration/raid/helpers.js';

/**
 * `npm run start:sharded` as operators run it: the compiled dist/shard.js in a
 * working directory with its own .env (made from .env.example), one
 * throwaway Postgres database, the fake Discord. First each way of writing
 * SHARD_COUNT with one manager; then two managers — two "machines", disjoint
 * SHARD_IDS — sharing the database, where each guild is served by its own
 * shard and the once-only work (bounty board, job_runs, raid phase
 * announcements, the raid expiry sweep) happens once across both.
 */
const BASE = process.env.TEST_DATABASE_URL;
const TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx1234.sharded-operator-token';
const OWNER = '1400000000000000001';
const FIGHTERS = Array.from({ length: 6 }, (_, i) => `14000000000000001${String(i).padStart(2, '0')}`);
const CHAN_A = '1300000000000000010';
const CHAN_B = '1300000000000000020';

/** A port p with p+1 … p+n also free (the manager's and its shards' /health ports). */
async function freePorts(n: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const p = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let i = 0; i <= n && ok; i++) ok = await free(p + i);
    if (ok) return p;
  }
}

describe.skipIf(!BASE)('npm run start:sharded on one Postgres', () => {
  let fake: FakeDiscord;
  let pg: ThrowawayPostgres;
  let db: PostgresDb;
  const dirs: Array<Awaited<ReturnType<typeof workDir>>> = [];
  const running: BotProcess[] = [];
  const guildA = guildIdForShard(0, 2);
  const guildB = guildIdForShard(1, 2);

  beforeAll(async () => {
    // Discord recommends 2 shards: SHARD_COUNT empty or auto must ask it through DISCORD_API_URL.
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' }, token: TOKEN, recommendedShards: 2 });
    await fake.start();
    const members = [{ id: OWNER, username: 'owner' }, ...FIGHTERS.map((id, i) => ({ id, username: `fighter${i}` }))];
    fake.addGuild({ id: guildA, name: 'A', ownerId: OWNER, channels: [{ id: CHAN_A, name: 'a' }], members });
    fake.addGuild({ id: guildB, name: 'B', ownerId: OWNER, channels: [{ id: CHAN_B, name: 'b' }], members });
    // The bots migrate it themselves, all at once (under the advisory lock).
    pg = await createThrowawayPostgres({ adminUrl: BASE, prefix: 'stardust_shm', migrate: false, poolSize: 4 });
    db = pg.db;
  });

  afterAll(async () => {
    await Promise.all(running.map((b) => b.stop()));
    await fake?.stop();
    await pg?.drop();
    for (const d of dirs) await d.remove();
  });

  /** A manager in a directory of its own, .env = .env.example plus `settings`. */
  async function startManager(settings: Record<string, string>): Promise<{ bot: BotProcess; port: number }> {
    const dir = await workDir();
    dirs.push(dir);
    await envFromExample(dir.dir, { DISCORD_TOKEN: TOKEN, DATABASE_URL: pg.url, OWNER_IDS: OWNER, ...settings });
    const port = await freePorts(3);
    const bot = await startBotProcess('shard', { cwd: dir.dir, env: { DISCORD_API_URL: fake.url.restUrl, STARDUST_OFFLINE: '1', PORT: String(port) } });
    running.push(bot);
    await bot.waitForOutput(/all shards spawned/, 240_000);
    return { bot, port };
  }

  async function stopManager(bot: BotProcess): Promise<void> {
    expect(await bot.stop()).toBe('0');
    running.splice(running.indexOf(bot), 1);
    await fake.waitFor(() => fake.connectedSessions === 0, 10_000, 'the shards to disconnect');
  }

  async function ask(channelId: string, authorId: string, content: string): Promise<StoredMessage> {
    const msg = fake.sendMessage({ channelId, authorId, content });
    return fake.waitFor(() => repliesTo(fake, channelId, msg.id)[0], 20_000, `a reply to ${content} in ${channelId}`);
  }

  describe.each([
    ['empty (Discord recommends 2)', '', 2],
    ['auto (Discord recommends 2)', 'auto', 2],
    ['a number', '1', 1],
  ])('SHARD_COUNT %s', (_name, shardCount, expected) => {
    it('boots every shard and answers in every guild', async () => {
      const { bot, port } = await startManager({ SHARD_COUNT: shardCount });
      const health = await getJson(`http://127.0.0.1:${port}/health`);
      expect(health?.status).toBe(200);
      expect(health?.body).toMatchObject({ status: 'ok', totalShards: expected });
      expect(health?.body.shards).toHaveLength(expected);
      expect(textOfMessage(await ask(CHAN_A, OWNER, '!help gems'))).toMatch(/gems/i);
      expect(textOfMessage(await ask(CHAN_B, OWNER, '!help gems'))).toMatch(/gems/i);
      await stopManager(bot);
    });
  });

  describe('two machines: SHARD_IDS=0 and SHARD_IDS=1 of SHARD_COUNT=2', () => {
    let a: { bot: BotProcess; port: number };
    let b: { bot: BotProcess; port: number };
    const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params)).rows[0]!.n);

    beforeAll(async () => {
      fake.identifyPayloads.length = 0;
      [a, b] = await Promise.all([startManager({ SHARD_COUNT: '2', SHARD_IDS: '0' }), startManager({ SHARD_COUNT: '2', SHARD_IDS: '1' })]);
    });

    it('each machine runs only its shard, and each guild is answered once, by its own shard', async () => {
      const shardsIdentified = fake.identifyPayloads.map((p) => (p as { shard: number[] }).shard);
      expect(shardsIdentified).toEqual(
        expect.arrayContaining([
          [0, 2],
          [1, 2],
        ]),
      );
      expect(shardsIdentified).toHaveLength(2);
      const ha = await getJson(`http://127.0.0.1:${a.port}/health`);
      const hb = await getJson(`http://127.0.0.1:${b.port}/health`);
      expect(ha?.body).toMatchObject({ status: 'ok', totalShards: 2, shardList: [0], shards: [{ id: 0, ready: true }] });
      expect(hb?.body).toMatchObject({ status: 'ok', totalShards: 2, shardList: [1], shards: [{ id: 1, ready: true }] });
      // The shard processes' own /health (PORT + 1 + id): one guild each.
      const sa = await getJson(`http://127.0.0.1:${a.port + 1}/health`);
      const sb = await getJson(`http://127.0.0.1:${b.port + 2}/health`);
      expect(sa?.body.transport).toMatchObject({ discord: { shards: [{ id: 0 }], shardCount: 2, guilds: 1 } });
      expect(sb?.body.transport).toMatchObject({ discord: { shards: [{ id: 1 }], shardCount: 2, guilds: 1 } });

      const qa = fake.sendMessage({ channelId: CHAN_A, authorId: OWNER, content: '!help gems' });
      const qb = fake.sendMessage({ channelId: CHAN_B, authorId: OWNER, content: '!help gems' });
      await fake.waitFor(() => repliesTo(fake, CHAN_A, qa.id)[0] && repliesTo(fake, CHAN_B, qb.id)[0], 20_000, 'both guilds answered');
      await new Promise((r) => setTimeout(r, 500));
      expect(repliesTo(fake, CHAN_A, qa.id)).toHaveLength(1);
      expect(repliesTo(fake, CHAN_B, qb.id)).toHaveLength(1);
    });

    it('the hourly bounty board is made once, and the hourly job_runs maintenance claimed once', async () => {
      const boards = await Promise.all([ask(CHAN_A, FIGHTERS[0]!, '!bounty'), ask(CHAN_B, FIGHTERS[1]!, '!bounty')]);
      for (const board of boards) expect(textOfMessage(board)).toMatch(/Bounty board/i);
      expect(await count(`SELECT count(*)::int AS n FROM bounty_boards WHERE hour_start = date_trunc('hour', now())`)).toBe(1);
      // Both shard processes start the prune job at login; one claim per hour across them.
      expect(await count(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'prune-job-runs'`)).toBe(1);
    });

    it('a raid phase switch is announced once in its guild; a raid that runs out is settled and paid once, its end announced once, in its own channel', async () => {
      expect(textOfMessage(await ask(CHAN_A, OWNER, '!raid start gloomfang 1'))).toMatch(/A raid begins: Gloomfang/);
      expect(textOfMessage(await ask(CHAN_B, OWNER, '!raid start gloomfang 1'))).toMatch(/A raid begins: Gloomfang/);
      // Teams of the weakest characters, so six attacks take a phase but never the whole raid.
      const chars = (await db.query<{ id: number }>('SELECT id FROM characters WHERE rank > 0 ORDER BY rank DESC LIMIT 30')).rows.map((r) => Number(r.id));
      for (const [i, f] of FIGHTERS.entries()) await playerWithTeam(db, f, chars.slice(i * 5, i * 5 + 5));

      // Both raids one good hit above 60%: every fighter attacks in both guilds at once.
      await db.query(`UPDATE raids SET hp = floor(max_hp * 0.6)::bigint + 1 WHERE active`);
      await Promise.all(FIGHTERS.flatMap((f) => [ask(CHAN_A, f, '!raid attack'), ask(CHAN_B, f, '!raid attack')]));
      await new Promise((r) => setTimeout(r, 1000));
      for (const channel of [CHAN_A, CHAN_B]) {
        const phase2 = fake.sentMessages(channel).filter((m) => /enters phase 2/.test(textOfMessage(m)));
        expect(phase2, channel).toHaveLength(1);
      }

      // Time runs out with nobody typing: both machines sweep every minute; each raid ends once.
      const raids = (await db.query<{ id: number }>('SELECT id FROM raids WHERE active ORDER BY id')).rows.map((r) => Number(r.id));
      expect(raids).toHaveLength(2);
      await db.query(`UPDATE raids SET ends_at = now() - interval '1 second' WHERE active`);
      const until = Date.now() + 150_000;
      while ((await count('SELECT count(*)::int AS n FROM raids WHERE active')) > 0) {
        if (Date.now() > until) throw new Error('the raids were not swept within 150 s');
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(await count(`SELECT count(*)::int AS n FROM raids WHERE end_reason = 'timeout'`)).toBe(2);
      // Paid once: one reward row per fighter per raid, and the ledger agrees with every wallet.
      expect(await count('SELECT count(*)::int AS n FROM raid_rewards WHERE raid_id = ANY($1::bigint[])', [raids])).toBe(FIGHTERS.length * 2);
      expect(await ledgerMismatches(db)).toEqual([]);
      // Each raid is swept by the machine that serves its guild, so its end is announced exactly once, where it was fought.
      await new Promise((r) => setTimeout(r, 2000));
      for (const channel of [CHAN_A, CHAN_B]) {
        const ends = fake.sentMessages(channel).filter((m) => /Time is up/.test(textOfMessage(m)));
        expect(ends.length, channel).toBe(1);
      }
    });
  });
});
