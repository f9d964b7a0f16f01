import { arg } from '../commands/args.js';
import { gems, n } from '../commands/format.js';
import { Colors } from '../commands/reply.js';
import { defineCog, defineCommand } from '../commands/types.js';
import { buyPulls, UB_CREDITS_PER_PULL, UB_GEMS_PER_PULL, UB_MAX_PULLS_PER_DAY } from '../core/buy.js';
import { UnbelievaBoatClient } from '../core/unbelievaboat.js';

export default defineCog({
  name: 'buy',
  description: "Buy pulls with UnbelievaBoat's currency.",
  commands: [
    defineCommand({
      name: 'buy',
      description: `Buys pulls with UnbelievaBoat credits: ${n(UB_CREDITS_PER_PULL)} credits from your bank per pull, ${n(UB_GEMS_PER_PULL)} gems each, up to ${UB_MAX_PULLS_PER_DAY} a day.`,
      details:
        'Works in a server channel. The credits come from your UnbelievaBoat bank; the gems land in your wallet at once — then `pull` as usual. The daily allowance resets at 00:00 UTC.',
      guildOnly: true,
      args: { pulls: arg.int('pulls', { min: 1, max: UB_MAX_PULLS_PER_DAY }) },
      async run(ctx, { pulls }) {
        const cfg = ctx.services.config;
        const r = await buyPulls(
          {
            db: ctx.services.db,
            log: ctx.services.log,
            now: ctx.services.clock.now(),
            client: UnbelievaBoatClient.fromConfig(cfg.unbelievaboat),
            economyGuildId: cfg.unbelievaboat.guildId,
          },
          { playerId: ctx.author.id, guildId: ctx.guildId, pulls },
        );
        return {
          embeds: [
            {
              title: '🛒 Pulls bought',
              description: `You paid **${n(r.credits)}** UnbelievaBoat credits and got **${gems(cfg, r.gems)}** — enough for ${r.pulls === 1 ? '1 pull' : `${r.pulls} pulls`}. ${ctx.voice.cmd('pull', r.pulls >= 10 ? '10' : '')} to use them.`,
              fields: [
                { name: 'Gems now', value: gems(cfg, r.gemsBalance), inline: true },
                { name: 'Bank left', value: `${n(r.bankAfter)} credits`, inline: true },
                { name: 'Bought today', value: `${r.boughtToday}/${UB_MAX_PULLS_PER_DAY}`, inline: true },
              ],
              color: Colors.success,
            },
          ],
        };
      },
    }),
  ],
});
