import { describe, expect, it } from 'vitest';
import teambuilder, {
  actionOf,
  type BuilderState,
  candidates,
  initialState,
  PICKER_PAGE,
  pageCount,
  reduce,
  render,
  teamToSet,
} from '../../../src/cogs/teambuilder.js';
import { CommandRegistry } from '../../../src/commands/registry.js';
import type { Button, Select } from '../../../src/commands/reply.js';
import { Voice } from '../../../src/commands/voice.js';
import { testConfig } from '../../../src/config.js';
import { UserError } from '../../../src/core/errors.js';
import type { Rarity } from '../../../src/core/power.js';
import type { Unit } from '../../../src/core/units.js';

const cfg = testConfig();

function unit(id: number, rarity: Rarity, power = 10_000 - id): Unit {
  return {
    id,
    playerId: 'p',
    characterId: 1000 + id,
    name: `Unit ${id}`,
    imageUrl: null,
    rarity,
    rank: id,
    basePower: power,
    skills: [],
    dupeLevel: 0,
    bondLevel: 1,
    bondXp: 0,
    locked: false,
    obtainedAt: new Date(0),
    power,
  };
}

/** n units, strongest first: ids 1..n; every 10th an SSR, every 3rd an SR, the rest R. */
function collection(n: number): Unit[] {
  return Array.from({ length: n }, (_, i) => unit(i + 1, (i + 1) % 10 === 0 ? 'SSR' : (i + 1) % 3 === 0 ? 'SR' : 'R'));
}

/** Deeply frozen, so a reducer that mutated its input would throw. */
function frozen(s: BuilderState): BuilderState {
  for (const u of s.units) Object.freeze(u);
  Object.freeze(s.units);
  Object.freeze(s.picked);
  return Object.freeze(s);
}

const start = (units: Unit[], team: number[] = []) => frozen(initialState(units, team));

