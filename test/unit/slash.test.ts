import { beforeAll, describe, expect, it } from 'vitest';
import { loadCogs } from '../../src/commands/loader.js';
import { CommandRegistry } from '../../src/commands/registry.js';
import { type OptionJSON, optionsFromText, type SlashCommandJSON, SlashInputError, slashDefinitions, tokensFromOptions } from '../../src/commands/slash.js';
import { silentLogger } from '../../src/log.js';

const registry = new CommandRegistry();
beforeAll(async () => {
  for (const cog of (await loadCogs(silentLogger)).cogs) registry.add(cog);
});

// Discord's documented rules for CHAT_INPUT commands (API v10, application commands).
const NAME = /^[-_\p{Ll}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkOptions(where: string, options: OptionJSON[], problems: string[]): void {
  if (options.length > 25) problems.push(`${where}: ${options.length} options`);
  let optionalSeen = false;
  for (const o of options) {
    const at = `${where} ${o.name}`;
    if (!NAME.test(o.name)) problems.push(`${at}: bad name`);
    if (o.description.length < 1 || o.description.length > 100) problems.push(`${at}: description length ${o.description.length}`);
    if (o.type === 1) {
      checkOptions(at, o.options ?? [], problems);
      continue;
    }
    if (o.required && optionalSeen) problems.push(`${at}: required after optional`);
    if (!o.required) optionalSeen = true;
    if ((o.choices?.length ?? 0) > 25) problems.push(`${at}: ${o.choices!.length} choices`);
    if (o.choices && o.autocomplete) problems.push(`${at}: choices and autocomplete`);
    for (const c of o.choices ?? []) if (c.name.length < 1 || c.name.length > 100) problems.push(`${at}: choice ${c.name}`);
  }
  const names = options.map((o) => o.name);
  if (new Set(names).size !== names.length) problems.push(`${where}: duplicate option names`);
}

function size(c: SlashCommandJSON): number {
  const walk = (os: OptionJSON[]): number =>
    os.reduce(
      (a, o) =>
        a + o.name.length + o.description.length + (o.choices ?? []).reduce((b, ch) => b + ch.name.length + String(ch.value).length, 0) + walk(o.options ?? []),
      0,
    );
  return c.name.length + c.description.length + walk(c.options);
}

describe('slash commands generated from the registry', () => {
  it('every player command is a slash command, owner commands are separate and hidden from members', () => {
    const defs = slashDefinitions(registry);
    const commands = registry.cogs.flatMap((c) => c.commands).filter((c) => !c.hidden);
    expect(defs.player.map((d) => d.name).sort()).toEqual(
      commands
        .filter((c) => !c.ownerOnly)
        .map((c) => c.name)
        .sort(),
    );
    expect(defs.owner.map((d) => d.name).sort()).toEqual(
      commands
        .filter((c) => c.ownerOnly)
        .map((c) => c.name)
        .sort(),
    );
    for (const d of defs.owner) expect(d.default_member_permissions).toBe('0');
    for (const d of defs.player) expect(d.default_member_permissions).toBeNull();
    expect(defs.player.length).toBeLessThanOrEqual(100);
  });

  it('every definition passes Discord’s limits: names, descriptions, ≤ 25 options and choices, required first, ≤ 4,000 characters', () => {
    const defs = slashDefinitions(registry);
    const problems: string[] = [];
    for (const d of [...defs.player, ...defs.owner]) {
      if (!NAME.test(d.name)) problems.push(`${d.name}: bad name`);
      if (d.description.length < 1 || d.description.length > 100) problems.push(`${d.name}: description length ${d.description.length}`);
      if (/[`*]/.test(d.description)) problems.push(`${d.name}: markdown in the description`);
      checkOptions(d.name, d.options, problems);
      if (size(d) > 4000) problems.push(`${d.name}: ${size(d)} characters`);
    }
    expect(problems).toEqual([]);
  });

  it('options are typed from the argument spec', () => {
    const defs = slashDefinitions(registry);
    const def = (name: string) => defs.player.find((d) => d.name === name)!;
    expect(def('pull').options).toEqual([
      expect.objectContaining({
        name: 'count',
        type: 3,
        choices: [
          { name: '1', value: '1' },
          { name: '10', value: '10' },
        ],
      }),
    ]);
    expect(def('battle').options.map((o) => [o.name, o.type])).toEqual([
      ['difficulty', 3],
      ['member', 6],
    ]);
    expect(def('expedition').options[0]).toMatchObject({ name: 'action', choices: expect.arrayContaining([{ name: 'claim', value: 'claim' }]) });
    expect(def('set_team_battle').options.map((o) => [o.name, o.type, o.required, o.autocomplete])).toEqual([
      ['unit1', 4, true, true],
      ['unit2', 4, false, true],
      ['unit3', 4, false, true],
      ['unit4', 4, false, true],
      ['unit5', 4, false, true],
    ]);
    expect(def('raid').options.map((o) => [o.name, o.type])).toEqual([
      ['status', 1],
      ['attack', 1],
      ['lb', 1],
      ['start', 1],
      ['stop', 1],
    ]);
    expect(def('lookup').options[0]).toMatchObject({ name: 'name', autocomplete: true });
    expect(def('verify').options[0]).toMatchObject({ name: 'pull_id', type: 4, min_value: 1 });
  });

  it('option values become the tokens a player would have typed', () => {
    const get = (n: string) => registry.get(n)!;
    expect(tokensFromOptions(get('pull'), [{ name: 'count', type: 3, value: '10' }])).toEqual(['10']);
    expect(tokensFromOptions(get('battle'), [{ name: 'member', type: 6, value: '123456' }])).toEqual(['<@123456>']);
    expect(
      tokensFromOptions(get('set_team_battle'), [
        { name: 'unit1', type: 4, value: 7 },
        { name: 'unit3', type: 4, value: 9 },
      ]),
    ).toEqual(['7', '9']);
    expect(tokensFromOptions(get('raid'), [{ name: 'start', type: 1, options: [{ name: 'boss', type: 3, value: 'gloomfang' }] }])).toEqual([
      'start',
      'gloomfang',
    ]);
    expect(
      tokensFromOptions(get('gift'), [
        { name: 'unit', type: 4, value: 12 },
        { name: 'item', type: 3, value: 'small' },
        { name: 'amount', type: 4, value: 3 },
      ]),
    ).toEqual(['12', 'small', '3']);
  });

  it('the playground reads a typed slash line as Discord’s box would', () => {
    const get = (n: string) => registry.get(n)!;
    expect(tokensFromOptions(get('pull'), optionsFromText(get('pull'), '10'))).toEqual(['10']);
    expect(tokensFromOptions(get('battle'), optionsFromText(get('battle'), '<@123456>'))).toEqual(['<@123456>']);
    expect(tokensFromOptions(get('battle'), optionsFromText(get('battle'), 'HARD'))).toEqual(['hard']);
    expect(tokensFromOptions(get('raid'), optionsFromText(get('raid'), 'attack'))).toEqual(['attack']);
    expect(tokensFromOptions(get('lookup'), optionsFromText(get('lookup'), 'Frieren the mage'))).toEqual(['Frieren the mage']);
    expect(() => optionsFromText(get('pull'), '7')).toThrow(SlashInputError);
    expect(() => optionsFromText(get('verify'), '')).toThrow(/needs `pull_id`/);
    expect(() => optionsFromText(get('raid'), 'dance')).toThrow(/subcommands/);
  });
});
