import { nextUtcMidnight, utcDay } from '../clock.js';
import type { Queryable } from '../db/index.js';

/**
 * Tickets that reset at 00:00 UTC by the game clock: raid tickets (3 a day in
 * each server — a player's tickets in one server don't touch another's) and
 * casino tickets (3 a day per player, wherever they play).
 */
export type TicketKind = 'raid' | 'casino';
export const TICKETS_PER_DAY: Readonly<Record<TicketKind, number>> = { raid: 3, casino: 3 };

/** The `daily_tickets.scope` a ticket is counted in: the server for raid tickets, '' (everywhere) for casino ones. */
function scopeOf(kind: TicketKind, guildId: string | undefined): string {
  if (kind === 'casino') return '';
  if (!guildId) throw new Error('raid tickets are counted per server: a guild id is needed');
  return guildId;
}

/**
 * Spends one ticket of the day. The limit is in the statement (one row per
 * player, kind, server and day; the conflict update only passes below the
 * limit), so concurrent commands can't spend more than the day's tickets.
 * Returns the tickets left, or null when none were left.
 */
export async function spendTicket(db: Queryable, playerId: string, kind: 'casino', now: Date): Promise<number | null>;
export async function spendTicket(db: Queryable, playerId: string, kind: 'raid', now: Date, guildId: string): Promise<number | null>;
export async function spendTicket(db: Queryable, playerId: string, kind: TicketKind, now: Date, guildId?: string): Promise<number | null> {
  const perDay = TICKETS_PER_DAY[kind];
  const r = await db.query<{ used: number }>(
    `INSERT INTO daily_tickets AS t (player_id, kind, scope, day, used) VALUES ($1, $2, $3, $4::date, 1)
     ON CONFLICT (player_id, kind, scope, day) DO UPDATE SET used = t.used + 1 WHERE t.used < $5
     RETURNING used`,
    [playerId, kind, scopeOf(kind, guildId), utcDay(now), perDay],
  );
  const row = r.rows[0];
  return row ? perDay - row.used : null;
}

/** Tickets left today: casino tickets of the player, raid tickets of the player in one server. */
export async function ticketsLeft(db: Queryable, playerId: string, kind: 'casino', now: Date): Promise<number>;
export async function ticketsLeft(db: Queryable, playerId: string, kind: 'raid', now: Date, guildId: string): Promise<number>;
export async function ticketsLeft(db: Queryable, playerId: string, kind: TicketKind, now: Date, guildId?: string): Promise<number> {
  const r = await db.query<{ used: number }>('SELECT used FROM daily_tickets WHERE player_id = $1 AND kind = $2 AND scope = $3 AND day = $4::date', [
    playerId,
    kind,
    scopeOf(kind, guildId),
    utcDay(now),
  ]);
  return Math.max(0, TICKETS_PER_DAY[kind] - (r.rows[0]?.used ?? 0));
}

/** When tickets come back. */
export function ticketsResetAt(now: Date): Date {
  return nextUtcMidnight(now);
}
