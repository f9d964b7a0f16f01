import { randomUUID } from 'node:crypto';
import { arg } from '../commands/args.js';
import { coins, gems, n, plural, rarityEmoji, when } from '../commands/format.js';
import { image } from '../commands/images.js';
import { Colors, type Embed, type Reply, type View } from '../commands/reply.js';
import { setTeamReply } from '../commands/team-view.js';
import { type CommandContext, defineCog, defineCommand, type Services } from '../commands/types.js';
import { characterById } from '../core/catalog/index.js';
import { UserError } from '../core/errors.js';
import {
  activeBanner,
  BANNER_USAGE,
  type Banner,
  claimStarter,
  closeExpiredBanners,
  giveCharacter,
  giveGems,
  lastEndedBanner,
  PULL_COST,
  type PulledCard,
  type PullResult,
  parseBannerSpec,
  pull,
  SPARK_COST,
  setBanner,
  sparkRefusal,
  sparkStatus,
  spendSpark,
  verifyPull,
} from '../core/gacha/index.js';
import type { CardInfo } from '../core/images/index.js';
import { requirePlayer } from '../core/players.js';
import { TEAM_SIZE } from '../core/teams.js';
import { cmd, text } from '../core/text.js';

function cardInfo(c: PulledCard): CardInfo {
  return { characterId: c.characterId, name: c.name, rarity: c.rarity, power: c.power, dupeLevel: c.dupeLevel, imageUrl: c.imageUrl };
}

function outcomeText(_s: Services, c: PulledCard): string {
  if (c.outcome === 'new') return `✨ NEW → #${c.unitId}`;
  if (c.outcome === 'dupe') return `dupe → (+${c.dupeLevel}) on #${c.unitId}`;
  return '♻️ at dupe 10 → auto-scrapped';
}

function pullFooter(ctx: CommandContext, r: PullResult): string {
  const parts = [`Pull #${r.pullId}`];
  if (r.cost > 0) parts.push(`spent ${n(r.cost)} gems, ${n(r.gems)} left`);
  if (r.banner) parts.push(`${r.banner.name}: ${n(r.banner.sparkPoints)} spark points`);
  parts.push(`check it: ${ctx.voice.plain('verify', r.pullId)}`);
  return parts.join(' · ');
}

function autoScrapLine(s: Services, r: PullResult): string | null {
  if (r.autoScrap.count === 0) return null;
  return `♻️ Auto-scrapped ${plural(r.autoScrap.count, 'copy', 'copies')} already at dupe 10: +${gems(s.config, r.autoScrap.gems)} +${coins(s.config, r.autoScrap.coins)}`;
}

/** The reply to a pull: one card for a single, the composite for 10 (and the starter). */
export async function pullReply(ctx: CommandContext, r: PullResult, title: string): Promise<Reply> {
  const s = ctx.services;
  const cfg = s.config;
  const scrap = autoScrapLine(s, r);
  if (r.cards.length === 1) {
    const c = r.cards[0]!;
    const embed: Embed = {
      title,
      description: [
        `${rarityEmoji(cfg, c.rarity)} **${c.name}** · ${c.rarity}${c.roll.rateUpId !== null ? ' · 🎯 rate-up' : ''}`,
        `Power **${n(c.power)}**${c.dupeLevel > 0 ? ` (dupe +${c.dupeLevel})` : ''}`,
        outcomeText(s, c),
        scrap,
      ]
        .filter(Boolean)
        .join('\n'),
      color: Colors[c.rarity],
      footer: pullFooter(ctx, r),
    };
    return { embeds: [embed], images: [image('pull', 'the card', () => s.pictures.draw('card', cardInfo(c)))] };
  }
  const best = r.cards.some((c) => c.rarity === 'SSR') ? 'SSR' : r.cards.some((c) => c.rarity === 'SR') ? 'SR' : 'R';
  const lines = r.cards.map(
    (c) => `${rarityEmoji(cfg, c.rarity)} **${c.name}**${c.roll.rateUpId !== null ? ' 🎯' : ''} — ${n(c.power)} · ${outcomeText(s, c)}`,
  );
  const embed: Embed = {
    title,
    description: [...lines, scrap].filter(Boolean).join('\n'),
    color: Colors[best],
    footer: pullFooter(ctx, r),
  };
  return { embeds: [embed], images: [image('pull', 'the summon picture', () => s.pictures.draw('tenPull', r.cards.map(cardInfo)))] };
}

