/**
 * How a team is shown when it is set — by `!stb`, `!se`, the team builder's
 * buttons and the starter pack's "Set as battle team" — so every way of
 * setting a team answers alike.
 */

import type { Config } from '../config.js';
import { setTeam, type TeamKind, teamUnits, totalPower } from '../core/teams.js';
import type { Unit } from '../core/units.js';
import { n, rarityEmoji } from './format.js';
import { Colors, type Reply } from './reply.js';
import type { CommandContext } from './types.js';

/** "`#12` 🌟 Name (+2) — 12,345 ⚡" */
export function unitLine(cfg: Config, u: Unit): string {
  return `\`#${u.id}\` ${rarityEmoji(cfg, u.rarity)} ${u.name}${u.dupeLevel > 0 ? ` (+${u.dupeLevel})` : ''} — ${n(u.power)} ⚡`;
}

/** Numbered unit lines in slot order. */
export function teamList(cfg: Config, units: readonly Unit[]): string {
  return units.map((u, i) => `**${i + 1}.** ${unitLine(cfg, u)}`).join('\n');
}

/** Sets a team (the one core function every way of setting it uses) and answers with its units and total power. */
export async function setTeamReply(ctx: CommandContext, kind: TeamKind, ids: number[]): Promise<Reply> {
  const db = ctx.services.db;
  await setTeam(db, ctx.author.id, kind, ids);
  const units = await teamUnits(db, ctx.author.id, kind);
  const cfg = ctx.services.config;
  if (units.length === 0) {
    const [title, cmd] = kind === 'battle' ? ['⚔️ Battle team cleared', 'stb'] : ['🧭 Expedition team cleared', 'se'];
    return { embeds: [{ title, description: `Your ${kind} team is empty now. Set one with ${ctx.voice.cmd(cmd, '<id> <id> …')}.`, color: Colors.info }] };
  }
  return {
    embeds: [
      {
        title: kind === 'battle' ? '⚔️ Battle team set' : '🧭 Expedition team set',
        description: `${teamList(cfg, units)}\n\n**Total power:** ${n(totalPower(units))} ⚡`,
        footer:
          kind === 'battle'
            ? `See it with ${ctx.voice.plain('team')} · save it with ${ctx.voice.plain('save_team', '<name>')}`
            : `Start with ${ctx.voice.plain('expedition', 'start')}`,
        color: Colors.success,
      },
    ],
  };
}
