import { once } from 'node:events';
import {
  type AnyThreadChannel,
  Client,
  Events,
  GatewayIntentBits,
  type GuildTextBasedChannel,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, loginAndWaitReady } from '../fakes/discord/client-options.js';
import { ChannelType, FakeDiscord, fakeClientOptions, Perm } from '../fakes/discord/server.js';

const BOT_ID = '1100000000000000001';
const GUILD = '1200000000000000001';
const GENERAL = '1300000000000000001';
const PLAIN = '1300000000000000002'; // no Embed Links / Attach Files for the bot
const ARCHIVE = '1300000000000000003'; // no Read Message History
const STAFF = '1300000000000000004'; // hidden from @everyone, visible to the mod role
const FORUM = '1300000000000000005';
const MOD_ROLE = '1500000000000000001';
const MUTED_ROLE = '1500000000000000002';
const OWNER = '1400000000000000001';
const ALICE = '1400000000000000002';

const login = (client: Client) => loginAndWaitReady(client, 'token');

describe('privileged intents', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID }, privilegedIntents: { messageContent: false } });
    await fake.start();
    fake.addGuild({ id: GUILD, name: 'Hall', channels: [{ id: GENERAL, name: 'general' }], members: [{ id: ALICE, username: 'alice' }] });
  });

  afterAll(async () => {
    for (const c of clients) await c.destroy();
    await fake?.stop();
  });

  it('IDENTIFY with Message Content when the app may not use it is closed with 4014 (Disallowed intent(s))', async () => {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      ...fakeClientOptions(fake.url),
    });
    clients.push(client);
    const shardError = once(client, Events.ShardError);
    void client.login('token').catch(() => {});
    const [error] = (await shardError) as [Error];
    expect(error.message).toBe('Used disallowed intents');
    expect(fake.disallowedIdentifies).toEqual([expect.objectContaining({ disallowed: ['MESSAGE_CONTENT'] })]);
    expect(fake.stats.identifies).toBe(0);
    expect(fake.dispatches.filter((d) => d.t === 'READY')).toEqual([]);
  });

  it('without the intent the session works; content is empty except mentions of the bot, DMs and its own messages', async () => {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
      partials: [Partials.Channel],
      ...fakeClientOptions(fake.url),
    });
    clients.push(client);
    const got: Message[] = [];
    client.on(Events.MessageCreate, (m) => {
      got.push(m);
    });
    await login(client);
    // The app's flags say which privileged intents it is approved for (resources/application "Application Flags").
    const app = await client.application!.fetch();
    expect(app.flags.has('GatewayMessageContent')).toBe(false);
    expect(app.flags.has('GatewayGuildMembers')).toBe(true);

    const plain = fake.sendMessage({ channelId: GENERAL, authorId: ALICE, content: '!pull 10', embeds: [{ title: 'user embed' }] });
    const mention = fake.sendMessage({ channelId: GENERAL, authorId: ALICE, content: `<@${BOT_ID}> pull 10` });
    const dm = fake.openDM(ALICE);
    const inDm = fake.sendMessage({ channelId: dm.id, authorId: ALICE, content: 'pull 10' });
    const own = await (client.channels.cache.get(GENERAL) as TextChannel).send('my own words');
    const replyToBot = fake.sendMessage({ channelId: GENERAL, authorId: ALICE, content: 'replying to you', replyTo: own.id });
    const replyNoPing = fake.sendMessage({ channelId: GENERAL, authorId: ALICE, content: 'quiet reply', replyTo: own.id, mentionRepliedUser: false });
    await fake.waitFor(() => got.length >= 6, 3000, 'six messages');
    const byId = new Map(got.map((m) => [m.id, m]));
    expect(byId.get(plain.id)?.content).toBe('');
    expect(byId.get(plain.id)?.embeds).toEqual([]);
    expect(byId.get(mention.id)?.content).toBe(`<@${BOT_ID}> pull 10`);
    expect(byId.get(inDm.id)?.content).toBe('pull 10');
    expect(byId.get(own.id)?.content).toBe('my own words');
    // A reply pings the replied-to author by default, so the bot is mentioned and sees it.
    expect(byId.get(replyToBot.id)?.content).toBe('replying to you');
    expect(byId.get(replyNoPing.id)?.content).toBe('');
    // The HTTP API follows the app's approval too, whatever the IDENTIFY asked for.
    const fetched = await (client.channels.cache.get(GENERAL) as TextChannel).messages.fetch(plain.id);
    expect(fetched.content).toBe('');
  });
});

