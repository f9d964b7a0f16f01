import { arg, truncate } from '../commands/args.js';
import { n, rarityEmoji } from '../commands/format.js';
import { paginated } from '../commands/paginate.js';
import { Colors, type Reply } from '../commands/reply.js';
import { defineCog, defineCommand, type Services } from '../commands/types.js';
import type { AniListCharacter } from '../core/anilist/index.js';
import { type Character, charactersWithSkill, countCharactersWithSkill, searchCharactersByName } from '../core/catalog/index.js';
import { UserError } from '../core/errors.js';
import { findSkill, SKILLS, type SkillDef } from '../core/skills/registry.js';

const APPLIES: Record<SkillDef['appliesIn'], string> = {
  b: 'Battle',
  e: 'Expedition team',
  g: 'Global (anywhere in your inventory)',
};

function characterEmbed(s: Services, c: Character, others: Character[]): Reply {
  const cfg = s.config;
  const fields = [
    { name: 'Rarity', value: `${rarityEmoji(cfg, c.rarity)} ${c.rarity}`, inline: true },
    { name: 'Base power', value: n(c.basePower), inline: true },
    { name: 'Rank', value: c.rank > 0 ? `#${n(c.rank)}` : 'outside the gacha pool', inline: true },
    { name: 'Favourites', value: n(c.favourites), inline: true },
    { name: 'Character id', value: String(c.id), inline: true },
    { name: 'Skills', value: c.skills.length ? c.skills.map((x) => `**${x}** — ${findSkill(x)?.description ?? ''}`).join('\n') : 'None' },
  ];
  if (others.length) fields.push({ name: 'Other matches', value: others.map((o) => `${o.name} (id ${o.id}, ${o.rarity})`).join('\n') });
  return {
    embeds: [
      {
        title: c.name,
        description: c.overridden ? '_Rarity and power set by an admin._' : undefined,
        fields,
        color: Colors[c.rarity],
        thumbnail: c.imageUrl ?? undefined,
      },
    ],
  };
}

function anilistEmbed(c: AniListCharacter): Reply {
  return {
    embeds: [
      {
        title: `${c.name} (AniList)`,
        description: "Not in this server's catalog — only the 10,000 most favourited characters can be pulled.",
        fields: [
          { name: 'Character id', value: String(c.id), inline: true },
          { name: 'Favourites', value: n(c.favourites), inline: true },
        ],
        color: Colors.info,
        thumbnail: c.imageUrl ?? undefined,
      },
    ],
  };
}

function skillEmbed(d: SkillDef): Reply['embeds'] {
  return [
    {
      title: `✨ ${d.name}`,
      description: d.description,
      fields: [
        { name: 'Type', value: APPLIES[d.appliesIn], inline: true },
        { name: 'Stackable', value: d.stackable ? 'Yes' : 'No', inline: true },
        { name: 'Priority', value: d.priority === null ? '—' : String(d.priority), inline: true },
        { name: 'Values', value: `\`${JSON.stringify(d.values)}\`` },
      ],
      color: Colors.SR,
    },
  ];
}

const SKILLS_PER_PAGE = 5;
/** A select menu holds at most 25 options (Discord); more skills page with Prev/Next. */
const PICKER_PAGE = 25;

/**
 * The `!skill_details` menu: one page of skills in a select, Prev/Next when
 * there are more than fit one select, and the chosen skill as a follow-up.
 */
export function skillPicker(ownerId: string, page = 0, skills: readonly SkillDef[] = SKILLS, pageSize = PICKER_PAGE): Reply {
  const pages = Math.max(1, Math.ceil(skills.length / pageSize));
  const at = Math.min(pages - 1, Math.max(0, page));
  const shown = skills.slice(at * pageSize, (at + 1) * pageSize);
  const components: Reply['components'] = [
    [
      {
        type: 'select',
        customId: 'skill',
        placeholder: pages > 1 ? `Choose a skill… (page ${at + 1} of ${pages})` : 'Choose a skill…',
        options: shown.map((d) => ({ label: d.name, value: d.name, description: truncate(d.description, 90) })),
      },
    ],
  ];
  if (pages > 1) {
    components.push([
      { type: 'button', customId: 'sd:prev', label: '◀ Prev', style: 'secondary', disabled: at === 0 },
      { type: 'button', customId: 'sd:next', label: 'Next ▶', style: 'secondary', disabled: at >= pages - 1 },
    ]);
  }
  return {
    content: pages > 1 ? `Pick a skill (${skills.length} skills, page ${at + 1} of ${pages}):` : 'Pick a skill:',
    components,
    view: {
      ownerId,
      timeoutMs: 120_000,
      async handle(use) {
        if (use.customId === 'sd:prev' || use.customId === 'sd:next') {
          return { update: skillPicker(ownerId, at + (use.customId === 'sd:next' ? 1 : -1), skills, pageSize) };
        }
        const def = findSkill(use.values[0] ?? '');
        if (!def) return { ephemeral: { content: 'Unknown skill.' } };
        return { followUps: [{ embeds: skillEmbed(def) }] };
      },
    },
  };
}

