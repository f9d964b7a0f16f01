/**
 * The real bot for the benches that measure what a player or an operator
 * gets: built and started as `npm start` does (test/helpers/workload.ts
 * spawnBot), on a throwaway database of either kind: a temporary folder for
 * PGlite, a new database on BENCH_DATABASE_URL / TEST_DATABASE_URL for
 * Postgres. Its first boot seeds the 10,000-character offline catalog.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { httpBot, spawnBot, type BotClient, type ChildBot } from '../test/helpers/workload.js';

export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Allowed to run owner commands (`!give`) on the bench's bot. */
export const OWNER = '900000000';

export type DbKind = 'pglite' | 'postgres';

export interface BenchBot {
  bot: BotClient;
  child: ChildBot;
  /** Stops the bot (SIGTERM, waits) and starts it again on the same database. */
  restart(): Promise<void>;
  /** Kills the bot and deletes its database. */
  dispose(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function startBenchBot(kind: DbKind, extraEnv: Record<string, string> = {}): Promise<BenchBot> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-bench-'));
  const dbName = `stardust_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const env: Record<string, string> = { STARDUST_DATA_DIR: dataDir, OWNER_IDS: OWNER, LOG_LEVEL: 'warn', ...extraEnv };
  if (kind === 'postgres') {
    await admin(`CREATE DATABASE ${dbName}`);
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  const cleanup = async (child?: ChildBot) => {
    if (child) {
      child.kill('SIGKILL'); // harmless if it has exited
      await child.exited;
    }
    if (kind === 'postgres') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  let child: ChildBot;
  try {
    child = await spawnBot(env, { readyTimeoutMs: 300_000 });
  } catch (err) {
    await cleanup();
    throw err;
  }
  const self: BenchBot = {
    bot: httpBot(child.baseUrl),
    child,
    async restart() {
      self.child.kill('SIGTERM');
      await self.child.exited;
      self.child = await spawnBot(env, { readyTimeoutMs: 300_000 });
      self.bot = httpBot(self.child.baseUrl);
    },
    dispose: () => cleanup(self.child),
  };
  return self;
}
