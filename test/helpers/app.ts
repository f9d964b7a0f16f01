import { afterAll, beforeAll } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import type { Cog } from '../../src/commands/types.js';
import { testConfig } from '../../src/config.js';
import { AdjustableClock, type Clock } from '../../src/core/clock.js';
import type { Db } from '../../src/core/db/index.js';
import type { PlaygroundMessage } from '../../src/platform/playground/store.js';
import { type Backend, openTestDb, type TestDb } from './db.js';

export interface TestBot {
  app: App;
  tdb: TestDb;
  baseUrl: string;
  clock: AdjustableClock;
  /** POST /api/messages as a player; returns the replies. */
  say(userId: string, content: string, opts?: { channelId?: string; guildId?: string | null; username?: string }): Promise<PlaygroundMessage[]>;
  click(userId: string, messageId: string, customId: string, values?: string[]): Promise<{ replies: PlaygroundMessage[]; edits: PlaygroundMessage[] }>;
  post(path: string, body: unknown): Promise<{ status: number; json: any }>;
  get(path: string): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export interface StartTestBotOptions {
  env?: Record<string, string>;
  cogs?: Cog[];
  clock?: Clock;
  /** A database to run on (left open by close()); a fresh one (closed by close()) when absent. */
  tdb?: TestDb;
}

/** The whole bot over HTTP on a random port, on the given database backend. */
export async function startTestBot(backend: Backend, opts: StartTestBotOptions = {}): Promise<TestBot> {
  const tdb = opts.tdb ?? (await openTestDb(backend));
  const clock = (opts.clock as AdjustableClock | undefined) ?? new AdjustableClock();
  const config = testConfig({ STARDUST_SEED: '12345', ...opts.env });
  const app = await createApp({ config, db: tdb.db, clock, cogs: opts.cogs, skipCatalog: true });
  const port = await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  const get = async (path: string) => {
    const res = await fetch(baseUrl + path);
    return { status: res.status, json: await res.json() };
  };
  return {
    app,
    tdb,
    baseUrl,
    clock,
    post,
    get,
    async say(userId, content, o = {}) {
      const r = await post('/api/messages', {
        userId,
        username: o.username ?? userId,
        channelId: o.channelId ?? 'test',
        guildId: o.guildId === undefined ? 'guild-1' : o.guildId,
        content,
      });
      if (r.status !== 200) throw new Error(`POST /api/messages ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json.replies as PlaygroundMessage[];
    },
    async click(userId, messageId, customId, values) {
      const r = await post('/api/interactions', { userId, messageId, customId, values });
      if (r.status !== 200) throw new Error(`POST /api/interactions ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json;
    },
    async close() {
      await app.stop();
      if (!opts.tdb) await tdb.close();
    },
  };
}

export interface UseTestBotOptions extends Omit<StartTestBotOptions, 'tdb'> {
  /** openTestDb's options (poolSize, migrations). */
  db?: Parameters<typeof openTestDb>[1];
  /** Runs on the new database before the bot starts (a catalog, fixtures). */
  seed?: (db: Db) => Promise<unknown>;
  /** The beforeAll hook's timeout in ms (the config's hookTimeout when absent). */
  timeout?: number;
}

export interface UsedTestBot {
  readonly bot: TestBot;
  readonly tdb: TestDb;
  /** Short for tdb.db. */
  readonly db: Db;
}

/**
 * Registers the suite's beforeAll/afterAll: opens a test database (`db`
 * options), runs `seed` on it, starts the bot on it (cogs, env, clock), and
 * afterwards closes the bot, then the database (whatever part of the setup
 * got that far). Read `bot`, `tdb` and `db` from the result inside hooks
 * and tests, once the beforeAll has run.
 */
export function useTestBot(backend: Backend, opts: UseTestBotOptions = {}): UsedTestBot {
  const { db: dbOpts, seed, timeout, ...botOpts } = opts;
  let bot: TestBot | undefined;
  let tdb: TestDb | undefined;
  beforeAll(async () => {
    tdb = await openTestDb(backend, dbOpts);
    if (seed) await seed(tdb.db);
    bot = await startTestBot(backend, { ...botOpts, tdb });
  }, timeout);
  afterAll(async () => {
    try {
      await bot?.close();
    } finally {
      await tdb?.close();
    }
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`useTestBot: ${what} is not there (read it in a hook or test, after a successful beforeAll)`);
    return v;
  };
  return {
    get bot() {
      return ready(bot, 'the bot');
    },
    get tdb() {
      return ready(tdb, 'the test database');
    },
    get db() {
      return ready(tdb, 'the test database').db;
    },
  };
}

/** All visible text of replies (content, embed titles, descriptions, fields) for assertions. */
export function textOf(replies: PlaygroundMessage[] | PlaygroundMessage): string {
  const list = Array.isArray(replies) ? replies : [replies];
  return list
    .map((m) =>
      [m.content, ...m.embeds.flatMap((e) => [e.title, e.description, ...e.fields.flatMap((f) => [f.name, f.value]), e.footer])].filter(Boolean).join('\n'),
    )
    .join('\n');
}
