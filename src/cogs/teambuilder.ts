import { arg, parsers } from '../commands/args.js';
import { n, plural, rarityEmoji } from '../commands/format.js';
import { image } from '../commands/images.js';
import { paginated } from '../commands/paginate.js';
import { Colors, type Component, type Embed, type Reply, type SelectOption, type View } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import type { Config } from '../config.js';
import { UserError } from '../core/errors.js';
import { renderTeam, type TeamSlot } from '../core/images/index.js';
import { requirePlayer } from '../core/players.js';
import type { Rarity } from '../core/power.js';
import { deletePreset, listPresets, loadPreset, type Preset, savePreset } from '../core/presets.js';
import { setTeam, TEAM_SIZE, type TeamKind, teamIds, teamUnits, totalPower } from '../core/teams.js';
import { cmd, text } from '../core/text.js';
import { getUnitsByIds, listUnits, type Unit } from '../core/units.js';

const VIEW_TIMEOUT_MS = 5 * 60_000;
const PRESETS_PER_PAGE = 5;
const PICKER_PAGE = 25;

/** "`#12` 🌟 Name (+2) — 12,345 ⚡" */
function unitLine(cfg: Config, u: Unit): string {
  return `\`#${u.id}\` ${rarityEmoji(cfg, u.rarity)} ${u.name}${u.dupeLevel > 0 ? ` (+${u.dupeLevel})` : ''} — ${n(u.power)} ⚡`;
}

function teamList(cfg: Config, units: readonly Unit[]): string {
  return units.map((u, i) => `**${i + 1}.** ${unitLine(cfg, u)}`).join('\n');
}

function teamWord(kind: TeamKind): string {
  return kind === 'battle' ? 'battle team' : 'expedition team';
}

/** Sets a team and answers with its units and total power. */
async function setTeamReply(ctx: CommandContext, kind: TeamKind, ids: number[]): Promise<Reply> {
  const db = ctx.services.db;
  await setTeam(db, ctx.author.id, kind, ids);
  const units = await teamUnits(db, ctx.author.id, kind);
  const cfg = ctx.services.config;
  if (units.length === 0) {
    const [title, cmd] = kind === 'battle' ? ['⚔️ Battle team cleared', 'stb'] : ['🧭 Expedition team cleared', 'se'];
    return { embeds: [{ title, description: `Your ${kind} team is empty now. Set one with ${ctx.voice.cmd(cmd, '<id> <id> …')}.`, color: Colors.info }] };
  }
  return {
    embeds: [
      {
        title: kind === 'battle' ? '⚔️ Battle team set' : '🧭 Expedition team set',
        description: `${teamList(cfg, units)}\n\n**Total power:** ${n(totalPower(units))} ⚡`,
        footer:
          kind === 'battle'
            ? `See it with ${ctx.voice.plain('team')} · save it with ${ctx.voice.plain('save_team', '<name>')}`
            : `Start with ${ctx.voice.plain('expedition', 'start')}`,
        color: Colors.success,
      },
    ],
  };
}

// ---- !team ---------------------------------------------------------------

function slotOf(u: Unit): TeamSlot {
  return { characterId: u.characterId, name: u.name, rarity: u.rarity, power: u.power, dupeLevel: u.dupeLevel, imageUrl: u.imageUrl, skills: u.skills };
}

