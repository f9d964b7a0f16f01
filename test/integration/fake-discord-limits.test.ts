import { once } from 'node:events';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Routes,
  StringSelectMenuBuilder,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError } from '../fakes/discord/client-options.js';
import { FakeDiscord, fakeClientOptions } from '../fakes/discord/server.js';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages];
const BOT_ID = '1100000000000000001';
const GUILD = '1200000000000000001';
const CHANNEL = '1300000000000000001';
const ALICE = '1400000000000000001';

const x = (n: number) => 'x'.repeat(n);

describe('FakeDiscord enforces Discord payload limits on every call', () => {
  let fake: FakeDiscord;
  let client: Client;
  let channel: TextChannel;

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID } });
    const urls = await fake.start();
    fake.addGuild({ id: GUILD, name: 'Hall', channels: [{ id: CHANNEL, name: 'pulls' }], members: [{ id: ALICE, username: 'alice' }] });
    client = new Client({ intents: INTENTS, ...fakeClientOptions(urls) });
    const ready = once(client, Events.ClientReady);
    await client.login('token');
    await ready;
    channel = client.channels.cache.get(CHANNEL) as TextChannel;
  });

  afterAll(async () => {
    await client?.destroy();
    // Every test below takes its own violations; anything left over is a real failure.
    await fake?.stop();
  });

  it('content of 2,001 characters: 400 50035 with the errors tree, recorded as a violation; 2,000 passes', async () => {
    const err = await apiError(channel.send(x(2001)));
    expect(err.status).toBe(400);
    expect(err.code).toBe(50035);
    expect(err.rawError).toMatchObject({ errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    const [v] = fake.takeViolations();
    expect(v).toMatchObject({ method: 'POST', path: `/channels/${CHANNEL}/messages`, status: 400, code: 50035 });
    expect(v!.problems).toEqual(['content: Must be 2000 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);
    // Characters are code points: 2,000 emoji are 4,000 UTF-16 units and still fine.
    await channel.send('🌟'.repeat(2000));
    expect(fake.violations).toEqual([]);
  });

  it('embed limits: title 256, description 4096, 25 fields, field 256/1024, footer 2048, author 256, 10 embeds', async () => {
    const bad = {
      title: x(257),
      description: x(4097),
      fields: [
        { name: x(257), value: 'ok' },
        { name: 'ok', value: x(1025) },
      ],
      footer: { text: x(2049) },
      author: { name: x(257) },
    };
    const err = await apiError(channel.send({ embeds: [bad] }));
    expect(err.code).toBe(50035);
    const problems = fake.takeViolations()[0]!.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'embeds.0.title: Must be 256 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
        'embeds.0.description: Must be 4096 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
        'embeds.0.fields.0.name: Must be 256 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
        'embeds.0.fields.1.value: Must be 1024 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
        'embeds.0.footer.text: Must be 2048 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
        'embeds.0.author.name: Must be 256 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
      ]),
    );

    const fields = Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    expect((await apiError(channel.send({ embeds: [{ title: 't', fields }] }))).code).toBe(50035);
    expect(fake.takeViolations()[0]!.problems).toEqual(['embeds.0.fields: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);

    const eleven = Array.from({ length: 11 }, (_, i) => ({ title: `e${i}` }));
    expect((await apiError(channel.send({ embeds: eleven }))).code).toBe(50035);
    expect(fake.takeViolations()[0]!.problems).toEqual(['embeds: Must be 10 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);
  });

  it('6,000 characters across all embeds of a message, whitespace trimmed before counting', async () => {
    // Two embeds of 3,000 + 3,000 = 6,000: allowed. Padding whitespace does not count.
    const half = { title: x(200), description: `   ${x(2800)}   ` };
    await channel.send({ embeds: [half, half] });
    expect(fake.violations).toEqual([]);
    const err = await apiError(channel.send({ embeds: [half, { ...half, footer: { text: 'one more' } }] }));
    expect(err.code).toBe(50035);
    expect(err.rawError).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }] } },
    });
    expect(fake.takeViolations()).toHaveLength(1);
  });

  it('components: ≤ 5 rows, ≤ 5 buttons a row, a select alone in its row, 1–25 options, custom_id ≤ 100, label ≤ 80, placeholder ≤ 150', async () => {
    const button = (id: string, label = id) => ({ type: 2, style: 1, custom_id: id, label });
    const row = (...components: unknown[]) => ({ type: 1, components });
    const select = (id: string, n: number, extra: Record<string, unknown> = {}) => ({
      type: 3,
      custom_id: id,
      options: Array.from({ length: n }, (_, i) => ({ label: `o${i}`, value: `v${i}` })),
      ...extra,
    });
    const post = (components: unknown[]) => apiError(client.rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'c', components } }));

    await post([row(button('a')), row(button('b')), row(button('c')), row(button('d')), row(button('e')), row(button('f'))]);
    expect(fake.takeViolations()[0]!.problems).toEqual(['components: Must be 5 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);

    await post([row(...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => button(id)))]);
    expect(fake.takeViolations()[0]!.problems).toEqual(['components.0.components: Must be between 1 and 5 in length. [BASE_TYPE_BAD_LENGTH]']);

    await post([row(select('s', 3), button('b'))]);
    expect(fake.takeViolations()[0]!.problems).toEqual([
      'components.0.components: The specified component exceeds the maximum width [COMPONENT_LAYOUT_WIDTH_EXCEEDED]',
    ]);

    await post([row(select('s', 26))]);
    expect(fake.takeViolations()[0]!.problems).toEqual(['components.0.components.0.options: Must be between 1 and 25 in length. [BASE_TYPE_BAD_LENGTH]']);
    await post([row(select('s', 0))]);
    expect(fake.takeViolations()[0]!.problems[0]).toContain('options: Must be between 1 and 25');

    await post([row(button(x(101), 'ok'), button('b', x(81)))]);
    expect(fake.takeViolations()[0]!.problems).toEqual([
      'components.0.components.0.custom_id: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
      'components.0.components.1.label: Must be 80 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
    ]);

    await post([row({ type: 2, style: 2, custom_id: 'e', emoji: {} }, { type: 2, style: 2, custom_id: 'n' })]);
    expect(fake.takeViolations()[0]!.problems).toEqual([
      'components.0.components.0.emoji.name: Invalid emoji [BUTTON_COMPONENT_INVALID_EMOJI]',
      'components.0.components.1: A button needs a label or an emoji [BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED]',
    ]);

    await post([row(select('s', 2, { placeholder: x(151), options: [{ label: x(101), value: x(101), description: x(101) }] }))]);
    expect(fake.takeViolations()[0]!.problems).toEqual(
      expect.arrayContaining([
        'components.0.components.0.placeholder: Must be 150 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
        'components.0.components.0.options.0.label: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
        'components.0.components.0.options.0.value: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
        'components.0.components.0.options.0.description: Must be 100 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
      ]),
    );

    // The builders discord.js offers produce valid rows: five buttons, then a 25-option select alone.
    const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
      ['1', '2', '3', '4', '5'].map((id) => new ButtonBuilder().setCustomId(`b${id}`).setLabel(x(80)).setStyle(ButtonStyle.Secondary)),
    );
    const menu = new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
      new StringSelectMenuBuilder()
        .setCustomId(x(100))
        .setPlaceholder(x(150))
        .addOptions(Array.from({ length: 25 }, (_, i) => ({ label: `${i}`.padEnd(100, '.'), value: `v${i}`, description: x(100) }))),
    );
    await channel.send({ content: 'ok', components: [buttons, menu] });
    expect(fake.violations).toEqual([]);
  });

  it('more than 10 attachments: 400 30015 (Maximum number of attachments in a message reached), recorded', async () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ attachment: Buffer.from(`f${i}`), name: `f${i}.txt` }));
    const err = await apiError(channel.send({ files }));
    expect(err.status).toBe(400);
    expect(err.code).toBe(30015);
    expect(fake.takeViolations()[0]).toMatchObject({ code: 30015 });
    await channel.send({ files: files.slice(0, 10) });
    expect(fake.violations).toEqual([]);
  });

  it('interaction replies and webhook edits are held to the same limits', async () => {
    let attempt = 0;
    const answered = new Promise<void>((resolve) => {
      client.on(Events.InteractionCreate, async (interaction) => {
        if (!interaction.isButton()) return;
        attempt++;
        const e1 = await apiError(interaction.reply({ content: x(2001), flags: MessageFlags.Ephemeral }));
        expect(e1.code).toBe(50035);
        await interaction.deferReply();
        const e2 = await apiError(interaction.editReply({ embeds: [{ title: x(300) }] }));
        expect(e2.code).toBe(50035);
        await interaction.editReply({ content: 'fine' });
        resolve();
      });
    });
    const msg = await channel.send({
      content: 'press',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('go').setLabel('Go').setStyle(ButtonStyle.Primary))],
    });
    fake.clickButton({ messageId: msg.id, customId: 'go', userId: ALICE });
    await answered;
    expect(attempt).toBe(1);
    const v = fake.takeViolations();
    expect(v.map((r) => [r.method, r.path.replace(/\/\d+\/[^/]+\/callback$/, '/:id/:token/callback').replace(/\/webhooks\/.*$/, '/webhooks/…')])).toEqual([
      ['POST', '/interactions/:id/:token/callback'],
      ['PATCH', '/webhooks/…'],
    ]);
    expect(v[0]!.problems).toEqual(['data.content: Must be 2000 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);
    expect(v[1]!.problems).toEqual(['embeds.0.title: Must be 256 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);
  });
});

