import { randomUUID } from 'node:crypto';
import { coins, gems, n, rarityEmoji, when } from '../commands/format.js';
import { Colors, type Component, type Reply, type View, type ViewResult } from '../commands/reply.js';
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
  type ShopOffer,
  type ShopRotation,
  SSR_TOKEN_PRICE_COINS,
  shopRotation,
  TEAM_DISCOUNT,
} from '../core/shop.js';

/** Purchases above this many gems ask for a confirm first (as `!scrap_sr` does). */
export const CONFIRM_ABOVE_GEMS = 10_000;
const CONFIRM_TIMEOUT_MS = 30_000;

function ownedText(owned: number | null): string {
  return owned === null ? 'new' : owned >= 10 ? 'owned at dupe 10 — sold out for you' : `owned (+${owned}) → +1 dupe`;
}

/** The rotation as the player sees it now: prices, and what they own of each (so a bought character is no longer "new"). */
function shopEmbed(ctx: CommandContext, r: ShopRotation, wallet: number): Reply {
  const cfg = ctx.services.config;
  const lines = r.offers.map((o, i) => {
    const c = o.character;
    return `**${i + 1}.** ${rarityEmoji(cfg, c.rarity)} **${c.name}** · ${c.rarity} · ${n(c.basePower)} base${o.rateUp ? ` · 🎯 rate-up ×${RATE_UP_MARKUP}` : ''} — ${gems(cfg, o.price)} (${ownedText(o.owned)})`;
  });
  const notes = [`Same for everyone today; a new rotation ${when(nextUtcMidnight(ctx.services.clock.now()))}.`, `You have ${gems(cfg, wallet)}.`];
  if (r.discounted) notes.push(`Team level ${r.teamLevel} ≥ ${DISCOUNT_TEAM_LEVEL}: ${TEAM_DISCOUNT * 100}% off everything.`);
  return {
    embeds: [
      {
        title: `🛒 Shop — ${r.day}`,
        description: [...lines, '', ...notes].join('\n'),
        color: Colors.info,
        footer: `Pick a character below to buy it (a new unit, or +1 dupe). Over ${n(CONFIRM_ABOVE_GEMS)} gems you confirm first.`,
      },
    ],
  };
}

function buyMenu(ctx: CommandContext, r: ShopRotation): Component[][] {
  const cfg = ctx.services.config;
  return [
    [
      {
        type: 'select',
        customId: 'shop:buy',
        placeholder: 'Buy a character…',
        options: r.offers.map((o) => ({
          label: `${o.character.name}`.slice(0, 100),
          value: String(o.character.id),
          description: `${o.character.rarity} · ${n(o.price)} gems${o.owned !== null ? ` · owned (+${o.owned})` : ''}`,
          emoji: rarityEmoji(cfg, o.character.rarity),
        })),
      },
    ],
  ];
}

/**
 * `!shop`: today's rotation with a buy menu. A purchase above
 * CONFIRM_ABOVE_GEMS turns the message into a Confirm/Cancel question
 * first (Cancel goes back to the menu). After a purchase the message shows
 * the rotation again as it stands — the bought character marked owned —
 * with its menu closed.
 */
