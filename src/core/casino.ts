/**
 * The casino event "Jackpot Slime" (SPEC §12). Scores belong to an event
 * round; at most one round is open (a partial unique index). `!end_event`
 * closes the open round with a conditional update, and only the caller whose
 * update closed it pays the rewards, in the same transaction — so rewards are
 * paid once even when the command is sent twice at once. The next `!fight`
 * opens a new round, so scores start again from zero.
 */

import { ensureTheDealer } from './catalog/repo.js';
import { THE_DEALER_ID } from './catalog/types.js';
import { formatDuration } from './clock.js';
import type { Db, Queryable } from './db/index.js';
import { payMany } from './economy.js';
import { UserError } from './errors.js';
import { spendTicket, TICKETS_PER_DAY, ticketsResetAt } from './raid/tickets.js';
import { requireBattleTeam, totalPower } from './teams.js';

export const EVENT_NAME = 'Jackpot Slime';
/** Everyone but rank 1 gets this share of their score as gems. */
export const SCORE_TO_GEMS = 0.01;
/** An SSR copy pulled at dupe 10 is scrapped for this (SPEC §2); The Dealer at dupe 10 pays the same. */
export const DEALER_MAXED_PAYOUT = { gems: 10_000, coins: 500 } as const;

export interface EventRound {
  id: number;
  name: string;
  startedAt: Date;
}

/** The open round, opening one if none is (concurrent openers agree on one). */
export async function openRound(db: Queryable, now: Date): Promise<EventRound> {
  // An `!end_event` may close the round between the two statements: then open the next one.
  for (let attempt = 0; attempt < 3; attempt++) {
    await db.query(
      `INSERT INTO event_rounds (name, started_at) SELECT $1, $2
        WHERE NOT EXISTS (SELECT 1 FROM event_rounds WHERE ended_at IS NULL)
       ON CONFLICT DO NOTHING`,
      [EVENT_NAME, now],
    );
    // FOR SHARE: inside a fight's transaction, `!end_event`'s closing update waits for the fight to
    // commit, so no score is added to a round that was already paid out.
    const r = await db.query<{ id: number; name: string; started_at: Date }>('SELECT id, name, started_at FROM event_rounds WHERE ended_at IS NULL FOR SHARE');
    const row = r.rows[0];
    if (row) return { id: Number(row.id), name: row.name, startedAt: new Date(row.started_at) };
  }
  throw new Error('no open event round after opening one');
}

export interface CasinoStanding {
  round: EventRound;
  score: number;
  fights: number;
  rank: number | null;
  players: number;
}

export async function casinoStanding(db: Queryable, playerId: string, now: Date): Promise<CasinoStanding> {
  const round = await openRound(db, now);
  const r = await db.query<{ score: number | null; fights: number | null; rank: number | null; players: number }>(
    `SELECT s.score, s.fights,
            (SELECT count(*)::int + 1 FROM event_scores o WHERE o.round_id = $1 AND o.score > s.score) AS rank,
            (SELECT count(*)::int FROM event_scores WHERE round_id = $1 AND score > 0) AS players
       FROM (SELECT 1) one LEFT JOIN event_scores s ON s.round_id = $1 AND s.player_id = $2`,
    [round.id, playerId],
  );
  const row = r.rows[0]!;
  return { round, score: Number(row.score ?? 0), fights: row.fights ?? 0, rank: row.score ? row.rank : null, players: row.players };
}

export interface FightResult {
  damage: number;
  score: number;
  ticketsLeft: number;
  teamSize: number;
}

/** `!fight`: 1 casino ticket; damage = total effective power of the battle team, added to the score. */
export async function casinoFight(db: Db, playerId: string, now: Date): Promise<FightResult> {
  return db.transaction(async (tx) => {
    const team = await requireBattleTeam(tx, playerId);
    const left = await spendTicket(tx, playerId, 'casino', now);
    if (left === null) {
      throw new UserError(
        `You have no casino tickets left today (${TICKETS_PER_DAY.casino} a day). They come back in ${formatDuration(ticketsResetAt(now).getTime() - now.getTime())} (00:00 UTC).`,
      );
    }
    const round = await openRound(tx, now);
    const damage = totalPower(team);
    const r = await tx.query<{ score: number }>(
      `INSERT INTO event_scores AS s (round_id, player_id, score, fights, updated_at) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (round_id, player_id) DO UPDATE SET score = s.score + EXCLUDED.score, fights = s.fights + 1, updated_at = EXCLUDED.updated_at
       RETURNING score`,
      [round.id, playerId, damage, now],
    );
    return { damage, score: Number(r.rows[0]!.score), ticketsLeft: left, teamSize: team.length };
  });
}

