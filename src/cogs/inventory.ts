import { arg } from '../commands/args.js';
import { coins, gems, n } from '../commands/format.js';
import { Colors } from '../commands/reply.js';
import { defineCog, defineCommand } from '../commands/types.js';
import { requirePlayer, richestPlayers } from '../core/players.js';
import { teamXpToNext } from '../core/progression.js';

export default defineCog({
  name: 'inventory',
  description: 'Your wallet, profile and collection.',
  commands: [
    defineCommand({
      name: 'gems',
      aliases: ['pc', 'wallet', 'cur'],
      description: 'Shows your gems and coins.',
      args: {},
      async run(ctx) {
        const p = await requirePlayer(ctx.services.db, ctx.author.id);
        const cfg = ctx.services.config;
        return {
          embeds: [
            {
              title: `${ctx.author.username}'s wallet`,
              fields: [
                { name: 'Gems', value: gems(cfg, p.gems), inline: true },
                { name: 'Coins', value: coins(cfg, p.coins), inline: true },
              ],
              color: Colors.info,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'profile',
      aliases: ['p', 'user'],
      description: "Shows a player's gems, coins, team level, achievements and soulmates.",
      args: { member: arg.member().optional() },
      async run(ctx, { member }) {
        const db = ctx.services.db;
        const id = member ?? ctx.author.id;
        const p = await requirePlayer(db, id);
        const cfg = ctx.services.config;
        const stats = (
          await db.query<{ units: number; soulmates: number }>(
            `SELECT count(*)::int AS units, count(*) FILTER (WHERE bond_level >= 50)::int AS soulmates FROM units WHERE player_id = $1`,
            [id],
          )
        ).rows[0]!;
        const achievements = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM player_achievements WHERE player_id = $1', [id])).rows[0]!.n;
        const need = teamXpToNext(p.teamLevel);
        return {
          embeds: [
            {
              title: `${p.username || id}'s profile`,
              fields: [
                { name: 'Gems', value: gems(cfg, p.gems), inline: true },
                { name: 'Coins', value: coins(cfg, p.coins), inline: true },
                { name: 'Team level', value: `${p.teamLevel} (${n(p.teamXp)} / ${n(need)} XP)`, inline: true },
                { name: 'Units', value: n(stats.units), inline: true },
                { name: 'Achievements', value: n(achievements), inline: true },
                { name: 'Soulmates', value: n(stats.soulmates), inline: true },
              ],
              color: Colors.info,
            },
          ],
        };
      },
    }),
    defineCommand({
      name: 'ranks',
      description: 'The 10 richest players by gems.',
      args: {},
      async run(ctx) {
        const top = await richestPlayers(ctx.services.db, 10);
        const medals = ['🥇', '🥈', '🥉'];
        const lines = top.map((p, i) => `${medals[i] ?? `**${i + 1}.**`} ${p.username || p.id} — ${gems(ctx.services.config, p.gems)}`);
        return { embeds: [{ title: '🏆 Richest players', description: lines.join('\n') || 'Nobody has any gems yet.', color: Colors.SSR }] };
      },
    }),
  ],
});
