import { utcDay } from './clock.js';
import type { Queryable } from './db/index.js';

/** Daily task keys and rewards (SPEC §9). */
export const DAILY_TASKS = {
  pvp: 500,
  easy: 500,
  normal: 1000,
  hard: 1500,
  expert: 2500,
  nightmare: 3500,
  hell: 5000,
} as const;
export type TaskKey = keyof typeof DAILY_TASKS;
export const TASK_KEYS = Object.keys(DAILY_TASKS) as TaskKey[];

/** Marks a task complete for the UTC day of `now` after a win (idempotent). */
export async function recordTaskWin(db: Queryable, playerId: string, task: TaskKey, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO daily_tasks (player_id, day, task, completed_at) VALUES ($1, $2::date, $3, $4)
     ON CONFLICT (player_id, day, task) DO NOTHING`,
    [playerId, utcDay(now), task, now],
  );
}
