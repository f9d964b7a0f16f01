import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { changeBalance } from '../../../src/core/economy.js';
import { IMAGE_FORMAT } from '../../../src/core/images/index.js';
import { FakeDiscord, type StoredMessage } from '../../fakes/discord/server.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ask, BOT_ID, cogsWith, type DiscordBot, PNG_A, PNG_B, repliesTo, sleep, startBot, textOfMessage } from './harness.js';
import { testCog } from './test-cog.js';

const GUILD = '1200000000000000001';
const CHANNEL = '1300000000000000001';
const QUIET = '1300000000000000002';
const ALICE = '1400000000000000001'; // the server owner: has Manage Server
const BOB = '1400000000000000002';
const CAROL = '1400000000000000003'; // a member who never played
const ROBOT = '1400000000000000009'; // another bot in the server
const STRANGER = '1400000000000000099'; // not in the server

type Row = { type: number; components: Array<{ type: number; custom_id: string; disabled?: boolean; label?: string; emoji?: { name?: string } }> };
const rowsOf = (m: { data: { components: unknown[] } } | { components: unknown[] }) => ('data' in m ? m.data.components : m.components) as Row[];

describe.each(backends())('Discord adapter against the fake Discord (%s)', (backend) => {
  let tdb: TestDb;
  let fake: FakeDiscord;
  let bot: DiscordBot;
  const say = (content: string, authorId = ALICE, channelId = CHANNEL) => ask(fake, { channelId, authorId, content });

  beforeAll(async () => {
    tdb = await openTestDb(backend);
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' } });
    await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'Gacha Hall',
      ownerId: ALICE,
      channels: [
        { id: CHANNEL, name: 'pulls' },
        { id: QUIET, name: 'quiet' },
      ],
      members: [
        { id: ALICE, username: 'alice', nick: 'Alice the Great' },
        { id: BOB, username: 'bob' },
        { id: CAROL, username: 'carol' },
        { id: ROBOT, username: 'robot', bot: true },
      ],
    });
    fake.addUser({ id: STRANGER, username: 'stranger' });
    const cogs = await cogsWith(testCog);
    if (cogs.some((c) => c.commands.some((cmd) => cmd.name === 'starter'))) await upsertCharacters(tdb.db, generateOfflineCatalog());
    bot = await startBot(fake, tdb.db, { cogs, discord: { deferAfterMs: 100 } });
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
    await tdb?.close();
  });

  it('logs in with the four intents and the DM partial, and reports a ready gateway', async () => {
    const identify = fake.identifyPayloads[0] as { intents: number };
    expect(identify.intents).toBe((1 << 0) | (1 << 9) | (1 << 12) | (1 << 15));
    expect(bot.transport.owns(CHANNEL)).toBe(true);
    expect(bot.transport.owns('1399999999999999999')).toBe(false);
    const h = await bot.app.health();
    expect(h.status).toBe('ok');
    expect(h.transport.discord).toMatchObject({ gateway: 'ready', shards: [{ id: 0, status: 'Ready' }], guilds: 1 });
  });

  it('!help replies to the message with the command list, without pinging the author', async () => {
    const userMsg = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: '!help' });
    const reply = await fake.waitFor(() => repliesTo(fake, CHANNEL, userMsg.id)[0], 5000, 'help');
    expect(reply.data.type).toBe(19);
    expect(reply.data.message_reference?.message_id).toBe(userMsg.id);
    expect(reply.data.mentions).toEqual([]); // repliedUser: false
    expect(reply.data.embeds[0]).toMatchObject({ type: 'rich', title: '✨ Project Stardust — commands' });
    expect(textOfMessage(reply)).toContain('`!gems`');
    expect(textOfMessage(reply)).toContain('`!prefix`');
    const req = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith(`/channels/${CHANNEL}/messages`));
    expect(req).toBeDefined();
  });

  it('!gems shows the wallet of the new player under their display name', async () => {
    const reply = await say('!gems');
    const embed = reply.data.embeds[0] as { title: string; fields: Array<{ name: string; value: string }> };
    expect(embed.fields.map((f) => f.name)).toEqual(['Gems', 'Coins']);
    expect(embed.fields[0]!.value).toMatch(/\d/);
    expect(embed.title).toContain("'s wallet");
    const p = (await tdb.db.query<{ id: string }>('SELECT id FROM players WHERE id = $1', [ALICE])).rows[0];
    expect(p?.id).toBe(ALICE);
  });

  it('!starter and !inventory (when the gacha cogs are present) answer with embeds; else !profile', async () => {
    if (!bot.app.registry.get('starter')) {
      const reply = await say('!profile');
      expect(textOfMessage(reply)).toContain('Team level');
      return;
    }
    const starter = await say('!starter', BOB);
    expect(starter.data.embeds.length).toBeGreaterThan(0);
    // The ten-pull composite is uploaded in the image format (a JPEG) and shown in the embed.
    const image = starter.data.attachments.find((a) => a.content_type === IMAGE_FORMAT.contentType);
    expect(image).toBeDefined();
    expect([...(starter.files.get(image!.id)?.data.subarray(0, 3) ?? [])]).toEqual([0xff, 0xd8, 0xff]);
    if (!bot.app.registry.get('inventory')) return;
    if (bot.app.registry.get('pull')) {
      // More than one page of units: pay for a 10-pull through the ledger like an admin grant would.
      await changeBalance(tdb.db, BOB, { gems: 100_000 }, 'test_grant');
      await say('!pull 10', BOB);
    }
    const inv = await say('!inventory', BOB);
    expect(textOfMessage(inv)).toContain("'s units");
    if (!bot.app.registry.get('pull')) return;
    // 20 units = two pages: the real inventory pager, driven by a button press.
    expect(
      rowsOf(inv)
        .flatMap((r) => r.components)
        .map((c) => c.custom_id),
    ).toContain('inv:next');
    const iid = fake.clickButton({ messageId: inv.data.id, customId: 'inv:next', userId: BOB });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === iid), 5000, 'inventory page 2');
    expect(textOfMessage(edit.after)).toContain('Page 2 of 2');
  });

  it('an embed image is uploaded as an attachment and the buttons/select become action rows', async () => {
    const reply = await say('!pages');
    expect(reply.data.embeds[0]).toMatchObject({ title: 'Page 1/3' });
    const att = reply.data.attachments[0]!;
    expect(att).toMatchObject({ filename: 'page1.png', content_type: 'image/png' });
    expect((reply.data.embeds[0] as { image?: { url: string } }).image?.url).toBe(att.url);
    expect(reply.files.get(att.id)?.data.equals(PNG_A)).toBe(true);
    const rows = rowsOf(reply);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.components.map((c) => [c.custom_id, c.disabled])).toEqual([
      ['pg:prev', true],
      ['pg:next', false],
      ['pg:close', false],
    ]);
    expect(rows[0]!.components[0]!.emoji?.name).toBe('◀️');
    expect(rows[1]!.components[0]).toMatchObject({ type: 3, custom_id: 'pg:pick' });
  });

  it('pressing Next edits the same message: new embed, new image, updated buttons', async () => {
    const reply = await say('!pages');
    const iid = fake.clickButton({ messageId: reply.data.id, customId: 'pg:next', userId: ALICE });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === iid), 5000, 'page 2');
    expect(fake.interactionResponses.find((r) => r.interactionId === iid)?.type).toBe(7);
    expect(edit.messageId).toBe(reply.data.id);
    expect(edit.after.embeds[0]).toMatchObject({ title: 'Page 2/3' });
    expect(edit.after.attachments.map((a) => a.filename)).toEqual(['page2.png']);
    expect(edit.files[0]?.data.equals(PNG_B)).toBe(true);
    expect(rowsOf(edit.after)[0]!.components.map((c) => c.disabled)).toEqual([false, false, false]);

    // A select jumps and posts a follow-up in the channel.
    const sid = fake.clickButton({ messageId: reply.data.id, customId: 'pg:pick', userId: ALICE, values: ['3'] });
    const jump = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === sid), 5000, 'page 3');
    expect(jump.after.embeds[0]).toMatchObject({ title: 'Page 3/3' });
    const follow = await fake.waitFor(() => fake.sentMessages(CHANNEL).find((m) => m.interactionId === sid && m.source === 'followup'), 5000, 'follow-up');
    expect(follow.data.content).toBe('You picked page 3.');
  });

  it('a press by someone else gets an ephemeral "not yours" and changes nothing', async () => {
    const reply = await say('!pages');
    const iid = fake.clickButton({ messageId: reply.data.id, customId: 'pg:next', userId: BOB });
    const res = await fake.waitFor(() => fake.interactionResponses.find((r) => r.interactionId === iid), 5000, 'ephemeral');
    expect(res).toMatchObject({ type: 4, ephemeral: true });
    expect(textOfMessage(res.data as { content?: string; embeds?: unknown[] })).toContain('belong to someone else');
    expect(fake.edits.some((e) => e.messageId === reply.data.id)).toBe(false);
  });

  it('Close finishes the view: components disabled, ephemeral note', async () => {
    const reply = await say('!pages');
    const iid = fake.clickButton({ messageId: reply.data.id, customId: 'pg:close', userId: ALICE });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === iid), 5000, 'close');
    expect(rowsOf(edit.after).flatMap((r) => r.components.map((c) => c.disabled))).toEqual([true, true, true, true]);
    const eph = await fake.waitFor(() => fake.allSentMessages().find((m) => m.interactionId === iid && m.ephemeral), 5000, 'closed note');
    expect(eph.data.content).toBe('Closed.');
    // The image stayed: nothing was re-uploaded for a view that only changed its buttons.
    expect(edit.after.attachments.map((a) => a.filename)).toEqual(['page1.png']);
    expect(edit.files).toEqual([]);
    // Pressing again: the component is disabled on Discord.
    expect(() => fake.clickButton({ messageId: reply.data.id, customId: 'pg:next', userId: ALICE })).toThrow(/disabled/);
  });

  it('a view that expires is edited over REST to disabled components', async () => {
    const reply = await say('!blink');
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.messageId === reply.data.id && e.via === 'rest'), 5000, 'expiry edit');
    expect(
      rowsOf(edit.after)
        .flatMap((r) => r.components.map((c) => c.disabled))
        .every(Boolean),
    ).toBe(true);
    expect(edit.after.embeds[0]).toMatchObject({ title: 'Page 1/3' });
    // The view let its image's bytes go; the edit keeps the message's image without sending it again.
    expect(edit.files).toEqual([]);
    expect(edit.after.attachments.map((a: { filename: string }) => a.filename)).toEqual(['page1.png']);
    expect((edit.after.embeds[0] as { image?: { url?: string } }).image?.url).toMatch(/page1\.png$/);
    // A press on a (somehow still enabled) expired view would say so; here the button is disabled.
    expect(() => fake.clickButton({ messageId: reply.data.id, customId: 'pg:next', userId: ALICE })).toThrow(/disabled/);
  });

  it('a slow handler is deferred (deferUpdate) and then edited through the interaction webhook', async () => {
    const reply = await say('!slow');
    const iid = fake.clickButton({ messageId: reply.data.id, customId: 'slow:go', userId: ALICE });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === iid), 5000, 'slow edit');
    expect(fake.interactionResponses.find((r) => r.interactionId === iid)?.type).toBe(6);
    expect(edit.via).toBe('webhook');
    expect(edit.after.content).toBe('Done after a long think.');
    expect(rowsOf(edit.after)).toEqual([]);
  });

  it('a double press while the first is running is acknowledged silently and runs once', async () => {
    const reply = await say('!slow');
    const a = fake.clickButton({ messageId: reply.data.id, customId: 'slow:go', userId: ALICE });
    const b = fake.clickButton({ messageId: reply.data.id, customId: 'slow:go', userId: ALICE });
    await fake.waitFor(() => fake.edits.find((e) => e.interactionId === a), 5000, 'first press');
    const second = await fake.waitFor(() => fake.interactionResponses.find((r) => r.interactionId === b), 5000, 'second ack');
    expect(second.type).toBe(6);
    expect(fake.edits.filter((e) => e.messageId === reply.data.id)).toHaveLength(1);
  });

  it('the bot answers a mention of itself as a prefix', async () => {
    const reply = await say(`<@${BOT_ID}> gems`);
    expect(textOfMessage(reply)).toContain('Gems');
  });

  it('member arguments: mentions resolve to server display names; strangers and non-players get clear answers', async () => {
    expect(textOfMessage(await say(`!whois <@${ALICE}>`))).toBe('Alice the Great');
    expect(textOfMessage(await say(`!whois <@${ROBOT}>`))).toBe('robot (bot)');
    expect(textOfMessage(await say(`!whois <@${STRANGER}>`))).toBe('Not a member of this server.');
    // Named by the server's display name, not mentioned: echoing <@carol> would ping her again.
    const carol = textOfMessage(await say(`!profile <@${CAROL}>`));
    expect(carol).toContain("**carol** hasn't started playing yet.");
    expect(carol).not.toContain('<@');
    expect(textOfMessage(await say('!profile @nobody'))).toContain('must mention a member');
  });

  it('content mentions may ping users but never @everyone', async () => {
    const reply = await say('!shout', BOB);
    expect(reply.data.content).toBe(`<@${BOB}> @everyone hello`);
    expect(reply.data.mentions.map((u) => u.id)).toEqual([BOB]);
    expect(reply.data.mention_everyone).toBe(false);
  });

  it('messages from bots and webhooks are ignored; the bot never answers itself', async () => {
    const fromBot = fake.sendMessage({ channelId: CHANNEL, authorId: ROBOT, content: '!gems' });
    fake.dispatchRaw(
      'MESSAGE_CREATE',
      {
        id: '1500000000000000001',
        channel_id: CHANNEL,
        guild_id: GUILD,
        webhook_id: '1600000000000000001',
        author: { id: '1600000000000000001', username: 'hook', discriminator: '0000', global_name: null, avatar: null, bot: true },
        content: '!gems',
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        components: [],
        pinned: false,
        type: 0,
        flags: 0,
      },
      GUILD,
    );
    await say('!gems'); // a later command is answered, so the earlier ones were seen and skipped
    await sleep(100);
    expect(repliesTo(fake, CHANNEL, fromBot.id)).toEqual([]);
    expect(repliesTo(fake, CHANNEL, '1500000000000000001')).toEqual([]);
    // Every bot message in the channel is a reply to a user's message (no loops on echoed messages).
    const own = fake.sentMessages(CHANNEL).filter((m) => m.source === 'rest');
    expect(own.every((m) => m.data.message_reference?.message_id)).toBe(true);
  });

  it('a 2,100-character command is answered with a clear message', async () => {
    const reply = await say(`!help ${'x'.repeat(2094)}`);
    expect(textOfMessage(reply)).toContain('too long for a command (2100 characters; the limit is 2000)');
  });

  it('unknown commands get a hint; plain chat and other prefixes get silence', async () => {
    expect(textOfMessage(await say('!gemz'))).toContain('Did you mean `!gems`?');
    const chat = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: 'hello everyone' });
    const other = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: '?gems' });
    await say('!gems');
    await sleep(50);
    expect(repliesTo(fake, CHANNEL, chat.id)).toEqual([]);
    expect(repliesTo(fake, CHANNEL, other.id)).toEqual([]);
  });

  it('DMs work (DM partial); a server-only command says so', async () => {
    const dm = fake.openDM(ALICE);
    const reply = await ask(fake, { channelId: dm.id, authorId: ALICE, content: '!gems' });
    expect(textOfMessage(reply)).toContain('Gems');
    const only = await ask(fake, { channelId: dm.id, authorId: ALICE, content: '!serveronly' });
    expect(textOfMessage(only)).toContain('works in a server channel, not in DMs');
    const prefix = await ask(fake, { channelId: dm.id, authorId: ALICE, content: '!prefix ?' });
    expect(textOfMessage(prefix)).toContain('Prefixes are set per server');
  });

  it('!prefix: shown to anyone, changed only with Manage Server, then used by the guild; mention still works', async () => {
    expect(textOfMessage(await say('!prefix', BOB))).toContain('Commands here start with `!` (the default)');
    expect(textOfMessage(await say('!prefix ?', BOB))).toContain('needs the **Manage Server** permission');
    expect(textOfMessage(await say('!prefix <@1>'))).toContain('cannot start with');
    expect(textOfMessage(await say('!prefix toolong'))).toContain('at most 5 characters');
    expect(textOfMessage(await say('!prefix s'))).toContain('must be a symbol');

    const ok = await say('!prefix ?');
    expect(textOfMessage(ok)).toContain('now start with `?`');
    const row = (await tdb.db.query<{ prefix: string; updated_by: string }>('SELECT prefix, updated_by FROM guild_settings WHERE guild_id = $1', [GUILD]))
      .rows[0];
    expect(row).toEqual({ prefix: '?', updated_by: ALICE });

    expect(textOfMessage(await say('?gems', BOB))).toContain('Gems');
    const old = fake.sendMessage({ channelId: CHANNEL, authorId: BOB, content: '!gems' });
    expect(textOfMessage(await say(`<@${BOT_ID}> prefix`, BOB))).toContain('start with `?`');
    await sleep(50);
    expect(repliesTo(fake, CHANNEL, old.id)).toEqual([]);

    // DMs keep the default.
    const dm = fake.openDM(BOB);
    expect(textOfMessage(await ask(fake, { channelId: dm.id, authorId: BOB, content: '!gems' }))).toContain('Gems');

    expect(textOfMessage(await say('?prefix reset'))).toContain('now start with `!`');
    expect(textOfMessage(await say('!gems', BOB))).toContain('Gems');
  });

  it('no permission to post in a channel: no crash, no doomed request, the player is told by DM, other channels keep working', async () => {
    fake.setMissingPermissions(QUIET);
    try {
      const msg = fake.sendMessage({ channelId: QUIET, authorId: BOB, content: '!gems' });
      const dmChannel = await fake.waitFor(
        () => fake.allSentMessages().find((m) => fake.getChannel(m.data.channel_id)?.type === 1 && m.data.content.includes("I can't post in")),
        5000,
        'DM notice',
      );
      expect(dmChannel.data.content).toContain(`<#${QUIET}>`);
      // The bot reads its permissions from the channel (CHANNEL_UPDATE) and doesn't even try to post there.
      expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/channels/${QUIET}/messages`))).toEqual([]);
      expect(repliesTo(fake, QUIET, msg.id)).toEqual([]);
      // The command itself ran (the reply was lost, the game state wasn't).
      const p = (await tdb.db.query('SELECT 1 FROM players WHERE id = $1', [BOB])).rowCount;
      expect(p).toBe(1);
      // A second failure in the same channel doesn't DM again.
      const before = fake.allSentMessages().filter((m) => m.data.content.includes("I can't post in")).length;
      fake.sendMessage({ channelId: QUIET, authorId: BOB, content: '!gems' });
      await say('!gems', BOB);
      await sleep(100);
      expect(fake.allSentMessages().filter((m) => m.data.content.includes("I can't post in")).length).toBe(before);
    } finally {
      fake.setMissingPermissions(QUIET, false);
    }
    const back = await say('!gems', BOB, QUIET);
    expect(textOfMessage(back)).toContain('Gems');
  });

  it('announcements to an unknown channel (10003) are logged and dropped, not thrown', async () => {
    await expect(bot.transport.send('1399999999999999999', { content: 'hello' })).resolves.toBeUndefined();
    await bot.app.services.announce(CHANNEL, { content: 'The raid boss appeared!' });
    const ann = await fake.waitFor(() => fake.sentMessages(CHANNEL).find((m) => m.data.content === 'The raid boss appeared!'), 3000, 'announcement');
    expect(ann.data.message_reference).toBeUndefined();
    await expect(bot.transport.edit(CHANNEL, '1399999999999999998', { content: 'gone' })).resolves.toBeUndefined();
  });

  it('after the WebSocket drops the bot resumes and keeps answering, including commands sent while it was away', async () => {
    const before = { ...fake.stats };
    fake.dropConnections();
    const during = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: '!gems' });
    const replayed = await fake.waitFor(() => repliesTo(fake, CHANNEL, during.id)[0], 8000, 'reply after resume');
    expect(textOfMessage(replayed)).toContain('Gems');
    expect(fake.stats.resumes).toBe(before.resumes + 1);
    expect(fake.stats.identifies).toBe(before.identifies);
    expect(textOfMessage(await say('!help gems'))).toContain('!gems');
    expect(bot.transport.gatewayState()).toBe('ready');

    // An invalidated session falls back to a fresh IDENTIFY and still works.
    fake.invalidateSessions();
    fake.dropConnections();
    await fake.waitFor(() => fake.stats.identifies === before.identifies + 1 && fake.connectedSessions === 1, 8000, 're-identify');
    expect(textOfMessage(await say('!gems'))).toContain('Gems');
  });

  it('answers many players at once', async () => {
    const users = [ALICE, BOB, CAROL];
    const msgs = Array.from({ length: 15 }, (_, i) => fake.sendMessage({ channelId: CHANNEL, authorId: users[i % 3]!, content: '!gems' }));
    const replies = await fake.waitFor(
      () => {
        const r = msgs.map((m) => repliesTo(fake, CHANNEL, m.id)[0]);
        return r.every(Boolean) ? (r as StoredMessage[]) : null;
      },
      10_000,
      'all replies',
    );
    expect(replies).toHaveLength(15);
  });
});