async function shopReply(ctx: CommandContext): Promise<Reply> {
  const s = ctx.services;
  const r = await shopRotation(s.db, ctx.author.id, s.clock.now());
  if (r.offers.length === 0) throw new UserError('The shop is empty — the catalog has no characters yet.');
  const p = await requirePlayer(s.db, ctx.author.id);
  // One key per shop message: a replayed press (a double click, a retried request) buys nothing twice.
  const onceKey = `shop:${randomUUID()}`;

  const menu = (rotation: ShopRotation, wallet: number): Reply => ({ ...shopEmbed(ctx, rotation, wallet), components: buyMenu(ctx, rotation), view: menuView });

  const buy = async (characterId: number, expectedPrice?: number): Promise<ViewResult> => {
    const b = await buyFromShop(s.db, ctx.author.id, characterId, s.clock.now(), onceKey, expectedPrice);
    const now = await shopRotation(s.db, ctx.author.id, s.clock.now());
    return {
      done: true,
      update: { ...shopEmbed(ctx, now, b.gems), components: buyMenu(ctx, now) },
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
  };

  const confirm = (offer: ShopOffer, wallet: number): Reply => {
    const c = offer.character;
    const view: View = {
      ownerId: ctx.author.id,
      timeoutMs: CONFIRM_TIMEOUT_MS,
      async handle(use) {
        if (use.customId === 'shop:confirm') return buy(c.id, offer.price);
        if (use.customId === 'shop:cancel') {
          const again = await shopRotation(s.db, ctx.author.id, s.clock.now());
          return { update: menu(again, (await requirePlayer(s.db, ctx.author.id)).gems) };
        }
        return {};
      },
    };
    return {
      embeds: [
        {
          title: '🛒 Confirm your purchase',
          description: [
            `Buy ${rarityEmoji(s.config, c.rarity)} **${c.name}** (${c.rarity}) for **${gems(s.config, offer.price)}**?`,
            offer.owned === null ? 'It will be a new unit.' : `It adds +1 dupe (+${offer.owned} → +${offer.owned + 1}).`,
            `You have ${gems(s.config, wallet)}. Confirm within ${CONFIRM_TIMEOUT_MS / 1000} s.`,
          ].join('\n'),
          color: Colors.warning,
        },
      ],
      components: [
        [
          { type: 'button', customId: 'shop:confirm', label: `Buy for ${n(offer.price)} gems`, style: 'success', emoji: '🛒' },
          { type: 'button', customId: 'shop:cancel', label: 'Cancel', style: 'secondary' },
        ],
      ],
      view,
    };
  };

  const menuView: View = {
    ownerId: ctx.author.id,
    timeoutMs: 120_000,
    async handle(use) {
      if (use.customId !== 'shop:buy' || !use.values[0]) return {};
      const characterId = Number(use.values[0]);
      const rotation = await shopRotation(s.db, ctx.author.id, s.clock.now());
      const offer = rotation.offers.find((o) => o.character.id === characterId);
      if (!offer) return buy(characterId); // the core says why (not in today's shop)
      if (offer.owned !== null && offer.owned >= 10) throw new UserError(`You already have ${offer.character.name} at dupe 10 — there's nothing to buy.`);
      if (offer.price <= CONFIRM_ABOVE_GEMS) return buy(characterId, offer.price);
      const wallet = (await requirePlayer(s.db, ctx.author.id)).gems;
      if (wallet < offer.price)
        throw new UserError(`${offer.character.name} costs ${gems(s.config, offer.price)} and you have ${gems(s.config, wallet)} — nothing was bought.`);
      return { update: confirm(offer, wallet) };
    },
  };

  return menu(r, p.gems);
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
        return shopReply(ctx);
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
              // The message shows the coins and tokens as they are after the purchase.
              update: itemShopReply(r.coins, r.tokens),
              followUps: [
                { embeds: [{ description: `🎫 Bought an SSR Token. You have ${n(r.tokens)}; ${coins(s.config, r.coins)} left.`, color: Colors.success }] },
              ],
            };
          },
        };
        const itemShopReply = (coinsHeld: number, tokens: number): Reply => ({
          embeds: [
            {
              title: '🏪 Item shop',
              description: `🎫 **SSR Token** — ${coins(s.config, SSR_TOKEN_PRICE_COINS)}: +1 dupe on an SSR unit (${ctx.voice.cmd('use_token', '<id>')}).\nYou have ${coins(s.config, coinsHeld)} and ${n(tokens)} token(s).`,
              color: Colors.info,
              footer: `Or buy directly with ${ctx.voice.plain('buy_token')}`,
            },
          ],
          components: [
            [{ type: 'button', customId: 'itemshop:token', label: `Buy SSR Token (${n(SSR_TOKEN_PRICE_COINS)} coins)`, style: 'primary', emoji: '🎫' }],
          ],
        });
        return { ...itemShopReply(p.coins, q.ssr_token), view };
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
