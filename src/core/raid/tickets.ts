import { nextUtcMidnight, utcDay } from '../clock.js';
import type { Queryable } from '../db/index.js';

/** Tickets that reset at 00:00 UTC by the game clock (raid and casino tickets: 3 a day). */
export type TicketKind = 'raid' | 'casino';
export const TICKETS_PER_DAY: Readonly<Record<TicketKind, number>> = { raid: 3, casino: 3 };

/**
 * Spends one ticket of the day. The limit is in the statement, so many
 * concurrent commands from one player can't spend more than the day's
 * tickets. Returns the tickets left, or null when none were left.
 */
export async function spendTicket(db: Queryable, playerId: string, kind: TicketKind, now: Date): Promise<number | null> {
  const perDay = TICKETS_PER_DAY[kind];
  const r = await db.query<{ used: number }>(
    `INSERT INTO daily_tickets AS t (player_id, kind, day, used) VALUES ($1, $2, $3::date, 1)
     ON CONFLICT (player_id, kind, day) DO UPDATE SET used = t.used + 1 WHERE t.used < $4
     RETURNING used`,
    [playerId, kind, utcDay(now), perDay],
  );
  const row = r.rows[0];
  return row ? perDay - row.used : null;
}

export async function ticketsLeft(db: Queryable, playerId: string, kind: TicketKind, now: Date): Promise<number> {
  const r = await db.query<{ used: number }>('SELECT used FROM daily_tickets WHERE player_id = $1 AND kind = $2 AND day = $3::date', [
    playerId,
    kind,
    utcDay(now),
  ]);
  return Math.max(0, TICKETS_PER_DAY[kind] - (r.rows[0]?.used ?? 0));
}

/** When tickets come back. */
export function ticketsResetAt(now: Date): Date {
  return nextUtcMidnight(now);
}
