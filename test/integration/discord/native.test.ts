import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { FakeDiscord, Intents } from '../../fakes/discord/server.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ask, BOT_ID, cogsWith, type DiscordBot, repliesTo, startBot, textOfMessage } from './harness.js';

const GUILD = '1220000000000000001';
const CHANNEL = '1320000000000000001';
const NO_EMBEDS = '1320000000000000002';
const NO_HISTORY = '1320000000000000003';
const NO_FILES = '1320000000000000004';
const FORUM = '1320000000000000005';
const ALICE = '1420000000000000001';

describe.each(backends())('Discord as it really behaves (%s)', (backend) => {
  let tdb: TestDb;

  beforeAll(async () => {
    tdb = await openTestDb(backend);
    await upsertCharacters(tdb.db, generateOfflineCatalog());
  });
  afterAll(async () => {
    await tdb?.close();
  });

  const guild = () => ({
    id: GUILD,
    name: 'Hall',
    ownerId: ALICE,
    channels: [
      { id: CHANNEL, name: 'pulls' },
      { id: NO_EMBEDS, name: 'no-embeds' },
      { id: NO_HISTORY, name: 'no-history' },
      { id: NO_FILES, name: 'no-files' },
      { id: FORUM, name: 'forum', type: 15 as const },
    ],
    members: [{ id: ALICE, username: 'alice' }],
  });

  describe('without the Message Content intent', () => {
    let fake: FakeDiscord;
    let bot: DiscordBot;
    beforeAll(async () => {
      fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' }, privilegedIntents: { messageContent: false } });
      await fake.start();
      fake.addGuild(guild());
      bot = await startBot(fake, tdb.db, { cogs: await cogsWith() });
    });
    afterAll(async () => {
      await bot?.stop();
      await fake?.stop();
    });

    it('4014 → one warning, a new session without the intent, and mentions, DMs and /health still work', async () => {
      expect(fake.disallowedIdentifies.length).toBe(1);
      const last = fake.identifyPayloads.at(-1) as { intents: number };
      expect(last.intents & Intents.MessageContent).toBe(0);
      const health = await bot.app.health();
      expect(health.status).toBe('ok');
      expect(health.transport.discord).toMatchObject({ gateway: 'ready', messageContent: false });
      const mention = await ask(fake, { channelId: CHANNEL, authorId: ALICE, content: `<@${BOT_ID}> gems` });
      expect(textOfMessage(mention)).toContain('Gems');
      // Replies name commands the way the player reached the bot: by mention.
      const story = await ask(fake, { channelId: CHANNEL, authorId: ALICE, content: `<@${BOT_ID}> story` });
      expect(textOfMessage(story)).toContain('`@Stardust story 1-1`');
      const dm = fake.openDM(ALICE);
      const inDm = await ask(fake, { channelId: dm.id, authorId: ALICE, content: '!gems' });
      expect(textOfMessage(inDm)).toContain('Gems');
      // A plain prefix command arrives without content: silence, no error.
      const plain = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: '!gems' });
      await new Promise((r) => setTimeout(r, 200));
      expect(repliesTo(fake, CHANNEL, plain.id)).toEqual([]);
    });
  });

  describe('DISCORD_MESSAGE_CONTENT=off', () => {
    it('never asks for the intent', async () => {
      const fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' } });
      await fake.start();
      fake.addGuild(guild());
      const bot = await startBot(fake, tdb.db, { cogs: await cogsWith(), env: { DISCORD_MESSAGE_CONTENT: 'off' } });
      try {
        expect(fake.disallowedIdentifies).toEqual([]);
        expect(fake.identifyPayloads.every((p) => ((p as { intents: number }).intents & Intents.MessageContent) === 0)).toBe(true);
        expect((await bot.app.health()).transport.discord).toMatchObject({ messageContent: false });
      } finally {
        await bot.stop();
        await fake.stop();
      }
    });
  });

  describe('channel permissions', () => {
    let fake: FakeDiscord;
    let bot: DiscordBot;
    beforeAll(async () => {
      fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' } });
      await fake.start();
      fake.addGuild(guild());
      fake.setBotPermissions(NO_EMBEDS, { deny: ['EmbedLinks'] });
      fake.setBotPermissions(NO_HISTORY, { deny: ['ReadMessageHistory'] });
      fake.setBotPermissions(NO_FILES, { deny: ['AttachFiles'] });
      bot = await startBot(fake, tdb.db, { cogs: await cogsWith() });
      await ask(fake, { channelId: CHANNEL, authorId: ALICE, content: '!starter' });
    });
    afterAll(async () => {
      await bot?.stop();
      await fake?.stop();
    });

    it('without Embed Links the reply is the plain-text rendering (Discord would silently drop the embeds)', async () => {
      const reply = await ask(fake, { channelId: NO_EMBEDS, authorId: ALICE, content: '!gems' });
      expect(reply.data.embeds).toEqual([]);
      expect(reply.droppedEmbeds ?? []).toEqual([]);
      expect(reply.data.content).toMatch(/Gems/);
      expect(reply.data.content).toContain('**Embed Links**');
    });

    it('without Attach Files the picture is left out and the reply says which permission would show it', async () => {
      const reply = await ask(fake, { channelId: NO_FILES, authorId: ALICE, content: '!team' });
      expect(reply.data.attachments).toEqual([]);
      expect(reply.data.embeds.length).toBe(1);
      expect(reply.data.content).toContain('**Attach Files**');
    });

    it('without Read Message History the reply goes out without a reference (no 160002)', async () => {
      const msg = fake.sendMessage({ channelId: NO_HISTORY, authorId: ALICE, content: '!gems' });
      const reply = await fake.waitFor(() => fake.sentMessages(NO_HISTORY).find((m) => m.data.content.includes('') && m.data.embeds.length), 5000, 'reply');
      expect(reply.data.message_reference).toBeUndefined();
      expect(textOfMessage(reply)).toContain('Gems');
      expect(fake.requests.filter((r) => r.path.endsWith(`/channels/${NO_HISTORY}/messages`) && r.status >= 400)).toEqual([]);
      expect(msg.id).toBeTruthy();
    });

    it('a reply refused with 160002 (stale permissions) is retried without the message reference', async () => {
      // The bot's cache has lost the channel's deny overwrite, so it believes it may read history; Discord refuses.
      const channel = bot.transport.client.channels.cache.get(NO_HISTORY) as import('discord.js').TextChannel;
      channel.permissionOverwrites.cache.delete(BOT_ID);
      const msg = fake.sendMessage({ channelId: NO_HISTORY, authorId: ALICE, content: '!gems' });
      const refused = await fake.waitFor(
        () => fake.requests.find((r) => r.path.endsWith(`/channels/${NO_HISTORY}/messages`) && r.status === 403),
        5000,
        '160002',
      );
      expect(refused).toBeDefined();
      const reply = await fake.waitFor(() => fake.sentMessages(NO_HISTORY).filter((m) => Number(m.data.id) > Number(msg.id))[0], 5000, 'retried reply');
      expect(reply.data.message_reference).toBeUndefined();
      expect(textOfMessage(reply)).toContain('Gems');
    });

    it('answers in threads and forum posts (Send Messages in Threads)', async () => {
      const thread = fake.addThread({ parentId: CHANNEL, name: 'pull talk' });
      const inThread = await ask(fake, { channelId: thread.id, authorId: ALICE, content: '!gems' });
      expect(inThread.data.channel_id).toBe(thread.id);
      expect(textOfMessage(inThread)).toContain('Gems');
      const post = fake.addForumPost({ forumId: FORUM, name: 'help me', authorId: ALICE, content: '!help' });
      const reply = await fake.waitFor(() => repliesTo(fake, post.thread.id, post.message.id)[0], 5000, 'forum reply');
      expect(textOfMessage(reply)).toContain('commands');
    });
  });
});