/** The starter's strongest distinct units (a starter can pull a character twice), strongest first: a ready battle team. */
export function strongestUnitIds(cards: readonly PulledCard[], count = TEAM_SIZE): number[] {
  const best = new Map<number, number>();
  for (const c of cards) if (c.outcome !== 'scrapped') best.set(c.unitId, Math.max(best.get(c.unitId) ?? 0, c.power));
  return [...best.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, count)
    .map(([id]) => id);
}

/**
 * The starter pack: the 10-pull reply (units in pull order), a ready
 * `!stb` line with the five strongest and a button that sets them as the
 * battle team through the same function `!stb` uses — so a new player's
 * first session works as the README tells it.
 */
async function starterReply(ctx: CommandContext, r: PullResult): Promise<Reply> {
  const reply = await pullReply(ctx, r, `🎁 ${ctx.author.username}'s starter pack`);
  const team = strongestUnitIds(r.cards);
  const ids = team.join(' ');
  reply.content = [
    'Welcome! Here are your first 10 units, in the order you pulled them.',
    `Your ${team.length === 1 ? 'strongest unit' : `${team.length} strongest`} as a battle team: ${ctx.voice.cmd('stb', ids)} — or press **Set as battle team**.`,
    `Then try ${ctx.voice.cmd('battle', 'easy')}, ${ctx.voice.cmd('story', '1-1')} and ${ctx.voice.cmd('checkin')} for daily gems.`,
  ].join('\n');
  reply.components = [[{ type: 'button', customId: 'starter:stb', label: 'Set as battle team', style: 'primary', emoji: '⚔️' }]];
  reply.view = {
    ownerId: ctx.author.id,
    timeoutMs: 15 * 60_000,
    async handle(use) {
      if (use.customId !== 'starter:stb') return {};
      return { done: true, followUps: [await setTeamReply(ctx, 'battle', team)] };
    },
  };
  return reply;
}

async function bannerCards(s: Services, b: Banner): Promise<CardInfo[]> {
  const out: CardInfo[] = [];
  for (const id of b.rateUpIds) {
    const c = await characterById(s.db, id);
    if (c) out.push({ characterId: c.id, name: c.name, rarity: c.rarity, power: c.basePower, dupeLevel: 0, imageUrl: c.imageUrl });
  }
  return out;
}

async function bannerReply(ctx: CommandContext, b: Banner, title: string, extra: string[] = []): Promise<Reply> {
  const s = ctx.services;
  const cfg = s.config;
  const cards = await bannerCards(s, b);
  const status = await sparkStatus(s.db, ctx.author.id, s.clock.now());
  const embed: Embed = {
    title,
    description: [
      `**${b.name}** — ends ${when(b.endsAt)} (${b.endsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      `Rate-up: an SSR or SR roll becomes a rate-up character of that rarity ${Math.round(b.rateUpChance * 100)}% of the time.`,
      ...extra,
    ].join('\n'),
    fields: [
      {
        name: 'Rate-up characters',
        value: cards.map((c) => `${rarityEmoji(cfg, c.rarity)} **${c.name}** (${c.rarity}, id ${c.characterId})`).join('\n') || 'none',
      },
      {
        name: 'Your spark points',
        value: `${n(status?.banner.id === b.id ? status.available : 0)} / ${SPARK_COST} — ${ctx.voice.cmd('spark')} at ${SPARK_COST} for a rate-up SSR of your choice`,
        inline: false,
      },
      {
        name: 'Fairness',
        value: `Seed SHA-256: \`${b.seedHash}\`\nThe seed is revealed when the banner ends; then ${ctx.voice.cmd('verify', '<pull id>')} recomputes any pull.`,
      },
    ],
    color: Colors.SSR,
  };
  return {
    embeds: [embed],
    images: [image('banner', 'the banner picture', () => s.pictures.draw('banner', { name: b.name, endsAt: b.endsAt, featured: cards }))],
  };
}

