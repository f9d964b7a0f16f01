import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../src/core/db/postgres.js';
import { textOf } from '../helpers/app.js';
import { type ChildBot, checkAcked, checkInvariants, describeReport, httpBot, isApology, playerIds, runWorkload, spawnBot } from '../helpers/workload.js';

/**
 * kill -9 in the middle of a concurrent workload: the real bot (src/main.ts)
 * on a throwaway Postgres database is SIGKILLed, started again on the same
 * database, and must have lost nothing it acknowledged, paid nothing twice,
 * and kept Σ ledger = balance.
 */
const BASE = process.env.TEST_DATABASE_URL;
const OWNER = '69999996';
const SEED = Number(process.env.WORKLOAD_SEED ?? 99_001);
const KILL_AFTER = Number(process.env.KILL9_AFTER ?? 1_000);

describe.skipIf(!BASE)('kill -9 mid-workload', () => {
  const name = `stardust_k9_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-k9-'));
  let url = '';
  let child: ChildBot | undefined;
  let db: PostgresDb | undefined;

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: BASE });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  afterAll(async () => {
    if (child) {
      child.kill('SIGKILL');
      await child.exited;
    }
    await db?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing it acknowledged and pays nothing twice after a restart', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(BASE!);
    u.pathname = `/${name}`;
    url = u.toString();
    const env = { DATABASE_URL: url, OWNER_IDS: OWNER, STARDUST_DATA_DIR: dataDir, DATABASE_POOL_SIZE: '10' };

    child = await spawnBot(env);
    const bot = httpBot(child.baseUrl, { timeoutMs: 30_000 });
    let killedAt = Infinity;
    let reached!: () => void;
    const midway = new Promise<void>((r) => (reached = r));
    const work = runWorkload(bot, {
      players: 30,
      commands: 100_000,
      concurrency: 30,
      seed: SEED,
      ownerId: OWNER,
      clockEvery: 0, // the playground clock lives in the process; a restart starts it again
      shouldStop: () => Date.now() >= killedAt,
      onProgress: (sent) => void (sent >= KILL_AFTER && reached()),
    });
    // Kill it well into the workload, with commands in flight.
    await Promise.race([midway, new Promise((r) => setTimeout(r, 120_000))]);
    child.kill('SIGKILL');
    killedAt = Date.now();
    expect(await child.exited).toBe('SIGKILL');
    const report = await work;
    console.log(`before the kill: ${describeReport(report)}\nacknowledged: ${report.acked.length}`);
    expect(report.acked.length).toBeGreaterThan(50);
    // Everything answered before the kill was a real answer.
    expect(report.apologies.map((a) => `${a.input}: ${a.text}`)).toEqual([]);

    // Same database, new process.
    child = await spawnBot(env);
    db = new PostgresDb({ url, poolSize: 2, statementTimeoutMs: 30_000, idleTimeoutMs: 1_000 });
    expect(await checkAcked(db, report.acked)).toEqual([]);
    const inv = await checkInvariants(db);
    console.log(JSON.stringify(inv.counts));
    expect(inv.violations, inv.violations.join('\n')).toEqual([]);

    // After the restart: the once-only things stay once (starter, check-in today, claims), even sent again at once.
    const again = httpBot(child.baseUrl, { timeoutMs: 30_000 });
    const ids = playerIds(30);
    const replies = await Promise.all(
      ids.flatMap((id) => [again.say(id, '!starter'), again.say(id, '!starter'), again.say(id, '!checkin'), again.say(id, '!claimall')]),
    );
    expect(replies.filter((r) => r.some(isApology)).map(textOf)).toEqual([]);
    const more = await runWorkload(again, { players: 30, commands: 600, concurrency: 20, seed: SEED + 1, ownerId: OWNER, clockEvery: 0 });
    console.log(`after the restart: ${describeReport(more)}`);
    expect(more.apologies.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    const after = await checkInvariants(db);
    expect(after.violations, after.violations.join('\n')).toEqual([]);
    expect(after.counts.starters).toBeLessThanOrEqual(30);
  }, 600_000);
});