export interface ScoreEntry {
  playerId: string;
  username: string;
  score: number;
  fights: number;
}

/** Rank order: higher score first; ties go to whoever reached it first. */
const BOARD_ORDER = 's.score DESC, s.updated_at, s.player_id';

export async function eventBoard(db: Queryable, now: Date, limit = 10): Promise<{ round: EventRound; entries: ScoreEntry[] }> {
  const round = await openRound(db, now);
  const r = await db.query<{ player_id: string; username: string; score: number; fights: number }>(
    `SELECT s.player_id, p.username, s.score, s.fights FROM event_scores s JOIN players p ON p.id = s.player_id
      WHERE s.round_id = $1 AND s.score > 0 ORDER BY ${BOARD_ORDER} LIMIT $2`,
    [round.id, limit],
  );
  return { round, entries: r.rows.map((x) => ({ playerId: x.player_id, username: x.username || x.player_id, score: Number(x.score), fights: x.fights })) };
}

export interface EndEventResult {
  roundId: number;
  winner: (ScoreEntry & { dealer: 'new' | 'dupe' | 'maxed'; dupeLevel: number }) | null;
  /** Everyone else with a score: 1% of it as gems. */
  paid: Array<ScoreEntry & { gems: number }>;
  totalGems: number;
}

/**
 * `!end_event`: closes the open round and pays it, once. Returns null when
 * there was no open round (never started, or another `!end_event` just closed it).
 */
export async function endEvent(db: Db, endedBy: string, now: Date): Promise<EndEventResult | null> {
  return db.transaction(async (tx) => {
    const closed = await tx.query<{ id: number }>('UPDATE event_rounds SET ended_at = $1, ended_by = $2 WHERE ended_at IS NULL RETURNING id', [now, endedBy]);
    const roundId = closed.rows[0]?.id;
    if (roundId === undefined) return null;
    const r = await tx.query<{ player_id: string; username: string; score: number; fights: number }>(
      `SELECT s.player_id, p.username, s.score, s.fights FROM event_scores s JOIN players p ON p.id = s.player_id
        WHERE s.round_id = $1 AND s.score > 0 ORDER BY ${BOARD_ORDER}`,
      [roundId],
    );
    const entries = r.rows.map((x) => ({ playerId: x.player_id, username: x.username || x.player_id, score: Number(x.score), fights: x.fights }));
    const [first, ...rest] = entries;
    let winner: EndEventResult['winner'] = null;
    if (first) {
      await ensureTheDealer(tx);
      // A new unit, or +1 dupe; at dupe 10 the copy is scrapped like any SSR (SPEC §2).
      const u = await tx.query<{ dupe_level: number; inserted: boolean }>(
        `INSERT INTO units AS u (player_id, character_id, obtained_at) VALUES ($1, $2, $3)
         ON CONFLICT (player_id, character_id) DO UPDATE SET dupe_level = u.dupe_level + 1 WHERE u.dupe_level < 10
         RETURNING dupe_level, (xmax = 0) AS inserted`,
        [first.playerId, THE_DEALER_ID, now],
      );
      const row = u.rows[0];
      if (!row) {
        await payMany(tx, [{ playerId: first.playerId, ...DEALER_MAXED_PAYOUT }], 'event_reward', `event:${roundId}`);
        winner = { ...first, dealer: 'maxed', dupeLevel: 10 };
      } else {
        winner = { ...first, dealer: row.inserted ? 'new' : 'dupe', dupeLevel: row.dupe_level };
      }
      await tx.query('UPDATE event_rounds SET winner_id = $2 WHERE id = $1', [roundId, first.playerId]);
    }
    const paid = rest.map((e) => ({ ...e, gems: Math.floor(e.score * SCORE_TO_GEMS) }));
    await payMany(
      tx,
      paid.map((p) => ({ playerId: p.playerId, gems: p.gems })),
      'event_reward',
      `event:${roundId}`,
    );
    return { roundId: Number(roundId), winner, paid, totalGems: paid.reduce((s, p) => s + p.gems, 0) };
  });
}
