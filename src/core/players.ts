import type { Queryable } from './db/index.js';
import { UserError } from './errors.js';
import { escapeMarkdown } from './text.js';

export interface Player {
  id: string;
  username: string;
  gems: number;
  coins: number;
  teamLevel: number;
  teamXp: number;
  totalPulls: number;
  totalScrapped: number;
  totalBounties: number;
  expeditionGemsTotal: number;
  bossKills: number;
  lastCheckin: string | null;
  checkinStreak: number;
}

interface PlayerRow {
  id: string;
  username: string;
  gems: number;
  coins: number;
  team_level: number;
  team_xp: number;
  total_pulls: number;
  total_scrapped: number;
  total_bounties: number;
  expedition_gems_total: number;
  boss_kills: number;
  last_checkin: string | null;
  checkin_streak: number;
}

export function toPlayer(r: PlayerRow): Player {
  return {
    id: r.id,
    username: r.username,
    gems: r.gems,
    coins: r.coins,
    teamLevel: r.team_level,
    teamXp: r.team_xp,
    totalPulls: r.total_pulls,
    totalScrapped: r.total_scrapped,
    totalBounties: r.total_bounties,
    expeditionGemsTotal: r.expedition_gems_total,
    bossKills: r.boss_kills,
    lastCheckin: r.last_checkin,
    checkinStreak: r.checkin_streak,
  };
}

/** Creates the player on first contact; keeps the shown name current. One statement. */
export async function ensurePlayer(db: Queryable, id: string, username: string): Promise<void> {
  await db.query(
    `INSERT INTO players (id, username) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username WHERE players.username IS DISTINCT FROM EXCLUDED.username`,
    [id, username.slice(0, 100)],
  );
}

export async function getPlayer(db: Queryable, id: string): Promise<Player | null> {
  const r = await db.query<PlayerRow>('SELECT * FROM players WHERE id = $1', [id]);
  return r.rows[0] ? toPlayer(r.rows[0]) : null;
}

/**
 * The player, or a clear error when someone who never played is named. The
 * error names them by `displayName` when the caller knows it, never with a
 * mention: a reply that echoes `<@id>` pings them again.
 */
export async function requirePlayer(db: Queryable, id: string, displayName?: string): Promise<Player> {
  const p = await getPlayer(db, id);
  if (!p) throw notPlayingYet(displayName);
  return p;
}

function notPlayingYet(displayName?: string): UserError {
  return new UserError(`${displayName ? `**${escapeMarkdown(displayName)}**` : 'That member'} hasn't started playing yet.`);
}

/** The richest players by gems (SPEC §4 `!ranks`). */
export async function richestPlayers(db: Queryable, limit = 10): Promise<Array<{ id: string; username: string; gems: number }>> {
  const r = await db.query<{ id: string; username: string; gems: number }>('SELECT id, username, gems FROM players ORDER BY gems DESC, id LIMIT $1', [limit]);
  return r.rows;
}

/** Every player's id (owner-wide payouts such as `!apologems`). */
export async function allPlayerIds(db: Queryable): Promise<string[]> {
  const r = await db.query<{ id: string }>('SELECT id FROM players ORDER BY id');
  return r.rows.map((x) => x.id);
}

/**
 * Locks a player's row inside a transaction. Every transaction that changes a
 * player's units or teams takes it first (pulls, scraps, gifts, shop, team
 * and preset writes), so they queue per player and each statement after it
 * sees what the previous one committed.
 */
export async function lockPlayer(tx: Queryable, playerId: string): Promise<void> {
  const r = await tx.query('SELECT 1 FROM players WHERE id = $1 FOR UPDATE', [playerId]);
  if (r.rowCount === 0) throw notPlayingYet();
}