function sparkView(ctx: CommandContext, bannerName: string, choices: Array<{ id: number; name: string }>): { reply: Reply } {
  const nonce = randomUUID();
  const s = ctx.services;
  const view: View = {
    ownerId: ctx.author.id,
    timeoutMs: 60_000,
    async handle(use) {
      const id = Number(use.customId === 'spark:pick' ? use.values[0] : use.customId.replace(/^spark:one:/, ''));
      if (!Number.isInteger(id)) return {};
      const r = await spendSpark(s.db, ctx.author.id, id, s.clock.now(), `spark:${nonce}`);
      return {
        done: true,
        update: {
          embeds: [
            {
              title: '🎯 Spark!',
              description: `You spent ${SPARK_COST} spark points on **${r.name}** — ${r.created ? `a new unit #${r.unitId}` : `dupe (+${r.dupeLevel}) on #${r.unitId}`}.\n${n(r.available)} spark points left on ${bannerName}.`,
              color: Colors.SSR,
            },
          ],
        },
      };
    },
  };
  const components: Reply['components'] =
    choices.length === 1
      ? [[{ type: 'button', customId: `spark:one:${choices[0]!.id}`, label: `Spark ${choices[0]!.name}`, style: 'success', emoji: '🎯' }]]
      : [
          [
            {
              type: 'select',
              customId: 'spark:pick',
              placeholder: 'Pick the rate-up SSR to spark',
              options: choices.slice(0, 25).map((c) => ({ label: c.name.slice(0, 100), value: String(c.id), description: `id ${c.id}` })),
            },
          ],
        ];
  return {
    reply: {
      embeds: [
        { title: '🎯 Spark', description: `Spend ${SPARK_COST} spark points on **${bannerName}** for a rate-up SSR of your choice.`, color: Colors.SSR },
      ],
      components,
      view,
    },
  };
}

