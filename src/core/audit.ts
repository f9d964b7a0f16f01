import type { Queryable } from './db/index.js';

/** Writes one owner action to the audit table (SPEC §15): who, what, when. */
export async function recordAdminAction(db: Queryable, actorId: string, action: string, details: Record<string, unknown>, at: Date): Promise<void> {
  await db.query('INSERT INTO admin_audit (actor_id, action, details, created_at) VALUES ($1, $2, $3::jsonb, $4)', [
    actorId,
    action,
    JSON.stringify(details),
    at,
  ]);
}

export interface AdminAction {
  id: number;
  actorId: string;
  action: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** `!audit`: newest first, `perPage` a page. */
export async function listAdminActions(db: Queryable, page: number, perPage = 10): Promise<{ actions: AdminAction[]; total: number }> {
  const r = await db.query<{ id: number; actor_id: string; action: string; details: Record<string, unknown>; created_at: Date; total: number }>(
    `SELECT id, actor_id, action, details, created_at, count(*) OVER ()::int AS total FROM admin_audit ORDER BY id DESC LIMIT $1 OFFSET $2`,
    [perPage, (page - 1) * perPage],
  );
  return {
    total: r.rows[0]?.total ?? (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_audit')).rows[0]?.n ?? 0,
    actions: r.rows.map((x) => ({ id: Number(x.id), actorId: x.actor_id, action: x.action, details: x.details, createdAt: new Date(x.created_at) })),
  };
}

/**
 * A lease on an owner background job (e.g. the catalog sync), shared by all
 * processes through the database: taken when free or expired, renewed while
 * the job makes progress, released when it ends. Returns false when held.
 */
export async function acquireJobLease(db: Queryable, name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO job_leases AS l (name, holder, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at WHERE l.expires_at <= $4
     RETURNING 1`,
    [name, holder, new Date(now.getTime() + ttlMs), now],
  );
  return r.rowCount === 1;
}

export async function renewJobLease(db: Queryable, name: string, holder: string, now: Date, ttlMs: number): Promise<void> {
  await db.query('UPDATE job_leases SET expires_at = $3 WHERE name = $1 AND holder = $2', [name, holder, new Date(now.getTime() + ttlMs)]);
}

export async function releaseJobLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query('DELETE FROM job_leases WHERE name = $1 AND holder = $2', [name, holder]);
}
