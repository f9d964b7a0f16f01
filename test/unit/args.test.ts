import { describe, expect, it } from 'vitest';
import { arg, parseArgs, parsers, tokenize, usageOf } from '../../src/commands/args.js';
import { CommandRegistry, editDistance } from '../../src/commands/registry.js';
import { ArgumentError } from '../../src/core/errors.js';

describe('tokenize', () => {
  it('splits on whitespace and groups double-quoted words', () => {
    expect(tokenize('pull 10')).toEqual(['pull', '10']);
    expect(tokenize('save_team "my team"  x')).toEqual(['save_team', 'my team', 'x']);
    expect(tokenize('lookup “Kyo Sohma”')).toEqual(['lookup', 'Kyo Sohma']);
    expect(tokenize("lookup Kyo's")).toEqual(['lookup', "Kyo's"]);
    expect(tokenize('x ""')).toEqual(['x', '']);
    expect(tokenize('say "unclosed quote here')).toEqual(['say', 'unclosed quote here']);
    expect(tokenize('   ')).toEqual([]);
  });
});

describe('argument schemas', () => {
  const pull = { count: arg.int('count', { min: 1, max: 10 }).default(1) };

  it('parses integers within bounds and applies defaults', () => {
    expect(parseArgs(pull, [])).toEqual({ count: 1 });
    expect(parseArgs(pull, ['10'])).toEqual({ count: 10 });
    expect(parseArgs({ id: arg.unitId() }, ['#42'])).toEqual({ id: 42 });
    expect(parseArgs({ n: arg.int('n', { min: 0, max: 1e9 }) }, ['1,000'])).toEqual({ n: 1000 });
  });

  it.each(['0', '-1', '11', '1e9', 'abc', '1.5', '99999999999999999999', ''])('rejects %j for a 1–10 count with a clear message', (t) => {
    expect(() => parseArgs(pull, [t])).toThrow(ArgumentError);
  });

  it('says what range is allowed', () => {
    expect(() => parseArgs(pull, ['11'])).toThrow(/from 1 to 10/);
    expect(() => parseArgs(pull, ['abc'])).toThrow(/whole number/);
  });

  it('parses member mentions and raw ids', () => {
    const s = { who: arg.member() };
    expect(parseArgs(s, ['<@123456789>'])).toEqual({ who: '123456789' });
    expect(parseArgs(s, ['<@!123456789>'])).toEqual({ who: '123456789' });
    expect(parseArgs(s, ['123456789012'])).toEqual({ who: '123456789012' });
    expect(() => parseArgs(s, ['@someone'])).toThrow(/mention a member/);
  });

  it('parses case-insensitive choices to the canonical word', () => {
    const s = { d: arg.choice('difficulty', ['easy', 'hard'] as const).optional() };
    expect(parseArgs(s, ['HARD'])).toEqual({ d: 'hard' });
    expect(parseArgs(s, [])).toEqual({ d: undefined });
    expect(() => parseArgs(s, ['medium'])).toThrow(/one of `easy`, `hard`/);
  });

  it('takes free text and lists, and refuses extra tokens', () => {
    expect(parseArgs({ name: arg.text('name') }, ['Kyo', 'Sohma'])).toEqual({ name: 'Kyo Sohma' });
    expect(() => parseArgs({ name: arg.text('name') }, [])).toThrow(/Missing/);
    expect(() => parseArgs({ name: arg.text('name', { maxLength: 5 }) }, ['toolong'])).toThrow(/at most 5/);
    const ids = { ids: arg.list('id', parsers.unitId, { min: 1, max: 5 }) };
    expect(parseArgs(ids, ['1', '#2', '3'])).toEqual({ ids: [1, 2, 3] });
    expect(() => parseArgs(ids, ['1', '2', '3', '4', '5', '6'])).toThrow(/At most 5/);
    expect(() => parseArgs(ids, ['x'])).toThrow(/whole number/);
    expect(() => parseArgs({}, ['extra'])).toThrow(/Unexpected/);
  });

  it('builds usage lines from the schema', () => {
    expect(usageOf({ count: arg.int('count', { min: 1, max: 10 }).default(1) })).toBe('[count]');
    expect(usageOf({ who: arg.member(), amount: arg.int('amount', { min: 1, max: 5 }) })).toBe('<member> <amount>');
  });
});

describe('command registry', () => {
  const noop = async () => ({ content: '' });
  const reg = new CommandRegistry();
  reg.add({
    name: 'gacha',
    description: '',
    commands: [
      { name: 'pull', aliases: ['summon'], description: '', args: {}, run: noop },
      { name: 'starter', description: '', args: {}, run: noop },
    ],
  });

  it('finds names and aliases case-insensitively', () => {
    expect(reg.get('PULL')?.name).toBe('pull');
    expect(reg.get('summon')?.name).toBe('pull');
  });

  it('suggests the closest command for a typo, and nothing for gibberish', () => {
    expect(reg.closest('pul')).toBe('pull');
    expect(reg.closest('startr')).toBe('starter');
    expect(reg.closest('zzzzzzzzzz')).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('counts a swap of two neighbouring letters as one typo (!gmes → !gems)', () => {
    expect(editDistance('gmes', 'gems')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('gems', 'gems')).toBe(0);
    const r = new CommandRegistry();
    r.add({ name: 'inventory', description: '', commands: [{ name: 'gems', description: '', args: {}, run: noop }] });
    expect(r.closest('gmes')).toBe('gems');
  });

  it('refuses two commands with one name', () => {
    expect(() => reg.add({ name: 'x', description: '', commands: [{ name: 'summon', description: '', args: {}, run: noop }] })).toThrow(/already used/);
  });
});

describe('replies name commands the way the player invoked the bot', () => {
  const reg = new CommandRegistry();
  reg.add({ name: 'gacha', description: '', commands: [{ name: 'pull', aliases: ['summon'], description: '', args: {}, run: async () => ({}) }] });

  it('renders command references for a prefix, the server prefix, slash and a mention', async () => {
    const { Voice } = await import('../../src/commands/voice.js');
    const { cmd, text } = await import('../../src/core/text.js');
    const msg = text`check ${cmd('inventory')} for your ids; several joined with \`!\` — e.g. ${cmd('gift', '12 small 3 ! 14 med')}`;
    expect(new Voice({ kind: 'prefix', prefix: '?' }, reg).render(msg)).toBe(
      'check `?inventory` for your ids; several joined with `!` — e.g. `?gift 12 small 3 ! 14 med`',
    );
    expect(String(msg)).toBe('check `!inventory` for your ids; several joined with `!` — e.g. `!gift 12 small 3 ! 14 med`');
    // Slash commands exist under canonical names only: an alias is shown as its command.
    expect(new Voice({ kind: 'slash' }, reg).cmd('summon', 10)).toBe('`/pull 10`');
    expect(new Voice({ kind: 'mention', botName: 'Stardust' }, reg).plain('pull', 10)).toBe('@Stardust pull 10');
  });
});
