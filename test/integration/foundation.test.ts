import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import help from '../../src/cogs/help.js';
import inventory from '../../src/cogs/inventory.js';
import { arg } from '../../src/commands/args.js';
import { defineCog, defineCommand } from '../../src/commands/types.js';
import { changeBalance } from '../../src/core/economy.js';
import { startTestBot, type TestBot, textOf } from '../helpers/app.js';
import { backends } from '../helpers/db.js';

/** A cog that fails half-way through a transaction, to prove nothing half-done stays. */
const faulty = defineCog({
  name: 'faulty',
  description: 'test only',
  commands: [
    defineCommand({
      name: 'explode',
      description: 'pays 500 gems, then crashes inside the same transaction',
      args: { n: arg.int('n', { min: 1, max: 3 }).default(1) },
      async run(ctx) {
        await ctx.services.db.transaction(async (tx) => {
          await changeBalance(tx, ctx.author.id, { gems: 500 }, 'test');
          throw new Error('database exploded: secret detail');
        });
        return { content: 'unreachable' };
      },
    }),
  ],
});

describe.each(backends())('foundation through the playground API on %s', (backend) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot(backend, { cogs: [help, inventory, faulty], env: { OWNER_IDS: 'owner1' } });
  });
  afterAll(async () => bot?.close());

  it('GET /health answers 200 with JSON status, database, transport and uptime', async () => {
    const r = await bot.get('/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', database: 'ok', transport: { playground: { enabled: true } } });
    expect(typeof r.json.uptimeSeconds).toBe('number');
  });

  it('!gems answers JSON in the documented shape', async () => {
    const replies = await bot.say('alice', '!gems');
    expect(replies).toHaveLength(1);
    const m = replies[0]!;
    expect(m).toMatchObject({ id: expect.any(String), content: expect.any(String), attachments: [], components: [] });
    expect(m.embeds[0]).toMatchObject({
      title: "alice's wallet",
      fields: [
        { name: 'Gems', value: '0 💎' },
        { name: 'Coins', value: '0 🪙' },
      ],
    });
    expect(typeof m.embeds[0]!.color).toBe('number');
  });

  it('!help lists the commands grouped by cog, and explains one command', async () => {
    const all = textOf(await bot.say('alice', '!help'));
    expect(all).toContain('`!gems`');
    expect(all).toContain('`!profile`');
    expect(all).toMatch(/Inventory/);
    const one = textOf(await bot.say('alice', '!help wallet'));
    expect(one).toContain('!gems');
    expect(one).toContain('Aliases');
    expect(one).toContain('`pc`');
  });

  it('an unknown command suggests the closest one', async () => {
    expect(textOf(await bot.say('alice', '!gem'))).toMatch(/Unknown command `!gem`.*Did you mean `!gems`/);
    expect(textOf(await bot.say('alice', '!qqqqqqqq'))).toMatch(/Unknown command.*!help/);
  });

  it('a wrong argument gets the usage line', async () => {
    const t = textOf(await bot.say('alice', '!explode 9'));
    expect(t).toMatch(/from 1 to 3/);
    expect(t).toContain('Usage: `!explode [n]`');
  });

  it('an unexpected error shows an error id, no details, and leaves nothing half-done', async () => {
    const t = textOf(await bot.say('bob', '!explode'));
    expect(t).toMatch(/error id `[0-9A-F]{8}`/);
    expect(t).not.toContain('secret detail');
    const p = await bot.get('/api/players/bob');
    expect(p.json.gems).toBe(0);
    const ledger = await bot.tdb.db.query('SELECT * FROM ledger WHERE player_id = $1', ['bob']);
    expect(ledger.rowCount).toBe(0);
  });

  it('mention-as-prefix works and messages without the prefix are ignored', async () => {
    expect(textOf(await bot.say('alice', '<@stardust> gems'))).toContain('Gems');
    expect(await bot.say('alice', 'just chatting')).toEqual([]);
  });

  it('!profile of a member, and a clear message for someone who never played', async () => {
    await bot.say('carol', '!gems');
    expect(textOf(await bot.say('alice', '!profile <@123456789>'))).toMatch(/hasn't started playing/);
    expect(textOf(await bot.say('alice', '!profile @carol'))).toContain("carol's profile");
  });

  it('GET /api/players/:id shows the wallet and units; POST /api/clock moves the game clock', async () => {
    const p = await bot.get('/api/players/alice');
    expect(p.json).toMatchObject({ gems: 0, coins: 0, teamLevel: 1, units: [] });
    const before = bot.clock.now().getTime();
    const r = await bot.post('/api/clock', { advanceSeconds: 3600 });
    expect(new Date(r.json.now).getTime() - before).toBeGreaterThanOrEqual(3600_000);
    expect((await bot.post('/api/clock', { advanceSeconds: -5 })).status).toBe(400);
  });

  it('bad API input gets a 400 with a reason', async () => {
    const r = await bot.post('/api/messages', { userId: '', content: '!gems' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/userId/);
    const r2 = await bot.post('/api/interactions', { userId: 'alice', messageId: '1', customId: 'x' });
    expect(r2.status).toBe(404);
  });

  it('messages over 2,000 characters get a clear answer', async () => {
    expect(textOf(await bot.say('alice', `!gems ${'x'.repeat(2100)}`))).toMatch(/too long/);
  });
});

describe('per-server prefix in the playground', () => {
  it('!prefix changes the prefix for that server only', async () => {
    const settings = (await import('../../src/cogs/settings.js')).default;
    const bot = await startTestBot('pglite', { cogs: [help, inventory, settings] });
    try {
      expect(textOf(await bot.say('ann', '!prefix ?', { guildId: 'g1' }))).toMatch(/now start with `\?`/);
      expect(textOf(await bot.say('ann', '?gems', { guildId: 'g1' }))).toContain('Gems');
      expect(await bot.say('ann', '!gems', { guildId: 'g1' })).toEqual([]);
      expect(textOf(await bot.say('ann', '!gems', { guildId: 'g2' }))).toContain('Gems');
      // The page asks which prefix to name commands with: the server's own, else the default (DMs too).
      expect((await bot.get('/api/prefix?guildId=g1')).json).toEqual({ prefix: '?' });
      expect((await bot.get('/api/prefix?guildId=g2')).json).toEqual({ prefix: '!' });
      expect((await bot.get('/api/prefix')).json).toEqual({ prefix: '!' });
      expect((await bot.get('/api/prefix?guildId=a%20b')).status).toBe(400);
    } finally {
      await bot.close();
    }
  });
});
