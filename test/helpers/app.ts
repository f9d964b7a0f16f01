import { createApp, type App } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { AdjustableClock, type Clock } from '../../src/core/clock.js';
import type { Cog } from '../../src/commands/types.js';
import type { PlaygroundMessage } from '../../src/platform/playground/store.js';
import { openTestDb, type Backend, type TestDb } from './db.js';

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

/** The whole bot over HTTP on a random port, on the given database backend. */
export async function startTestBot(
  backend: Backend,
  opts: { env?: Record<string, string>; cogs?: Cog[]; clock?: Clock; tdb?: TestDb } = {},
): Promise<TestBot> {
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

/** All visible text of replies (content, embed titles, descriptions, fields) for assertions. */
export function textOf(replies: PlaygroundMessage[] | PlaygroundMessage): string {
  const list = Array.isArray(replies) ? replies : [replies];
  return list
    .map((m) =>
      [m.content, ...m.embeds.flatMap((e) => [e.title, e.description, ...e.fields.flatMap((f) => [f.name, f.value]), e.footer])]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
}
