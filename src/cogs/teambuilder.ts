import { arg, parsers } from '../commands/args.js';
import { n, plural, rarityEmoji } from '../commands/format.js';
import { image } from '../commands/images.js';
import { requireMemberPlayer } from '../commands/members.js';
import { paginated } from '../commands/paginate.js';
import { Colors, type Component, type ComponentUse, type Embed, type Reply, type SelectOption, type View } from '../commands/reply.js';
import { setTeamReply, teamList, unitLine } from '../commands/team-view.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import type { Voice } from '../commands/voice.js';
import type { Config } from '../config.js';
import { UserError } from '../core/errors.js';
import type { TeamSlot } from '../core/images/index.js';
import type { Rarity } from '../core/power.js';
import { deletePreset, listPresets, loadPreset, type Preset, savePreset } from '../core/presets.js';
import { setTeam, TEAM_SIZE, type TeamKind, teamIds, teamUnits, totalPower } from '../core/teams.js';
import { cmd, escapeMarkdown, text } from '../core/text.js';
import { getUnitsByIds, listUnits, type Unit } from '../core/units.js';

const VIEW_TIMEOUT_MS = 5 * 60_000;
const PRESETS_PER_PAGE = 5;

// ---- !team ---------------------------------------------------------------

function slotOf(u: Unit): TeamSlot {
  return { characterId: u.characterId, name: u.name, rarity: u.rarity, power: u.power, dupeLevel: u.dupeLevel, imageUrl: u.imageUrl, skills: u.skills };
}

async function teamReply(ctx: CommandContext, playerId: string): Promise<Reply> {
  const db = ctx.services.db;
  const self = playerId === ctx.author.id;
  // Named by display name, never by mention: echoing <@x> would ping them again.
  const { name: who } = await requireMemberPlayer(ctx, playerId);
  const units = await teamUnits(db, playerId, 'battle');
  const total = totalPower(units);
  const cfg = ctx.services.config;
  const empty = self
    ? `Your battle team is empty. Pick up to ${TEAM_SIZE} units with ${ctx.voice.cmd('stb', '<id> <id> …')} or build one with ${ctx.voice.cmd('teambuilder')}.`
    : `${escapeMarkdown(who)} has no battle team yet.`;
  return {
    embeds: [
      {
        title: `⚔️ ${escapeMarkdown(who)}'s battle team`,
        description: units.length
          ? `${units.map((u, i) => `**${i + 1}.** ${unitLine(cfg, u)}${u.skills.length ? ` · ${u.skills.join(', ')}` : ''}`).join('\n')}\n\n**Total power:** ${n(total)} ⚡`
          : empty,
        color: Colors.info,
      },
    ],
    images: [image('team', 'the team picture', () => ctx.services.pictures.draw('team', `${who}'s battle team`, units.map(slotOf), total))],
  };
}

// ---- !presets -------------------------------------------------------------

async function presetsPage(ctx: CommandContext, presets: Preset[], page: number): Promise<Reply> {
  const shown = presets.slice(page * PRESETS_PER_PAGE, (page + 1) * PRESETS_PER_PAGE);
  const units = await getUnitsByIds(
    ctx.services.db,
    shown.flatMap((s) => s.unitIds),
  );
  const byId = new Map(units.filter((u) => u.playerId === ctx.author.id).map((u) => [u.id, u]));
  const cfg = ctx.services.config;
  const fields = shown.map((s) => {
    const lines = s.unitIds.map((id) => {
      const u = byId.get(id);
      return u ? unitLine(cfg, u) : `\`#${id}\` *(gone)*`;
    });
    const total = totalPower(s.unitIds.map((id) => byId.get(id)).filter((u): u is Unit => !!u));
    return { name: `📋 ${s.name} — ${n(total)} ⚡`, value: lines.join('\n') };
  });
  return {
    embeds: [
      {
        title: `📋 ${ctx.author.username}'s team presets`,
        description: `Equip one with ${ctx.voice.cmd('load_team', '<name>')}; save your battle team with ${ctx.voice.cmd('save_team', '<name>')}.`,
        fields,
        footer: plural(presets.length, 'preset'),
        color: Colors.info,
      },
    ],
  };
}

