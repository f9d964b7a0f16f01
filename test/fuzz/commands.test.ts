import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, tokenize } from '../../src/commands/args.js';
import { ArgumentError } from '../../src/commands/errors.js';
import { loadCogs } from '../../src/commands/loader.js';
import type { Command } from '../../src/commands/types.js';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { createLogger } from '../../src/log.js';
import type { PlaygroundMessage } from '../../src/platform/playground/store.js';
import { startTestBot, type TestBot, textOf } from '../helpers/app.js';
import { backends, openTestDb, type TestDb } from '../helpers/db.js';
import { isApology, isWarning, LEAK } from '../helpers/workload.js';

/**
 * Fuzzing the command surface: the tokenizer and every command's argument
 * parser (pure), then every command and random button/select presses through
 * the playground API. Seeded; the seed is printed, and FUZZ_SEED=<n> replays a
 * run. Bounded by time so `npm test` stays quick.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const API_MS = Number(process.env.FUZZ_API_MS ?? 8_000);
const OWNER = '60000000';
const PLAYER = '60000001';
const NEWBIE = '60000002';

const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => void unhandled.push(err);

let commands: Command[] = [];
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  commands = (await loadCogs(createLogger('silent'))).cogs.flatMap((c) => c.commands);
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled.map(String)).toEqual([]);
});

const oneOf = <T>(...xs: T[]) => fc.constantFrom(...xs);

/** Tokens players (and attackers) type. */
const token = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  oneOf(
    '0',
    '-0',
    '-1',
    '+5',
    '1',
    '10',
    '11',
    '1e9',
    '1.5',
    '0x10',
    'NaN',
    'Infinity',
    '#12',
    '#',
    '1,000',
    '1_000',
    '9007199254740993',
    '99999999999999999999999',
    '٣',
    '１０',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 4 }),
  oneOf(
    '<@123456789012345678>',
    '<@!123456789012345678>',
    '<@&123>',
    '<#123>',
    '@everyone',
    '@here',
    `<@${PLAYER}>`,
    `<@${OWNER}>`,
    `<@${NEWBIE}>`,
    '<@>',
    '<@!>',
    '<@stardust>',
    '@u0001',
  ),
  oneOf(
    "'; DROP TABLE players; --",
    '1 OR 1=1',
    "' OR ''='",
    '$1',
    '$$',
    '\\',
    '%',
    '_',
    '%00',
    '\u0000',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile input, on purpose
    '${jndi}',
    '{{7*7}}',
    '../../etc/passwd',
    'null',
    'undefined',
    '[]',
    '{}',
  ),
  fc.string({ maxLength: 10 }).map((s) => `"${s}"`),
  fc.string({ maxLength: 10 }).map((s) => `“${s}”`),
  oneOf(
    '"',
    '“',
    '”',
    '!',
    '!!',
    '-',
    '--',
    'small',
    's',
    'med',
    'large',
    'ur',
    'bond_small',
    'easy',
    'hell',
    'pvp',
    'start',
    'claim',
    'status',
    'attack',
    'a',
    'lb',
    'stop',
    'gloomfang',
    'gems',
    'char',
    'Surge',
    'Anchor',
    'SSR',
    'SR',
    'R',
    '1-1',
    '4-5',
    '9-9',
    '0-0',
    '1-',
    'reset',
    'confirm',
    'page',
  ),
);

const commandName = () =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...commands.flatMap((c) => [c.name, ...(c.aliases ?? [])])) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(...commands.map((c) => c.name.toUpperCase())) },
  );

