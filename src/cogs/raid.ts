import { arg, parsers } from '../commands/args.js';
import { cardOf } from '../commands/battle-view.js';
import { UserError } from '../commands/errors.js';
import { n, plural, rankMark, rewardText, when } from '../commands/format.js';
import { image } from '../commands/images.js';
import { Colors, type Embed, type ImageJob, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand, type Services } from '../commands/types.js';
import type { Config } from '../config.js';
import { recordAdminAction } from '../core/audit.js';
import { formatDuration } from '../core/clock.js';
import type { Pictures, RaidHitInput } from '../core/images/index.js';
import { every } from '../core/jobs.js';
import { describeMechanics, phaseThresholds, RAID_BOSSES, type RaidBoss } from '../core/raid/bosses.js';
import {
  activeRaid,
  attackRaid,
  type BoardEntry,
  currentPhase,
  damageBoard,
  expiredRaids,
  type FinishResult,
  type HitResult,
  latestRaid,
  MAX_RAID_HOURS,
  noRaidMessage,
  type Raid,
  raidRewards,
  settleExpiredRaid,
  startRaid,
  stopRaid,
} from '../core/raid/raids.js';
import { TICKETS_PER_DAY, ticketsLeft } from '../core/raid/tickets.js';
import { formatLogLines } from '../core/skills/log.js';

const ACTIONS = ['status', 'attack', 'a', 'lb', 'start', 'stop'] as const;
const OWNER_ACTIONS = new Set(['start', 'stop']);
const BOARD_PAGE = 15;

