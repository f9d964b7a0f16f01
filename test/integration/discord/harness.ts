import { type App, createApp } from '../../../src/app.js';
import { loadCogs } from '../../../src/commands/loader.js';
import type { Cog } from '../../../src/commands/types.js';
import { testConfig } from '../../../src/config.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/index.js';
import { PostgresDb } from '../../../src/core/db/postgres.js';
import { silentLogger } from '../../../src/log.js';
import { type DiscordTransport, type StartDiscordOptions, startDiscord } from '../../../src/platform/discord/adapter.js';
import { type FakeDiscord, fakeClientOptions, type StoredMessage } from '../../fakes/discord/server.js';

// 1x1 PNGs in two colours, so a replaced attachment is a different file.
export const PNG_A = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
export const PNG_B = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

export const BOT_ID = '1100000000000000001';

/** The real cogs from src/cogs plus the given test cogs. */
export async function cogsWith(...extra: Cog[]): Promise<Cog[]> {
  return [...(await loadCogs(silentLogger)).cogs, ...extra];
}

export interface DiscordBot {
  app: App;
  transport: DiscordTransport;
  clock: AdjustableClock;
  stop(): Promise<void>;
}

/** The real app (createApp) with the Discord transport logged in to the fake. */
export async function startBot(
  fake: FakeDiscord,
  db: Db,
  opts: { cogs?: Cog[]; env?: Record<string, string>; discord?: StartDiscordOptions } = {},
): Promise<DiscordBot> {
  const clock = new AdjustableClock();
  const config = testConfig({ PLAYGROUND: '0', STARDUST_SEED: '7', ...opts.env });
  const app = await createApp({ config, db, clock, cogs: opts.cogs, skipCatalog: true });
  const { clientOptions, ...rest } = opts.discord ?? {};
  const transport = await startDiscord(app, {
    token: 'fake-token',
    readyTimeoutMs: 10_000,
    ...rest,
    clientOptions: { ...fakeClientOptions(fake.url), ...clientOptions },
  });
  app.transports.push(transport);
  return {
    app,
    transport,
    clock,
    async stop() {
      await app.stop();
    },
  };
}

/** The bot's reply (or replies) to one user message. */
export function repliesTo(fake: FakeDiscord, channelId: string, messageId: string): StoredMessage[] {
  return fake.sentMessages(channelId).filter((m) => m.data.message_reference?.message_id === messageId);
}

/** Posts as a user and waits for the bot's first reply to that message. */
export async function ask(fake: FakeDiscord, input: { channelId: string; authorId: string; content: string }, timeoutMs = 5000): Promise<StoredMessage> {
  const msg = fake.sendMessage(input);
  return fake.waitFor(() => repliesTo(fake, input.channelId, msg.id)[0], timeoutMs, `reply to ${input.content.slice(0, 40)}`);
}

/** All text of a stored bot message: content, embed titles, descriptions, fields, footers. */
export function textOfMessage(m: { data: { content: string; embeds: unknown[] } } | { content?: string; embeds?: unknown[] }): string {
  const data = 'data' in m ? m.data : m;
  const embeds = (data.embeds ?? []) as Array<{
    title?: string;
    description?: string;
    fields?: Array<{ name: string; value: string }>;
    footer?: { text: string };
  }>;
  return [data.content, ...embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])]
    .filter(Boolean)
    .join('\n');
}

/** A second connection pool to the same database (what a second shard process has). */
export async function secondHandle(db: Db): Promise<{ db: Db; close(): Promise<void> }> {
  if (db.kind === 'pglite') return { db, close: async () => {} };
  const name = (await db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.pathname = `/${name}`;
  const other = new PostgresDb({ url: u.toString(), poolSize: 10, statementTimeoutMs: 30_000, idleTimeoutMs: 5_000 });
  return { db: other, close: () => other.close() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
