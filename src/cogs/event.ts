import { UserError } from '../commands/errors.js';
import { gems, n, plural, rankMark } from '../commands/format.js';
import { Colors } from '../commands/reply.js';
import { defineCog, defineCommand } from '../commands/types.js';
import { recordAdminAction } from '../core/audit.js';
import { casinoFight, casinoStanding, EVENT_NAME, endEvent, eventBoard, SCORE_TO_GEMS } from '../core/casino.js';
import { formatDuration } from '../core/clock.js';
import { TICKETS_PER_DAY, ticketsLeft, ticketsResetAt } from '../core/raid/tickets.js';

export default defineCog({
  name: 'event',
  description: `The casino event: ${EVENT_NAME}.`,
  commands: [
    defineCommand({
      name: 'casino',
      description: 'Event info, your casino tickets and your score.',
      args: {},
      async run(ctx) {
        const db = ctx.services.db;
        const now = ctx.services.clock.now();
        const cfg = ctx.services.config;
        const s = await casinoStanding(db, ctx.author.id, now);
        const left = await ticketsLeft(db, ctx.author.id, 'casino', now);
        return {
          embeds: [
            {
              title: `🎰 ${s.round.name}`,
              description:
                `A giant slime has swallowed the casino's jackpot. Hit it with your battle team: ${ctx.voice.cmd('fight')} spends 1 ticket and scores the total power of your team.\n` +
                `When the event ends, **rank 1 wins The Dealer** (an event-only SSR unit) and everyone else gets ${Math.round(SCORE_TO_GEMS * 100)}% of their score as gems.`,
              fields: [
                {
                  name: 'Your tickets',
                  // A time only when a ticket is missing: a full hand has nothing coming back.
                  value: `${left}/${TICKETS_PER_DAY.casino} ${cfg.emoji.ticket}${left < TICKETS_PER_DAY.casino ? ` (back in ${formatDuration(ticketsResetAt(now).getTime() - now.getTime())})` : ''}`,
                  inline: true,
                },
                { name: 'Your score', value: `${n(s.score)} (${plural(s.fights, 'fight')})`, inline: true },
                { name: 'Your rank', value: s.rank ? `#${s.rank} of ${n(s.players)}` : 'unranked', inline: true },
              ],
              footer: `${ctx.voice.plain('rank')} — the leaderboard · event running since ${s.round.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
              color: Colors.SSR,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'fight',
      description: 'Spends 1 casino ticket: your battle team hits the Jackpot Slime; its total power is added to your score.',
      args: {},
      async run(ctx) {
        const r = await casinoFight(ctx.services.db, ctx.author.id, ctx.services.clock.now());
        return {
          embeds: [
            {
              title: '💥 You hit the Jackpot Slime!',
              description: `Your ${plural(r.teamSize, 'unit')} dealt **${n(r.damage)}** damage.`,
              fields: [
                { name: 'Score', value: n(r.score), inline: true },
                { name: 'Tickets left today', value: `${r.ticketsLeft}/${TICKETS_PER_DAY.casino}`, inline: true },
              ],
              color: Colors.success,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'rank',
      aliases: ['leaderboard', 'lb'],
      description: 'The casino event leaderboard (top 10).',
      args: {},
      async run(ctx) {
        const { round, entries } = await eventBoard(ctx.services.db, ctx.services.clock.now(), 10);
        const lines = entries.map((e, i) => `${rankMark(i)} ${e.username} — ${n(e.score)}`);
        return {
          embeds: [
            {
              title: `🏆 ${round.name} — leaderboard`,
              description: lines.join('\n') || `No scores yet — ${ctx.voice.cmd('fight')} to be the first.`,
              color: Colors.SSR,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'end_event',
      description: 'Ends the casino event: rank 1 gets The Dealer, everyone else 1% of their score as gems; scores reset.',
      ownerOnly: true,
      args: {},
      async run(ctx) {
        const now = ctx.services.clock.now();
        const cfg = ctx.services.config;
        const r = await endEvent(ctx.services.db, ctx.author.id, now);
        if (!r) throw new UserError('No event is running — it may have just been ended.');
        await recordAdminAction(
          ctx.services.db,
          ctx.author.id,
          'end_event',
          { roundId: r.roundId, winner: r.winner?.playerId ?? null, paid: r.paid.length, totalGems: r.totalGems },
          now,
        );
        const w = r.winner;
        const winnerLine = !w
          ? 'Nobody scored, so there is no winner.'
          : w.dealer === 'new'
            ? `🥇 **${w.username}** (${n(w.score)}) wins **The Dealer**!`
            : w.dealer === 'dupe'
              ? `🥇 **${w.username}** (${n(w.score)}) wins another copy of **The Dealer** (now +${w.dupeLevel}).`
              : `🥇 **${w.username}** (${n(w.score)}) already has The Dealer at +10 — the copy is scrapped for 10,000 gems and 500 coins.`;
        const lines = r.paid.slice(0, 15).map((p, i) => `**${i + 2}.** ${p.username} — ${n(p.score)} → ${gems(cfg, p.gems)}`);
        if (r.paid.length > 15) lines.push(`… and ${plural(r.paid.length - 15, 'more player')}`);
        return {
          embeds: [
            {
              title: `🎰 ${EVENT_NAME} is over!`,
              description: `${winnerLine}\n${r.paid.length ? `${plural(r.paid.length, 'player')} shared ${gems(cfg, r.totalGems)}.` : ''}\nScores are reset; the next ${ctx.voice.cmd('fight')} starts a new round.`,
              fields: lines.length ? [{ name: 'Rewards', value: lines.join('\n').slice(0, 1024) }] : [],
              color: Colors.SSR,
            },
          ],
        };
      },
    }),
  ],
});
