import { arg } from '../commands/args.js';
import { rewardText } from '../commands/format.js';
import { Colors, type Reply, type View } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand, type Services } from '../commands/types.js';
import type { Config } from '../config.js';
import { ACHIEVEMENTS, type AchievementDef, checkAchievements, type EarnedAchievement, playerAchievements } from '../core/achievements.js';
import { requirePlayer } from '../core/players.js';

const PER_PAGE = 10;
const BADGES_PER_ROW = 8;
const VIEW_TIMEOUT_MS = 120_000;

/** The announcement posted after the command that unlocked them. */
export function unlockedReply(cfg: Config, username: string, defs: readonly AchievementDef[]): Reply {
  const total = defs.reduce((s, d) => ({ gems: s.gems + d.gems, coins: s.coins + d.coins }), { gems: 0, coins: 0 });
  return {
    embeds: [
      {
        title: defs.length === 1 ? `🏅 Achievement unlocked: ${defs[0]!.name}` : `🏅 ${defs.length} achievements unlocked`,
        description: [
          `**${username}** earned:`,
          ...defs.map((d) => `${d.emoji} **${d.name}** — ${d.description} (+${rewardText(cfg, d)})`),
          defs.length > 1 ? `Total: +${rewardText(cfg, total)}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
        color: Colors.SSR,
      },
    ],
  };
}

function pageCount(): number {
  return 1 + Math.ceil(ACHIEVEMENTS.length / PER_PAGE);
}

function pageReply(cfg: Config, name: string, list: EarnedAchievement[], page: number, view: View): Reply {
  const earned = list.filter((x) => x.earnedAt).length;
  const pages = pageCount();
  let description: string;
  if (page === 0) {
    const rows: string[] = [];
    for (let i = 0; i < list.length; i += BADGES_PER_ROW) {
      rows.push(
        list
          .slice(i, i + BADGES_PER_ROW)
          .map((x) => (x.earnedAt ? x.def.emoji : '🔒'))
          .join(' '),
      );
    }
    description = `**${earned} / ${list.length}** earned\n\n${rows.join('\n')}\n\nPress **Next** for names, conditions and rewards.`;
  } else {
    const slice = list.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    description = slice
      .map((x) => {
        const mark = x.earnedAt ? `${x.def.emoji} **${x.def.name}** ✅ ${x.earnedAt.toISOString().slice(0, 10)}` : `🔒 **${x.def.name}**`;
        return `${mark}\n${x.def.description} — ${rewardText(cfg, x.def)}`;
      })
      .join('\n');
  }
  return {
    embeds: [
      {
        title: `🏅 ${name}'s achievements`,
        description,
        footer: `Page ${page + 1} / ${pages}`,
        color: Colors.SSR,
      },
    ],
    components: [
      [
        { type: 'button', customId: 'ach:prev', label: 'Previous', style: 'secondary', disabled: page === 0 },
        { type: 'button', customId: 'ach:next', label: 'Next', style: 'primary', disabled: page >= pages - 1 },
      ],
    ],
    view,
  };
}

async function achievementsReply(ctx: CommandContext, memberId: string | undefined): Promise<Reply> {
  const id = memberId ?? ctx.author.id;
  const player = await requirePlayer(ctx.services.db, id);
  const list = await playerAchievements(ctx.services.db, id);
  const name = player.username || id;
  const cfg = ctx.services.config;
  let page = 0;
  const view: View = {
    ownerId: ctx.author.id,
    timeoutMs: VIEW_TIMEOUT_MS,
    async handle(use) {
      if (use.customId === 'ach:next') page = Math.min(pageCount() - 1, page + 1);
      else if (use.customId === 'ach:prev') page = Math.max(0, page - 1);
      return { update: pageReply(cfg, name, list, page, view) };
    },
  };
  return pageReply(cfg, name, list, page, view);
}

export default defineCog({
  name: 'achievements',
  description: 'Badges for milestones, each with a one-time reward.',
  commands: [
    defineCommand({
      name: 'achievements',
      aliases: ['ach', 'badges'],
      description: "Shows a player's badges, earned and locked, with their rewards.",
      details: `${ACHIEVEMENTS.length} achievements, each earned once and paid at once. They are checked after every command you run.`,
      args: { member: arg.member().optional() },
      run: (ctx, { member }) => achievementsReply(ctx, member),
    }),
  ],
  setup(services: Services) {
    services.hooks.afterCommand.push(async ({ ctx }) => {
      const won = await checkAchievements(services.db, ctx.author.id, services.clock.now());
      return won.length ? [unlockedReply(services.config, ctx.author.username, won)] : [];
    });
  },
});