describe('member lists follow the privileged intents', () => {
  it('GUILD_CREATE holds only the bot without GUILD_PRESENCES; members come over REST; listing them all needs GUILD_MEMBERS', async () => {
    const fake = new FakeDiscord({ bot: { id: BOT_ID }, privilegedIntents: { guildMembers: false } });
    await fake.start();
    fake.addGuild({ id: GUILD, name: 'Hall', channels: [{ id: GENERAL, name: 'general' }], members: [{ id: ALICE, username: 'alice' }] });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(fake.url) });
    try {
      await login(client);
      const guild = client.guilds.cache.get(GUILD)!;
      expect([...guild.members.cache.keys()]).toEqual([BOT_ID]);
      expect(guild.memberCount).toBe(2);
      expect((await guild.members.fetch(ALICE)).user.username).toBe('alice');
      const err = await apiError(client.rest.get(`/guilds/${GUILD}/members`, { query: new URLSearchParams({ limit: '10' }) }));
      expect(err.code).toBe(50001);
    } finally {
      await client.destroy();
      await fake.stop();
    }
  });
});

describe('permissions computed per channel', () => {
  let fake: FakeDiscord;
  let client: Client;
  const got: Message[] = [];
  const threadsCreated: AnyThreadChannel[] = [];

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID } });
    await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'Hall',
      ownerId: OWNER,
      everyonePermissions: ['ViewChannel', 'SendMessages', 'ReadMessageHistory', 'AddReactions', 'UseApplicationCommands', 'SendMessagesInThreads'],
      roles: [
        { id: MOD_ROLE, name: 'Mods', permissions: ['ManageMessages', 'ManageThreads'] },
        { id: MUTED_ROLE, name: 'Muted', permissions: [] },
      ],
      botPermissions: ['EmbedLinks', 'AttachFiles'],
      botRoles: [MOD_ROLE],
      channels: [
        { id: GENERAL, name: 'general' },
        { id: PLAIN, name: 'plain', overwrites: [{ id: BOT_ID, type: 'member', deny: ['EmbedLinks', 'AttachFiles'] }] },
        { id: ARCHIVE, name: 'archive', overwrites: [{ id: GUILD, type: 'role', deny: ['ReadMessageHistory'] }] },
        {
          id: STAFF,
          name: 'staff',
          overwrites: [
            { id: GUILD, type: 'role', deny: ['ViewChannel'] },
            { id: MOD_ROLE, type: 'role', allow: ['ViewChannel'] },
            { id: MUTED_ROLE, type: 'role', deny: ['SendMessages'] },
          ],
        },
        { id: FORUM, name: 'help', type: ChannelType.GuildForum },
      ],
      members: [
        { id: OWNER, username: 'owner' },
        { id: ALICE, username: 'alice' },
      ],
    });
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      ...fakeClientOptions(fake.url),
    });
    client.on(Events.MessageCreate, (m) => {
      if (!m.author.bot) got.push(m);
    });
    client.on(Events.ThreadCreate, (t) => {
      threadsCreated.push(t);
    });
    await login(client);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  const me = () => client.guilds.cache.get(GUILD)!.members.me!;
  const chan = (id: string) => client.channels.cache.get(id) as TextChannel;

  it("discord.js's permissionsFor(bot) agrees with the fake's computation in every channel, and after each change", async () => {
    const agree = () => {
      for (const id of [GENERAL, PLAIN, ARCHIVE, STAFF, FORUM]) {
        expect(chan(id).permissionsFor(me()).bitfield, `channel ${id}`).toBe(fake.computePermissions(id));
      }
    };
    agree();
    expect(fake.computePermissions(STAFF) & Perm.ViewChannel).toBe(Perm.ViewChannel); // through the mod role's allow
    expect(fake.computePermissions(PLAIN) & (Perm.EmbedLinks | Perm.AttachFiles)).toBe(0n);
    expect(fake.computePermissions(GENERAL) & Perm.EmbedLinks).toBe(Perm.EmbedLinks); // from the bot's managed role
    expect(fake.computePermissions(STAFF, ALICE) & Perm.ViewChannel).toBe(0n);
    expect(fake.computePermissions(GENERAL, OWNER)).toBe(fake.computePermissions(STAFF, OWNER)); // the owner has everything

    fake.setBotPermissions(GENERAL, { deny: ['AddReactions'] });
    await fake.waitFor(() => !chan(GENERAL).permissionsFor(me()).has(PermissionFlagsBits.AddReactions), 2000, 'CHANNEL_UPDATE');
    agree();
    fake.setMemberRoles(GUILD, BOT_ID, [
      ...me()
        .roles.cache.filter((r) => r.managed)
        .keys(),
      MOD_ROLE,
      MUTED_ROLE,
    ]);
    await fake.waitFor(() => me().roles.cache.has(MUTED_ROLE), 2000, 'GUILD_MEMBER_UPDATE');
    agree();
    expect(fake.computePermissions(STAFF) & Perm.SendMessages).toBe(0n);
    fake.setRolePermissions(GUILD, MOD_ROLE, ['Administrator']);
    await fake.waitFor(() => me().permissions.has(PermissionFlagsBits.Administrator), 2000, 'GUILD_ROLE_UPDATE');
    agree();
    // Put things back for the tests below.
    fake.setRolePermissions(GUILD, MOD_ROLE, ['ManageMessages', 'ManageThreads']);
    fake.setMemberRoles(GUILD, BOT_ID, [
      ...me()
        .roles.cache.filter((r) => r.managed)
        .keys(),
      MOD_ROLE,
    ]);
    fake.setBotPermissions(GENERAL, null);
    await fake.waitFor(() => !me().roles.cache.has(MUTED_ROLE) && !me().permissions.has(PermissionFlagsBits.Administrator), 2000, 'restored');
    agree();
  });

  it('interactions carry app_permissions and member.permissions for the channel', async () => {
    await client.application!.commands.set([{ name: 'where', description: 'w' }]);
    const seen: Interaction[] = [];
    client.on(Events.InteractionCreate, (i) => {
      seen.push(i);
      if (i.isChatInputCommand() && i.commandName === 'where') void i.reply({ content: 'x', embeds: [{ title: 'embeds work in interaction replies' }] });
    });
    const id = fake.invokeCommand({ name: 'where', channelId: PLAIN, userId: ALICE });
    const i = await fake.waitFor(() => seen.find((s) => s.id === id), 3000, 'interaction');
    expect(i.appPermissions?.bitfield).toBe(fake.computePermissions(PLAIN));
    expect(i.memberPermissions?.bitfield).toBe(fake.computePermissions(PLAIN, ALICE));
    // Interaction responses are webhooks: no Embed Links needed (change-log 2022-06-29).
    const reply = await fake.waitFor(() => fake.sentMessages(PLAIN).find((m) => m.interactionId === id), 3000, 'reply');
    expect(reply.data.embeds).toHaveLength(1);
  });

  it('no Embed Links: the message is accepted and its embeds are silently dropped; embeds alone are an empty message', async () => {
    const sent = await chan(PLAIN).send({ content: 'stats', embeds: [{ title: 'Rem', description: '★★★★★' }] });
    expect(sent.embeds).toEqual([]);
    const stored = fake.getMessage(sent.id)!;
    expect(stored.data.embeds).toEqual([]);
    expect(stored.droppedEmbeds).toEqual([{ title: 'Rem', description: '★★★★★' }]);
    const err = await apiError(chan(PLAIN).send({ embeds: [{ title: 'only an embed' }] }));
    expect(err.code).toBe(50006);
    // Editing in an embed is dropped the same way.
    const edited = await sent.edit({ content: 'stats v2', embeds: [{ title: 'again' }] });
    expect(edited.embeds).toEqual([]);
  });

  it('no Attach Files: an upload is refused with 403 50013', async () => {
    const err = await apiError(chan(PLAIN).send({ content: 'card', files: [{ attachment: Buffer.from('png'), name: 'card.png' }] }));
    expect(err.status).toBe(403);
    expect(err.code).toBe(50013);
    await chan(GENERAL).send({ content: 'card', files: [{ attachment: Buffer.from('png'), name: 'card.png' }] });
  });

  it('a reply without Read Message History: 403 160002; a plain message is fine', async () => {
    const userMsg = fake.sendMessage({ channelId: ARCHIVE, authorId: ALICE, content: '!gems' });
    const m = await fake.waitFor(() => got.find((g) => g.id === userMsg.id), 3000, 'message in archive');
    const err = await apiError(m.reply('your gems'));
    expect(err.status).toBe(403);
    expect(err.code).toBe(160002);
    expect(err.message).toBe('Cannot reply without permission to read message history');
    await chan(ARCHIVE).send('your gems');
    // And no history for it over REST either.
    expect((await chan(ARCHIVE).messages.fetch({ limit: 10 })).size).toBe(0);
  });

  it('no View Channel: sends get 403 50001 and the bot no longer receives the channel’s messages', async () => {
    fake.setMissingPermissions(GENERAL, true, 50001);
    try {
      await fake.waitFor(() => !chan(GENERAL).permissionsFor(me()).has(PermissionFlagsBits.ViewChannel), 2000, 'CHANNEL_UPDATE');
      const err = await apiError(chan(GENERAL).send('hello?'));
      expect(err.code).toBe(50001);
      const hidden = fake.sendMessage({ channelId: GENERAL, authorId: ALICE, content: 'can you see me' });
      await new Promise((r) => setTimeout(r, 100));
      expect(got.some((g) => g.id === hidden.id)).toBe(false);
      expect(fake.dispatches.some((d) => d.t === 'MESSAGE_CREATE' && (d.d as { id: string }).id === hidden.id)).toBe(false);
    } finally {
      fake.setMissingPermissions(GENERAL, false);
    }
    await chan(GENERAL).send('back');
  });

  it('threads: THREAD_CREATE, messages with the thread id, replies need Send Messages in Threads (not Send Messages)', async () => {
    const thread = fake.addThread({ parentId: GENERAL, name: 'pull talk', ownerId: ALICE, members: [ALICE] });
    const t = await fake.waitFor(() => threadsCreated.find((c) => c.id === thread.id), 2000, 'THREAD_CREATE');
    expect(t.parentId).toBe(GENERAL);
    expect(t.isThread()).toBe(true);
    expect(t.permissionsFor(me())?.bitfield).toBe(fake.computePermissions(thread.id));

    const userMsg = fake.sendMessage({ channelId: thread.id, authorId: ALICE, content: '!pull' });
    const m = await fake.waitFor(() => got.find((g) => g.id === userMsg.id), 3000, 'thread message');
    expect(m.channelId).toBe(thread.id);
    const reply = await m.reply('pulled in the thread');
    expect(reply.channelId).toBe(thread.id);
    expect(fake.sentMessages(thread.id).map((s) => s.data.content)).toEqual(['pulled in the thread']);
    expect(fake.getChannel(thread.id)?.message_count).toBe(2);

    // Send Messages denied on the parent: the thread still works (Send Messages in Threads), the parent does not.
    fake.setBotPermissions(GENERAL, { deny: ['SendMessages'] });
    await fake.waitFor(() => !chan(GENERAL).permissionsFor(me()).has(PermissionFlagsBits.SendMessages), 2000, 'CHANNEL_UPDATE');
    await (client.channels.cache.get(thread.id) as GuildTextBasedChannel).send('still here');
    expect((await apiError(chan(GENERAL).send('nope'))).code).toBe(50013);
    // And the other way round.
    fake.setBotPermissions(GENERAL, { deny: ['SendMessagesInThreads'] });
    await fake.waitFor(() => !chan(GENERAL).permissionsFor(me()).has(PermissionFlagsBits.SendMessagesInThreads), 2000, 'CHANNEL_UPDATE');
    expect((await apiError((client.channels.cache.get(thread.id) as GuildTextBasedChannel).send('nope'))).code).toBe(50013);
    await chan(GENERAL).send('parent is fine');
    fake.setBotPermissions(GENERAL, null);
  });

  it('a private thread the bot is not in (and cannot manage) is invisible to it; adding it sends THREAD_CREATE', async () => {
    fake.setRolePermissions(GUILD, MOD_ROLE, ['ManageMessages']); // no Manage Threads
    const secret = fake.addThread({ parentId: GENERAL, name: 'secret', type: 12, members: [ALICE], botMember: false });
    const msg = fake.sendMessage({ channelId: secret.id, authorId: ALICE, content: 'psst' });
    await new Promise((r) => setTimeout(r, 100));
    expect(threadsCreated.some((t) => t.id === secret.id)).toBe(false);
    expect(got.some((g) => g.id === msg.id)).toBe(false);
    fake.addThreadMembers(secret.id, [BOT_ID]);
    const t = await fake.waitFor(() => threadsCreated.find((c) => c.id === secret.id), 2000, 'THREAD_CREATE on join');
    expect(t.type).toBe(12);
    const later = fake.sendMessage({ channelId: secret.id, authorId: ALICE, content: 'now you see me' });
    await fake.waitFor(() => got.find((g) => g.id === later.id), 2000, 'private thread message');
    fake.setRolePermissions(GUILD, MOD_ROLE, ['ManageMessages', 'ManageThreads']);
  });

  it('forum posts: a thread whose starter message has its id; the forum itself takes no messages (50008)', async () => {
    const { thread, message } = fake.addForumPost({ forumId: FORUM, name: 'How do I pull?', authorId: ALICE, content: 'Help please' });
    expect(message.id).toBe(thread.id);
    const t = await fake.waitFor(() => threadsCreated.find((c) => c.id === thread.id), 2000, 'forum THREAD_CREATE');
    expect(t.parentId).toBe(FORUM);
    const m = await fake.waitFor(() => got.find((g) => g.id === message.id), 2000, 'starter message');
    await m.reply('Use /pull');
    expect(fake.sentMessages(thread.id)).toHaveLength(1);
    const forum = client.channels.cache.get(FORUM)!;
    expect(forum.type).toBe(ChannelType.GuildForum);
    const err = await apiError(client.rest.post(`/channels/${FORUM}/messages`, { body: { content: 'x' } }));
    expect(err.code).toBe(50008);
  });

  it('a client that logs in later gets the visible active threads in GUILD_CREATE', async () => {
    const late = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(fake.url) });
    try {
      await login(late);
      const threads = late.guilds.cache.get(GUILD)!.channels.cache.filter((c) => c.isThread());
      expect(threads.map((t) => t.name).sort()).toEqual(['How do I pull?', 'pull talk', 'secret']);
      expect(threads.every((t) => t.isThread() && t.joined)).toBe(true);
    } finally {
      await late.destroy();
    }
  });

  it('ephemeral flag on replies and follow-ups is recorded', async () => {
    await client.application!.commands.set([{ name: 'secret', description: 's' }]);
    const listener = async (i: Interaction) => {
      if (!i.isChatInputCommand() || i.commandName !== 'secret') return;
      await i.reply({ content: 'only you', flags: MessageFlags.Ephemeral });
      await i.followUp({ content: 'also only you', flags: MessageFlags.Ephemeral });
    };
    client.on(Events.InteractionCreate, listener);
    const id = fake.invokeCommand({ name: 'secret', channelId: GENERAL, userId: ALICE });
    const msgs = await fake.waitFor(() => {
      const m = fake.sentMessages(GENERAL).filter((s) => s.interactionId === id);
      return m.length === 2 ? m : null;
    });
    expect(msgs.map((m) => [m.source, m.ephemeral])).toEqual([
      ['interaction', true],
      ['followup', true],
    ]);
    client.off(Events.InteractionCreate, listener);
  });
});
