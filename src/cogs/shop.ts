import { randomUUID } from 'node:crypto';
import { coins, gems, n, rarityEmoji, when } from '../commands/format.js';
import { Colors, type Reply, type View } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import { nextUtcMidnight } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { itemQuantities } from '../core/items.js';
import { requirePlayer } from '../core/players.js';
import {
  buyFromShop,
  buySsrToken,
  DISCOUNT_TEAM_LEVEL,
  RATE_UP_MARKUP,
  type ShopRotation,
  SSR_TOKEN_PRICE_COINS,
  shopRotation,
  TEAM_DISCOUNT,
} from '../core/shop.js';

function shopEmbed(ctx: CommandContext, r: ShopRotation, wallet: number): Reply {
  const cfg = ctx.services.config;
  const lines = r.offers.map((o, i) => {
    const c = o.character;
    const own = o.owned === null ? 'new' : o.owned >= 10 ? 'owned at dupe 10 — sold out for you' : `owned (+${o.owned}) → +1 dupe`;
    return `**${i + 1}.** ${rarityEmoji(cfg, c.rarity)} **${c.name}** · ${c.rarity} · ${n(c.basePower)} base${o.rateUp ? ` · 🎯 rate-up ×${RATE_UP_MARKUP}` : ''} — ${gems(cfg, o.price)} (${own})`;
  });
  const notes = [`Same for everyone today; a new rotation ${when(nextUtcMidnight(ctx.services.clock.now()))}.`, `You have ${gems(cfg, wallet)}.`];
  if (r.discounted) notes.push(`Team level ${r.teamLevel} ≥ ${DISCOUNT_TEAM_LEVEL}: ${TEAM_DISCOUNT * 100}% off everything.`);
  return {
    embeds: [
      {
        title: `🛒 Shop — ${r.day}`,
        description: [...lines, '', ...notes].join('\n'),
        color: Colors.info,
        footer: 'Pick a character below to buy it (a new unit, or +1 dupe).',
      },
    ],
  };
}

export default defineCog({
  name: 'shop',
  description: "Today's character shop and the item shop.",
  commands: [
    defineCommand({
      name: 'shop',
      description: "Today's 10 characters for gems (2 SSR, 3 SR, 5 R) — buy one from the menu.",
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const now = s.clock.now();
        const r = await shopRotation(s.db, ctx.author.id, now);
        if (r.offers.length === 0) throw new UserError('The shop is empty — the catalog has no characters yet.');
        const p = await requirePlayer(s.db, ctx.author.id);
        const nonce = randomUUID();
        const view: View = {
          ownerId: ctx.author.id,
          timeoutMs: 120_000,
          async handle(use) {
            if (use.customId !== 'shop:buy' || !use.values[0]) return {};
            const b = await buyFromShop(s.db, ctx.author.id, Number(use.values[0]), s.clock.now(), `shop:${nonce}`);
            return {
              done: true,
              followUps: [
                {
                  embeds: [
                    {
                      title: '🛒 Bought!',
                      description: `**${b.name}** for ${gems(s.config, b.price)} — ${b.created ? `a new unit #${b.unitId}` : `dupe (+${b.dupeLevel}) on #${b.unitId}`}. ${gems(s.config, b.gems)} left. ${ctx.voice.cmd('shop')} again to buy more.`,
                      color: Colors.success,
                    },
                  ],
                },
              ],
            };
          },
        };
        return {
          ...shopEmbed(ctx, r, p.gems),
          components: [
            [
              {
                type: 'select',
                customId: 'shop:buy',
                placeholder: 'Buy a character…',
                options: r.offers.map((o) => ({
                  label: `${o.character.name}`.slice(0, 100),
                  value: String(o.character.id),
                  description: `${o.character.rarity} · ${n(o.price)} gems${o.owned !== null ? ` · owned (+${o.owned})` : ''}`,
                  emoji: rarityEmoji(s.config, o.character.rarity),
                })),
              },
            ],
          ],
          view,
        };
      },
    }),
    defineCommand({
      name: 'itemshop',
      aliases: ['ishop', 'items_shop'],
      description: `The item shop: an SSR Token for ${n(SSR_TOKEN_PRICE_COINS)} coins.`,
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const p = await requirePlayer(s.db, ctx.author.id);
        const q = await itemQuantities(s.db, ctx.author.id);
        const nonce = randomUUID();
        const view: View = {
          ownerId: ctx.author.id,
          timeoutMs: 60_000,
          async handle(use) {
            if (use.customId !== 'itemshop:token') return {};
            const r = await buySsrToken(s.db, ctx.author.id, s.clock.now(), `token:${nonce}`);
            return {
              done: true,
              followUps: [
                { embeds: [{ description: `🎫 Bought an SSR Token. You have ${n(r.tokens)}; ${coins(s.config, r.coins)} left.`, color: Colors.success }] },
              ],
            };
          },
        };
        return {
          embeds: [
            {
              title: '🏪 Item shop',
              description: `🎫 **SSR Token** — ${coins(s.config, SSR_TOKEN_PRICE_COINS)}: +1 dupe on an SSR unit (${ctx.voice.cmd('use_token', '<id>')}).\nYou have ${coins(s.config, p.coins)} and ${n(q.ssr_token)} token(s).`,
              color: Colors.info,
              footer: `Or buy directly with ${ctx.voice.plain('buy_token')}`,
            },
          ],
          components: [
            [{ type: 'button', customId: 'itemshop:token', label: `Buy SSR Token (${n(SSR_TOKEN_PRICE_COINS)} coins)`, style: 'primary', emoji: '🎫' }],
          ],
          view,
        };
      },
    }),
    defineCommand({
      name: 'buy_token',
      description: `Buys one SSR Token for ${n(SSR_TOKEN_PRICE_COINS)} coins.`,
      args: {},
      async run(ctx) {
        const s = ctx.services;
        const r = await buySsrToken(s.db, ctx.author.id, s.clock.now());
        return { embeds: [{ description: `🎫 Bought an SSR Token. You have ${n(r.tokens)}; ${coins(s.config, r.coins)} left.`, color: Colors.success }] };
      },
    }),
  ],
});