describe('the argument parser', () => {
  it('tokenize never throws and never drops non-space characters outside quotes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const tokens = tokenize(s);
        for (const t of tokens) expect(typeof t).toBe('string');
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("every command's args either parse or fail with a short ArgumentError", () => {
    fc.assert(
      fc.property(fc.nat(commands.length - 1), fc.array(token, { maxLength: 8 }), (i, tokens) => {
        const cmd = commands[i]!;
        try {
          parseArgs(cmd.args, tokens);
        } catch (err) {
          if (!(err instanceof ArgumentError)) throw new Error(`${cmd.name} ${JSON.stringify(tokens)} threw ${String(err)}`);
          expect(err.message.length).toBeLessThan(600);
          expect(err.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
        }
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });
});

describe.each(backends())('every command through the playground API on %s', (backend) => {
  let tdb: TestDb;
  let bot: TestBot;
  const controls: PlaygroundMessage[] = [];

  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 5 });
    await upsertCharacters(tdb.db, generateOfflineCatalog());
    bot = await startTestBot(backend, { tdb, env: { OWNER_IDS: OWNER } });
    // A player with units, gems and a team, so commands get past "you have nothing".
    await bot.say(PLAYER, '!starter');
    await bot.say(OWNER, `!give gems <@${PLAYER}> 500000`);
    const units = (await bot.get(`/api/players/${PLAYER}`)).json.units as Array<{ id: number }>;
    await bot.say(
      PLAYER,
      `!stb ${units
        .slice(0, 5)
        .map((u) => u.id)
        .join(' ')}`,
    );
  }, 120_000);
  afterAll(async () => {
    await bot?.close();
    await tdb?.close();
  });

  const counts = async () => {
    const r = await tdb.db.query<{ ledger: number; units: number }>(
      'SELECT (SELECT count(*) FROM ledger)::int AS ledger, (SELECT count(*) FROM units)::int AS units',
    );
    return r.rows[0]!;
  };

  const message = () =>
    fc.oneof(
      {
        weight: 20,
        arbitrary: fc
          .record({
            prefix: oneOf('!', '!', '!', '! ', '<@stardust> ', '<@!stardust>', '', '!!', '?'),
            name: commandName(),
            args: fc.array(token, { maxLength: 6 }),
            sep: oneOf(' ', ' ', '  ', '\n', '\t'),
          })
          .map(({ prefix, name, args, sep }) => `${prefix}${[name, ...args].join(sep)}`),
      },
      { weight: 1, arbitrary: fc.constantFrom(...commands.map((c) => c.name)).map((name) => `!${name} ${'9'.repeat(3_990 - name.length)}`) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4_000 }).map((s) => `!${s}`) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    );

  it(
    'answers every message with a clear reply, no unexpected error, and changes nothing when it refuses',
    async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(message(), oneOf(PLAYER, PLAYER, NEWBIE, OWNER), async (content, user) => {
          runs++;
          const before = await counts();
          const replies = await bot.say(user, content, { channelId: `fuzz-${user}` });
          const body = content.trimStart();
          const addressed = body.startsWith('!') || /^<@!?stardust>/.test(body);
          const name = tokenize(body.replace(/^(!|<@!?stardust>\s*)/, ''))[0];
          for (const m of replies) {
            const text = textOf(m);
            if (isApology(m)) throw new Error(`unexpected error for ${JSON.stringify(content)} from ${user}: ${text}`);
            expect(text.trim().length + m.attachments.length, `empty reply to ${JSON.stringify(content)}`).toBeGreaterThan(0);
            expect(text, `leak in the reply to ${JSON.stringify(content)}`).not.toMatch(LEAK);
            if (m.components.length) controls.push(m);
          }
          if (addressed && name && !content.startsWith('!!')) {
            // A prefixed command word always gets an answer (a reply, or a warning that says why not).
            expect(replies.length, `no reply to ${JSON.stringify(content)}`).toBeGreaterThan(0);
          }
          if (replies.length && replies.every(isWarning)) {
            expect(await counts(), `state changed by refused ${JSON.stringify(content)}`).toEqual(before);
          }
          // `!prefix` may really change this server's prefix: put it back so `!` keeps working.
          if (/prefix/i.test(content)) await bot.say(OWNER, '<@stardust> prefix reset', { channelId: `fuzz-${OWNER}` });
        }),
        { seed: SEED, numRuns: 100_000, interruptAfterTimeLimit: API_MS, markInterruptAsFailure: false },
      );
      console.log(`[${backend}] ${runs} fuzzed messages`);
      expect(runs).toBeGreaterThan(20);
    },
    API_MS + 60_000,
  );

  it(
    'random presses on buttons and menus (right or wrong ids, random values, other players) answer clearly',
    async () => {
      let runs = 0;
      const press = fc.record({
        which: fc.nat(),
        custom: fc.oneof({ weight: 4, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
        values: fc.oneof(fc.constant<string[] | undefined>(undefined), fc.array(fc.oneof(token, fc.constantFrom('0', '1', '2', '3')), { maxLength: 3 })),
        realValue: fc.boolean(),
        user: oneOf(PLAYER, PLAYER, NEWBIE, OWNER),
      });
      await fc.assert(
        fc.asyncProperty(press, async ({ which, custom, values, realValue, user }) => {
          if (controls.length === 0) controls.push(...(await bot.say(PLAYER, '!shop', { channelId: `fuzz-${PLAYER}` })));
          runs++;
          const m = controls[which % controls.length]!;
          const c = m.components[which % m.components.length]!;
          const customId = custom ?? c.customId;
          const vals =
            realValue && c.type === 'select' && c.options.length ? [c.options[which % c.options.length]!.value] : values?.map((v) => v.slice(0, 100));
          const r = await bot.post('/api/interactions', { userId: user, messageId: m.id, customId, values: vals });
          if (r.status !== 200) {
            // Wrong ids are refused with a reason, never a server error.
            expect([400, 404], JSON.stringify({ customId, vals, r })).toContain(r.status);
            expect(String(r.json.error)).not.toMatch(LEAK);
            return;
          }
          for (const x of [...r.json.replies, ...r.json.edits] as PlaygroundMessage[]) {
            if (isApology(x)) throw new Error(`unexpected error pressing ${customId} ${JSON.stringify(vals)} as ${user}: ${textOf(x)}`);
            expect(textOf(x)).not.toMatch(LEAK);
            if (x.components.length) controls.push(x);
          }
        }),
        { seed: SEED, numRuns: 100_000, interruptAfterTimeLimit: API_MS / 2, markInterruptAsFailure: false },
      );
      console.log(`[${backend}] ${runs} fuzzed presses`);
    },
    API_MS + 60_000,
  );
});
