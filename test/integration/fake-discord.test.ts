import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, loginAndWaitReady } from '../fakes/discord/client-options.js';
import { FakeDiscord, fakeClientOptions, guildIdForShard, shardForGuild } from '../fakes/discord/server.js';

// 1x1 transparent PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages];

const BOT_ID = '1100000000000000001';
const GUILD = '1200000000000000001';
const CHANNEL = '1300000000000000001';
const ALICE = '1400000000000000001';
const UNKNOWN_CHANNEL = '1399999999999999999';

describe('FakeDiscord + real discord.js Client', () => {
  let fake: FakeDiscord;
  let client: Client;
  const received: Message[] = [];
  const interactions: Interaction[] = [];

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' } });
    const urls = await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'Gacha Hall',
      channels: [{ id: CHANNEL, name: 'pulls' }],
      members: [{ id: ALICE, username: 'alice' }],
    });

    client = new Client({ intents: INTENTS, ...fakeClientOptions(urls) });
    client.on(Events.MessageCreate, async (message) => {
      if (message.author.bot) return;
      received.push(message);
      if (message.content === '!pull') {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('claim').setLabel('Claim').setStyle(ButtonStyle.Primary),
          new ButtonBuilder().setCustomId('info').setLabel('Info').setStyle(ButtonStyle.Secondary),
        );
        await message.reply({
          embeds: [new EmbedBuilder().setTitle('You pulled Rem!').setImage('attachment://card.png')],
          files: [{ attachment: PNG, name: 'card.png' }],
          components: [row],
        });
      }
    });
    client.on(Events.InteractionCreate, async (interaction) => {
      interactions.push(interaction);
      if (interaction.isButton() && interaction.customId === 'claim') {
        await interaction.update({ content: 'Claimed!', components: [] });
      } else if (interaction.isButton() && interaction.customId === 'info') {
        await interaction.reply({ content: 'secret info', flags: MessageFlags.Ephemeral });
        await interaction.followUp({ content: 'follow-up' });
      } else if (interaction.isChatInputCommand() && interaction.commandName === 'pull') {
        await interaction.deferReply();
        await interaction.editReply({
          content: `pulling x${interaction.options.getInteger('count') ?? 1}`,
          files: [{ attachment: PNG, name: 'roll.png' }],
        });
      }
    });
    await loginAndWaitReady(client);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  it('logs in through /gateway/bot + IDENTIFY and caches the guild from GUILD_CREATE', () => {
    expect(client.user?.id).toBe(BOT_ID);
    expect(client.application?.id).toBe(BOT_ID);
    expect(client.guilds.cache.get(GUILD)?.name).toBe('Gacha Hall');
    expect(client.channels.cache.get(CHANNEL)?.isTextBased()).toBe(true);
    expect(fake.stats.identifies).toBe(1);
    expect(fake.gatewayConnections[0]).toEqual({ path: '/', query: { v: '10', encoding: 'json' } });
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot')).toBe(true);
  });

  it('delivers MESSAGE_CREATE and records a reply with embed, PNG attachment and button row', async () => {
    const userMsg = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: '!pull' });
    const reply = await fake.waitFor(() => fake.sentMessages(CHANNEL)[0], 3000, 'bot reply');

    expect(received.map((m) => m.content)).toContain('!pull');
    expect(reply.data.type).toBe(19);
    expect(reply.data.message_reference?.message_id).toBe(userMsg.id);
    expect(reply.data.embeds[0]).toMatchObject({ type: 'rich', title: 'You pulled Rem!' });
    expect(reply.data.attachments).toHaveLength(1);
    const att = reply.data.attachments[0]!;
    expect(att).toMatchObject({ filename: 'card.png', size: PNG.length, content_type: 'image/png', width: 1, height: 1 });
    expect((reply.data.embeds[0]?.image as { url?: string } | undefined)?.url).toBe(att.url);
    expect(reply.files.get(att.id)?.data.equals(PNG)).toBe(true);
    const downloaded = Buffer.from(await (await fetch(att.url)).arrayBuffer());
    expect(downloaded.equals(PNG)).toBe(true);
    const row = reply.data.components[0] as { type: number; components: Array<{ custom_id: string }> };
    expect(row.type).toBe(1);
    expect(row.components.map((c) => c.custom_id)).toEqual(['claim', 'info']);
  });

  it('clicking the button reaches interactionCreate and interaction.update() is recorded as an edit', async () => {
    const reply = fake.sentMessages(CHANNEL)[0]!;
    const interactionId = fake.clickButton({ messageId: reply.data.id, customId: 'claim', userId: ALICE });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === interactionId), 3000, 'edit');

    expect(interactions.find((i) => i.id === interactionId)?.user.id).toBe(ALICE);
    expect(edit).toMatchObject({ messageId: reply.data.id, via: 'interaction' });
    expect(edit.after.content).toBe('Claimed!');
    expect(edit.after.components).toEqual([]);
    expect(edit.after.attachments).toHaveLength(1); // untouched
    expect(fake.interactionResponses.find((r) => r.interactionId === interactionId)?.type).toBe(7);
    expect(() => fake.clickButton({ messageId: reply.data.id, customId: 'claim', userId: ALICE })).toThrow(/no component/);
  });

  it('records ephemeral replies (type 4, flag 64) and webhook follow-ups', async () => {
    const msg = fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: '!pull' });
    const reply = await fake.waitFor(() => fake.sentMessages(CHANNEL).find((m) => m.data.message_reference?.message_id === msg.id), 3000, 'second reply');
    const id = fake.clickButton({ messageId: reply.data.id, customId: 'info', userId: ALICE });
    const followUp = await fake.waitFor(() => fake.sentMessages(CHANNEL).find((m) => m.interactionId === id && m.source === 'followup'), 3000, 'follow-up');
    const response = fake.interactionResponses.find((r) => r.interactionId === id);
    expect(response).toMatchObject({ type: 4, ephemeral: true });
    const original = fake.getMessage(response!.messageId!)!;
    expect(original.ephemeral).toBe(true);
    expect(original.data.flags & 64).toBe(64);
    expect(original.data.content).toBe('secret info');
    expect(followUp.data.content).toBe('follow-up');
  });

  it('slash command: deferReply + editReply with a file goes through the webhook multipart path', async () => {
    await client.application!.commands.set([{ name: 'pull', description: 'Pull a card', options: [{ name: 'count', description: 'n', type: 4 }] }]);
    expect(fake.commands.map((c) => c.name)).toEqual(['pull']);
    const id = fake.invokeCommand({ name: 'pull', channelId: CHANNEL, userId: ALICE, options: { count: 10 } });
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.interactionId === id), 3000, 'editReply');
    expect(fake.interactionResponses.find((r) => r.interactionId === id)?.type).toBe(5);
    expect(edit.via).toBe('webhook');
    expect(edit.after.content).toBe('pulling x10');
    expect(edit.after.flags & 128).toBe(0); // no longer "thinking"
    expect(edit.files.map((f) => f.name)).toEqual(['roll.png']);
    expect(edit.after.attachments[0]?.filename).toBe('roll.png');
  });

  it('DMs: user.send() opens a DM channel over REST and posts into it', async () => {
    const sent = await (await client.users.fetch(ALICE)).send('your daily is ready');
    const dm = fake.sentMessages(sent.channelId);
    expect(fake.getChannel(sent.channelId)?.type).toBe(1);
    expect(dm.map((m) => m.data.content)).toEqual(['your daily is ready']);
  });

  it('after dropConnections() the client RESUMEs and gets events sent while it was away', async () => {
    const before = { ...fake.stats };
    fake.dropConnections();
    // Sent while the socket is down: must be buffered and replayed on RESUME.
    fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: 'while-you-were-away' });
    await fake.waitFor(() => received.some((m) => m.content === 'while-you-were-away'), 5000, 'replayed message');
    expect(fake.stats.resumes).toBe(before.resumes + 1);
    expect(fake.stats.identifies).toBe(before.identifies);
    expect(fake.gatewayConnections.at(-1)?.path).toBe('/resume');
    const buffered = fake.dispatches.find((d) => d.t === 'MESSAGE_CREATE' && (d.d as { content?: string }).content === 'while-you-were-away');
    expect(buffered?.delivered).toBe(false); // really replayed, not delivered live

    fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: 'after-resume' });
    await fake.waitFor(() => received.some((m) => m.content === 'after-resume'), 3000, 'live message');
    expect(fake.stats.resumes).toBe(before.resumes + 1);
  });

  it('a close frame with a resumable code (4000) also resumes; an invalidated session falls back to IDENTIFY', async () => {
    const before = { ...fake.stats };
    fake.dropConnections({ code: 4000 });
    await fake.waitFor(() => fake.stats.resumes === before.resumes + 1 && fake.connectedSessions === 1, 5000, 'resume');
    expect(fake.stats.identifies).toBe(before.identifies);

    fake.invalidateSessions();
    fake.dropConnections();
    await fake.waitFor(() => fake.stats.identifies === before.identifies + 1 && fake.connectedSessions === 1, 5000, 're-identify');
    expect(fake.stats.failedResumes).toBe(before.failedResumes + 1);
    fake.sendMessage({ channelId: CHANNEL, authorId: ALICE, content: 'after-reidentify' });
    await fake.waitFor(() => received.some((m) => m.content === 'after-reidentify'), 3000, 'message after re-identify');
  });

  it('an unknown channel rejects with DiscordAPIError 10003', async () => {
    const viaRest = await apiError(client.rest.post(Routes.channelMessages(UNKNOWN_CHANNEL), { body: { content: 'x' } }));
    expect(viaRest.code).toBe(10003);
    expect(viaRest.status).toBe(404);
    const viaFetch = await apiError(client.channels.fetch(UNKNOWN_CHANNEL));
    expect(viaFetch.code).toBe(10003);
  });

  it('a channel configured with missing permissions rejects with 50013', async () => {
    fake.setMissingPermissions(CHANNEL);
    try {
      const channel = client.channels.cache.get(CHANNEL) as TextChannel;
      const err = await apiError(channel.send('nope'));
      expect(err.code).toBe(50013);
      expect(err.status).toBe(403);
    } finally {
      fake.setMissingPermissions(CHANNEL, false);
    }
  });

  it('survives a 429 with rate-limit headers (discord.js waits and retries)', async () => {
    fake.rateLimitNext(1, 0.05);
    const channel = client.channels.cache.get(CHANNEL) as TextChannel;
    const msg = await channel.send('after rate limit');
    expect(msg.content).toBe('after rate limit');
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });
});

