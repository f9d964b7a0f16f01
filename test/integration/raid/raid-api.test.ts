import { describe, expect, it } from 'vitest';
import help from '../../../src/cogs/help.js';
import raid from '../../../src/cogs/raid.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { ledgerMismatches, playerWithTeam, seedCatalog } from './helpers.js';

const ROOM = { channelId: 'raid-room', guildId: 'guild-r' };

describe.each(backends())('!raid through the playground API on %s', (backend) => {
  const game = useTestBot(backend, { db: { poolSize: 10 }, seed: seedCatalog, cogs: [help, raid], env: { OWNER_IDS: 'owner' } });

  const events = async (channelId: string) => (await game.bot.get(`/api/channels/${channelId}/events`)).json.events as Array<{ kind: string; message: any }>;

  it('start, status, attack and lb; owners only for start/stop; not in DMs', async () => {
    expect(textOf(await game.bot.say('alice', '!raid start gloomfang', ROOM))).toMatch(/`!raid start` is for the bot's owners only/);
    expect(textOf(await game.bot.say('alice', '!raid stop', ROOM))).toMatch(/`!raid stop` is for the bot's owners only/);
    expect(textOf(await game.bot.say('alice', '!raid', { ...ROOM, guildId: null }))).toMatch(/works in a server channel, not in DMs/);
    expect(textOf(await game.bot.say('alice', '!raid', ROOM))).toMatch(/No raid is running in this server/);
    expect(textOf(await game.bot.say('owner', '!raid start', ROOM))).toMatch(/Raid bosses[\s\S]*gloomfang/);
    expect(textOf(await game.bot.say('owner', '!raid start dragonking', ROOM))).toMatch(
      /There is no boss called `dragonking`. Bosses: `gloomfang`, `seraphine`, `null`/,
    );

    const started = await game.bot.say('owner', '!raid start gloomfang 2', ROOM);
    expect(textOf(started)).toMatch(/A raid begins: Gloomfang/);
    expect(started[0]!.attachments[0]!.name).toBe('raid.jpg');
    expect(textOf(await game.bot.say('owner', '!raid start seraphine', ROOM))).toMatch(/A raid is already running in this server: \*\*Gloomfang/);

    expect(textOf(await game.bot.say('alice', '!raid attack', ROOM))).toMatch(/no battle team yet.*!stb/);
    await playerWithTeam(game.db, 'alice', [5000, 5001, 5002]);
    const hit = await game.bot.say('alice', '!raid a', ROOM);
    expect(textOf(hit)).toMatch(/You hit Gloomfang[\s\S]*Your team dealt \*\*[\d,]+\*\* damage[\s\S]*2\/3 left today/);
    expect(hit[0]!.attachments[0]!.name).toBe('raid-hit.jpg');

    const status = await game.bot.say('alice', '!raid status', ROOM);
    const st = textOf(status);
    expect(st).toMatch(/Phase 1 — Prowl/);
    expect(st).toMatch(/Time left\n1h 59m|Time left\n2h 0m/);
    expect(st).toMatch(/🥇 alice — [\d,]+/);
    expect(st).toMatch(/Your tickets\n2\/3/);
    // Raid tickets count per server: alice's attack here leaves her 3 in another server.
    await game.bot.say('owner', '!raid start seraphine', { channelId: 'other-room', guildId: 'guild-s' });
    expect(textOf(await game.bot.say('alice', '!raid', { channelId: 'other-room', guildId: 'guild-s' }))).toMatch(/Your tickets\n3\/3/);
    await game.bot.say('owner', '!raid stop', { channelId: 'other-room', guildId: 'guild-s' });
    expect(status[0]!.attachments[0]!.name).toBe('raid.jpg');
    expect(textOf(await game.bot.say('bob', '!raid lb', ROOM))).toMatch(/Damage board — Gloomfang[\s\S]*alice/);
    expect(textOf(await game.bot.say('bob', '!raid fly', ROOM))).toMatch(/`action` must be one of/);
  });

  it('phase switches are announced in the raid channel exactly once under concurrent attacks', async () => {
    const r = await game.db.query<{ id: number; max_hp: number }>("SELECT id, max_hp FROM raids WHERE guild_id = 'guild-r' AND active");
    const { id, max_hp: max } = r.rows[0]!;
    const players = Array.from({ length: 12 }, (_, i) => `fighter${i}`);
    for (const [i, p] of players.entries()) await playerWithTeam(game.db, p, [6000 + i]);
    await game.db.query('UPDATE raids SET hp = $2 WHERE id = $1', [id, Math.floor(Number(max) * 0.6) + 30_000]);
    await Promise.all(players.map((p) => game.bot.say(p, '!raid attack', { ...ROOM, channelId: `side-${p}` })));
    await game.db.query('UPDATE raids SET hp = $2 WHERE id = $1', [id, Math.floor(Number(max) * 0.25) + 20_000]);
    await Promise.all(players.map((p) => game.bot.say(p, '!raid attack', { ...ROOM, channelId: `side-${p}` })));
    const texts = (await events(ROOM.channelId)).map((e) => textOf(e.message));
    expect(texts.filter((t) => /enters phase 2 — Howl of Silence/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /enters phase 3 — Blood-Moon Frenzy/.test(t))).toHaveLength(1);
  });

  it('a raid that runs out of time ends on the next raid command and pays once', async () => {
    await game.bot.post('/api/clock', { advanceSeconds: 3 * 3600 });
    const t = textOf(await game.bot.say('alice', '!raid attack', ROOM));
    expect(t).toMatch(/Time ran out on \*\*Gloomfang/);
    // After the end, `!raid` shows how the last raid went and its board, with what each was paid.
    const after = textOf(await game.bot.say('alice', '!raid', ROOM));
    expect(after).toMatch(/⌛ Last raid: Gloomfang, the Hollow Wolf got away/);
    expect(after).toMatch(/Rewards were paid at 50%/);
    expect(after).toMatch(/Top damage \(paid\)\n🥇 alice — [\d,]+ \([\d.]+%, \d+ attacks?\) → [\d,]+ 💎/);
    expect(after).toMatch(/No raid is running in this server\. An owner can start one with `!raid start <boss>`/);
    const ends = (await events(ROOM.channelId)).map((e) => textOf(e.message)).filter((x) => /Time is up — Gloomfang/.test(x));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatch(/paid at 50%/);
    const lb = textOf(await game.bot.say('alice', '!raid lb', ROOM));
    expect(lb).toMatch(/\(ended\)[\s\S]*alice/);
    const rewards = await game.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger WHERE reason = 'raid_reward'");
    expect(rewards.rows[0]!.n).toBeGreaterThan(0);
    expect(await ledgerMismatches(game.db)).toEqual([]);
  });

  it('!raid stop ends the raid and is written to the audit', async () => {
    await game.bot.say('owner', '!raid start null', ROOM);
    expect(textOf(await game.bot.say('owner', '!raid stop', ROOM))).toMatch(/The raid on NULL, the Star-Eater was stopped[\s\S]*Nobody attacked/);
    expect(textOf(await game.bot.say('owner', '!raid stop', ROOM))).toMatch(/No raid is running/);
    expect(textOf(await game.bot.say('alice', '!raid', ROOM))).toMatch(/🛑 Last raid: NULL, the Star-Eater was stopped[\s\S]*Nobody attacked/);
    const audit = await game.db.query<{ action: string }>('SELECT action FROM admin_audit ORDER BY id');
    expect(audit.rows.map((a) => a.action)).toEqual(['raid_start', 'raid_start', 'raid_stop', 'raid_start', 'raid_stop']);
  });
});
