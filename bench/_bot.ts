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
import { createThrowawayPostgres, type ThrowawayPostgres } from '../test/helpers/db.js';
import { type BotClient, type ChildBot, httpBot, spawnBot } from '../test/helpers/workload.js';

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

export async function startBenchBot(kind: DbKind, extraEnv: Record<string, string> = {}): Promise<BenchBot> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-bench-'));
  const env: Record<string, string> = { STARDUST_DATA_DIR: dataDir, OWNER_IDS: OWNER, LOG_LEVEL: 'warn', ...extraEnv };
  // BENCH_BOT_NODE_OPTIONS reaches the bot only (`--import ./bench/cpu-profile.mjs` profiles it under load).
  if (process.env.BENCH_BOT_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_BOT_NODE_OPTIONS;
  // The bot migrates its database itself, as on a real first boot.
  let pgDb: ThrowawayPostgres | undefined;
  if (kind === 'postgres') {
    pgDb = await createThrowawayPostgres({ prefix: 'stardust_bench', migrate: false, poolSize: 1 });
    env.DATABASE_URL = pgDb.url;
  }
  const cleanup = async (child?: ChildBot) => {
    if (child) {
      // SIGTERM first, so the bot shuts down as it would in production (and writes its CPU profile).
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await child.exited;
      clearTimeout(killer);
    }
    await pgDb?.drop().catch(() => {});
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
