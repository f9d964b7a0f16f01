import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashDefinitions } from '../../../src/commands/slash.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { teamUnits } from '../../../src/core/teams.js';
import { FakeDiscord, type StoredMessage } from '../../fakes/discord/server.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ask, BOT_ID, cogsWith, type DiscordBot, startBot, textOfMessage } from './harness.js';

const GUILD = '1210000000000000001';
const OWNER_GUILD = '1210000000000000002';
const CHANNEL = '1310000000000000001';
const OWNER_CHANNEL = '1310000000000000002';
const OWNER = '1410000000000000001';
const ALICE = '1410000000000000002'; // owns GUILD (an admin there), not a bot owner
const BOB = '1410000000000000003';

const LOADING = 1 << 7;
const EPHEMERAL = 1 << 6;

describe.each(backends())('slash commands against the fake Discord (%s)', (backend) => {
  let tdb: TestDb;
  let fake: FakeDiscord;
  let bot: DiscordBot;
  const env = { OWNER_IDS: OWNER, OWNER_GUILD_IDS: OWNER_GUILD, STARDUST_SEED: '11' };

  /** Invokes a slash command and waits for its finished answer(s): the reply (or the deferred answer, edited in) and follow-ups. */
  const slash = async (name: string, options: Record<string, unknown> = {}, userId = ALICE, channelId = CHANNEL, guildId = GUILD): Promise<StoredMessage[]> => {
    const iid = fake.invokeCommand({ name, channelId, userId, guildId, options: options as never });
    return fake.waitFor(
      () => {
        const got = fake.allSentMessages().filter((m) => m.interactionId === iid && !m.deleted);
        return got.length && got.every((m) => (m.data.flags & LOADING) === 0) ? got : null;
      },
      8000,
      `/${name}`,
    );
  };

  beforeAll(async () => {
    tdb = await openTestDb(backend);
    await upsertCharacters(tdb.db, generateOfflineCatalog());
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' } });
    await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'Gacha Hall',
      ownerId: ALICE,
      channels: [{ id: CHANNEL, name: 'pulls' }],
      members: [
        { id: ALICE, username: 'alice' },
        { id: BOB, username: 'bob' },
        { id: OWNER, username: 'owner' },
      ],
    });
    // BOB is an administrator of the owners' guild (so Discord shows him the hidden owner commands) but no bot owner.
    fake.addGuild({
      id: OWNER_GUILD,
      name: 'Bot HQ',
      ownerId: OWNER,
      channels: [{ id: OWNER_CHANNEL, name: 'ops' }],
      roles: [{ id: '1510000000000000001', name: 'admins', permissions: ['Administrator'] }],
      members: [
        { id: OWNER, username: 'owner' },
        { id: BOB, username: 'bob', roles: ['1510000000000000001'] },
      ],
    });
    bot = await startBot(fake, tdb.db, { cogs: await cogsWith(), env, discord: { deferAfterMs: 1500 } });
    await bot.transport.registration;
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
    await tdb?.close();
  });

  it('registers every player command globally and the owner commands only in the owners’ guild, hidden from members', async () => {
    const defs = slashDefinitions(bot.app.registry);
    const global = fake.commands.filter((c) => !c.guild_id);
    const owners = fake.commands.filter((c) => c.guild_id === OWNER_GUILD);
    const playerCommands = bot.app.registry.cogs.flatMap((c) => c.commands).filter((c) => !c.hidden && !c.ownerOnly);
    expect(global.map((c) => c.name).sort()).toEqual(playerCommands.map((c) => c.name).sort());
    expect(owners.map((c) => c.name).sort()).toEqual(defs.owner.map((c) => c.name).sort());
    for (const c of owners) expect(c.default_member_permissions).toBe('0');
    expect(fake.commands.filter((c) => c.guild_id === GUILD)).toEqual([]);
    const pull = global.find((c) => c.name === 'pull')!;
    expect(pull.options).toEqual([
      expect.objectContaining({
        name: 'count',
        type: 3,
        choices: [
          { name: '1', value: '1' },
          { name: '10', value: '10' },
        ],
      }),
    ]);
    const battle = global.find((c) => c.name === 'battle') as unknown as { options: Array<{ name: string; choices?: Array<{ value: string }> }> };
    expect((battle.options.find((o) => o.name === 'difficulty')?.choices ?? []).map((c) => c.value)).toEqual([
      'easy',
      'normal',
      'hard',
      'expert',
      'nightmare',
      'hell',
    ]);
    expect((global.find((c) => c.name === 'raid')!.options ?? []).map((o) => [o.name, o.type])).toEqual([
      ['status', 1],
      ['attack', 1],
      ['lb', 1],
      ['start', 1],
      ['stop', 1],
    ]);
    expect(fake.commandRequests.filter((r) => r.method === 'PUT').length).toBe(2);
  });

  it('an unchanged reboot registers nothing; the stored hash says so', async () => {
    const before = fake.commandRequests.length;
    const again = await startBot(fake, tdb.db, { cogs: await cogsWith(), env });
    const done = await again.transport.registration;
    await again.stop();
    expect(done?.map((r) => r.changed)).toEqual([false, false]);
    expect(fake.commandRequests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('/starter then /pull count:10: the answer is deferred before the picture is drawn, then edited in with it', async () => {
    await slash('starter');
    await tdb.db.query('UPDATE players SET gems = gems + 20000 WHERE id = $1', [ALICE]);
    const [reply] = await slash('pull', { count: '10' });
    const iid = reply!.interactionId!;
    const responses = fake.interactionResponses.filter((r) => r.interactionId === iid);
    expect(responses[0]!.type).toBe(5); // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, within the 3 s
    expect(responses[0]!.delayMs).toBeLessThan(3000);
    const edit = fake.edits.find((e) => e.interactionId === iid && e.via === 'webhook');
    expect(edit?.files.length).toBe(1);
    expect(reply!.data.attachments).toHaveLength(1);
    expect(reply!.data.flags & EPHEMERAL).toBe(0);
    // Replies name commands the way the player invoked them.
    expect(textOfMessage(reply!)).toMatch(/\/verify \d+/);
    expect(textOfMessage(reply!)).not.toMatch(/!verify/);
  });

  it('/set_team_battle with ids from autocomplete (the player’s own units: id, name, rarity, power)', async () => {
    const choices = await fake.autocomplete({ name: 'set_team_battle', channelId: CHANNEL, userId: ALICE, guildId: GUILD, focused: 'unit1' });
    expect(choices.length).toBeGreaterThanOrEqual(5);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]!.name).toMatch(/^#\d+ .+ · (R|SR|SSR)( \+\d+)? · [\d,]+ power$/);
    const mine = (await tdb.db.query<{ id: string }>('SELECT id FROM units WHERE player_id = $1', [ALICE])).rows.map((r) => Number(r.id));
    for (const c of choices) expect(mine).toContain(c.value);
    // Typing narrows by name.
    const name = choices[1]!.name.split(' · ')[0]!.replace(/^#\d+ /, '');
    const narrowed = await fake.autocomplete({
      name: 'set_team_battle',
      channelId: CHANNEL,
      userId: ALICE,
      guildId: GUILD,
      focused: 'unit1',
      options: { unit1: name.slice(0, 4) },
    });
    expect(narrowed.some((c) => c.name.includes(name))).toBe(true);
    const ids = choices.slice(0, 5).map((c) => c.value as number);
    const [reply] = await slash('set_team_battle', { unit1: ids[0], unit2: ids[1], unit3: ids[2], unit4: ids[3], unit5: ids[4] });
    expect(textOfMessage(reply!)).toMatch(/battle team/i);
    expect((await teamUnits(tdb.db, ALICE, 'battle')).map((u) => u.id)).toEqual(ids);
  });

  it('/battle difficulty:easy fights an NPC team; /battle member:@bob fights a player', async () => {
    const [easy] = await slash('battle', { difficulty: 'easy' });
    expect(textOfMessage(easy!)).toMatch(/wins|Draw/);
    expect(easy!.data.attachments).toHaveLength(1);
    await slash('starter', {}, BOB);
    const ids = (await tdb.db.query<{ id: string }>('SELECT id FROM units WHERE player_id = $1 ORDER BY id LIMIT 3', [BOB])).rows.map((r) => Number(r.id));
    await slash('set_team_battle', { unit1: ids[0], unit2: ids[1], unit3: ids[2] }, BOB);
    const [pvp] = await slash('battle', { member: BOB });
    expect(textOfMessage(pvp!)).toMatch(/alice vs bob/i);
  });

  it('/teambuilder answers with its components, and they work as after !teambuilder', async () => {
    const [tb] = await slash('teambuilder');
    const select = (tb!.data.components as Array<{ components: Array<{ type: number; custom_id: string; options?: Array<{ value: string }> }> }>)
      .flatMap((r) => r.components)
      .find((c) => c.type === 3 && (c.options?.length ?? 0) > 0)!;
    const iid = fake.clickButton({ messageId: tb!.data.id, customId: select.custom_id, userId: ALICE, values: [select.options![0]!.value] });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === iid), 5000, 'teambuilder edit');
    expect(edit.after.components.length).toBeGreaterThan(0);
    // Someone else's press is refused, ephemerally.
    const other = fake.clickButton({ messageId: tb!.data.id, customId: select.custom_id, userId: BOB, values: [select.options![0]!.value] });
    const refusal = await fake.waitFor(() => fake.interactionResponses.find((r) => r.interactionId === other), 5000, 'not yours');
    expect(refusal.ephemeral).toBe(true);
  });

  it('/raid attack hits the boss an owner started; errors are ephemeral', async () => {
    const none = await slash('raid attack');
    expect(none[0]!.ephemeral).toBe(true);
    expect(textOfMessage(none[0]!)).toMatch(/No raid is running.*`\/raid start <boss>`/s);
    await ask(fake, { channelId: CHANNEL, authorId: OWNER, content: '!raid start gloomfang 2' });
    const [hit] = await slash('raid attack');
    expect(hit!.ephemeral).toBe(false);
    expect(textOfMessage(hit!)).toMatch(/You hit|LAST HIT/);
  });

  it('autocomplete for boss names, character names and skills', async () => {
    const bosses = await fake.autocomplete({ name: 'raid start', channelId: CHANNEL, userId: OWNER, guildId: GUILD, focused: 'boss', options: { boss: 'gl' } });
    expect(bosses).toEqual([{ name: expect.stringContaining('(gloomfang)'), value: 'gloomfang' }]);
    const skills = await fake.autocomplete({ name: 'whohas', channelId: CHANNEL, userId: ALICE, guildId: GUILD, focused: 'skill', options: { skill: 'sur' } });
    expect(skills.map((s) => s.value)).toContain('Surge');
    const chars = await fake.autocomplete({ name: 'lookup', channelId: CHANNEL, userId: ALICE, guildId: GUILD, focused: 'name', options: { name: 'fri' } });
    expect(chars.some((c) => /Frieren/.test(c.name))).toBe(true);
  });

  it('an owner command answers an owner and is refused, ephemerally, for an admin who isn’t a bot owner', async () => {
    const [ok] = await slash('audit', {}, OWNER, OWNER_CHANNEL, OWNER_GUILD);
    expect(ok!.ephemeral).toBe(false);
    expect(textOfMessage(ok!)).toMatch(/owner actions|audit/i);
    const [refused] = await slash('audit', {}, BOB, OWNER_CHANNEL, OWNER_GUILD);
    expect(refused!.ephemeral).toBe(true);
    expect(textOfMessage(refused!)).toContain("`/audit` is for the bot's owners only");
    // Not registered anywhere else: members of other servers never see it.
    expect(() => fake.invokeCommand({ name: 'audit', channelId: CHANNEL, userId: ALICE, guildId: GUILD })).toThrow();
  });

  it('bad input gets an ephemeral, friendly answer naming /commands', async () => {
    const [r] = await slash('story', { stage: '9-9' });
    expect(r!.ephemeral).toBe(true);
    expect(textOfMessage(r!)).toMatch(/There is no stage 9-9.*`\/story`/s);
  });
});
