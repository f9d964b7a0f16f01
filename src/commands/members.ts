import { type Player, requirePlayer } from '../core/players.js';
import type { CommandContext } from './types.js';

/**
 * How a reply names a member: the display name the platform knows (the
 * author's own name for themselves), never a mention — a `<@id>` in a reply
 * would ping them again. Undefined when the platform can't say.
 */
export async function displayNameOf(ctx: CommandContext, userId: string): Promise<string | undefined> {
  if (userId === ctx.author.id) return ctx.author.username;
  const m = await ctx.resolveMember(userId).catch(() => null);
  return m?.displayName || undefined;
}

/**
 * The player behind a member argument and the name to show them by (their
 * display name here, else the name they last played under). Someone who
 * never played gets a clear error that names them the same way.
 */
export async function requireMemberPlayer(ctx: CommandContext, userId: string): Promise<{ player: Player; name: string }> {
  const shown = await displayNameOf(ctx, userId);
  const player = await requirePlayer(ctx.services.db, userId, shown);
  return { player, name: shown ?? (player.username || 'that player') };
}