export default defineCog({
  name: 'utility',
  description: 'Skills, character lookups and other tools.',
  commands: [
    defineCommand({
      name: 'lookup',
      description: 'Finds a character by name: id, rarity, power, rank and skills.',
      details: 'Searches the catalog first, then AniList when it can be reached.',
      args: { name: arg.text('name', { maxLength: 100, complete: 'character' }) },
      async run(ctx, { name }) {
        const s = ctx.services;
        const hits = await searchCharactersByName(s.db, name, 6);
        if (hits.length) return characterEmbed(s, hits[0]!, hits.slice(1));
        if (!s.config.offline) {
          try {
            // A player is waiting: no retries, no 429 waits, and no long queue behind a running sync.
            const remote = await s.anilist.searchCharacters(name, 1, { timeoutMs: 4000, maxRetries: 0, maxRateLimitWaits: 0, budgetWaitMs: 1500 });
            if (remote[0]) return anilistEmbed(remote[0]);
          } catch (err) {
            s.log.warn({ err }, 'AniList lookup failed; answering from the catalog only');
          }
        }
        throw new UserError(`No character matches \`${truncate(name)}\`.`);
      },
    }),
    defineCommand({
      name: 'whohas',
      aliases: ['usersof', 'skillsearch'],
      description: 'Lists catalog characters that carry a skill.',
      args: { skill: arg.text('skill', { maxLength: 60, complete: 'skill' }) },
      async run(ctx, { skill }) {
        const def = findSkill(skill);
        if (!def) throw new UserError(`There is no skill \`${truncate(skill)}\`. Try ${ctx.voice.cmd('skills')}.`);
        const [list, total] = await Promise.all([charactersWithSkill(ctx.services.db, def.name, 20), countCharactersWithSkill(ctx.services.db, def.name)]);
        const lines = list.map((c) => `${rarityEmoji(ctx.services.config, c.rarity)} **${c.name}** — id ${c.id}${c.rank > 0 ? `, rank #${n(c.rank)}` : ''}`);
        const more = total > list.length ? `\n…and ${n(total - list.length)} more.` : '';
        return {
          embeds: [
            {
              title: `Who has ${def.name}?`,
              description: (lines.join('\n') || 'Nobody in the catalog has it yet.') + more,
              footer: `${n(total)} in all`,
              color: Colors.SR,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'skills',
      aliases: ['sl'],
      description: 'All skills, 5 a page.',
      args: {},
      async run(ctx) {
        const pages = Math.ceil(SKILLS.length / SKILLS_PER_PAGE);
        return paginated({
          ownerId: ctx.author.id,
          pageCount: pages,
          render: (page) => ({
            embeds: [
              {
                title: '📜 Skills',
                description: SKILLS.slice(page * SKILLS_PER_PAGE, (page + 1) * SKILLS_PER_PAGE)
                  .map((d) => `**${d.name}** · ${APPLIES[d.appliesIn]}\n${d.description}`)
                  .join('\n\n'),
                footer: `${ctx.voice.plain('skill_details', '<name>')} for the numbers`,
                color: Colors.SR,
              },
            ],
          }),
        });
      },
    }),
    defineCommand({
      name: 'skill_details',
      aliases: ['sd', 'skillinfo'],
      description: "One skill's type, stackability and values — or a menu to pick one.",
      args: { name: arg.text('name', { maxLength: 60, optional: true, complete: 'skill' }) },
      async run(ctx, { name }) {
        if (name) {
          const def = findSkill(name);
          if (!def) throw new UserError(`There is no skill \`${truncate(name)}\`. Valid skills: ${SKILLS.map((d) => d.name).join(', ')}.`);
          return { embeds: skillEmbed(def) };
        }
        return skillPicker(ctx.author.id);
      },
    }),
  ],
});