export default defineCog({
  name: 'gacha',
  description: 'Pulling characters: pulls, the starter pack, banners and spark.',
  commands: [
    defineCommand({
      name: 'pull',
      aliases: ['summon'],
      description: `Pull 1 character for ${n(PULL_COST)} gems, or 10 for ${n(PULL_COST * 10)}.`,
      details:
        'Rates: SSR 2%, SR 11%, R 87%. A character you own raises its dupe by 1 (up to 10); a copy at dupe 10 is auto-scrapped for gems and coins. Pulls on a banner give spark points and can be verified after it ends.',
      args: { count: arg.choice('count', ['1', '10'] as const).default('1') },
      async run(ctx, { count }) {
        const s = ctx.services;
        const r = await pull(s.db, { playerId: ctx.author.id, count: count === '10' ? 10 : 1, now: s.clock.now(), rng: s.rng() });
        return pullReply(ctx, r, count === '10' ? `✨ ${ctx.author.username}'s 10-pull` : `✨ ${ctx.author.username}'s pull`);
      },
    }),
    defineCommand({
      name: 'starter',
      description: 'Your free starter pack: 10 characters, the first a guaranteed SSR. Once per player.',
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const r = await claimStarter(s.db, ctx.author.id, s.clock.now(), s.rng());
        return starterReply(ctx, r);
      },
    }),
    defineCommand({
      name: 'banner',
      description: 'The current banner: rate-up characters, end time, your spark points and the fairness hash.',
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const now = s.clock.now();
        await closeExpiredBanners(s.db, now);
        const b = await activeBanner(s.db, now);
        if (b) return bannerReply(ctx, b, '🌠 Current banner');
        const last = await lastEndedBanner(s.db, now);
        const lines = ['No banner is running — pulls use the standard rates (SSR 2%, SR 11%, R 87%).'];
        if (last)
          lines.push(
            `The last banner, **${last.name}** (#${last.id}), has ended. Its seed: \`${last.seedSecret}\` (SHA-256 \`${last.seedHash}\`) — ${ctx.voice.cmd('verify', '<pull id>')} checks any pull made on it.`,
          );
        return { embeds: [{ title: '🌠 Banner', description: lines.join('\n'), color: Colors.info }] };
      },
    }),
    defineCommand({
      name: 'spark',
      description: `Spend ${SPARK_COST} spark points for a rate-up SSR of your choice.`,
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const now = s.clock.now();
        await closeExpiredBanners(s.db, now);
        const status = await sparkStatus(s.db, ctx.author.id, now);
        const refusal = sparkRefusal(status);
        if (refusal) throw new UserError(refusal);
        return sparkView(ctx, status!.banner.name, status!.choices).reply;
      },
    }),
    defineCommand({
      name: 'verify',
      description: 'Recomputes a pull from public data (the banner’s revealed seed) and says whether it matches.',
      args: { pullId: arg.int('pull id', { min: 1, max: Number.MAX_SAFE_INTEGER }) },
      async run(ctx, { pullId }) {
        const s = ctx.services;
        const now = s.clock.now();
        await closeExpiredBanners(s.db, now);
        const v = await verifyPull(s.db, pullId, now);
        if (v.status === 'pending') {
          return {
            embeds: [
              {
                title: `🔐 Pull #${pullId}`,
                description: `This pull is on the running banner **${v.banner.name}**. Its seed is secret until the banner ends ${when(v.banner.endsAt)}; its SHA-256 is published now: \`${v.banner.seedHash}\`. Run ${ctx.voice.cmd('verify', `${pullId}`)} again after it ends.`,
                color: Colors.info,
              },
            ],
          };
        }
        const p = v.pull;
        const lines = p.rolls.map((r, i) => {
          const again = v.recomputed[i]!;
          const what = again.rateUpId !== null ? `rate-up id ${again.rateUpId}` : `rank ${n(again.rank!)}`;
          return `${v.rollsOk[i] ? '✅' : '❌'} ${i + 1}. ${again.tier} ${what}${r.characterId !== null ? ` → character ${r.characterId}` : ''}`;
        });
        const how =
          v.banner !== null
            ? [
                `Banner **${v.banner.name}** (#${v.banner.id}), revealed seed \`${v.banner.seedSecret}\``,
                `SHA-256 of the seed ${v.hashOk ? 'matches' : '**does not match**'} the published \`${v.banner.seedHash}\`.`,
                `Streams: HMAC-SHA256(seed, "${p.playerId}:<counter>"), counters ${p.counterStart}–${p.counterStart! + p.rolls.length - 1} (see scripts/verify-pull.ts).`,
              ]
            : [
                `Off-banner ${p.kind === 'starter' ? 'starter pack' : 'pull'}: replayed from its recorded seed ${p.seed}. (The bot chose this seed, so this is a replay, not a proof; banner pulls are provable.)`,
              ];
        if (v.catalogMoved.length)
          how.push(
            `Note: the catalog changed since — rank ${v.catalogMoved.map((m) => m.rank).join(', ')} now hold other characters (the pull got what was there then).`,
          );
        return {
          embeds: [
            {
              title: `${v.status === 'match' ? '✅' : '❌'} Pull #${pullId} ${v.status === 'match' ? 'matches' : 'does NOT match'}`,
              description: [...how, '', ...lines].join('\n').slice(0, 4000),
              color: v.status === 'match' ? Colors.success : Colors.error,
              footer: `Pulled by ${p.playerId} on ${p.createdAt.toISOString().slice(0, 10)}`,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'set_banner',
      ownerOnly: true,
      description: 'Replaces the active banner: days, name and rate-up characters (their rarity is forced in the catalog).',
      details: text`Usage: ${cmd('set_banner', BANNER_USAGE)}, e.g. ${cmd('set_banner', '[7] [Summer Stars] [176754:SSR] [209:SR]')}. The rate-up chance defaults to 0.5. The old banner's seed is revealed.`,
      usage: BANNER_USAGE,
      args: { spec: arg.tokens('spec') },
      async run(ctx, { spec }) {
        const s = ctx.services;
        const parsed = parseBannerSpec(spec.join(' '));
        const r = await setBanner(s.db, parsed, ctx.author.id, s.clock.now());
        const extra: string[] = [];
        if (r.forced.length) extra.push(`Rarity forced: ${r.forced.map((f) => `${f.name} ${f.from} → ${f.to}`).join(', ')}.`);
        if (r.replaced) extra.push(`Replaced **${r.replaced.name}** (#${r.replaced.id}); its seed is now public: \`${r.replaced.seedSecret}\`.`);
        return bannerReply(ctx, r.banner, `🌠 New banner #${r.banner.id}`, extra);
      },
    }),
    defineCommand({
      name: 'give',
      ownerOnly: true,
      description: 'Gives a player gems, or a character (new unit or +1 dupe).',
      usage: 'gems @user <amount> | char @user <character id>',
      args: { what: arg.choice('what', ['gems', 'char'] as const), member: arg.member(), value: arg.int('amount or id', { min: 1, max: 2_147_483_647 }) },
      async run(ctx, { what, member, value }) {
        const s = ctx.services;
        const p = await requirePlayer(s.db, member);
        const now = s.clock.now();
        const who = p.username || member;
        if (what === 'gems') {
          if (value > 1_000_000_000) throw new UserError('At most 1,000,000,000 gems at a time.');
          const r = await giveGems(s.db, ctx.author.id, member, value, now);
          return { embeds: [{ description: `🎁 Gave ${gems(s.config, value)} to ${who} (now ${gems(s.config, r.gems)}).`, color: Colors.success }] };
        }
        const r = await giveCharacter(s.db, ctx.author.id, member, value, now);
        return {
          embeds: [
            {
              description: `🎁 Gave **${r.name}** to ${who}: ${r.created ? `new unit #${r.unitId}` : `dupe (+${r.dupeLevel}) on #${r.unitId}`}.`,
              color: Colors.success,
            },
          ],
        };
      },
    }),
  ],
});
