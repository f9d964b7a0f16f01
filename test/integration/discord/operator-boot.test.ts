import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, guildIdForShard } from '../../fakes/discord/server.js';
import { freePort } from '../../helpers/workload.js';
import { BOT_ID, repliesTo, textOfMessage } from './harness.js';
import { type BotProcess, envFromExample, getJson, startBotProcess, workDir } from './process-bot.js';

const ALICE = '1400000000000000001';
const CHAN_0 = '1300000000000000010';
const CHAN_1 = '1300000000000000020';
const TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx1234.operator-copied-this-token';

/**
 * The operator's first run, as docs/discord-setup.md describes it: copy
 * `.env.example` to `.env`, fill in DISCORD_TOKEN, `npm start`. The real bot,
 * compiled as `npm start` compiles it, runs in a working directory of its
 * own against the fake Discord; only what a test needs (the fake's URL,
 * offline catalog, a free port) comes through the process environment.
 */
describe('npm start with .env copied from .env.example', () => {
  let fake: FakeDiscord;
  let work: Awaited<ReturnType<typeof workDir>>;
  let bot: BotProcess | undefined;
  // One guild on each shard of two; with one shard, both are on shard 0.
  const guild0 = guildIdForShard(0, 2);
  const guild1 = guildIdForShard(1, 2);

  beforeAll(async () => {
    // Discord recommends 2 shards, so SHARD_COUNT=auto visibly asks it (through DISCORD_API_URL).
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' }, token: TOKEN, recommendedShards: 2 });
    await fake.start();
    for (const [id, channel] of [
      [guild0, CHAN_0],
      [guild1, CHAN_1],
    ] as const) {
      fake.addGuild({
        id,
        name: `Hall ${id.slice(-2)}`,
        ownerId: ALICE,
        channels: [{ id: channel, name: 'pulls' }],
        members: [{ id: ALICE, username: 'alice' }],
      });
    }
    work = await workDir();
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
    await work?.remove();
  });

  async function boot(): Promise<{ port: number }> {
    const port = await freePort();
    bot = await startBotProcess('main', {
      cwd: work.dir,
      env: { DISCORD_API_URL: fake.url.restUrl, STARDUST_OFFLINE: '1', PORT: String(port) },
    });
    await bot.waitForOutput(/connected to Discord/, 90_000);
    return { port };
  }

  async function answers(channelId: string): Promise<string> {
    const msg = fake.sendMessage({ channelId, authorId: ALICE, content: '!help gems' });
    const reply = await fake.waitFor(() => repliesTo(fake, channelId, msg.id)[0], 15_000, `a reply in ${channelId}`);
    return textOfMessage(reply);
  }

  async function stop(): Promise<void> {
    expect(await bot!.stop()).toBe('0');
    bot = undefined;
  }

  it('with only the token filled in, boots, connects and answers a message', async () => {
    const env = await envFromExample(work.dir, { DISCORD_TOKEN: TOKEN });
    // The copy is the example with one line changed: SHARD_COUNT= is still empty.
    expect(env).toMatch(/^SHARD_COUNT=$/m);
    const { port } = await boot();
    expect(await answers(CHAN_0)).toMatch(/gems/i);
    expect(await answers(CHAN_1)).toMatch(/gems/i);
    const health = await getJson(`http://127.0.0.1:${port}/health`);
    expect(health?.status).toBe(200);
    expect(health?.body.transport).toMatchObject({ discord: { gateway: 'ready', shardCount: 1, shards: [{ id: 0 }] } });
    // No playground beside a token unless asked for.
    expect((await fetch(`http://127.0.0.1:${port}/api/clock`)).status).toBe(404);
    await stop();
  });

  it('SHARD_COUNT=auto runs the shards Discord recommends, in one process', async () => {
    await envFromExample(work.dir, { DISCORD_TOKEN: TOKEN, SHARD_COUNT: 'auto' });
    const { port } = await boot();
    expect(await answers(CHAN_0)).toMatch(/gems/i);
    expect(await answers(CHAN_1)).toMatch(/gems/i);
    const health = await getJson(`http://127.0.0.1:${port}/health`);
    expect(health?.body.transport).toMatchObject({ discord: { gateway: 'ready', shardCount: 2, shards: [{ id: 0 }, { id: 1 }] } });
    await stop();
  });

  it('SHARD_COUNT=2 runs both shards in one process', async () => {
    await envFromExample(work.dir, { DISCORD_TOKEN: TOKEN, SHARD_COUNT: '2' });
    const { port } = await boot();
    expect(await answers(CHAN_1)).toMatch(/gems/i);
    const health = await getJson(`http://127.0.0.1:${port}/health`);
    expect(health?.body.transport).toMatchObject({ discord: { gateway: 'ready', shardCount: 2, shards: [{ id: 0 }, { id: 1 }] } });
    await stop();
  });

  it('on Render (RENDER=true) it listens on 0.0.0.0 and warns that the embedded database would be wiped', async () => {
    await envFromExample(work.dir, { DISCORD_TOKEN: TOKEN });
    const port = await freePort();
    bot = await startBotProcess('main', {
      cwd: work.dir,
      env: { DISCORD_API_URL: fake.url.restUrl, STARDUST_OFFLINE: '1', PORT: String(port), RENDER: 'true' },
    });
    await bot.waitForOutput(/connected to Discord/, 90_000);
    const out = bot.output();
    expect(out).toContain('RENDER is set: listening on 0.0.0.0');
    expect(out).toContain('running on Render with the embedded database (PGlite) in ./data');
    expect(out).toMatch(/health on http:\/\/localhost:\d+\/health/);
    // 0.0.0.0 answers on every interface, not only loopback.
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) expect((await getJson(`http://${external.address}:${port}/health`))?.status).toBe(200);
    await stop();
  });

  it('a bad SHARD_COUNT stops the bot with one line naming it, before touching anything', async () => {
    await envFromExample(work.dir, { DISCORD_TOKEN: TOKEN, SHARD_COUNT: 'lots' });
    const p = await startBotProcess('main', { cwd: work.dir, env: { DISCORD_API_URL: fake.url.restUrl, STARDUST_OFFLINE: '1', PORT: '0' } });
    expect(await p.exited).toBe('1');
    expect(p.output().trim()).toBe('stardust: Invalid setting SHARD_COUNT (got "lots"): must be a number of shards (1 or more) or auto');
  });
});