function pct(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (part / whole) * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

function hpLine(raid: Pick<Raid, 'hp' | 'maxHp'>): string {
  return `${n(raid.hp)} / ${n(raid.maxHp)} (${pct(raid.hp, raid.maxHp)})`;
}

function boardLines(board: BoardEntry[], total: number, offset = 0): string[] {
  return board.map((e, i) => {
    const rank = offset + i;
    return `${rankMark(rank)} ${e.username} — ${n(e.damage)} (${pct(e.damage, total)}, ${plural(e.attacks, 'attack')})`;
  });
}

async function safeAnnounce(ctx: CommandContext, channelId: string, reply: Reply): Promise<void> {
  try {
    await ctx.services.announce(channelId, reply);
  } catch (err) {
    // The game change is committed; a lost announcement must not turn the reply into an error.
    ctx.services.log.warn({ err, channelId }, 'raid announcement failed');
  }
}

function roleMarks(roles: readonly string[]): string {
  return [roles.includes('mvp') ? '👑 MVP' : '', roles.includes('last_hit') ? '💥 last hit' : '', roles.includes('consolation') ? '(consolation)' : '']
    .filter(Boolean)
    .join(' ');
}

function finishReply(cfg: Config, f: FinishResult): Reply {
  const boss = f.raid.boss;
  const title =
    f.reason === 'defeated'
      ? `🏆 ${boss.name} has fallen!`
      : f.reason === 'timeout'
        ? `⌛ Time is up — ${boss.name} got away`
        : `🛑 The raid on ${boss.name} was stopped`;
  const lines = f.lines.slice(0, 15).map((l, i) => `${rankMark(i)} ${l.username} — ${n(l.damage)} dmg → ${rewardText(cfg, l)} ${roleMarks(l.roles)}`.trim());
  if (f.lines.length > 15) lines.push(`… and ${plural(f.lines.length - 15, 'more participant')}`);
  const who = (id: string | null) => (id ? (f.lines.find((l) => l.playerId === id)?.username ?? id) : '—');
  const desc = [
    f.reason === 'defeated'
      ? `The server dealt ${n(f.totalDamage)} damage. Last hit: **${who(f.lastHitPlayerId)}**.`
      : `The boss kept ${n(f.raid.hp)} of ${n(f.raid.maxHp)} HP. Rewards are paid at ${Math.round(boss.rewards.timeoutFactor * 100)}%.`,
    f.lines.length ? `MVP: **${who(f.mvpPlayerId)}**.` : 'Nobody attacked, so there are no rewards.',
  ].join('\n');
  const embed: Embed = { title, description: desc, color: f.reason === 'defeated' ? Colors.SSR : Colors.warning };
  if (lines.length) embed.fields = [{ name: 'Rewards (paid)', value: lines.join('\n').slice(0, 1024) }];
  embed.footer = `Under ${boss.rewards.leechPercent}% of the damage earns the consolation reward only.`;
  return { embeds: [embed] };
}

/** Ends a raid whose time is up and tells its channel; returns the result so the caller can mention it. */
async function settle(ctx: CommandContext, guildId: string): Promise<FinishResult | null> {
  const f = await settleExpiredRaid(ctx.services.db, guildId, ctx.services.clock.now());
  if (f) await safeAnnounce(ctx, f.raid.channelId, finishReply(ctx.services.config, f));
  return f;
}

function raidBarImage(raid: Raid, pictures: Pictures): ImageJob {
  return image('raid', 'the raid picture', () =>
    pictures.draw('raidBar', {
      bossName: raid.boss.name,
      hp: raid.hp,
      maxHp: raid.maxHp,
      phase: currentPhase(raid).number,
      phaseThresholds: phaseThresholds(raid.boss).map((p) => p / 100),
      endsAt: raid.endsAt,
      artUrl: raid.boss.artUrl,
      bossCharacterId: raid.boss.artId,
    }),
  );
}

function bossCatalog(ctx: CommandContext): Reply {
  const cfg = ctx.services.config;
  return {
    embeds: [
      {
        title: '🐉 Raid bosses',
        description: `Start one with ${ctx.voice.cmd('raid', 'start <boss> [hours]')}.`,
        fields: RAID_BOSSES.map((b) => ({
          name: `${b.name} (\`${b.key}\`)`,
          value: `${n(b.maxHp)} HP · ${b.durationHours} h · pool ${rewardText(cfg, { gems: b.rewards.gemsPool, items: b.rewards.itemsPool })}`,
        })),
        color: Colors.info,
      },
    ],
  };
}

/** `!raid` when no raid is running: the last raid's result and its top damage dealers with what they were paid. */
async function lastRaidReply(ctx: CommandContext, raid: Raid, justEnded: FinishResult | null): Promise<Reply> {
  const db = ctx.services.db;
  const cfg = ctx.services.config;
  const boss = raid.boss;
  const everyone = await damageBoard(db, raid.id);
  const board = everyone.slice(0, 5);
  const participants = everyone.length;
  const paid = new Map((await raidRewards(db, raid.id)).map((p) => [p.playerId, p]));
  const total = raid.maxHp - raid.hp;
  const title =
    raid.endReason === 'defeated'
      ? `🏆 Last raid: ${boss.name} was defeated`
      : raid.endReason === 'timeout'
        ? `⌛ Last raid: ${boss.name} got away`
        : `🛑 Last raid: ${boss.name} was stopped`;
  const name = (id: string | null) => (id ? (everyone.find((e) => e.playerId === id)?.username ?? id) : null);
  const mvp = [...paid.values()].find((p) => p.roles.includes('mvp'))?.playerId ?? null;
  const result =
    raid.endReason === 'defeated'
      ? `The server dealt ${n(total)} damage${raid.lastHitPlayerId ? `; last hit: **${name(raid.lastHitPlayerId)}**` : ''}.`
      : `The boss kept ${hpLine(raid)} HP. Rewards were paid at ${Math.round(boss.rewards.timeoutFactor * 100)}%.`;
  const lines = board.map((e, i) => {
    const p = paid.get(e.playerId);
    const line = `${boardLines([e], total, i)[0]}${p ? ` → ${rewardText(cfg, p)} ${roleMarks(p.roles)}` : ''}`;
    return line.trim();
  });
  return {
    embeds: [
      {
        title,
        description: [
          `${justEnded ? 'Time just ran out. ' : ''}Ended ${raid.endedAt ? when(raid.endedAt) : 'just now'}. ${result}`,
          participants ? `${plural(participants, 'player')} took part${mvp ? `; MVP: **${name(mvp)}**` : ''}.` : 'Nobody attacked, so there were no rewards.',
          '',
          ctx.voice.render(noRaidMessage()),
        ].join('\n'),
        fields: lines.length ? [{ name: 'Top damage (paid)', value: lines.join('\n').slice(0, 1024) }] : [],
        footer: `${ctx.voice.plain('raid', 'lb')} — the full board of the last raid`,
        color: raid.endReason === 'defeated' ? Colors.SSR : Colors.info,
      },
    ],
  };
}

async function statusReply(ctx: CommandContext, guildId: string, justEnded: FinishResult | null): Promise<Reply[]> {
  const db = ctx.services.db;
  const now = ctx.services.clock.now();
  const raid = await activeRaid(db, guildId);
  if (!raid) {
    const last = await latestRaid(db, guildId);
    if (last) return [await lastRaidReply(ctx, last, justEnded)];
    return [{ embeds: [{ description: ctx.voice.render(noRaidMessage()), color: Colors.info }] }];
  }
  const phase = currentPhase(raid);
  const board = await damageBoard(db, raid.id, 5);
  const total = raid.maxHp - raid.hp;
  const left = await ticketsLeft(db, ctx.author.id, 'raid', now, guildId);
  return [
    {
      embeds: [
        {
          title: `⚔️ Raid: ${raid.boss.name}`,
          description: `**Phase ${phase.number} — ${phase.name}.** ${phase.flavour}\n${describeMechanics(phase.mechanics)}`,
          fields: [
            { name: 'HP', value: hpLine(raid), inline: true },
            { name: 'Time left', value: formatDuration(raid.endsAt.getTime() - now.getTime()), inline: true },
            { name: 'Your tickets', value: `${left}/${TICKETS_PER_DAY.raid} ${ctx.services.config.emoji.ticket}`, inline: true },
            { name: 'Top damage', value: board.length ? boardLines(board, total).join('\n') : 'Nobody has attacked yet — be the first!' },
          ],
          color: phase.number >= 3 ? Colors.error : phase.number === 2 ? Colors.warning : Colors.success,
          footer: `${ctx.voice.plain('raid', 'attack')} — 1 ticket · ${ctx.voice.plain('raid', 'lb')} — full board`,
        },
      ],
      images: [raidBarImage(raid, ctx.services.pictures)],
    },
  ];
}

function phaseAnnouncement(raid: Raid, boss: RaidBoss, phaseNumber: number): Reply {
  const p = boss.phases.find((x) => x.number === phaseNumber)!;
  return {
    embeds: [
      {
        title: `🔶 ${boss.name} enters phase ${p.number} — ${p.name}!`,
        description: `${p.flavour}\n${describeMechanics(p.mechanics)}\nHP: ${hpLine(raid)}`,
        color: p.number >= 3 ? Colors.error : Colors.warning,
      },
    ],
  };
}

async function attackReply(ctx: CommandContext, hit: HitResult): Promise<Reply> {
  const boss = hit.raid.boss;
  const lines: string[] = [];
  const reduced = hit.damage !== hit.total;
  lines.push(
    `Your team dealt **${n(hit.applied)}** damage${reduced ? ` (team total ${n(hit.total)}, the boss took ${Math.round(hit.phase.mechanics.damageTaken * 100)}% of it)` : ''}${hit.damage > hit.applied ? ` — ${n(hit.damage - hit.applied)} overkill` : ''}.`,
  );
  lines.push(`Phase ${hit.phase.number} — ${hit.phase.name}: ${describeMechanics(hit.phase.mechanics)}`);
  if (hit.suppressed.length) lines.push(`🔇 Silenced: ${hit.suppressed.map((s) => `${s.skill} (${s.unitName})`).join(', ')}`);
  const log = formatLogLines(hit.battle, 'attacker', 6);
  if (log.length) lines.push(log.join('\n'));
  // The boss's skills fire too (Guard, Berserk, …): every firing is shown.
  const bossLog = formatLogLines(hit.battle, 'defender', 4);
  if (bossLog.length) lines.push(`**${boss.name}:**\n${bossLog.join('\n')}`);
  // A raid hit has no winner: the image shows the damage, not a battle result.
  let nextSilenced = 0; // suppressed skills come in team order, one at most per unit
  const hitImage: RaidHitInput = {
    playerName: ctx.author.username,
    bossName: boss.name,
    artUrl: boss.artUrl,
    bossCharacterId: boss.artId,
    phase: hit.phase.number,
    phaseName: hit.phase.name,
    phaseAfter: hit.phaseAfter,
    phaseThresholds: phaseThresholds(boss).map((p) => p / 100),
    team: hit.team.map(cardOf),
    teamFinal: hit.battle.finalPowers.attacker,
    silenced: hit.team.map((u) => (hit.suppressed[nextSilenced]?.unitName === u.name ? hit.suppressed[nextSilenced++]!.skill : null)),
    teamTotal: hit.total,
    damageTaken: hit.phase.mechanics.damageTaken,
    damage: hit.damage,
    applied: hit.applied,
    hpBefore: hit.hpBefore,
    hpAfter: hit.hpAfter,
    maxHp: hit.raid.maxHp,
    lastHit: hit.lastHit,
  };
  return {
    embeds: [
      {
        title: hit.lastHit ? `💥 LAST HIT! ${boss.name} falls!` : `⚔️ You hit ${boss.name}`,
        description: lines.join('\n'),
        fields: [
          { name: 'Boss HP', value: hpLine(hit.raid), inline: true },
          { name: 'Raid tickets', value: `${hit.ticketsLeft}/${TICKETS_PER_DAY.raid} left today`, inline: true },
        ],
        color: hit.lastHit ? Colors.SSR : Colors.info,
      },
    ],
    images: [image('raid-hit', 'the raid picture', () => ctx.services.pictures.draw('raidHit', hitImage))],
  };
}

async function attack(ctx: CommandContext, guildId: string): Promise<Reply[]> {
  const res = await attackRaid(ctx.services.db, {
    guildId,
    playerId: ctx.author.id,
    rng: ctx.services.rng(),
    now: ctx.services.clock.now(),
  });
  if (res.kind === 'expired') {
    if (res.finish) await safeAnnounce(ctx, res.raid.channelId, finishReply(ctx.services.config, res.finish));
    throw new UserError(`Time ran out on **${res.raid.boss.name}** before your attack — the raid is over and no ticket was used.`);
  }
  // Only the attack that crossed a threshold sees the phase change (the conditional update decides); it announces it.
  if (!res.lastHit) {
    for (let p = res.phaseBefore + 1; p <= res.phaseAfter; p++) await safeAnnounce(ctx, res.raid.channelId, phaseAnnouncement(res.raid, res.raid.boss, p));
  }
  const reply = await attackReply(ctx, res);
  if (res.finish) await safeAnnounce(ctx, res.raid.channelId, finishReply(ctx.services.config, res.finish));
  return [reply];
}

async function leaderboard(ctx: CommandContext, guildId: string): Promise<Reply> {
  const db = ctx.services.db;
  const raid = (await activeRaid(db, guildId)) ?? (await latestRaid(db, guildId));
  if (!raid) throw new UserError(noRaidMessage());
  const board = await damageBoard(db, raid.id);
  const total = board.reduce((s, e) => s + e.damage, 0);
  const paid = raid.active ? [] : await raidRewards(db, raid.id);
  const paidBy = new Map(paid.map((p) => [p.playerId, p]));
  const pages = Math.max(1, Math.ceil(board.length / BOARD_PAGE));
  const title = `📜 Damage board — ${raid.boss.name}${raid.active ? '' : ' (ended)'}`;
  const page = (i: number): Reply => {
    const slice = board.slice(i * BOARD_PAGE, (i + 1) * BOARD_PAGE);
    const lines = boardLines(slice, total, i * BOARD_PAGE).map((l, j) => {
      const p = paidBy.get(slice[j]!.playerId);
      return p ? `${l} → ${rewardText(ctx.services.config, p)} ${roleMarks(p.roles)}`.trim() : l;
    });
    return {
      embeds: [
        {
          title,
          description: lines.join('\n') || 'Nobody has attacked yet.',
          footer: `Page ${i + 1}/${pages} · ${plural(board.length, 'participant')} · ${n(total)} damage in all`,
          color: Colors.info,
        },
      ],
      components:
        pages > 1
          ? [
              [
                { type: 'button', customId: 'raidlb:prev', label: 'Previous', style: 'secondary', disabled: i === 0 },
                { type: 'button', customId: 'raidlb:next', label: 'Next', style: 'secondary', disabled: i >= pages - 1 },
              ],
            ]
          : undefined,
    };
  };
  let at = 0;
  const first = page(0);
  if (pages > 1) {
    first.view = {
      ownerId: ctx.author.id,
      timeoutMs: 120_000,
      async handle(use) {
        at = Math.min(pages - 1, Math.max(0, at + (use.customId === 'raidlb:next' ? 1 : -1)));
        return { update: page(at) };
      },
    };
  }
  return first;
}

async function start(ctx: CommandContext, guildId: string, rest: string[]): Promise<Reply[]> {
  if (rest.length === 0) return [bossCatalog(ctx)];
  if (rest.length > 2) throw new UserError(`Usage: ${ctx.voice.cmd('raid', 'start <boss> [hours]')}.`);
  const hours = rest[1] === undefined ? undefined : parsers.int(1, 168)(rest[1], 'hours');
  const now = ctx.services.clock.now();
  const raid = await startRaid(ctx.services.db, { guildId, channelId: ctx.channelId, bossWord: rest[0]!, hours, startedBy: ctx.author.id, now });
  await recordAdminAction(
    ctx.services.db,
    ctx.author.id,
    'raid_start',
    { guildId, channelId: ctx.channelId, raidId: raid.id, boss: raid.boss.key, hours: hours ?? raid.boss.durationHours },
    now,
  );
  const phase = currentPhase(raid);
  return [
    {
      embeds: [
        {
          title: `🐉 A raid begins: ${raid.boss.name}!`,
          description: `${raid.boss.lore}\n\n**Phase 1 — ${phase.name}.** ${phase.flavour}\nEveryone in this server gets ${TICKETS_PER_DAY.raid} raid tickets a day: ${ctx.voice.cmd('raid', 'attack')} to fight with your battle team.`,
          fields: [
            { name: 'HP', value: n(raid.maxHp), inline: true },
            { name: 'Ends in', value: formatDuration(raid.endsAt.getTime() - now.getTime()), inline: true },
            {
              name: 'Reward pool',
              value: rewardText(ctx.services.config, { gems: raid.boss.rewards.gemsPool, items: raid.boss.rewards.itemsPool }),
              inline: false,
            },
            {
              name: 'Bonuses',
              value: `MVP: ${rewardText(ctx.services.config, raid.boss.rewards.mvp)} · Last hit: ${rewardText(ctx.services.config, raid.boss.rewards.lastHit)}`,
            },
          ],
          color: Colors.UR,
        },
      ],
      images: [raidBarImage(raid, ctx.services.pictures)],
    },
  ];
}

async function stop(ctx: CommandContext, guildId: string): Promise<Reply[]> {
  const now = ctx.services.clock.now();
  const f = await stopRaid(ctx.services.db, guildId, now);
  await recordAdminAction(ctx.services.db, ctx.author.id, 'raid_stop', { guildId, raidId: f.raid.id, boss: f.raid.boss.key, hpLeft: f.raid.hp }, now);
  const reply = finishReply(ctx.services.config, f);
  if (f.raid.channelId !== ctx.channelId) await safeAnnounce(ctx, f.raid.channelId, reply);
  return [reply];
}

/**
 * With several shard processes, a raid is swept by the process that can post
 * in its channel, so its end is announced where it was fought. A raid nobody
 * has settled this long after its end (its channel gone, its shard down) is
 * settled by anyone: paying matters more than the post.
 */
const ORPHAN_RAID_GRACE_MS = 10 * 60_000;

/** Settles and announces every raid whose time ran out; returns how many it ended. */
export async function sweepExpiredRaids(services: Services): Promise<number> {
  const now = services.clock.now();
  let ended = 0;
  for (const raid of await expiredRaids(services.db, now)) {
    if (!services.canPost(raid.channelId) && now.getTime() - raid.endsAt.getTime() < ORPHAN_RAID_GRACE_MS) continue;
    const f = await settleExpiredRaid(services.db, raid.guildId, now);
    if (!f) continue;
    ended++;
    await services
      .announce(f.raid.channelId, finishReply(services.config, f))
      .catch((err: unknown) => services.log.warn({ err }, 'raid end announcement failed'));
  }
  return ended;
}

/** How often a running bot looks for raids whose time ran out with nobody typing a raid command. */
const EXPIRY_SWEEP_MS = 60_000;

export default defineCog({
  name: 'raid',
  description: 'Server raids: multi-phase bosses everyone fights together.',
  setup(services: Services) {
    // A raid ends when its time runs out (SPEC §13) even if nobody types `!raid` again:
    // settle it and announce it. finishRaid is idempotent, so every process may sweep.
    const sweep = every(EXPIRY_SWEEP_MS, () => sweepExpiredRaids(services), { name: 'raid expiry sweep', log: services.log });
    services.hooks.shutdown.push(() => sweep.stop());
  },
  commands: [
    defineCommand({
      name: 'raid',
      description: "The server's raid boss: status, attack (1 of 3 daily tickets), damage board.",
      details:
        '`raid` / `raid status`: HP bar, phase and its mechanics, time left, top 5.\n`raid attack` (or `raid a`): your battle team fights the boss (1 raid ticket; 3 a day in each server, back at 00:00 UTC).\n`raid lb`: the full damage board.\nOwners: `raid start <boss> [hours]`, `raid stop`.',
      usage: '[status | attack | lb | start <boss> [hours] | stop]',
      guildOnly: true,
      args: { action: arg.choice('action', ACTIONS).default('status'), rest: arg.tokens('options') },
      slash: {
        subcommands: [
          { name: 'status', description: 'HP bar, phase and mechanics, time left and the top 5' },
          { name: 'attack', description: 'Your battle team fights the boss (1 of 3 daily raid tickets)' },
          { name: 'lb', description: 'The full damage board' },
          {
            name: 'start',
            description: 'Owners: start a raid in this server',
            ownerOnly: true,
            options: [
              { type: 'string', name: 'boss', description: 'Which boss', required: true, maxLength: 40, complete: 'boss' },
              { type: 'integer', name: 'hours', description: `How long it lasts: 1 to ${MAX_RAID_HOURS} hours`, required: false, min: 1, max: MAX_RAID_HOURS },
            ],
          },
          { name: 'stop', description: 'Owners: end the running raid (reduced rewards)', ownerOnly: true },
        ],
      },
      async run(ctx, { action, rest }) {
        const guildId = ctx.guildId!;
        if (OWNER_ACTIONS.has(action) && !ctx.isOwner) throw new UserError(`${ctx.voice.cmd('raid', `${action}`)} is for the bot's owners only.`);
        if (action !== 'start' && rest.length > 0)
          throw new UserError(`${ctx.voice.cmd('raid', `${action}`)} takes no more options (got \`${rest[0]!.slice(0, 30)}\`).`);
        const ended = await settle(ctx, guildId);
        switch (action) {
          case 'status':
            return statusReply(ctx, guildId, ended);
          case 'attack':
          case 'a':
            if (ended)
              throw new UserError(
                `Time ran out on **${ended.raid.boss.name}** — the raid is over and no ticket was used. The results are posted in <#${ended.raid.channelId}>.`,
              );
            return attack(ctx, guildId);
          case 'lb':
            return [await leaderboard(ctx, guildId)];
          case 'start':
            return start(ctx, guildId, rest);
          case 'stop':
            return stop(ctx, guildId);
        }
      },
    }),
  ],
});
