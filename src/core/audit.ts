import type { Queryable } from './db/index.js';

/** Writes one owner action to the audit table (SPEC §15): who, what, when. */
export async function recordAdminAction(db: Queryable, actorId: string, action: string, details: Record<string, unknown>, at: Date): Promise<void> {
  await db.query('INSERT INTO admin_audit (actor_id, action, details, created_at) VALUES ($1, $2, $3::jsonb, $4)', [actorId, action, JSON.stringify(details), at]);
}