// ---- !teambuilder -----------------------------------------------------------
//
// The builder is a pure reducer over its state plus a render of that state.
// A press becomes an action (`actionOf`); the view reads the player's units
// again (`units`: picks that disappeared drop out), applies the action, and
// renders. Only setting a team touches the database, through `setTeam`, the
// same function `!stb` and `!se` use. Nothing in it depends on the surface:
// the voice renders the commands it shows, so prefix and slash players get the
// same builder.

export type RarityFilter = 'all' | Rarity;
export const FILTERS: readonly RarityFilter[] = ['all', 'SSR', 'SR', 'R'];
export const PICKER_PAGE = 25;

/** The last thing that happened, shown under the pick. */
export type BuilderStatus = { kind: 'team-set'; team: TeamKind; ids: number[] } | { kind: 'dropped'; ids: number[] };

export interface BuilderState {
  /** The player's units as of the last press, strongest first. */
  units: readonly Unit[];
  /** Picked unit ids in slot order (at most TEAM_SIZE). */
  picked: readonly number[];
  filter: RarityFilter;
  /** 0-based page of the unit menu. */
  page: number;
  status?: BuilderStatus;
}

export type BuilderAction =
  /** The player's units as they are now (each press starts with it): picks that are gone drop out. */
  | { type: 'units'; units: readonly Unit[] }
  | { type: 'filter'; filter: RarityFilter }
  | { type: 'pick'; ids: readonly number[] }
  | { type: 'remove'; ids: readonly number[] }
  | { type: 'clear' }
  | { type: 'page'; delta: number }
  /** A team was set from the pick. */
  | { type: 'saved'; team: TeamKind; ids: readonly number[] };

/** What a press asks for: a change of the builder, or setting a team from the pick. */
export type BuilderIntent = BuilderAction | { type: 'set'; team: TeamKind };

export function initialState(units: readonly Unit[], battleTeam: readonly number[]): BuilderState {
  return reduce({ units, picked: [], filter: 'all', page: 0 }, { type: 'pick', ids: battleTeam.slice(0, TEAM_SIZE) });
}

/** Units the menu offers: not picked, of the filter's rarity, in the collection's order. */
export function candidates(state: Pick<BuilderState, 'units' | 'picked' | 'filter'>): Unit[] {
  const picked = new Set(state.picked);
  return state.units.filter((u) => !picked.has(u.id) && (state.filter === 'all' || u.rarity === state.filter));
}

export function pageCount(state: Pick<BuilderState, 'units' | 'picked' | 'filter'>): number {
  return Math.max(1, Math.ceil(candidates(state).length / PICKER_PAGE));
}

/** The page kept inside the pages there are (a pick or a filter can shrink them). */
function clampPage(state: BuilderState): BuilderState {
  const page = Math.min(Math.max(0, Math.trunc(state.page)), pageCount(state) - 1);
  return page === state.page ? state : { ...state, page };
}

/**
 * The builder's one state transition. Pure: the same state and action give
 * the same state. Refusals (a sixth unit) throw a UserError and change
 * nothing; ids that aren't among the units are ignored, as a stale menu can
 * offer them.
 */
export function reduce(state: BuilderState, action: BuilderAction): BuilderState {
  switch (action.type) {
    case 'units': {
      const owned = new Set(action.units.map((u) => u.id));
      const gone = state.picked.filter((id) => !owned.has(id));
      return clampPage({
        ...state,
        units: action.units,
        picked: state.picked.filter((id) => owned.has(id)),
        status: gone.length ? { kind: 'dropped', ids: gone } : undefined,
      });
    }
    case 'filter':
      return clampPage({ ...state, filter: action.filter, page: 0 });
    case 'pick': {
      const owned = new Set(state.units.map((u) => u.id));
      const add = [...new Set(action.ids)].filter((id) => owned.has(id) && !state.picked.includes(id));
      if (state.picked.length + add.length > TEAM_SIZE) throw new UserError(`A team has at most ${TEAM_SIZE} units — remove one first.`);
      return clampPage({ ...state, picked: [...state.picked, ...add] });
    }
    case 'remove': {
      const drop = new Set(action.ids);
      return clampPage({ ...state, picked: state.picked.filter((id) => !drop.has(id)) });
    }
    case 'clear':
      return clampPage({ ...state, picked: [] });
    case 'page':
      return clampPage({ ...state, page: state.page + action.delta });
    case 'saved':
      return { ...state, status: { kind: 'team-set', team: action.team, ids: [...action.ids] } };
  }
}