describe('FakeDiscord sharding', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];
  const guildA = guildIdForShard(0, 2); // shard 0
  const guildB = guildIdForShard(1, 2); // shard 1
  const chanA = '1300000000000000010';
  const chanB = '1300000000000000020';

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID } });
    const urls = await fake.start();
    fake.addGuild({ id: guildA, name: 'A', channels: [{ id: chanA, name: 'a' }], members: [{ id: ALICE, username: 'alice' }] });
    fake.addGuild({ id: guildB, name: 'B', channels: [{ id: chanB, name: 'b' }], members: [{ id: ALICE, username: 'alice' }] });
    for (const shard of [0, 1]) {
      clients.push(new Client({ intents: INTENTS, shards: [shard], shardCount: 2, ...fakeClientOptions(urls) }));
    }
  });

  afterAll(async () => {
    for (const c of clients) await c.destroy();
    await fake?.stop();
  });

  it('two clients, one shard each, only see their own guilds', async () => {
    expect(shardForGuild(guildA, 2)).toBe(0);
    expect(shardForGuild(guildB, 2)).toBe(1);
    const [c0, c1] = clients as [Client, Client];
    const seen: Record<number, string[]> = { 0: [], 1: [] };
    c0.on(Events.MessageCreate, (m) => seen[0]!.push(m.content));
    c1.on(Events.MessageCreate, (m) => seen[1]!.push(m.content));
    await Promise.all([loginAndWaitReady(c0), loginAndWaitReady(c1)]);

    expect([...c0.guilds.cache.keys()]).toEqual([guildA]);
    expect([...c1.guilds.cache.keys()]).toEqual([guildB]);
    expect(fake.identifyPayloads.map((p) => p.shard)).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    const readyShards = fake.dispatches.filter((d) => d.t === 'READY').map((d) => (d.d as { shard?: number[] }).shard);
    expect(readyShards).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );

    fake.sendMessage({ channelId: chanA, authorId: ALICE, content: 'in A' });
    fake.sendMessage({ channelId: chanB, authorId: ALICE, content: 'in B' });
    await fake.waitFor(() => seen[0]!.includes('in A') && seen[1]!.includes('in B'), 3000, 'both shards');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen[0]).toEqual(['in A']);
    expect(seen[1]).toEqual(['in B']);
  });

  it('one client with shards [0,1] routes each guild to its shard', async () => {
    const urls = fake.url;
    const client = new Client({ intents: INTENTS, shards: [0, 1], shardCount: 2, ...fakeClientOptions(urls) });
    clients.push(client);
    const shardOf = new Map<string, number>();
    client.on(Events.Raw, (packet: { t?: string; d?: { content?: string } }, shardId: number) => {
      if (packet.t === 'MESSAGE_CREATE' && packet.d?.content) shardOf.set(packet.d.content, shardId);
    });
    await loginAndWaitReady(client);
    expect(client.guilds.cache.get(guildA)?.shardId).toBe(0);
    expect(client.guilds.cache.get(guildB)?.shardId).toBe(1);
    fake.sendMessage({ channelId: chanA, authorId: ALICE, content: 'A again' });
    fake.sendMessage({ channelId: chanB, authorId: ALICE, content: 'B again' });
    await fake.waitFor(() => shardOf.size >= 2, 3000, 'raw events');
    expect(shardOf.get('A again')).toBe(0);
    expect(shardOf.get('B again')).toBe(1);
  });
});
