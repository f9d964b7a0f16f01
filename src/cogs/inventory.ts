import { randomUUID } from 'node:crypto';
import { arg } from '../commands/args.js';
import { coins, gems, n, plural, rankMark, rarityEmoji, when } from '../commands/format.js';
import { image } from '../commands/images.js';
import { requireMemberPlayer } from '../commands/members.js';
import { paginated } from '../commands/paginate.js';
import { Colors, type Embed, type View } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import {
  profileCounts,
  RECYCLE_HOURS,
  recycleBin,
  recycleBinTotals,
  restoreUnit,
  scrapAll,
  scrappableCount,
  setLocked,
  useSsrToken,
} from '../core/collection.js';
import { ledgerPage } from '../core/economy.js';
import { UserError } from '../core/errors.js';
import { SCRAP_VALUE } from '../core/gacha/roll.js';
import { ITEMS, itemQuantities } from '../core/items.js';
import { requirePlayer, richestPlayers } from '../core/players.js';
import { bondXpToNext, MAX_BOND_LEVEL, teamXpToNext } from '../core/progression.js';
import { describeSkill } from '../core/skills/registry.js';
import { escapeMarkdown } from '../core/text.js';
import { getUnit, listUnits, type Unit } from '../core/units.js';

const PER_PAGE = 10;

function unitLine(ctx: CommandContext, u: Unit): string {
  const cfg = ctx.services.config;
  return `\`#${u.id}\` ${rarityEmoji(cfg, u.rarity)} **${u.name}**${u.dupeLevel > 0 ? ` (+${u.dupeLevel})` : ''}${u.locked ? ' 🔒' : ''} · bond ${u.bondLevel} · ${n(u.power)} power`;
}

async function inventoryReply(ctx: CommandContext, start: number) {
  const db = ctx.services.db;
  const p = await requirePlayer(db, ctx.author.id);
  const first = await listUnits(db, ctx.author.id);
  if (first.length === 0) {
    return {
      embeds: [
        {
          title: `${ctx.author.username}'s units`,
          description: `No units yet — ${ctx.voice.cmd('starter')} gives you 10 for free, then ${ctx.voice.cmd('pull')}.`,
          color: Colors.info,
        },
      ],
    };
  }
  const pages = Math.ceil(first.length / PER_PAGE);
  return paginated({
    ownerId: ctx.author.id,
    pageCount: pages,
    start,
    idPrefix: 'inv',
    // Each page press reads the units again, so locks, pulls and scraps show up.
    render: async (page) => {
      const units = page === start ? first : await listUnits(db, ctx.author.id);
      const wallet = page === start ? p : await requirePlayer(db, ctx.author.id);
      const shown = units.slice(page * PER_PAGE, page * PER_PAGE + PER_PAGE);
      return {
        embeds: [
          {
            title: `${ctx.author.username}'s units`,
            description: [`${gems(ctx.services.config, wallet.gems)} · ${plural(units.length, 'unit')}`, '', ...shown.map((u) => unitLine(ctx, u))].join('\n'),
            color: Colors.info,
            footer: `Sorted by power · ${ctx.voice.plain('view', '<id>')} for details`,
          },
        ],
      };
    },
  });
}

/** `!restore` without an id: the recycle bin, 10 a page, with the count and what restoring everything would take back. */
async function recycleBinReply(ctx: CommandContext, now: Date) {
  const s = ctx.services;
  const cfg = s.config;
  const totals = await recycleBinTotals(s.db, ctx.author.id, now);
  if (totals.count === 0) {
    return { embeds: [{ title: '♻️ Recycle bin', description: `Empty. Scrapped units wait here ${RECYCLE_HOURS} h.`, color: Colors.info }] };
  }
  const summary = `${plural(totals.count, 'unit')} scrapped in the last ${RECYCLE_HOURS} h. Restoring all of them would take back ${gems(cfg, totals.gems)} + ${coins(cfg, totals.coins)}.`;
  return paginated({
    ownerId: ctx.author.id,
    pageCount: Math.ceil(totals.count / PER_PAGE),
    idPrefix: 'bin',
    // Each page reads the bin again (restores and new scraps show up); the totals are as of the command.
    render: async (page) => {
      const bin = await recycleBin(s.db, ctx.author.id, s.clock.now(), PER_PAGE, page * PER_PAGE);
      const lines = bin.map(
        (e) =>
          `\`#${e.unitId}\` ${rarityEmoji(cfg, e.rarity)} **${e.name}**${e.dupeLevel ? ` (+${e.dupeLevel})` : ''} · ${gems(cfg, e.gemsPaid)} + ${coins(cfg, e.coinsPaid)} · until ${when(e.expiresAt)}`,
      );
      return {
        embeds: [
          {
            title: '♻️ Recycle bin',
            description: [summary, '', ...lines].join('\n'),
            color: Colors.info,
            footer: `${ctx.voice.plain('restore', '<id>')} brings one back`,
          },
        ],
      };
    },
  });
}