describe('team builder reducer', () => {
  it('starts from the battle team: owned ids in slot order, gone ones left out', () => {
    const s = start(collection(8), [5, 99, 2]);
    expect(s.picked).toEqual([5, 2]);
    expect(s).toMatchObject({ filter: 'all', page: 0 });
    expect(candidates(s).map((u) => u.id)).toEqual([1, 3, 4, 6, 7, 8]);
  });

  it('filter: shows only that rarity (without picked units) and goes back to the first page', () => {
    let s = start(collection(60), [10]);
    s = frozen(reduce(s, { type: 'page', delta: 1 }));
    expect(s.page).toBe(1);
    s = frozen(reduce(s, { type: 'filter', filter: 'SSR' }));
    expect(s.page).toBe(0);
    expect(candidates(s).map((u) => u.id)).toEqual([20, 30, 40, 50, 60]);
    s = frozen(reduce(s, { type: 'filter', filter: 'SR' }));
    expect(candidates(s).every((u) => u.rarity === 'SR')).toBe(true);
    expect(reduce(s, { type: 'filter', filter: 'all' }).filter).toBe('all');
  });

  it('pick: adds in order, once each; ids that are not the player’s, or already picked, are ignored', () => {
    let s = start(collection(10));
    s = frozen(reduce(s, { type: 'pick', ids: [4, 2, 4] }));
    expect(s.picked).toEqual([4, 2]);
    s = frozen(reduce(s, { type: 'pick', ids: [2, 999, 7] }));
    expect(s.picked).toEqual([4, 2, 7]);
    expect(candidates(s).map((u) => u.id)).not.toContain(4);
  });

  it('the 5-unit cap: five at once is fine, a sixth is refused and changes nothing', () => {
    let s = start(collection(10));
    s = frozen(reduce(s, { type: 'pick', ids: [1, 2, 3, 4, 5] }));
    expect(s.picked).toHaveLength(5);
    expect(() => reduce(s, { type: 'pick', ids: [6] })).toThrow(UserError);
    expect(() => reduce(s, { type: 'pick', ids: [6] })).toThrow(/at most 5 units — remove one first/);
    expect(s.picked).toEqual([1, 2, 3, 4, 5]);
    // Re-picking what is already picked is not a sixth.
    expect(reduce(s, { type: 'pick', ids: [3] }).picked).toEqual([1, 2, 3, 4, 5]);
    // Three picked, three more asked: refused as a whole.
    const three = frozen(reduce(start(collection(10)), { type: 'pick', ids: [1, 2, 3] }));
    expect(() => reduce(three, { type: 'pick', ids: [4, 5, 6] })).toThrow(/at most 5/);
    s = frozen(reduce(s, { type: 'remove', ids: [3] }));
    expect(reduce(s, { type: 'pick', ids: [6] }).picked).toEqual([1, 2, 4, 5, 6]);
  });

  it('remove and clear', () => {
    let s = start(collection(10), [1, 2, 3, 4]);
    s = frozen(reduce(s, { type: 'remove', ids: [2, 4, 9] }));
    expect(s.picked).toEqual([1, 3]);
    s = frozen(reduce(s, { type: 'clear' }));
    expect(s.picked).toEqual([]);
    expect(candidates(s)).toHaveLength(10);
  });

  it('paging: 25 a page, Prev/Next stay inside the pages, and a pick that shrinks the pages keeps the page inside', () => {
    let s = start(collection(51));
    expect(pageCount(s)).toBe(3);
    expect(PICKER_PAGE).toBe(25);
    s = frozen(reduce(s, { type: 'page', delta: -1 }));
    expect(s.page).toBe(0);
    for (let i = 0; i < 4; i++) s = frozen(reduce(s, { type: 'page', delta: 1 }));
    expect(s.page).toBe(2);
    // Page 3 holds one unit; picking it leaves 50 candidates, 2 pages.
    const last = candidates(s).slice(2 * PICKER_PAGE);
    expect(last.map((u) => u.id)).toEqual([51]);
    s = frozen(reduce(s, { type: 'pick', ids: [51] }));
    expect(pageCount(s)).toBe(2);
    expect(s.page).toBe(1);
  });

  it('picks that disappeared (scrapped since the last press) leave the pick, and the builder says which', () => {
    const units = collection(30);
    let s = start(units, [3, 7, 28]);
    s = frozen(reduce(s, { type: 'page', delta: 1 }));
    const now = units.filter((u) => u.id !== 7 && u.id !== 28 && u.id > 5);
    s = frozen(reduce(s, { type: 'units', units: now }));
    expect(s.picked).toEqual([]);
    expect(s.status).toEqual({ kind: 'dropped', ids: [3, 7, 28] });
    // 23 candidates now: one page.
    expect(s.page).toBe(0);
    // A fresh read with nothing gone clears the notice.
    expect(reduce(s, { type: 'units', units: now }).status).toBeUndefined();
    // A stale menu offering a gone unit picks nothing.
    expect(reduce(s, { type: 'pick', ids: [7] }).picked).toEqual([]);
  });

  it('setting a team: a battle team needs a unit, an empty expedition team clears it; the builder says what was set', () => {
    const s = start(collection(5));
    expect(() => teamToSet(s, 'battle')).toThrow(/at least one unit/);
    expect(teamToSet(s, 'expedition')).toEqual([]);
    const picked = frozen(reduce(s, { type: 'pick', ids: [2, 1] }));
    expect(teamToSet(picked, 'battle')).toEqual([2, 1]);
    expect(reduce(picked, { type: 'saved', team: 'battle', ids: [2, 1] }).status).toEqual({ kind: 'team-set', team: 'battle', ids: [2, 1] });
  });

  it('the same state and action give the same state (pure)', () => {
    const s = start(collection(40), [1]);
    const a = { type: 'pick', ids: [30, 31] } as const;
    expect(reduce(s, a)).toEqual(reduce(s, a));
    expect(reduce(s, a)).not.toBe(s);
  });

  it('turns presses into actions, and refuses what is not the builder’s', () => {
    expect(actionOf({ customId: 'tb:filter', values: ['SR'] })).toEqual({ type: 'filter', filter: 'SR' });
    expect(() => actionOf({ customId: 'tb:filter', values: ['UR'] })).toThrow(/Pick a rarity/);
    expect(actionOf({ customId: 'tb:pick', values: ['4', 'abc', '-1', '7'] })).toEqual({ type: 'pick', ids: [4, 7] });
    expect(actionOf({ customId: 'tb:remove', values: ['4'] })).toEqual({ type: 'remove', ids: [4] });
    expect(actionOf({ customId: 'tb:prev', values: [] })).toEqual({ type: 'page', delta: -1 });
    expect(actionOf({ customId: 'tb:next', values: [] })).toEqual({ type: 'page', delta: 1 });
    expect(actionOf({ customId: 'tb:clear', values: [] })).toEqual({ type: 'clear' });
    expect(actionOf({ customId: 'tb:stb', values: [] })).toEqual({ type: 'set', team: 'battle' });
    expect(actionOf({ customId: 'tb:se', values: [] })).toEqual({ type: 'set', team: 'expedition' });
    expect(() => actionOf({ customId: 'page:next', values: [] })).toThrow(/not part of the team builder/);
  });
});