/** The ids a "set team" press would set, or a UserError (a battle team needs a unit; an empty expedition team clears it). */
export function teamToSet(state: BuilderState, team: TeamKind): number[] {
  if (team === 'battle' && state.picked.length === 0) throw new UserError('Pick at least one unit for a battle team.');
  return [...state.picked];
}

function parseIds(values: readonly string[]): number[] {
  return values.map((v) => Number(v)).filter((id) => Number.isSafeInteger(id) && id > 0);
}

/** A button or menu press as what it asks of the builder. */
export function actionOf(use: Pick<ComponentUse, 'customId' | 'values'>): BuilderIntent {
  switch (use.customId) {
    case 'tb:filter': {
      const filter = FILTERS.find((x) => x === use.values[0]);
      if (!filter) throw new UserError('Pick a rarity from the menu.');
      return { type: 'filter', filter };
    }
    case 'tb:pick':
      return { type: 'pick', ids: parseIds(use.values) };
    case 'tb:remove':
      return { type: 'remove', ids: parseIds(use.values) };
    case 'tb:prev':
      return { type: 'page', delta: -1 };
    case 'tb:next':
      return { type: 'page', delta: 1 };
    case 'tb:clear':
      return { type: 'clear' };
    case 'tb:stb':
      return { type: 'set', team: 'battle' };
    case 'tb:se':
      return { type: 'set', team: 'expedition' };
    default:
      throw new UserError('That control is not part of the team builder.');
  }
}

/** A select needs at least one option even when disabled. */
const NO_OPTION: SelectOption[] = [{ label: '—', value: 'none' }];

function optionOf(cfg: Config, u: Unit): SelectOption {
  return {
    label: `#${u.id} ${u.name}`.slice(0, 100),
    value: String(u.id),
    description: `${u.rarity}${u.dupeLevel ? ` +${u.dupeLevel}` : ''} · ${n(u.power)} power${u.skills.length ? ` · ${u.skills.join(', ')}` : ''}`.slice(0, 100),
    emoji: rarityEmoji(cfg, u.rarity),
  };
}

function statusLine(status: BuilderStatus | undefined): string | undefined {
  if (!status) return undefined;
  const ids = status.ids.map((id) => `#${id}`).join(' ');
  if (status.kind === 'dropped') return `⚠️ ${status.ids.length === 1 ? `Unit ${ids} is` : `Units ${ids} are`} no longer yours (scrapped?) and left the pick.`;
  const word = status.team === 'battle' ? 'Battle team' : 'Expedition team';
  return status.ids.length ? `✅ ${word} set to ${ids}.` : `✅ ${word} cleared.`;
}

/** The builder as a message (without its view): the pick, the commands for it, the menus and buttons. */
export function render(state: BuilderState, cfg: Config, voice: Voice): Pick<Reply, 'embeds' | 'components'> {
  const byId = new Map(state.units.map((u) => [u.id, u]));
  const picked = state.picked.map((id) => byId.get(id)).filter((u): u is Unit => !!u);
  const list = candidates(state);
  const pages = pageCount(state);
  const pageUnits = list.slice(state.page * PICKER_PAGE, (state.page + 1) * PICKER_PAGE);
  const full = picked.length >= TEAM_SIZE;
  const ids = state.picked.join(' ');

  const embed: Embed = {
    title: '🛠️ Team builder',
    description: [
      picked.length
        ? `**Picked (${picked.length}/${TEAM_SIZE})**\n${teamList(cfg, picked)}\n\n**Total power:** ${n(totalPower(picked))} ⚡`
        : `**Picked (0/${TEAM_SIZE})** — choose units from the menu below.`,
      statusLine(state.status),
    ]
      .filter(Boolean)
      .join('\n\n'),
    fields: [
      {
        name: 'Commands',
        value: picked.length ? `${voice.cmd('stb', ids)}\n${voice.cmd('se', ids)}` : `${voice.cmd('stb', '<id…>')} · ${voice.cmd('se', '<id…>')}`,
      },
    ],
    footer: `Filter: ${state.filter === 'all' ? 'all rarities' : state.filter} · page ${state.page + 1}/${pages} · ${plural(list.length, 'unit')} to pick from`,
    color: Colors.info,
  };

  const components: Component[][] = [
    [
      {
        type: 'select',
        customId: 'tb:filter',
        placeholder: 'Filter by rarity',
        options: FILTERS.map((f) => ({ label: f === 'all' ? 'All rarities' : f, value: f, ...(f !== 'all' ? { emoji: rarityEmoji(cfg, f) } : {}) })),
      },
    ],
    [
      {
        type: 'select',
        customId: 'tb:pick',
        placeholder: full
          ? `Team is full (${TEAM_SIZE}/${TEAM_SIZE}) — remove one first`
          : pageUnits.length
            ? `Add units (page ${state.page + 1}/${pages})`
            : 'No units to add with this filter',
        options: full || pageUnits.length === 0 ? NO_OPTION : pageUnits.map((u) => optionOf(cfg, u)),
        minValues: 1,
        maxValues: full || pageUnits.length === 0 ? 1 : Math.min(TEAM_SIZE - picked.length, pageUnits.length),
        disabled: full || pageUnits.length === 0,
      },
    ],
    [
      {
        type: 'select',
        customId: 'tb:remove',
        placeholder: picked.length ? 'Remove units' : 'Nothing picked yet',
        options: picked.length ? picked.map((u) => optionOf(cfg, u)) : NO_OPTION,
        minValues: 1,
        maxValues: Math.max(1, picked.length),
        disabled: picked.length === 0,
      },
    ],
    [
      { type: 'button', customId: 'tb:prev', label: '◀ Prev', style: 'secondary', disabled: state.page === 0 },
      { type: 'button', customId: 'tb:next', label: 'Next ▶', style: 'secondary', disabled: state.page >= pages - 1 },
      { type: 'button', customId: 'tb:clear', label: 'Clear', style: 'danger', disabled: picked.length === 0 },
    ],
    [
      { type: 'button', customId: 'tb:stb', label: 'Set battle team', style: 'primary', emoji: '⚔️', disabled: picked.length === 0 },
      { type: 'button', customId: 'tb:se', label: 'Set expedition team', style: 'success', emoji: '🧭' },
    ],
  ];
  return { embeds: [embed], components };
}

