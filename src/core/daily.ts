/**
 * Daily check-in and daily tasks (SPEC §9). Days are UTC days of the game
 * clock; everything resets at 00:00 UTC because rows are keyed by that day.
 */

import { nextUtcMidnight, utcDay } from './clock.js';
import type { Db, Queryable } from './db/index.js';
import { changeBalance } from './economy.js';
import { UserError } from './errors.js';
import { DAILY_TASKS, TASK_KEYS, type TaskKey } from './tasks.js';
import { cmd, type Text, text } from './text.js';

export const CHECKIN_GEMS = 1500;

export type CheckInResult =
  | { kind: 'checked-in'; gems: number; streak: number; balance: number; resetsAt: Date }
  | { kind: 'already'; streak: number; resetsAt: Date };

/**
 * Once per UTC day: +1,500 gems; the streak grows when the previous check-in
 * was yesterday, else starts again at 1. The day check and the streak are one
 * conditional UPDATE, paid in the same transaction, so it pays once a day.
 */
export async function checkIn(db: Db, playerId: string, now: Date): Promise<CheckInResult> {
  const today = utcDay(now);
  const resetsAt = nextUtcMidnight(now);
  return db.transaction(async (tx) => {
    const r = await tx.query<{ checkin_streak: number }>(
      `UPDATE players
          SET checkin_streak = CASE WHEN last_checkin = $2::date - 1 THEN checkin_streak + 1 ELSE 1 END,
              last_checkin = $2::date
        WHERE id = $1 AND (last_checkin IS NULL OR last_checkin < $2::date)
        RETURNING checkin_streak`,
      [playerId, today],
    );
    const row = r.rows[0];
    if (!row) {
      const p = await tx.query<{ checkin_streak: number }>('SELECT checkin_streak FROM players WHERE id = $1', [playerId]);
      return { kind: 'already' as const, streak: p.rows[0]?.checkin_streak ?? 0, resetsAt };
    }
    const bal = await changeBalance(tx, playerId, { gems: CHECKIN_GEMS }, 'checkin', today);
    return { kind: 'checked-in' as const, gems: CHECKIN_GEMS, streak: row.checkin_streak, balance: bal.gems, resetsAt };
  });
}

export type TaskState = 'todo' | 'claimable' | 'claimed';

export interface TaskEntry {
  task: TaskKey;
  reward: number;
  state: TaskState;
}

/** Today's tasks with their state: a row exists only after a win of that kind today. */
export async function todaysTasks(db: Queryable, playerId: string, now: Date): Promise<TaskEntry[]> {
  const r = await db.query<{ task: string; claimed: boolean }>(
    'SELECT task, claimed_at IS NOT NULL AS claimed FROM daily_tasks WHERE player_id = $1 AND day = $2::date',
    [playerId, utcDay(now)],
  );
  const rows = new Map(r.rows.map((x) => [x.task, x.claimed]));
  return TASK_KEYS.map((task) => {
    const claimed = rows.get(task);
    return { task, reward: DAILY_TASKS[task], state: claimed === undefined ? 'todo' : claimed ? 'claimed' : 'claimable' };
  });
}

export function isTaskKey(word: string): word is TaskKey {
  return (TASK_KEYS as string[]).includes(word);
}

/**
 * Claims one completed task: the row is marked claimed by a conditional UPDATE
 * and paid in the same transaction, so the reward is paid exactly once.
 */
export async function claimTask(db: Db, playerId: string, task: TaskKey, now: Date): Promise<{ task: TaskKey; reward: number; balance: number }> {
  const day = utcDay(now);
  return db.transaction(async (tx) => {
    const r = await tx.query<{ task: TaskKey }>(
      `UPDATE daily_tasks SET claimed_at = $4
        WHERE player_id = $1 AND day = $2::date AND task = $3 AND claimed_at IS NULL
        RETURNING task`,
      [playerId, day, task, now],
    );
    if (!r.rows[0]) {
      const done = await tx.query('SELECT 1 FROM daily_tasks WHERE player_id = $1 AND day = $2::date AND task = $3', [playerId, day, task]);
      if (done.rowCount > 0) throw new UserError(`You already claimed today's \`${task}\` task. Tasks reset at 00:00 UTC.`);
      throw new UserError(text`The \`${task}\` task isn't done yet — ${taskHint(task)}, then claim it.`);
    }
    const reward = DAILY_TASKS[task];
    const bal = await changeBalance(tx, playerId, { gems: reward }, 'daily_task', `${day}:${task}`);
    return { task, reward, balance: bal.gems };
  });
}

/** Claims every completed, unclaimed task of today in one transaction. */
export async function claimAllTasks(
  db: Db,
  playerId: string,
  now: Date,
): Promise<{ claimed: Array<{ task: TaskKey; reward: number }>; total: number; balance: number | null }> {
  const day = utcDay(now);
  return db.transaction(async (tx) => {
    const r = await tx.query<{ task: TaskKey }>(
      `UPDATE daily_tasks SET claimed_at = $3
        WHERE player_id = $1 AND day = $2::date AND claimed_at IS NULL
        RETURNING task`,
      [playerId, day, now],
    );
    const claimed = r.rows
      .filter((x) => isTaskKey(x.task))
      .map((x) => ({ task: x.task, reward: DAILY_TASKS[x.task] }))
      .sort((a, b) => TASK_KEYS.indexOf(a.task) - TASK_KEYS.indexOf(b.task));
    const total = claimed.reduce((s, c) => s + c.reward, 0);
    if (total === 0) return { claimed, total, balance: null };
    const bal = await changeBalance(tx, playerId, { gems: total }, 'daily_task', `${day}:${claimed.map((c) => c.task).join(',')}`);
    return { claimed, total, balance: bal.gems };
  });
}

/** How to complete a task, for messages. */
export function taskHint(task: TaskKey): Text {
  return task === 'pvp' ? text`win a ${cmd('battle', '@member')}` : text`win a ${cmd('battle', task)}`;
}
