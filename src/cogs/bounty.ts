import { arg } from '../commands/args.js';
import { battleEmbed, battleImageJob, type Shown } from '../commands/battle-view.js';
import { coins, gems, n, rarityEmoji } from '../commands/format.js';
import { image } from '../commands/images.js';
import { Colors, type EmbedField, type Reply, type View } from '../commands/reply.js';
import { type Command, type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import type { Config } from '../config.js';
import { snapshotOfUnits } from '../core/battle/snapshot.js';
import { MAX_GIFT_AMOUNT } from '../core/bounty/gift.js';
import {
  type BountySlot,
  type BountyTier,
  bountyEnemies,
  bountyKeys,
  checkCanHunt,
  currentBoard,
  giveGifts,
  type HuntResult,
  huntBounty,
  MAX_KEYS,
  parseGifts,
  type SlotStatus,
  slotStatuses,
  TIER_DEFS,
} from '../core/bounty/index.js';
import { formatDuration } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { ITEMS, type ItemId, itemQuantities } from '../core/items.js';
import { bondXpToNext, MAX_BOND_LEVEL } from '../core/progression.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../core/skills/registry.js';
import { totalPower } from '../core/teams.js';
import { cmd, joinText, text } from '../core/text.js';

const VIEW_TIMEOUT_MS = 120_000;
const STATUS_MARK: Record<SlotStatus, string> = { AVAILABLE: '🟢 available', COMPLETED: '✅ completed', FAILED: '❌ failed' };

function tierLabel(cfg: Config, tier: BountyTier): string {
  return `${rarityEmoji(cfg, tier)} ${tier}`;
}

/** "1 🧪 Faint Tincture", plus gems and coins for UR. */
function rewardText(cfg: Config, tier: BountyTier): string {
  const def = TIER_DEFS[tier];
  const item = ITEMS[def.item];
  const parts = [`1 ${item.emoji} ${item.name}`];
  if (def.gems) parts.push(gems(cfg, def.gems));
  if (def.coins) parts.push(coins(cfg, def.coins));
  return parts.join(' + ');
}

function keysText(cfg: Config, keys: number, nextKeyAt: Date | null, now: Date): string {
  const icons = `${cfg.emoji.key.repeat(keys)}${'▫️'.repeat(MAX_KEYS - keys)}`;
  return `${icons} ${keys}/${MAX_KEYS}${nextKeyAt ? ` — next in ${formatDuration(nextKeyAt.getTime() - now.getTime())}` : ''}`;
}

async function boardReply(ctx: CommandContext): Promise<Reply> {
  const { db, config: cfg } = ctx.services;
  const now = ctx.services.clock.now();
  const board = await currentBoard(db, now);
  const [statuses, keys] = await Promise.all([slotStatuses(db, ctx.author.id, board.hourStart), bountyKeys(db, ctx.author.id, now)]);
  const fields: EmbedField[] = board.slots.map((s) => ({
    name: `Slot ${s.index + 1} — ${tierLabel(cfg, s.tier)}`,
    value: `Power **${n(s.power)}** (5 × ${n(s.power / 5)})\nReward: ${rewardText(cfg, s.tier)}\n${STATUS_MARK[statuses[s.index] ?? 'AVAILABLE']}`,
    inline: true,
  }));
  fields.push({ name: 'Keys', value: keysText(cfg, keys.keys, keys.nextKeyAt, now) });
  return {
    embeds: [
      {
        title: '📜 Bounty board',
        description: `A new board every hour, shared by everyone — the next in **${formatDuration(board.resetsAt.getTime() - now.getTime())}**. Each hunt costs 1 key; one try per slot. Hunt with ${ctx.voice.cmd('hunt')}, gift the bond items with ${ctx.voice.cmd('gift')}.`,
        fields,
        color: Colors.SSR,
      },
    ],
    images: [
      image('bounty', 'the bounty board picture', () =>
        ctx.services.pictures.draw('bountyBoard', {
          slots: board.slots.map((s) => ({ tier: s.tier, power: s.power, status: statuses[s.index] ?? 'AVAILABLE', reward: rewardText(cfg, s.tier) })),
          resetsAt: board.resetsAt,
          keys: keys.keys,
        }),
      ),
    ],
  };
}

interface HuntState {
  boardHour: Date;
  slots: BountySlot[];
  available: BountySlot[];
  teamPower: number;
  keys: number;
}

function pickerReply(ctx: CommandContext, st: HuntState, view: View): Reply {
  const cfg = ctx.services.config;
  return {
    embeds: [
      {
        title: '🏹 Pick a bounty',
        description: `Your battle team: **${n(st.teamPower)}** power · keys ${st.keys}/${MAX_KEYS}. Pick a slot to see the enemy; fighting costs 1 key.`,
        color: Colors.info,
      },
    ],
    components: [
      [
        {
          type: 'select',
          customId: 'bounty:pick',
          placeholder: 'Choose a bounty slot',
          options: st.available.map((s) => ({
            label: `Slot ${s.index + 1} — ${s.tier} · ${n(s.power)} power`,
            value: String(s.index),
            description: `Reward: ${rewardText(cfg, s.tier)}`.slice(0, 100),
            emoji: rarityEmoji(cfg, s.tier),
          })),
        },
      ],
    ],
    view,
  };
}

function enemyReply(ctx: CommandContext, st: HuntState, slot: BountySlot, view: View): Reply {
  const cfg = ctx.services.config;
  const enemies = bountyEnemies(slot);
  return {
    embeds: [
      {
        title: `🏹 Slot ${slot.index + 1} — ${tierLabel(cfg, slot.tier)} bounty`,
        description: `Five ${TIER_DEFS[slot.tier].enemyName}s, no skills: **${n(slot.power)}** power in all. Your team: **${n(st.teamPower)}**.\nReward on a win: ${rewardText(cfg, slot.tier)}${slot.tier === 'UR' ? ` (×${ROYALTY_REWARD_MULTIPLIER} gems and coins with Royalty)` : ''}.`,
        fields: [{ name: 'Enemies', value: enemies.map((e) => `${e.name} — ${n(e.power)}`).join('\n') }],
        footer: 'FIGHT spends 1 key. One attempt per slot on this board.',
        color: Colors[slot.tier],
      },
    ],
    components: [
      [
        { type: 'button', customId: 'bounty:fight', label: 'FIGHT', style: 'danger', emoji: '⚔️' },
        { type: 'button', customId: 'bounty:back', label: 'Back', style: 'secondary' },
      ],
    ],
    view,
  };
}

async function resultReply(ctx: CommandContext, r: HuntResult): Promise<Reply> {
  const cfg = ctx.services.config;
  const won = r.status === 'COMPLETED';
  const extra = [
    won
      ? '✅ **Bounty completed!**'
      : r.battle.outcome === 'DRAW'
        ? '❌ A draw counts as a failed bounty.'
        : '❌ **The bounty got away** — the slot is marked failed.',
  ];
  if (r.reward) {
    const parts = [`1 ${r.reward.item.emoji} ${r.reward.item.name}`];
    if (r.reward.gems) parts.push(gems(cfg, r.reward.gems));
    if (r.reward.coins) parts.push(coins(cfg, r.reward.coins));
    extra.push(`🎁 Reward: ${parts.join(' + ')} — gift it with ${ctx.voice.cmd('gift', `<id> ${r.reward.item.words[0]}`)}.`);
  }
  extra.push(`${cfg.emoji.key} Keys left: ${r.keysLeft}/${MAX_KEYS}`);
  const shown: Shown = {
    attackerName: ctx.author.username,
    defenderName: `${r.slot.tier} bounty`,
    attacker: snapshotOfUnits(r.team),
    defender: r.enemies.map((e) => ({ ...e, skills: [...e.skills], imageUrl: e.imageUrl ?? null, unitId: null, dupeLevel: 0 })),
    result: r.battle,
  };
  // Gems and coins come only with a UR bounty, so only there does Royalty pay.
  const embed = battleEmbed(shown, extra, `Bounty slot ${r.slot.index + 1} · seed ${r.battle.seed}`, { royaltyPays: r.slot.tier === 'UR' });
  embed.title = `🏹 ${tierLabel(cfg, r.slot.tier)} bounty — slot ${r.slot.index + 1}`;
  return { embeds: [embed], images: [battleImageJob(shown, ctx.services.pictures)] };
}

async function hunt(ctx: CommandContext): Promise<Reply> {
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const { team, keys } = await checkCanHunt(db, ctx.author.id, now);
  const board = await currentBoard(db, now);
  const statuses = await slotStatuses(db, ctx.author.id, board.hourStart);
  const available = board.slots.filter((s) => statuses[s.index] === 'AVAILABLE');
  if (available.length === 0) {
    throw new UserError(`You've tried every bounty on this board. A new board comes in ${formatDuration(board.resetsAt.getTime() - now.getTime())}.`);
  }
  const st: HuntState = { boardHour: board.hourStart, slots: board.slots, available, teamPower: totalPower(team), keys };
  let picked: BountySlot | null = null;
  const view: View = {
    ownerId: ctx.author.id,
    timeoutMs: VIEW_TIMEOUT_MS,
    async handle(use) {
      if (use.customId === 'bounty:pick') {
        const slot = st.available.find((s) => String(s.index) === use.values[0]);
        if (!slot) return { ephemeral: { content: 'Pick one of the listed slots.' } };
        picked = slot;
        return { update: enemyReply(ctx, st, slot, view) };
      }
      if (use.customId === 'bounty:back') {
        picked = null;
        return { update: pickerReply(ctx, st, view) };
      }
      if (use.customId === 'bounty:fight' && picked) {
        const r = await huntBounty(ctx.services.db, {
          playerId: ctx.author.id,
          boardHour: st.boardHour,
          slotIndex: picked.index,
          now: ctx.services.clock.now(),
          seed: ctx.services.rng().nextUint32(),
        });
        // The dispatcher runs the after-command hooks (achievements) for this press.
        return { update: await resultReply(ctx, r), done: true };
      }
      return {};
    },
  };
  return pickerReply(ctx, st, view);
}

function itemList(have: Record<ItemId, number>): string {
  return (['bond_small', 'bond_med', 'bond_large', 'bond_ur'] as const).map((id) => `${ITEMS[id].emoji} ${ITEMS[id].name} ×${n(have[id])}`).join(' · ');
}

async function gift(ctx: CommandContext, tokens: string[]): Promise<Reply> {
  const orders = parseGifts(tokens);
  const db = ctx.services.db;
  const out = await giveGifts(db, ctx.author.id, orders);
  const have = await itemQuantities(db, ctx.author.id);
  const lines = out.map((o) => {
    const used = (Object.entries(o.used) as Array<[ItemId, number]>).map(([id, k]) => `${k} × ${ITEMS[id].emoji}`).join(', ');
    const kept = (Object.entries(o.kept) as Array<[ItemId, number]>).map(([id, k]) => `${k} × ${ITEMS[id].emoji}`).join(', ');
    if (o.skipped) return `\`#${o.unitId}\` ${o.name} is already a soulmate (bond ${MAX_BOND_LEVEL}) — skipped, you keep ${kept}.`;
    const progress = o.level >= MAX_BOND_LEVEL ? '💍 soulmate!' : `${n(o.xp)} / ${n(bondXpToNext(o.level))} XP`;
    const levels = o.level > o.levelBefore ? `bond **${o.levelBefore} → ${o.level}**` : `bond **${o.level}**`;
    return `\`#${o.unitId}\` ${o.name}: ${used} → ${levels} (${progress})${kept ? ` — reached bond ${MAX_BOND_LEVEL}, you keep ${kept}` : ''}`;
  });
  return {
    embeds: [
      {
        title: '💝 Gifts given',
        description: lines.join('\n'),
        fields: [{ name: 'Bag', value: itemList(have) }],
        color: Colors.SR,
      },
    ],
  };
}

const huntCommand: Command = defineCommand({
  name: 'hunt',
  description: 'Pick a bounty from the board and fight it with your battle team (1 key).',
  details:
    'Pick a slot, look at the enemy, press FIGHT. A win marks the slot completed and pays its reward; a loss or a draw marks it failed. One attempt per slot on each board.',
  args: {},
  run: (ctx) => hunt(ctx),
});

export default defineCog({
  name: 'bounty',
  description: 'The hourly bounty board, keys, and bond gifts.',
  commands: [
    defineCommand({
      name: 'bounty',
      description: 'Shows the bounty board: three slots, your keys and when it resets.',
      details: joinText(
        [
          'A new board of 3 bounties every hour, the same for everyone. Tiers: R (30,000–35,000 team power), SR (50,000–55,000), SSR (75,000–80,000), and rarely UR (90,000).',
          'Rewards: R → Faint Tincture, SR → Vital Draught, SSR → Heart Elixir, UR → Essence of Devotion + 5,000 gems + 50 coins.',
          'Keys: up to 3, one back every full hour.',
        ],
        '\n',
      ),
      args: {},
      run: (ctx) => boardReply(ctx),
    }),
    huntCommand,
    defineCommand({
      name: 'gift',
      description: 'Gives bond items to your units for bond XP.',
      usage: '<id> <item> [amount] ! <id> <item> [amount] …',
      details: [
        'Items: `small`/`s` Faint Tincture (10 XP), `med`/`m` Vital Draught (50), `large`/`l` Heart Elixir (250), `ur` Essence of Devotion (2,500).',
        text`Several gifts in one go: ${cmd('gift', '12 small 3 ! 14 med')}. All quantities are checked first — if any is short, nothing is gifted.`,
        'Bond level L → L+1 needs 50 + 50 × (L − 1) XP; bond 50 (soulmate) is the maximum, and soulmates keep the items.',
      ].join('\n'),
      // On the slash surface one gift at a time: a unit, an item, an amount.
      args: {
        gifts: arg.tokens('gifts', {
          options: [
            {
              type: 'integer',
              name: 'unit',
              description: 'One of your units: type a name or an id',
              required: true,
              min: 1,
              max: Number.MAX_SAFE_INTEGER,
              complete: 'unit',
            },
            { type: 'string', name: 'item', description: 'The bond item', required: true, choices: ['small', 'med', 'large', 'ur'] },
            { type: 'integer', name: 'amount', description: 'How many (default 1)', required: false, min: 1, max: MAX_GIFT_AMOUNT },
          ],
          toTokens: (v) => [String(v.unit), String(v.item), ...(v.amount === undefined ? [] : [String(v.amount)])],
        }),
      },
      run: (ctx, { gifts }) => gift(ctx, gifts),
    }),
  ],
});