async function teamReply(ctx: CommandContext, playerId: string): Promise<Reply> {
  const db = ctx.services.db;
  const player = await requirePlayer(db, playerId);
  const self = playerId === ctx.author.id;
  const who = self ? ctx.author.username : player.username || playerId;
  const units = await teamUnits(db, playerId, 'battle');
  const total = totalPower(units);
  const cfg = ctx.services.config;
  const empty = self
    ? `Your battle team is empty. Pick up to ${TEAM_SIZE} units with ${ctx.voice.cmd('stb', '<id> <id> …')} or build one with ${ctx.voice.cmd('teambuilder')}.`
    : `${who} has no battle team yet.`;
  return {
    embeds: [
      {
        title: `⚔️ ${who}'s battle team`,
        description: units.length
          ? `${units.map((u, i) => `**${i + 1}.** ${unitLine(cfg, u)}${u.skills.length ? ` · ${u.skills.join(', ')}` : ''}`).join('\n')}\n\n**Total power:** ${n(total)} ⚡`
          : empty,
        color: Colors.info,
      },
    ],
    images: [image('team', 'the team picture', () => renderTeam(`${who}'s battle team`, units.map(slotOf), total, ctx.services.art))],
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

type RarityFilter = 'all' | Rarity;
const FILTERS: readonly RarityFilter[] = ['all', 'SSR', 'SR', 'R'];

interface BuilderState {
  picked: number[];
  filter: RarityFilter;
  page: number;
  /** One line about the last action (team set, …). */
  status?: string;
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

function builderReply(ctx: CommandContext, all: Unit[], state: BuilderState): Reply {
  const cfg = ctx.services.config;
  const byId = new Map(all.map((u) => [u.id, u]));
  // Units scrapped since the last press drop out of the pick.
  state.picked = state.picked.filter((id) => byId.has(id));
  const picked = state.picked.map((id) => byId.get(id)!);
  const candidates = all.filter((u) => !state.picked.includes(u.id) && (state.filter === 'all' || u.rarity === state.filter));
  const pages = Math.max(1, Math.ceil(candidates.length / PICKER_PAGE));
  state.page = Math.min(Math.max(0, state.page), pages - 1);
  const pageUnits = candidates.slice(state.page * PICKER_PAGE, (state.page + 1) * PICKER_PAGE);
  const full = picked.length >= TEAM_SIZE;
  const ids = state.picked.join(' ');

  const embed: Embed = {
    title: '🛠️ Team builder',
    description: [
      picked.length
        ? `**Picked (${picked.length}/${TEAM_SIZE})**\n${teamList(cfg, picked)}\n\n**Total power:** ${n(totalPower(picked))} ⚡`
        : `**Picked (0/${TEAM_SIZE})** — choose units from the menu below.`,
      state.status,
    ]
      .filter(Boolean)
      .join('\n\n'),
    fields: [
      {
        name: 'Commands',
        value: picked.length
          ? `${ctx.voice.cmd('stb', `${ids}`)}\n${ctx.voice.cmd('se', `${ids}`)}`
          : `${ctx.voice.cmd('stb', '<id…>')} · ${ctx.voice.cmd('se', '<id…>')}`,
      },
    ],
    footer: `Filter: ${state.filter === 'all' ? 'all rarities' : state.filter} · page ${state.page + 1}/${pages} · ${plural(candidates.length, 'unit')} to pick from`,
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

  const view: View = {
    ownerId: ctx.author.id,
    timeoutMs: VIEW_TIMEOUT_MS,
    handle: async (use) => {
      const db = ctx.services.db;
      const next: BuilderState = { ...state, picked: [...state.picked], status: undefined };
      const units = await listUnits(db, ctx.author.id);
      const owned = new Set(units.map((u) => u.id));
      switch (use.customId) {
        case 'tb:filter': {
          const f = FILTERS.find((x) => x === use.values[0]);
          if (!f) throw new UserError('Pick a rarity from the menu.');
          next.filter = f;
          next.page = 0;
          break;
        }
        case 'tb:pick': {
          const add = parseIds(use.values).filter((id) => owned.has(id) && !next.picked.includes(id));
          if (next.picked.length + new Set(add).size > TEAM_SIZE) throw new UserError(`A team has at most ${TEAM_SIZE} units — remove one first.`);
          for (const id of add) if (!next.picked.includes(id)) next.picked.push(id);
          break;
        }
        case 'tb:remove': {
          const drop = new Set(parseIds(use.values));
          next.picked = next.picked.filter((id) => !drop.has(id));
          break;
        }
        case 'tb:prev':
          next.page -= 1;
          break;
        case 'tb:next':
          next.page += 1;
          break;
        case 'tb:clear':
          next.picked = [];
          break;
        case 'tb:stb':
        case 'tb:se': {
          const kind: TeamKind = use.customId === 'tb:stb' ? 'battle' : 'expedition';
          const ids = next.picked.filter((id) => owned.has(id));
          if (kind === 'battle' && ids.length === 0) throw new UserError('Pick at least one unit for a battle team.');
          await setTeam(db, ctx.author.id, kind, ids);
          next.status = ids.length
            ? `✅ ${teamWord(kind)[0]!.toUpperCase()}${teamWord(kind).slice(1)} set to ${ids.map((id) => `#${id}`).join(' ')}.`
            : '✅ Expedition team cleared.';
          break;
        }
        default:
          throw new UserError('That control is not part of the team builder.');
      }
      return { update: builderReply(ctx, units, next) };
    },
  };
  return { embeds: [embed], components, view };
}

function parseIds(values: string[]): number[] {
  return values.map((v) => Number(v)).filter((id) => Number.isSafeInteger(id) && id > 0);
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
        return builderReply(ctx, units, { picked: current.slice(0, TEAM_SIZE), filter: 'all', page: 0 });
      },
    }),
  ],
});
