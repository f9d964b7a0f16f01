import { arg } from '../commands/args.js';
import { gems, n, when } from '../commands/format.js';
import { Colors } from '../commands/reply.js';
import { defineCog, defineCommand } from '../commands/types.js';
import { formatDuration, nextUtcMidnight } from '../core/clock.js';
import { CHECKIN_GEMS, checkIn, claimAllTasks, claimTask, type TaskState, taskHint, todaysTasks } from '../core/daily.js';
import { TASK_KEYS } from '../core/tasks.js';
import { cmd, text } from '../core/text.js';

const STATE_LABEL: Record<TaskState, string> = {
  todo: '⬜ 0/1',
  claimable: '✅ 1/1 — claimable',
  claimed: '🎁 claimed',
};

export default defineCog({
  name: 'daily',
  description: 'Daily check-in and daily tasks (reset at 00:00 UTC).',
  commands: [
    defineCommand({
      name: 'checkin',
      // Players arrive with Mudae/Karuta habits.
      aliases: ['daily'],
      description: `Check in once a day for ${n(CHECKIN_GEMS)} gems and keep your streak going.`,
      details: 'Once per UTC day. Checking in on consecutive days grows your streak (7 and 30 days unlock achievements); missing a day starts it again at 1.',
      args: {},
      async run(ctx) {
        const now = ctx.services.clock.now();
        const r = await checkIn(ctx.services.db, ctx.author.id, now);
        const cfg = ctx.services.config;
        if (r.kind === 'already') {
          return {
            embeds: [
              {
                description: `⏳ You already checked in today (streak **${n(r.streak)}**). The next check-in opens at 00:00 UTC, in **${formatDuration(r.resetsAt.getTime() - now.getTime())}** (${when(r.resetsAt)}).`,
                color: Colors.warning,
              },
            ],
          };
        }
        return {
          embeds: [
            {
              title: '📅 Checked in',
              description: `+${gems(cfg, r.gems)} — you now have ${gems(cfg, r.balance)}.`,
              fields: [
                { name: 'Streak', value: `🔥 ${n(r.streak)} day${r.streak === 1 ? '' : 's'}`, inline: true },
                { name: 'Next check-in', value: `in ${formatDuration(r.resetsAt.getTime() - now.getTime())}`, inline: true },
              ],
              color: Colors.success,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'tasks',
      description: "Today's tasks: win battles of each kind, then claim the gems.",
      details: text`A task completes with a **win** of that kind today: \`pvp\` (${cmd('battle', '@member')}) or an NPC battle of that difficulty (${cmd('battle', 'easy')} … ${cmd('battle', 'hell')}). Claim with ${cmd('claim', '<task>')} or ${cmd('claimall')}. Everything resets at 00:00 UTC.`,
      args: {},
      async run(ctx) {
        const now = ctx.services.clock.now();
        const tasks = await todaysTasks(ctx.services.db, ctx.author.id, now);
        const cfg = ctx.services.config;
        const claimable = tasks.filter((t) => t.state === 'claimable');
        const lines = tasks.map((t) => `\`${t.task.padEnd(9)}\` ${gems(cfg, t.reward)} — ${STATE_LABEL[t.state]}`);
        return {
          embeds: [
            {
              title: '📋 Daily tasks',
              description: lines.join('\n'),
              fields: [
                {
                  name: 'Claim',
                  value: claimable.length
                    ? `${gems(
                        cfg,
                        claimable.reduce((s, t) => s + t.reward, 0),
                      )} waiting — ${ctx.voice.cmd('claimall')} or ${ctx.voice.cmd('claim', '<task>')}.`
                    : 'Nothing to claim right now — win a battle first.',
                },
              ],
              footer: `Resets at 00:00 UTC (in ${formatDuration(nextUtcMidnight(now).getTime() - now.getTime())}).`,
              color: Colors.info,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'claim',
      description: 'Claims the gems of one completed daily task.',
      details: `Tasks: ${TASK_KEYS.map((t) => `\`${t}\``).join(', ')}. Each pays once a day.`,
      args: { task: arg.choice('task', TASK_KEYS) },
      async run(ctx, { task }) {
        const r = await claimTask(ctx.services.db, ctx.author.id, task, ctx.services.clock.now());
        const cfg = ctx.services.config;
        return {
          embeds: [{ description: `🎁 Claimed \`${r.task}\`: +${gems(cfg, r.reward)} — you now have ${gems(cfg, r.balance)}.`, color: Colors.success }],
        };
      },
    }),
    defineCommand({
      name: 'claimall',
      aliases: ['claim_all'],
      description: 'Claims every completed daily task at once.',
      args: {},
      async run(ctx) {
        const r = await claimAllTasks(ctx.services.db, ctx.author.id, ctx.services.clock.now());
        const cfg = ctx.services.config;
        if (r.claimed.length === 0) {
          return {
            embeds: [
              {
                description: `Nothing to claim yet — complete a task first, e.g. ${ctx.voice.render(taskHint('normal'))}. See ${ctx.voice.cmd('tasks')}.`,
                color: Colors.warning,
              },
            ],
          };
        }
        return {
          embeds: [
            {
              title: '🎁 Tasks claimed',
              description: r.claimed.map((c) => `\`${c.task}\` +${gems(cfg, c.reward)}`).join('\n'),
              fields: [{ name: 'Total', value: `+${gems(cfg, r.total)} — you now have ${gems(cfg, r.balance ?? 0)}` }],
              color: Colors.success,
            },
          ],
        };
      },
    }),
  ],
});