function unitEmbed(ctx: CommandContext, u: Unit, ownerName: string): Embed {
  const cfg = ctx.services.config;
  const bond = u.bondLevel >= MAX_BOND_LEVEL ? `${u.bondLevel} (soulmate 💞)` : `${u.bondLevel} · ${n(u.bondXp)} / ${n(bondXpToNext(u.bondLevel))} XP`;
  return {
    title: `#${u.id} ${u.name}`,
    description: u.playerId === ctx.author.id ? undefined : `Owned by ${ownerName}`,
    fields: [
      { name: 'Rarity', value: `${rarityEmoji(cfg, u.rarity)} ${u.rarity}`, inline: true },
      { name: 'Power', value: `${n(u.power)} (base ${n(u.basePower)})`, inline: true },
      { name: 'Dupes', value: `+${u.dupeLevel} / 10`, inline: true },
      { name: 'Bond', value: bond, inline: true },
      { name: 'Lock', value: u.locked ? '🔒 locked' : '🔓 unlocked', inline: true },
      { name: 'Character id', value: String(u.characterId), inline: true },
      {
        name: 'Skills',
        value: u.skills.length
          ? u.skills
              .map((x) => `**${x}** — ${describeSkill(x) ?? ''}`)
              .join('\n')
              .slice(0, 1024)
          : 'None',
      },
    ],
    color: Colors[u.rarity],
  };
}

