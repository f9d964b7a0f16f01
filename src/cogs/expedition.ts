import { arg } from '../commands/args.js';
import { bar, gems, n, plural, rarityEmoji } from '../commands/format.js';
import { Colors, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import { formatDuration } from '../core/clock.js';
import { claimExpedition, type ExpeditionYield, expeditionStatus, MIN_EXPEDITION_SECONDS, startExpedition } from '../core/expedition.js';
import { totalPower } from '../core/teams.js';
import { cmd, joinText, text } from '../core/text.js';
import type { Unit } from '../core/units.js';

function multiplierText(y: ExpeditionYield): string {
  const m = Math.round(y.multiplier * 1000) / 1000;
  return m === 1 ? '×1 (no expedition skills)' : `×${m} (${n(y.baseGems)} base)`;
}

function teamLines(ctx: CommandContext, units: Unit[]): string {
  if (units.length === 0) return '(the units that set out are gone)';
  return units.map((u) => `${rarityEmoji(ctx.services.config, u.rarity)} \`#${u.id}\` ${u.name} — ${n(u.power)}`).join('\n');
}

async function start(ctx: CommandContext): Promise<Reply> {
  const { units } = await startExpedition(ctx.services.db, ctx.author.id, ctx.services.clock.now());
  return {
    embeds: [
      {
        title: '⛵ Expedition started',
        description: `${plural(units.length, 'unit')} set out. The longer they are away, the more gems they bring back (at least ${MIN_EXPEDITION_SECONDS} s). Bring them home with ${ctx.voice.cmd('ex', 'claim')}.`,
        fields: [{ name: `Team power ${n(totalPower(units))}`, value: teamLines(ctx, units) }],
        color: Colors.info,
      },
    ],
  };
}

async function status(ctx: CommandContext): Promise<Reply> {
  const s = await expeditionStatus(ctx.services.db, ctx.author.id, ctx.services.clock.now());
  if (!s) {
    return {
      embeds: [
        {
          title: '⛵ Expedition',
          description: `Your team is at home. Choose up to 5 units with ${ctx.voice.cmd('se', '<id> …')}, then ${ctx.voice.cmd('ex', 'start')}.`,
          color: Colors.info,
        },
      ],
    };
  }
  const cfg = ctx.services.config;
  return {
    embeds: [
      {
        title: '⛵ Expedition under way',
        description: s.claimable
          ? `Away for **${formatDuration(s.elapsedMs)}**. Claim now for **${gems(cfg, s.yield.gems)}** and ${plural(s.yield.xp, 'team XP', 'team XP')}.`
          : `Away for **${formatDuration(s.elapsedMs)}** — it can be claimed after ${MIN_EXPEDITION_SECONDS} s.`,
        fields: [
          { name: 'Team power', value: n(s.power), inline: true },
          { name: 'Pulls a day', value: (Math.round(s.yield.pullsPerDay * 100) / 100).toString(), inline: true },
          { name: 'Multiplier', value: multiplierText(s.yield), inline: true },
          { name: 'Team', value: teamLines(ctx, s.units) },
        ],
        color: Colors.info,
      },
    ],
  };
}

async function claim(ctx: CommandContext): Promise<Reply> {
  const c = await claimExpedition(ctx.services.db, ctx.author.id, ctx.services.clock.now());
  const cfg = ctx.services.config;
  const levelLine = c.levelsGained > 0 ? `🎉 Team level **${c.levelBefore} → ${c.level}** (+${plural(c.levelsGained, 'level')})` : `Team level **${c.level}**`;
  return {
    embeds: [
      {
        title: '⛵ Expedition complete',
        description: `Your team came home after **${formatDuration(c.elapsedMs)}** with **${gems(cfg, c.yield.gems)}**. Start again with ${ctx.voice.cmd('ex', 'start')}.`,
        fields: [
          { name: 'Gems', value: `+${gems(cfg, c.yield.gems)}`, inline: true },
          { name: 'Multiplier', value: multiplierText(c.yield), inline: true },
          { name: 'Team power', value: n(c.power), inline: true },
          { name: 'Team XP', value: `+${n(c.yield.xp)}`, inline: true },
          { name: 'Level', value: levelLine, inline: true },
          { name: 'Next level', value: `${bar(c.teamXp / c.teamXpToNext)} ${n(c.teamXp)} / ${n(c.teamXpToNext)} XP` },
        ],
        footer: `Balance: ${n(c.gemsBalance)} gems`,
        color: Colors.success,
      },
    ],
  };
}

export default defineCog({
  name: 'expedition',
  description: 'Send a team away to bring back gems and team XP.',
  commands: [
    defineCommand({
      name: 'expedition',
      aliases: ['ex'],
      description: 'Start, check or claim an expedition with your expedition team.',
      details: joinText(
        [
          text`\`start\` sends your expedition team (set with ${cmd('se', '<id> …')}) away; \`status\` shows how long and what a claim would pay now; \`claim\` brings it home (after at least 60 s).`,
          'Gems a day grow with team power: below 20,000 power `P/20000 × 10` pulls a day, below 60,000 `10 + (P − 20000)/4000`, above that `20 + (P − 60000)/4000` up to 25 — 1,000 gems a pull. Hardworker, Master of Coin and The Long Road add to it. Each whole minute away gives 1 team XP.',
        ],
        '\n',
      ),
      args: { action: arg.choice('action', ['status', 'start', 'claim'] as const).default('status') },
      async run(ctx, { action }) {
        if (action === 'start') return start(ctx);
        if (action === 'claim') return claim(ctx);
        return status(ctx);
      },
    }),
  ],
});
