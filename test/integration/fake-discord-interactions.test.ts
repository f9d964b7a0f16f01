import { once } from 'node:events';
import { type ChatInputCommandInteraction, Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError } from '../fakes/discord/client-options.js';
import { FakeDiscord, fakeClientOptions } from '../fakes/discord/server.js';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
const BOT_ID = '1100000000000000001';
const GUILD = '1200000000000000001';
const CHANNEL = '1300000000000000001';
const ALICE = '1400000000000000001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FakeDiscord interaction timing', () => {
  let fake: FakeDiscord;
  let client: Client;
  const pending = new Map<string, (i: ChatInputCommandInteraction) => void>();

  // A short ack window and token lifetime so the test does not wait 3 s / 15 min.
  const ACK_MS = 1000;
  const TOKEN_MS = 2500;

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID }, interactionAckMs: ACK_MS, interactionTokenMs: TOKEN_MS });
    const urls = await fake.start();
    fake.addGuild({ id: GUILD, name: 'Hall', channels: [{ id: CHANNEL, name: 'pulls' }], members: [{ id: ALICE, username: 'alice' }] });
    client = new Client({ intents: INTENTS, ...fakeClientOptions(urls) });
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) pending.get(interaction.commandName)?.(interaction);
    });
    const ready = once(client, Events.ClientReady);
    await client.login('token');
    await ready;
    await client.application!.commands.set([
      { name: 'late', description: 'answers too late' },
      { name: 'slow', description: 'defers, then edits' },
      { name: 'expire', description: 'edits after the token died' },
      { name: 'followup', description: 'defers, then follows up' },
    ]);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  const invoke = async (name: string): Promise<{ id: string; interaction: ChatInputCommandInteraction }> => {
    const got = new Promise<ChatInputCommandInteraction>((resolve) => pending.set(name, resolve));
    const id = fake.invokeCommand({ name, channelId: CHANNEL, userId: ALICE });
    return { id, interaction: await got };
  };

  it('a reply after the ack window gets 404 10062 Unknown interaction, and is recorded as late', async () => {
    const { id, interaction } = await invoke('late');
    await sleep(ACK_MS + 100);
    const err = await apiError(interaction.reply('too late'));
    expect(err.status).toBe(404);
    expect(err.code).toBe(10062);
    expect(fake.lateCallbacks).toEqual([expect.objectContaining({ interactionId: id, type: 4 })]);
    expect(fake.lateCallbacks[0]!.delayMs).toBeGreaterThan(ACK_MS);
    expect(fake.getInteraction(id)).toMatchObject({ responded: false, expired: true });
    expect(fake.unansweredInteractions.map((i) => i.id)).toContain(id);
    // The dead token cannot be used for a follow-up either.
    const followErr = await apiError(client.rest.post(`/webhooks/${BOT_ID}/${interaction.token}`, { body: { content: 'x' }, auth: false }));
    expect(followErr.code).toBe(10015);
  });

  it('a deferred reply (type 5) can be edited through the webhook well after the ack window', async () => {
    const { id, interaction } = await invoke('slow');
    await interaction.deferReply();
    await sleep(ACK_MS + 200);
    const edited = await interaction.editReply('done after the window');
    expect(edited.content).toBe('done after the window');
    const record = fake.interactionResponses.find((r) => r.interactionId === id)!;
    expect(record.type).toBe(5);
    expect(record.delayMs).toBeLessThan(ACK_MS);
    expect(fake.getInteraction(id)!.acknowledgedAt).toBe(record.at);
    const edit = fake.edits.find((e) => e.interactionId === id)!;
    expect(edit.via).toBe('webhook');
    expect(edit.at - fake.getInteraction(id)!.createdAt).toBeGreaterThan(ACK_MS);
    expect(edit.after.flags & 128).toBe(0);
  });

  it('after the token lifetime, webhook edits get 401 50027 Invalid Webhook Token', async () => {
    const { interaction } = await invoke('expire');
    await interaction.reply({ content: 'first', flags: MessageFlags.Ephemeral });
    await sleep(TOKEN_MS + 100);
    const err = await apiError(interaction.editReply('too late'));
    expect(err.status).toBe(401);
    expect(err.code).toBe(50027);
  });

  it('a follow-up straight after a deferred reply edits the loading message instead of posting a new one', async () => {
    const { id, interaction } = await invoke('followup');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const msg = await interaction.followUp({ content: 'here it is' });
    const original = fake.interactionResponses.find((r) => r.interactionId === id)!.messageId!;
    expect(msg.id).toBe(original);
    expect(fake.sentMessages(CHANNEL).filter((m) => m.interactionId === id)).toHaveLength(1);
    expect(fake.getMessage(original)!.ephemeral).toBe(true); // "The ephemeral flag will be ignored"
    // A second follow-up is a new message.
    const second = await interaction.followUp({ content: 'and more' });
    expect(second.id).not.toBe(original);
  });
});
