import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dispatcher } from './commands/dispatcher.js';
import { loadCogs } from './commands/loader.js';
import { CommandRegistry } from './commands/registry.js';
import type { Reply } from './commands/reply.js';
import type { Cog, Services } from './commands/types.js';
import type { Config } from './config.js';
import { AniListClient } from './core/anilist/index.js';
import { bootCatalog } from './core/catalog/boot.js';
import { AdjustableClock, type Clock } from './core/clock.js';
import { type Db, openDb } from './core/db/index.js';
import { migrate } from './core/db/migrate.js';
import { BootError } from './core/errors.js';
import { GuildPrefixCache } from './core/guilds.js';
import { ArtCache, createPictures } from './core/images/index.js';
import { Rng } from './core/rng.js';
import { listUnits } from './core/units.js';
import { createLogger, type Logger } from './log.js';
import { createHttpApp, type HealthReport } from './platform/http.js';
import { PlaygroundTransport } from './platform/playground/transport.js';

export interface AppOptions {
  config: Config;
  /** An already-open database (tests); otherwise opened from config. */
  db?: Db;
  clock?: Clock;
  log?: Logger;
  /** Cogs to use instead of loading the cogs folder (tests). */
  cogs?: Cog[];
  /** Skip first-boot work that needs time (catalog generation) — tests seed their own. */
  skipCatalog?: boolean;
}

/** A transport that can post outside a command's reply (announcements, expired views). */
export interface Transport {
  name: string;
  owns(channelId: string): boolean;
  send(channelId: string, reply: Reply): Promise<void>;
  edit(channelId: string, messageId: string, reply: Reply): Promise<void>;
  status(): Record<string, unknown>;
  healthy(): boolean;
  stop(): Promise<void>;
}

export interface App {
  config: Config;
  services: Services;
  dispatcher: Dispatcher;
  registry: CommandRegistry;
  playground?: PlaygroundTransport;
  clock: Clock;
  transports: Transport[];
  /** Starts the HTTP server; resolves to the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

/**
 * Builds the bot: database and migrations, services, cogs, dispatcher,
 * playground and HTTP. Transports (Discord) are added by main.ts.
 */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const startedAt = Date.now();
  let state: HealthReport['status'] = 'starting';

  const db =
    opts.db ??
    (await openDb({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
    }));
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, `applied ${applied.length} migration(s)`);
  // One AniList client for the process: the boot sync, owners' syncs and lookups share its request budget.
  const anilist = new AniListClient({ url: config.anilistUrl, requestsPerMinute: config.anilistRequestsPerMinute });
  const stopCatalogSync = opts.skipCatalog ? async () => {} : await bootCatalog(db, { anilist, offline: config.offline, log });

  // The playground's clock can be moved forward; Discord runs on real time, so a bot
  // with a Discord token never gets a movable clock, playground or not.
  const clock = opts.clock ?? (config.playground && !config.discordToken ? new AdjustableClock() : { now: () => new Date() });
  const seedSource = config.seed !== undefined ? new Rng(config.seed) : null;
  const transports: Transport[] = [];

  const artOptions = { dataDir: config.dataDir, fetchTimeoutMs: config.artFetchTimeoutMs };
  const art = new ArtCache(artOptions);
  const services: Services = {
    config,
    db,
    clock,
    log,
    prefixes: new GuildPrefixCache(db),
    art,
    pictures: createPictures({ workers: config.pictureWorkers, idleMs: config.pictureWorkerIdleMs, art, artOptions, log }),
    anilist,
    rng: () => new Rng(seedSource ? seedSource.nextUint32() : Rng.randomSeed()),
    canPost: (channelId) => transports.some((t) => t.owns(channelId)),
    announce: async (channelId, reply) => {
      const t = transports.find((x) => x.owns(channelId));
      if (t) await t.send(channelId, reply);
      else log.warn({ channelId }, 'announcement for a channel no transport knows');
    },
    hooks: { afterCommand: [], shutdown: [] },
  };

  const registry = new CommandRegistry();
  const cogs = opts.cogs ?? (await loadCogs(log)).cogs;
  for (const cog of cogs) {
    try {
      registry.add(cog);
      await cog.setup?.(services);
    } catch (err) {
      if (err instanceof BootError) throw err;
      log.error({ err, cog: cog.name }, `cog ${cog.name} failed to set up`);
    }
  }

  const dispatcher = new Dispatcher(services, registry, (channelId, messageId, reply) => {
    const t = transports.find((x) => x.owns(channelId));
    void t?.edit(channelId, messageId, reply).catch((err: unknown) => log.warn({ err }, 'could not disable an expired view'));
  });

  let playground: PlaygroundTransport | undefined;
  if (config.playground) {
    const pg = new PlaygroundTransport(dispatcher);
    playground = pg;
    transports.push({
      name: 'playground',
      owns: (c) => pg.owns(c),
      send: async (c, r) => void pg.send(c, r),
      edit: async (_c, m, r) => void pg.edit(m, r),
      status: () => ({ enabled: true }),
      healthy: () => true,
      stop: () => pg.store.close(),
    });
  }

  const health = async (): Promise<HealthReport> => {
    // A hosting platform's health check gives up after a few seconds; so does ours on a database that doesn't answer.
    const dbOk = await Promise.race([db.ping(), new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref())]);
    const transport: Record<string, unknown> = {};
    for (const t of transports) transport[t.name] = t.status();
    const allUp = transports.every((t) => t.healthy());
    const status: HealthReport['status'] = state !== 'ok' ? state : dbOk && allUp ? 'ok' : 'degraded';
    return { status, database: dbOk ? 'ok' : 'down', transport, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  };

  const http = createHttpApp({
    log,
    health,
    playground: playground
      ? {
          transport: playground,
          // Only the playground alone may move the game clock (POST /api/clock answers 403 beside Discord).
          clock: clock instanceof AdjustableClock && !config.discordToken ? clock : { now: () => clock.now() },
          token: config.playgroundToken,
          db,
          prefixOf: async (guildId) => (guildId ? await services.prefixes.load(guildId) : null) ?? config.prefix,
          playerUnits: async (playerId) =>
            (await listUnits(db, playerId)).map((u) => ({
              id: u.id,
              characterId: u.characterId,
              name: u.name,
              rarity: u.rarity,
              dupe: u.dupeLevel,
              bond: u.bondLevel,
              locked: u.locked,
              power: u.power,
            })),
        }
      : undefined,
  });
  let server: Server | undefined;

  state = 'ok';
  const app: App = {
    config,
    services,
    dispatcher,
    registry,
    playground,
    clock,
    transports,
    health,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        server = http.listen(port, host, () => resolve((server!.address() as AddressInfo).port));
        server.once('error', reject);
      }),
    stop: async () => {
      state = 'stopping';
      await dispatcher.drain();
      dispatcher.shutdown();
      for (const stop of services.hooks.shutdown) await Promise.resolve(stop()).catch((err: unknown) => log.warn({ err }, 'a shutdown hook failed'));
      await stopCatalogSync();
      for (const t of transports) await t.stop().catch(() => {});
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections?.();
      await services.pictures.close();
      if (!opts.db) await db.close();
    },
  };
  return app;
}