describe('team builder render', () => {
  const registry = new CommandRegistry();
  registry.add(teambuilder);
  const prefix = new Voice({ kind: 'prefix', prefix: '?' }, registry);
  const slash = new Voice({ kind: 'slash' }, registry);
  const select = (r: ReturnType<typeof render>, id: string) => r.components!.flat().find((c) => c.customId === id) as Select;
  const button = (r: ReturnType<typeof render>, id: string) => r.components!.flat().find((c) => c.customId === id) as Button;

  it('names the commands for the pick in the player’s voice: the server prefix or slash', () => {
    const s = reduce(start(collection(10)), { type: 'pick', ids: [3, 1] });
    expect(render(s, cfg, prefix).embeds![0]!.fields![0]!.value).toBe('`?stb 3 1`\n`?se 3 1`');
    expect(render(s, cfg, slash).embeds![0]!.fields![0]!.value).toBe('`/set_team_battle 3 1`\n`/set_expedition 3 1`');
    expect(render(start(collection(3)), cfg, slash).embeds![0]!.fields![0]!.value).toBe('`/set_team_battle <id…>` · `/set_expedition <id…>`');
  });

  it('menus follow the state: at most the free slots, a full team closes the picker, nothing picked disables remove and set', () => {
    let s = start(collection(30));
    let r = render(s, cfg, prefix);
    expect(select(r, 'tb:pick').options).toHaveLength(25);
    expect(select(r, 'tb:pick').maxValues).toBe(5);
    expect(select(r, 'tb:remove').disabled).toBe(true);
    expect(button(r, 'tb:stb').disabled).toBe(true);
    expect(button(r, 'tb:prev').disabled).toBe(true);
    expect(button(r, 'tb:next').disabled).toBe(false);
    s = reduce(s, { type: 'pick', ids: [1, 2, 3] });
    r = render(s, cfg, prefix);
    expect(select(r, 'tb:pick').maxValues).toBe(2);
    expect(select(r, 'tb:remove').options.map((o) => o.value)).toEqual(['1', '2', '3']);
    s = reduce(s, { type: 'pick', ids: [4, 5] });
    r = render(s, cfg, prefix);
    expect(select(r, 'tb:pick').disabled).toBe(true);
    expect(select(r, 'tb:pick').placeholder).toMatch(/Team is full \(5\/5\)/);
    expect(r.embeds![0]!.description).toContain('**Picked (5/5)**');
    expect(r.embeds![0]!.footer).toBe('Filter: all rarities · page 1/1 · 25 units to pick from');
  });

  it('shows what happened last', () => {
    const s = reduce(reduce(start(collection(5), [1, 2]), { type: 'saved', team: 'expedition', ids: [1, 2] }), { type: 'filter', filter: 'R' });
    expect(render(s, cfg, prefix).embeds![0]!.description).toContain('✅ Expedition team set to #1 #2.');
    const cleared = reduce(start(collection(5)), { type: 'saved', team: 'expedition', ids: [] });
    expect(render(cleared, cfg, prefix).embeds![0]!.description).toContain('✅ Expedition team cleared.');
    const dropped = reduce(start(collection(5), [4]), { type: 'units', units: collection(3) });
    expect(render(dropped, cfg, prefix).embeds![0]!.description).toContain('⚠️ Unit #4 is no longer yours (scrapped?) and left the pick.');
  });
});