describe('stop() fails the test when the bot broke a limit', () => {
  it('names each violation, and passes with expectViolations() or after takeViolations()', async () => {
    const fake = new FakeDiscord({ bot: { id: BOT_ID } });
    const urls = await fake.start();
    fake.addGuild({ id: GUILD, name: 'Hall', channels: [{ id: CHANNEL, name: 'pulls' }], members: [{ id: ALICE, username: 'alice' }] });
    const post = (body: unknown) =>
      fetch(`${urls.restUrl}/v10/channels/${CHANNEL}/messages`, {
        method: 'POST',
        headers: { authorization: 'Bot t', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ content: x(2001) })).status).toBe(400);
    expect((await post({ embeds: [{ title: x(257) }] })).status).toBe(400);
    expect((await post({ content: 'fine' })).status).toBe(200);

    const failure = await fake.stop().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toContain('2 payload(s) that break');
    expect(failure?.message).toContain(`POST /channels/${CHANNEL}/messages → 400 50035 Invalid Form Body`);
    expect(failure?.message).toContain('content: Must be 2000 or fewer in length.');
    expect(failure?.message).toContain('embeds.0.title: Must be 256 or fewer in length.');
    // Reported once: a second stop() (e.g. in afterAll) does not throw again.
    await expect(fake.stop()).resolves.toBeUndefined();

    const lenient = new FakeDiscord({ bot: { id: BOT_ID } });
    const u2 = await lenient.start();
    lenient.addGuild({ id: GUILD, name: 'Hall', channels: [{ id: CHANNEL, name: 'pulls' }], members: [] });
    lenient.expectViolations();
    const r = await fetch(`${u2.restUrl}/v10/channels/${CHANNEL}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bot t', 'content-type': 'application/json' },
      body: JSON.stringify({ content: x(2001) }),
    });
    expect(r.status).toBe(400);
    expect(lenient.violations).toHaveLength(1);
    await expect(lenient.stop()).resolves.toBeUndefined();
  });
});