export default defineCog({
  name: 'inventory',
  description: 'Your wallet, profile and collection.',
  commands: [
    defineCommand({
      name: 'gems',
      aliases: ['pc', 'wallet', 'cur'],
      description: 'Shows your gems and coins.',
      args: {},
      async run(ctx) {
        const p = await requirePlayer(ctx.services.db, ctx.author.id);
        const cfg = ctx.services.config;
        return {
          embeds: [
            {
              title: `${ctx.author.username}'s wallet`,
              fields: [
                { name: 'Gems', value: gems(cfg, p.gems), inline: true },
                { name: 'Coins', value: coins(cfg, p.coins), inline: true },
              ],
              color: Colors.info,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'profile',
      aliases: ['p', 'user'],
      description: "Shows a player's gems, coins, team level, achievements and soulmates.",
      args: { member: arg.member().optional() },
      async run(ctx, { member }) {
        const db = ctx.services.db;
        const id = member ?? ctx.author.id;
        // Named by display name, never by mention: echoing <@x> would ping them again.
        const { player: p, name } = await requireMemberPlayer(ctx, id);
        const cfg = ctx.services.config;
        const stats = await profileCounts(db, id);
        const need = teamXpToNext(p.teamLevel);
        return {
          embeds: [
            {
              title: `${escapeMarkdown(name)}'s profile`,
              fields: [
                { name: 'Gems', value: gems(cfg, p.gems), inline: true },
                { name: 'Coins', value: coins(cfg, p.coins), inline: true },
                { name: 'Team level', value: `${p.teamLevel} (${n(p.teamXp)} / ${n(need)} XP)`, inline: true },
                { name: 'Units', value: n(stats.units), inline: true },
                { name: 'Achievements', value: n(stats.achievements), inline: true },
                { name: 'Soulmates', value: n(stats.soulmates), inline: true },
              ],
              color: Colors.info,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'ranks',
      description: 'The 10 richest players by gems.',
      args: {},
      async run(ctx) {
        const top = await richestPlayers(ctx.services.db, 10);
        const lines = top.map((p, i) => `${rankMark(i)} ${p.username || p.id} — ${gems(ctx.services.config, p.gems)}`);
        return { embeds: [{ title: '🏆 Richest players', description: lines.join('\n') || 'Nobody has any gems yet.', color: Colors.SSR }] };
      },
    }),
    defineCommand({
      name: 'history',
      aliases: ['ledger'],
      description: 'Your latest gem and coin changes, newest first, with the reason for each.',
      args: { page: arg.int('page', { min: 1, max: 100_000 }).default(1) },
      async run(ctx, { page }) {
        const db = ctx.services.db;
        const cfg = ctx.services.config;
        let firstPage = await ledgerPage(db, ctx.author.id, page);
        // Past the last page the window count is empty too: ask page 1 for the total.
        if (firstPage.total === 0 && page > 1) firstPage = { entries: [], total: (await ledgerPage(db, ctx.author.id, 1)).total };
        if (firstPage.total === 0)
          return { embeds: [{ title: `${ctx.author.username}'s history`, description: 'No gem or coin changes yet.', color: Colors.info }] };
        const pages = Math.ceil(firstPage.total / PER_PAGE);
        if (page > pages) throw new UserError(`There ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} of history.`);
        return paginated({
          ownerId: ctx.author.id,
          pageCount: pages,
          start: page - 1,
          idPrefix: 'hist',
          render: async (p) => {
            const { entries } = p === page - 1 ? firstPage : await ledgerPage(db, ctx.author.id, p + 1);
            const lines = entries.map((e) => {
              const amount = e.currency === 'gems' ? gems(cfg, Math.abs(e.delta)) : coins(cfg, Math.abs(e.delta));
              return `${e.delta >= 0 ? '➕' : '➖'} ${amount} · **${e.reason}**${e.ref ? ` (${e.ref})` : ''} · ${when(e.createdAt)} → ${n(e.balanceAfter)}`;
            });
            return { embeds: [{ title: `${ctx.author.username}'s history`, description: lines.join('\n'), color: Colors.info }] };
          },
        });
      },
    }),
    defineCommand({
      name: 'inventory',
      aliases: ['inv', 'chars', 'box', 'units'],
      description: 'Your units, 10 a page, strongest first.',
      args: { page: arg.int('page', { min: 1, max: 100_000 }).default(1) },
      async run(ctx, { page }) {
        return inventoryReply(ctx, page - 1);
      },
    }),
    defineCommand({
      name: 'view',
      description: 'One unit: card, rarity, power, dupes, bond, lock and skills.',
      args: { id: arg.unitId() },
      async run(ctx, { id }) {
        const u = id <= 9_007_199_254_740_991 ? await getUnit(ctx.services.db, id) : null;
        if (!u) throw new UserError(`There is no unit #${id}. Your ids are in ${ctx.voice.cmd('inventory')}.`);
        const owner = u.playerId === ctx.author.id ? ctx.author.username : (await requirePlayer(ctx.services.db, u.playerId)).username || u.playerId;
        const embed = unitEmbed(ctx, u, owner);
        const card = { characterId: u.characterId, name: u.name, rarity: u.rarity, power: u.power, dupeLevel: u.dupeLevel, imageUrl: u.imageUrl };
        return { embeds: [embed], images: [image('unit', 'the card', () => ctx.services.pictures.draw('card', card))] };
      },
    }),
    defineCommand({
      name: 'lock',
      description: 'Locks one of your units so it is never scrapped.',
      args: { id: arg.unitId() },
      async run(ctx, { id }) {
        const r = await setLocked(ctx.services.db, ctx.author.id, id, true);
        return {
          embeds: [
            { description: r.changed ? `🔒 #${id} ${r.name} is locked — mass scraps skip it.` : `#${id} ${r.name} was already locked.`, color: Colors.success },
          ],
        };
      },
    }),
    defineCommand({
      name: 'unlock',
      description: 'Unlocks one of your units.',
      args: { id: arg.unitId() },
      async run(ctx, { id }) {
        const r = await setLocked(ctx.services.db, ctx.author.id, id, false);
        return { embeds: [{ description: r.changed ? `🔓 #${id} ${r.name} is unlocked.` : `#${id} ${r.name} wasn't locked.`, color: Colors.success }] };
      },
    }),
    defineCommand({
      name: 'scrap_r',
      aliases: ['scrap_all', 'mass_scrap', 'ms'],
      description: `Scraps every unlocked R unit for ${n(SCRAP_VALUE.R.gems)} gems + ${n(SCRAP_VALUE.R.coins)} coins each (never locked units or units in a team or preset).`,
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const r = await scrapAll(s.db, ctx.author.id, 'R', s.clock.now());
        if (r.count === 0) throw new UserError(`No R unit to scrap${r.kept ? ` (${plural(r.kept, 'R unit')} kept: locked or in a team or preset)` : ''}.`);
        return {
          embeds: [
            {
              title: '♻️ Scrapped',
              description: `Scrapped ${plural(r.count, 'R unit')} for ${gems(s.config, r.gems)} + ${coins(s.config, r.coins)}.${r.kept ? ` Kept ${plural(r.kept, 'R unit')} (locked or in a team or preset).` : ''}\nChanged your mind? ${ctx.voice.cmd('restore', '<id>')} within ${RECYCLE_HOURS} h.`,
              color: Colors.success,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'scrap_sr',
      description: `Scraps every unlocked SR unit for ${n(SCRAP_VALUE.SR.gems)} gems + ${n(SCRAP_VALUE.SR.coins)} coins each, after you confirm.`,
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const c = await scrappableCount(s.db, ctx.author.id, 'SR');
        if (c.scrappable === 0)
          throw new UserError(`No SR unit to scrap${c.kept ? ` (${plural(c.kept, 'SR unit')} kept: locked or in a team or preset)` : ''}.`);
        const nonce = randomUUID();
        const view: View = {
          ownerId: ctx.author.id,
          timeoutMs: 30_000,
          async handle(use) {
            if (use.customId === 'scrap:cancel')
              return { done: true, update: { embeds: [{ description: 'Cancelled — nothing was scrapped.', color: Colors.info }] } };
            if (use.customId !== 'scrap:confirm') return {};
            const r = await scrapAll(s.db, ctx.author.id, 'SR', s.clock.now(), `scrap_sr:${nonce}`);
            return {
              done: true,
              update: {
                embeds: [
                  {
                    title: '♻️ Scrapped',
                    description: `Scrapped ${plural(r.count, 'SR unit')} for ${gems(s.config, r.gems)} + ${coins(s.config, r.coins)}.${r.kept ? ` Kept ${plural(r.kept, 'SR unit')}.` : ''}\n${ctx.voice.cmd('restore', '<id>')} within ${RECYCLE_HOURS} h brings one back.`,
                    color: Colors.success,
                  },
                ],
              },
            };
          },
        };
        return {
          embeds: [
            {
              title: '♻️ Scrap SR units?',
              description: `This scraps ${plural(c.scrappable, 'SR unit')} for ${gems(s.config, c.scrappable * SCRAP_VALUE.SR.gems)} + ${coins(s.config, c.scrappable * SCRAP_VALUE.SR.coins)}.${c.kept ? ` ${plural(c.kept, 'SR unit')} stay (locked or in a team or preset).` : ''} Confirm within 30 s.`,
              color: Colors.warning,
            },
          ],
          components: [
            [
              { type: 'button', customId: 'scrap:confirm', label: 'Scrap them', style: 'danger' },
              { type: 'button', customId: 'scrap:cancel', label: 'Cancel', style: 'secondary' },
            ],
          ],
          view,
        };
      },
    }),
    defineCommand({
      name: 'restore',
      description: `Brings back a unit scrapped in the last ${RECYCLE_HOURS} h, for what its scrap paid. Without an id: your recycle bin, 10 a page, with its totals.`,
      args: { id: arg.unitId().optional() },
      async run(ctx, { id }) {
        const s = ctx.services;
        const cfg = s.config;
        const now = s.clock.now();
        if (id === undefined) return recycleBinReply(ctx, now);
        const r = await restoreUnit(s.db, ctx.author.id, id, now);
        return { embeds: [{ description: `↩️ #${id} ${r.name} is back, for ${gems(cfg, r.gems)} + ${coins(cfg, r.coins)}.`, color: Colors.success }] };
      },
    }),
    defineCommand({
      name: 'items',
      aliases: ['bag', 'item'],
      description: 'Your coins and items (bond items, SSR Tokens).',
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const p = await requirePlayer(s.db, ctx.author.id);
        const q = await itemQuantities(s.db, ctx.author.id);
        const lines = Object.values(ITEMS).map(
          (i) =>
            `${i.emoji} **${i.name}** × ${n(q[i.id])}${i.bondXp ? ` — ${n(i.bondXp)} bond XP` : ` — +1 dupe on an SSR (${ctx.voice.cmd('use_token', '<id>')})`}`,
        );
        return {
          embeds: [{ title: `${ctx.author.username}'s bag`, description: [`${coins(s.config, p.coins)}`, '', ...lines].join('\n'), color: Colors.info }],
        };
      },
    }),
    defineCommand({
      name: 'use_token',
      aliases: ['ut'],
      description: 'Spends one SSR Token for +1 dupe on one of your SSR units (below dupe 10).',
      args: { id: arg.unitId() },
      async run(ctx, { id }) {
        const r = await useSsrToken(ctx.services.db, ctx.author.id, id);
        return {
          embeds: [{ description: `🎫 #${id} ${r.name} is now at dupe +${r.dupeLevel}. ${plural(r.tokensLeft, 'SSR Token')} left.`, color: Colors.success }],
        };
      },
    }),
  ],
});