/** The builder's message and its view: each press re-reads the units, applies the press, and renders. */
function builderReply(ctx: CommandContext, state: BuilderState): Reply {
  const view: View = {
    ownerId: ctx.author.id,
    timeoutMs: VIEW_TIMEOUT_MS,
    handle: async (use) => {
      const intent = actionOf(use);
      const db = ctx.services.db;
      let next = reduce(state, { type: 'units', units: await listUnits(db, ctx.author.id) });
      if (intent.type === 'set') {
        const ids = teamToSet(next, intent.team);
        await setTeam(db, ctx.author.id, intent.team, ids);
        next = reduce(next, { type: 'saved', team: intent.team, ids });
      } else {
        next = reduce(next, intent);
      }
      return { update: builderReply(ctx, next) };
    },
  };
  return { ...render(state, ctx.services.config, ctx.voice), view };
}

// ---- the cog ----------------------------------------------------------------

const nameArg = () => arg.text('name', { maxLength: 100, complete: 'preset' });

export default defineCog({
  name: 'teambuilder',
  description: 'Your battle and expedition teams, and team presets.',
  commands: [
    defineCommand({
      name: 'set_team_battle',
      aliases: ['stb', 'sbt', 'st'],
      description: 'Sets your battle team: 1–5 of your unit ids, in slot order.',
      details: text`Example: ${cmd('stb', '12 7 31')}. Each id must be one of your units (see ${cmd('inventory')}) and can fill one slot. Your battle team fights in ${cmd('battle')}, raids, bounties and events.`,
      args: { ids: arg.list('id', parsers.unitId, { min: 1, max: TEAM_SIZE, slash: parsers.unitSlash }) },
      async run(ctx, { ids }) {
        return setTeamReply(ctx, 'battle', ids);
      },
    }),
    defineCommand({
      name: 'set_expedition',
      aliases: ['se'],
      description: 'Sets your expedition team: 0–5 of your unit ids (none clears it).',
      details: text`Example: ${cmd('se', '4 9 15')}. Expedition skills (Hardworker, The Long Road) count for units in this team. ${cmd('se')} with no ids empties the team.`,
      args: { ids: arg.list('id', parsers.unitId, { min: 0, max: TEAM_SIZE, slash: parsers.unitSlash }) },
      async run(ctx, { ids }) {
        return setTeamReply(ctx, 'expedition', ids);
      },
    }),
    defineCommand({
      name: 'team',
      description: "Shows your battle team (or a member's) as an image with power and skills.",
      details: 'Five slots with each unit’s card, effective power and skills; empty slots show as SLOT n. The total is the sum of effective powers.',
      args: { member: arg.member().optional() },
      async run(ctx, { member }) {
        return teamReply(ctx, member ?? ctx.author.id);
      },
    }),
    defineCommand({
      name: 'save_team',
      description: 'Saves your current battle team as a preset.',
      details:
        'Names are up to 15 characters and not case-sensitive; saving under an existing name replaces that preset. Units in a preset are never scrapped.',
      args: { name: nameArg() },
      async run(ctx, { name }) {
        const saved = await savePreset(ctx.services.db, ctx.author.id, name, ctx.services.clock.now());
        return {
          embeds: [
            {
              title: saved.replaced ? `📋 Preset \`${saved.name}\` updated` : `📋 Preset \`${saved.name}\` saved`,
              description: `${plural(saved.unitIds.length, 'unit')}: ${saved.unitIds.map((id) => `#${id}`).join(' ')}\nEquip it any time with ${ctx.voice.cmd('load_team', `${saved.name}`)}.`,
              color: Colors.success,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'load_team',
      aliases: ['equip_team'],
      description: 'Equips a saved preset as your battle team.',
      details: 'Units of the preset that are gone are left out, and the reply says which.',
      args: { name: nameArg() },
      async run(ctx, { name }) {
        const db = ctx.services.db;
        const loaded = await loadPreset(db, ctx.author.id, name);
        const units = await teamUnits(db, ctx.author.id, 'battle');
        const cfg = ctx.services.config;
        const gone = loaded.missing.length
          ? `\n\n⚠️ ${loaded.missing.length === 1 ? 'Unit' : 'Units'} ${loaded.missing.map((id) => `#${id}`).join(', ')} from this preset ${loaded.missing.length === 1 ? 'is' : 'are'} gone and ${loaded.missing.length === 1 ? 'was' : 'were'} left out. Save the preset again to update it.`
          : '';
        return {
          embeds: [
            {
              title: `⚔️ Preset \`${loaded.name}\` equipped`,
              description: `${teamList(cfg, units)}\n\n**Total power:** ${n(totalPower(units))} ⚡${gone}`,
              color: loaded.missing.length ? Colors.warning : Colors.success,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'delete_preset',
      aliases: ['delete_team'],
      description: 'Deletes one of your team presets.',
      details: 'Units kept only by that preset can be scrapped again afterwards.',
      args: { name: nameArg() },
      async run(ctx, { name }) {
        const gone = await deletePreset(ctx.services.db, ctx.author.id, name);
        return { embeds: [{ description: `🗑️ Preset \`${gone}\` deleted.`, color: Colors.success }] };
      },
    }),
    defineCommand({
      name: 'presets',
      description: 'Lists your team presets, 5 a page.',
      details: 'Each preset with its units and total power. Use the buttons to turn pages.',
      args: {},
      async run(ctx) {
        const presets = await listPresets(ctx.services.db, ctx.author.id);
        if (presets.length === 0) {
          return {
            embeds: [
              { description: `You have no presets yet. Set a battle team, then save it with ${ctx.voice.cmd('save_team', '<name>')}.`, color: Colors.info },
            ],
          };
        }
        return paginated({
          ownerId: ctx.author.id,
          pageCount: Math.ceil(presets.length / PRESETS_PER_PAGE),
          timeoutMs: VIEW_TIMEOUT_MS,
          idPrefix: 'presets',
          render: (page) => presetsPage(ctx, presets, page),
        });
      },
    }),
    defineCommand({
      name: 'teambuilder',
      aliases: ['tb'],
      description: 'Builds a team from menus: filter by rarity, pick up to 5 units, set it as your battle or expedition team.',
      details: text`Starts from your current battle team. The unit menu shows 25 units a page (Prev/Next), strongest first; the remove menu takes units out; Clear empties the pick. The reply shows the ${cmd('stb', '…')} and ${cmd('se', '…')} commands for the picked units, and the buttons set either team directly.`,
      args: {},
      async run(ctx) {
        const db = ctx.services.db;
        const units = await listUnits(db, ctx.author.id);
        if (units.length === 0) throw new UserError(`You have no units yet — get some with ${ctx.voice.cmd('starter')} or ${ctx.voice.cmd('pull')}.`);
        const current = await teamIds(db, ctx.author.id, 'battle');
        return builderReply(ctx, initialState(units, current));
      },
    }),
  ],
});
