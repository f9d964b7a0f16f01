import { once } from 'node:events';
import {
  ApplicationCommandOptionType,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError } from '../fakes/discord/client-options.js';
import { FakeDiscord, fakeClientOptions } from '../fakes/discord/server.js';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
const BOT_ID = '1100000000000000001';
const GUILD = '1200000000000000001';
const CHANNEL = '1300000000000000001';
const OWNER = '1400000000000000001';
const ALICE = '1400000000000000002';
const BOB = '1400000000000000003';

const desc = 'd';
const str = (name: string, extra: Record<string, unknown> = {}) => ({ type: 3, name, description: desc, ...extra });

describe('FakeDiscord application commands', () => {
  let fake: FakeDiscord;
  let client: Client;
  const seen: Interaction[] = [];

  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID } });
    const urls = await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'Hall',
      ownerId: OWNER,
      channels: [{ id: CHANNEL, name: 'pulls' }],
      members: [
        { id: OWNER, username: 'owner' },
        { id: ALICE, username: 'alice', nick: 'Alice the Great' },
        { id: BOB, username: 'bob' },
      ],
    });
    client = new Client({ intents: INTENTS, ...fakeClientOptions(urls) });
    client.on(Events.InteractionCreate, async (interaction) => {
      seen.push(interaction);
      if (interaction.isAutocomplete()) {
        if (interaction.commandName === 'big') return; // answered by its own test
        const focused = interaction.options.getFocused(true);
        const all = ['Rem', 'Ram', 'Emilia', 'Subaru', 'Beatrice'];
        await interaction.respond(
          all.filter((n) => n.toLowerCase().startsWith(String(focused.value).toLowerCase())).map((n) => ({ name: `${n} (${focused.name})`, value: n })),
        );
      } else if (interaction.isChatInputCommand()) {
        await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
      }
    });
    const ready = once(client, Events.ClientReady);
    await client.login('token');
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  const put = (body: unknown[]) => client.rest.put(Routes.applicationCommands(BOT_ID), { body });

  it('rejects a bad command name (uppercase, space, 33 characters) with 50035 and records it', async () => {
    const err = await apiError(put([str('Pull'), str('two words'), str('x'.repeat(33))].map((o) => ({ ...o, type: 1 }))));
    expect(err.status).toBe(400);
    expect(err.code).toBe(50035);
    expect(err.rawError).toMatchObject({ errors: { '0': { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } } });
    expect(fake.takeViolations()[0]!.problems).toEqual([
      '0.name: Command name must be lowercase [APPLICATION_COMMAND_INVALID_NAME]',
      '1.name: Command name is invalid [APPLICATION_COMMAND_INVALID_NAME]',
      '2.name: Command name is invalid [APPLICATION_COMMAND_INVALID_NAME]',
    ]);
    expect(fake.commands).toEqual([]);
    // Non-Latin names that match Discord's regex are fine, and so are user commands with spaces and capitals.
    await put([
      { name: 'ガチャ', description: desc },
      { name: 'Show Profile', type: 2 },
    ]);
    expect(fake.commands.map((c) => c.name).sort()).toEqual(['Show Profile', 'ガチャ']);
  });

  it('rejects 26 options, required after optional, choices with autocomplete, 26 choices, and bad nesting', async () => {
    const options26 = Array.from({ length: 26 }, (_, i) => str(`o${i}`));
    await apiError(put([{ name: 'many', description: desc, options: options26 }]));
    expect(fake.takeViolations()[0]!.problems).toEqual(['0.options: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);

    await apiError(put([{ name: 'order', description: desc, options: [str('a'), str('b', { required: true })] }]));
    expect(fake.takeViolations()[0]!.problems).toEqual([
      '0.options.1.required: Required options must be placed before non-required options [APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID]',
    ]);

    const choices = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, value: `v${i}` }));
    await apiError(
      put([{ name: 'pick', description: desc, options: [str('a', { choices: choices(2), autocomplete: true }), str('b', { choices: choices(26) })] }]),
    );
    expect(fake.takeViolations()[0]!.problems).toEqual([
      '0.options.0.autocomplete: Autocomplete cannot be set together with choices [APPLICATION_COMMAND_AUTOCOMPLETE_AND_CHOICES]',
      '0.options.1.choices: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
    ]);

    const sub = (name: string, options: unknown[] = []) => ({ type: 1, name, description: desc, options });
    const group = (name: string, options: unknown[]) => ({ type: 2, name, description: desc, options });
    await apiError(
      put([
        { name: 'nest1', description: desc, options: [group('g', [group('gg', [sub('s')])])] },
        { name: 'nest2', description: desc, options: [sub('s', [sub('t')])] },
        { name: 'mixed', description: desc, options: [sub('s'), str('loose')] },
        {
          name: 'deep',
          description: desc,
          options: [
            group(
              'g',
              Array.from({ length: 26 }, (_, i) => sub(`s${i}`)),
            ),
          ],
        },
      ]),
    );
    expect(fake.takeViolations()[0]!.problems).toEqual([
      '0.options.0.options.0.type: A subcommand group may only contain subcommands [APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]',
      '1.options.0.options.0.type: Subcommands cannot contain subcommands or groups [APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]',
      '2.options: Sub-command and sub-command group option types are mutually exclusive to all other types [APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]',
      '3.options.0.options: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
    ]);
  });

  it('rejects descriptions outside 1–100, choice names outside 1–100, and a command over the 8,000-character size', async () => {
    await apiError(
      put([
        { name: 'a', description: '' },
        { name: 'b', description: 'x'.repeat(101) },
      ]),
    );
    expect(fake.takeViolations()[0]!.problems).toEqual([
      '0.description: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
      '1.description: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
    ]);
    await apiError(
      put([
        {
          name: 'c',
          description: desc,
          options: [
            str('o', {
              choices: [
                { name: '', value: 'v' },
                { name: 'x'.repeat(101), value: 'w' },
              ],
            }),
          ],
        },
      ]),
    );
    expect(fake.takeViolations()[0]!.problems).toEqual([
      '0.options.0.choices.0.name: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
      '0.options.0.choices.1.name: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
    ]);
    // 25 options × (name 32 + description 100 + 2 choices of 100-char names and values … ) goes over 8,000.
    const big = Array.from({ length: 25 }, (_, i) =>
      str(`opt${String(i).padStart(2, '0')}`.padEnd(32, 'x'), {
        description: 'y'.repeat(100),
        choices: [0, 1].map((j) => ({ name: `${j}`.padEnd(100, 'n'), value: `${i}-${j}` })),
      }),
    );
    const err = await apiError(put([{ name: 'huge', description: 'd'.repeat(100), options: big }]));
    expect(err.rawError).toMatchObject({
      errors: { '0': { _errors: [{ code: 'APPLICATION_COMMAND_TOO_LARGE', message: 'Command exceeds maximum size (8000)' }] } },
    });
    fake.takeViolations();
  });

  it('more than 100 global CHAT_INPUT commands are refused (bulk and one by one)', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ({ name: `c${i}`, description: desc }));
    await put(hundred);
    expect(fake.commands.filter((c) => !c.guild_id)).toHaveLength(100);
    await apiError(put([...hundred, { name: 'c100', description: desc }]));
    expect(fake.takeViolations()[0]!.problems).toEqual(['(body): Maximum number of CHAT_INPUT commands reached (100) [APPLICATION_COMMANDS_TOO_MANY]']);
    const err = await apiError(client.rest.post(Routes.applicationCommands(BOT_ID), { body: { name: 'c100', description: desc } }));
    expect(err.code).toBe(30032);
    fake.takeViolations();
    // Re-posting an existing name overwrites it instead of adding one.
    await client.rest.post(Routes.applicationCommands(BOT_ID), { body: { name: 'c0', description: 'changed' } });
    expect(fake.commands.find((c) => c.name === 'c0')?.description).toBe('changed');
    await put([]);
    expect(fake.commands).toEqual([]);
  });

  it('counts registration calls; an unchanged bulk overwrite keeps ids and versions; default_member_permissions is kept', async () => {
    const defs = [
      { name: 'pull', description: 'Pull a card', options: [{ type: 4, name: 'count', description: 'how many', min_value: 1, max_value: 10 }] },
      { name: 'grant', description: 'Owner only', default_member_permissions: String(PermissionFlagsBits.ManageGuild) },
    ];
    const before = fake.commandRequests.length;
    const first = (await client.application!.commands.set(defs)).map((c) => [c.id, c.version]);
    const second = (await client.application!.commands.set(defs)).map((c) => [c.id, c.version]);
    expect(second).toEqual(first);
    const changed = (await client.application!.commands.set([{ ...defs[0]!, description: 'Pull cards' }, defs[1]!])).map((c) => [c.id, c.version]);
    expect(changed[0]![0]).toBe(first[0]![0]);
    expect(changed[0]![1]).not.toBe(first[0]![1]);
    expect(changed[1]).toEqual(first[1]);
    expect(fake.commandRequests.slice(before).map((r) => [r.method, r.status])).toEqual([
      ['PUT', 200],
      ['PUT', 200],
      ['PUT', 200],
    ]);
    const fetched = await client.application!.commands.fetch();
    expect(fetched.find((c) => c.name === 'grant')?.defaultMemberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(fake.commands.find((c) => c.name === 'pull')?.options).toMatchObject([
      { type: 4, name: 'count', description: 'how many', min_value: 1, max_value: 10 },
    ]);
    // Guild commands are separate, and can be deleted one by one.
    const guildCmd = await client.application!.commands.create({ name: 'raid', description: 'Raid' }, GUILD);
    expect(fake.commands.find((c) => c.id === guildCmd.id)?.guild_id).toBe(GUILD);
    await client.application!.commands.delete(guildCmd.id, GUILD);
    expect(fake.commands.some((c) => c.id === guildCmd.id)).toBe(false);
  });

  it('invokeCommand builds data from the definition: subcommand group, typed options, user option with resolved member', async () => {
    await client.application!.commands.set([
      {
        name: 'team',
        description: 'Team',
        options: [
          {
            type: ApplicationCommandOptionType.SubcommandGroup,
            name: 'slot',
            description: 'Slots',
            options: [
              {
                type: ApplicationCommandOptionType.Subcommand,
                name: 'set',
                description: 'Set a slot',
                options: [
                  { type: ApplicationCommandOptionType.Integer, name: 'slot', description: 's', required: true, min_value: 1, max_value: 5 },
                  { type: ApplicationCommandOptionType.String, name: 'unit', description: 'u', required: true },
                  { type: ApplicationCommandOptionType.Boolean, name: 'lock', description: 'l' },
                ],
              },
            ],
          },
          { type: ApplicationCommandOptionType.Subcommand, name: 'show', description: 'Show', options: [{ type: 6, name: 'player', description: 'p' }] },
        ],
      },
      {
        name: 'gift',
        description: 'Gift',
        options: [
          {
            type: 10,
            name: 'amount',
            description: 'a',
            required: true,
            choices: [
              { name: 'half', value: 0.5 },
              { name: 'one', value: 1 },
            ],
          },
        ],
      },
    ]);

    const id1 = fake.invokeCommand({ name: 'team slot set', channelId: CHANNEL, userId: ALICE, options: { slot: 2, unit: 'u-42', lock: true } });
    const i1 = (await fake.waitFor(() => seen.find((i) => i.id === id1), 3000, 'team slot set')) as ChatInputCommandInteraction;
    expect(i1.options.getSubcommandGroup()).toBe('slot');
    expect(i1.options.getSubcommand()).toBe('set');
    expect(i1.options.getInteger('slot')).toBe(2);
    expect(i1.options.getString('unit')).toBe('u-42');
    expect(i1.options.getBoolean('lock')).toBe(true);
    expect(fake.getInteraction(id1)!.payload.data).toMatchObject({
      name: 'team',
      type: 1,
      options: [
        { type: 2, name: 'slot', options: [{ type: 1, name: 'set', options: [{ name: 'slot', type: 4, value: 2 }, { name: 'unit' }, { name: 'lock' }] }] },
      ],
    });

    const id2 = fake.invokeCommand({ name: 'team show', channelId: CHANNEL, userId: ALICE, options: { player: BOB } });
    const i2 = (await fake.waitFor(() => seen.find((i) => i.id === id2), 3000, 'team show')) as ChatInputCommandInteraction;
    expect(i2.options.getSubcommand()).toBe('show');
    expect(i2.options.getUser('player')?.username).toBe('bob');
    expect(i2.options.getMember('player')).toBeTruthy();
    const resolved = (fake.getInteraction(id2)!.payload.data as { resolved: { members: Record<string, Record<string, unknown>> } }).resolved;
    expect(resolved.members[BOB]).toMatchObject({ roles: [], permissions: expect.stringMatching(/^\d+$/) });
    expect(resolved.members[BOB]).not.toHaveProperty('user');

    const id3 = fake.invokeCommand({ name: 'gift', channelId: CHANNEL, userId: ALICE, options: { amount: 0.5 } });
    expect(((await fake.waitFor(() => seen.find((i) => i.id === id3))) as ChatInputCommandInteraction).options.getNumber('amount')).toBe(0.5);
  });

  it('invokeCommand refuses what a Discord user could not send', () => {
    const call =
      (name: string, options: Record<string, unknown> = {}, userId = ALICE) =>
      () =>
        fake.invokeCommand({ name, channelId: CHANNEL, userId, options: options as never });
    expect(call('nope')).toThrow(/\/nope is not registered/);
    expect(call('team')).toThrow(/base command cannot be invoked/);
    expect(call('team slot')).toThrow(/name a subcommand of the group/);
    expect(call('team slot set', { slot: 2 })).toThrow(/required option "unit" is missing/);
    expect(call('team slot set', { slot: 9, unit: 'u' })).toThrow(/must be ≤ 5/);
    expect(call('team slot set', { slot: 1.5, unit: 'u' })).toThrow(/is an integer/);
    expect(call('team slot set', { slot: 1, unit: 'u', colour: 'red' })).toThrow(/has no option "colour"/);
    expect(call('team slot set', { slot: '1', unit: 'u' })).toThrow(/is an integer, got "1"/);
    expect(call('team show', { player: '1499999999999999999' })).toThrow(/unknown user/);
    expect(call('gift', { amount: 2 })).toThrow(/must be one of the choices/);
  });

  it('default_member_permissions hides an owner command from members; the owner may use it', async () => {
    await client.application!.commands.set([
      { name: 'grant', description: 'Owner only', defaultMemberPermissions: PermissionFlagsBits.ManageGuild },
      { name: 'admins', description: 'Admins only', defaultMemberPermissions: 0n },
    ]);
    expect(() => fake.invokeCommand({ name: 'grant', channelId: CHANNEL, userId: ALICE })).toThrow(
      /cannot see \/grant \(default_member_permissions ManageGuild\)/,
    );
    expect(() => fake.invokeCommand({ name: 'admins', channelId: CHANNEL, userId: ALICE })).toThrow(/admins only/);
    const id = fake.invokeCommand({ name: 'grant', channelId: CHANNEL, userId: OWNER });
    await fake.waitFor(() => fake.interactionResponses.find((r) => r.interactionId === id), 3000, 'owner reply');
    fake.invokeCommand({ name: 'admins', channelId: CHANNEL, userId: OWNER });
  });

  it('autocomplete round trip: type 4 with the focused option, the bot answers with type 8 choices', async () => {
    await client.application!.commands.set([
      {
        name: 'info',
        description: 'Character info',
        options: [
          { type: 3, name: 'character', description: 'c', required: true, autocomplete: true },
          { type: 4, name: 'level', description: 'l', autocomplete: true },
        ],
      },
    ]);
    const choices = await fake.autocomplete({ name: 'info', channelId: CHANNEL, userId: ALICE, focused: 'character', options: { character: 're' } });
    expect(choices).toEqual([{ name: 'Rem (character)', value: 'Rem' }]);
    const ac = seen.at(-1)!;
    expect(ac.isAutocomplete()).toBe(true);
    expect(fake.getInteraction(ac.id)!.payload).toMatchObject({
      type: 4,
      data: { name: 'info', options: [{ type: 3, name: 'character', value: 're', focused: true }] },
    });
    expect(fake.interactionResponses.find((r) => r.interactionId === ac.id)).toMatchObject({ type: 8 });

    // Nothing typed yet: the focused option is sent empty; options already filled come along, not focused.
    const all = await fake.autocomplete({ name: 'info', channelId: CHANNEL, userId: ALICE, focused: 'level', options: { character: 'Rem' } });
    expect(all.map((c) => c.name)).toEqual(['Rem (level)', 'Ram (level)', 'Emilia (level)', 'Subaru (level)', 'Beatrice (level)']);
    expect(fake.getInteraction(seen.at(-1)!.id)!.payload.data).toMatchObject({
      options: [
        { type: 3, name: 'character', value: 'Rem' },
        { type: 4, name: 'level', value: '', focused: true },
      ],
    });
    // A required option may be missing while the user is still typing another one.
    const none = await fake.autocomplete({ name: 'info', channelId: CHANNEL, userId: ALICE, focused: 'level' });
    expect(none).toHaveLength(5);
    expect(() => fake.invokeCommand({ name: 'info', channelId: CHANNEL, userId: ALICE })).toThrow(/required option "character" is missing/);
    await expect(fake.autocomplete({ name: 'pull', channelId: CHANNEL, userId: ALICE, focused: 'x' })).rejects.toThrow(/not registered/);
  });

  it('autocomplete answers over 25 choices are refused like Discord does (400 50035), and recorded', async () => {
    const listener = async (interaction: Interaction) => {
      if (!interaction.isAutocomplete() || interaction.commandName !== 'big') return;
      const many = Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));
      const err = await apiError(interaction.respond(many));
      expect(err.code).toBe(50035);
    };
    client.on(Events.InteractionCreate, listener);
    try {
      await client.application!.commands.set([{ name: 'big', description: 'b', options: [{ type: 3, name: 'q', description: 'q', autocomplete: true }] }]);
      await expect(fake.autocomplete({ name: 'big', channelId: CHANNEL, userId: ALICE, focused: 'q', timeoutMs: 500 })).rejects.toThrow(/timed out/);
      const [v] = fake.takeViolations();
      expect(v!.problems).toEqual(['data.choices: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);
    } finally {
      client.off(Events.InteractionCreate, listener);
    }
  });
});
