import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every setting the bot reads, validated once at boot. `.env.example` documents
 * each one; a bad value stops the process with one line naming it.
 */
const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const int = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const snowflakeList = (pattern: RegExp, message: string) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : (v ?? []),
    z.array(z.string().regex(pattern, message)),
  );

/**
 * Shard ids for SHARD_IDS: "0-3", "4,5,6,7" or a mix ("0-1,4"). Returns the ids in the
 * order given, or a message saying what is wrong with the first bad part.
 */
export function parseShardIds(raw: string): number[] | string {
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const part of raw.split(',').map((s) => s.trim())) {
    if (!part) continue;
    const m = /^(\d{1,4})(?:\s*-\s*(\d{1,4}))?$/.exec(part);
    if (!m) return `"${part.slice(0, 20)}" is not a shard id or a range — write ids like 0-3 or 4,5,6,7`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return `the range ${part} runs backwards — write it as ${to}-${from}`;
    if (to > 999) return `shard ${to} is out of range (at most 1000 shards, ids 0 to 999)`;
    for (let id = from; id <= to; id++) {
      if (seen.has(id)) return `shard ${id} is listed twice`;
      seen.add(id);
      ids.push(id);
    }
  }
  return ids.length ? ids : 'lists no shard ids';
}

/** The platform tells us it is Render (it sets RENDER=true on every service). */
const platformFlag = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((v) => v !== undefined && !['0', 'false', 'no', 'off'].includes(v.toLowerCase())),
);

const httpUrl = (example: string) =>
  z
    .string()
    .url(`must be an http(s) URL such as ${example}`)
    .regex(/^https?:\/\//i, `must be an http(s) URL such as ${example}`)
    .transform((u) => u.replace(/\/+$/, ''));

/** Every variable the bot reads, by its name in the environment. */
const envSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: z.preprocess(emptyToUndefined, httpUrl('https://discord.com/api').default('https://discord.com/api')),
  DISCORD_MESSAGE_CONTENT: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }).default('auto')),
  OWNER_GUILD_IDS: snowflakeList(/^\d{15,21}$/, 'each must be a server (guild) id: digits only'),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(1, 100).default(6),
  DATABASE_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(15_000),
  COMMAND_PREFIX: z.string().min(1).max(5).default('!'),
  PORT: int(0, 65535).default(8080),
  HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  OWNER_IDS: snowflakeList(/^[A-Za-z0-9_-]{1,32}$/, 'each owner id must be a user id'),
  ANILIST_URL: z.string().url().default('https://graphql.anilist.co'),
  ANILIST_REQUESTS_PER_MINUTE: int(0, 1000).default(30),
  STARDUST_DATA_DIR: z.string().min(1).default('./data'),
  STARDUST_SEED: z.preprocess(emptyToUndefined, int(0, 4294967295).optional()),
  STARDUST_OFFLINE: z.preprocess(emptyToUndefined, bool.optional()),
  PLAYGROUND: z.preprocess(emptyToUndefined, bool.optional()),
  PLAYGROUND_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters (try `openssl rand -hex 24`)').optional()),
  COMMAND_BURST: int(0, 1000).default(8),
  COMMAND_RATE_PER_SECOND: z.coerce.number().min(0).max(1000).default(2),
  COMMAND_QUEUE_PER_PLAYER: int(0, 1000).default(10),
  COMMAND_QUEUE_MAX: int(0, 1_000_000).default(500),
  COMMAND_QUEUE_WAIT_MS: int(0, 600_000).default(10_000),
  COMMAND_QUEUE_SHED_MS: int(0, 600_000).default(1_000),
  BOSS_USER_ID: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHARD_COUNT: z.preprocess(
    emptyToUndefined,
    z.union([z.literal('auto'), int(1, 1000)], { error: 'must be a number of shards (1 or more) or auto' }).optional(),
  ),
  SHARD_IDS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const ids = parseShardIds(v);
        if (typeof ids === 'string') {
          ctx.addIssue({ code: 'custom', message: ids });
          return z.NEVER;
        }
        return ids;
      }),
  ),
  GATEWAY_GRACE_SECONDS: int(0, 3600).default(60),
  UNBELIEVABOAT_URL: z.string().url().default('https://unbelievaboat.com/api/v1'),
  UNBELIEVABOAT_TOKEN: optionalString,
  UNBELIEVABOAT_GUILD_ID: optionalString,
  UNBELIEVABOAT_TIMEOUT_MS: int(100, 120_000).default(15_000),
  ART_FETCH_TIMEOUT_MS: int(100, 60_000).default(3_000),
  PICTURE_WORKERS: int(0, 16).default(1),
  PICTURE_WORKER_IDLE_SECONDS: int(0, 86_400).default(30),
  EMOJI_GEMS: z.string().default('💎'),
  EMOJI_COINS: z.string().default('🪙'),
  EMOJI_R: z.string().default('⚪'),
  EMOJI_SR: z.string().default('🟣'),
  EMOJI_SSR: z.string().default('🌟'),
  EMOJI_UR: z.string().default('🔱'),
  EMOJI_KEY: z.string().default('🗝️'),
  EMOJI_TICKET: z.string().default('🎟️'),
  // Set by the hosting platform, not by the operator.
  RENDER: platformFlag,
});

/** Variables a hosting platform sets; they are read, but not documented in .env.example. */
export const PLATFORM_VARIABLES: readonly string[] = ['RENDER'];
/** Every setting an operator can set (each one is in .env.example and the README). */
export const SETTINGS: readonly string[] = Object.keys(envSchema.shape).filter((k) => !PLATFORM_VARIABLES.includes(k));

/** Rules that tie settings together; each names the setting to change. */
const checkedSchema = envSchema.superRefine((e, ctx) => {
  const problem = (setting: string, message: string) => ctx.addIssue({ code: 'custom', path: [setting], message });
  if (e.SHARD_IDS) {
    if (typeof e.SHARD_COUNT !== 'number') {
      problem('SHARD_IDS', 'needs SHARD_COUNT set to the number of shards across all machines (a number, not auto)');
    } else {
      const count = e.SHARD_COUNT;
      const outside = e.SHARD_IDS.find((id) => id >= count);
      if (outside !== undefined) problem('SHARD_IDS', `shard ${outside} does not exist with SHARD_COUNT=${count} (ids run from 0 to ${count - 1})`);
    }
    if (!e.DATABASE_URL) problem('SHARD_IDS', 'machines that share a bot share one Postgres database: set DATABASE_URL');
  }
  const playground = e.PLAYGROUND ?? !e.DISCORD_TOKEN;
  if (playground && e.DISCORD_TOKEN && !e.PLAYGROUND_TOKEN) {
    problem(
      'PLAYGROUND_TOKEN',
      'required when PLAYGROUND is on beside DISCORD_TOKEN, or anyone who reaches the port could play as any Discord user, owners included: set a long random value (openssl rand -hex 24), or turn PLAYGROUND off',
    );
  }
});

const schema = checkedSchema.transform((e) => ({
  discordToken: e.DISCORD_TOKEN,
  /** discord.js's REST base, without the version (tests and API proxies). */
  discordApiUrl: e.DISCORD_API_URL,
  /** Whether to ask Discord for the Message Content intent: auto asks and falls back without it on close code 4014. */
  discordMessageContent: e.DISCORD_MESSAGE_CONTENT,
  /** Guilds where owner-only slash commands are registered. */
  ownerGuildIds: e.OWNER_GUILD_IDS,
  databaseUrl: e.DATABASE_URL,
  databasePoolSize: e.DATABASE_POOL_SIZE,
  databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
  prefix: e.COMMAND_PREFIX,
  port: e.PORT,
  /** HOST, else 0.0.0.0 on Render (its router needs an open port), else 127.0.0.1. */
  host: e.HOST ?? (e.RENDER ? '0.0.0.0' : '127.0.0.1'),
  /** True when host is 0.0.0.0 only because RENDER is set (main.ts says so in the log). */
  hostFromPlatform: e.HOST === undefined && e.RENDER,
  /** The process runs on Render (RENDER=true). */
  render: e.RENDER,
  ownerIds: e.OWNER_IDS,
  anilistUrl: e.ANILIST_URL,
  anilistRequestsPerMinute: e.ANILIST_REQUESTS_PER_MINUTE,
  dataDir: e.STARDUST_DATA_DIR,
  seed: e.STARDUST_SEED,
  /** Never call AniList: use (and on first boot generate) the offline catalog. */
  offline: e.STARDUST_OFFLINE ?? false,
  playground: e.PLAYGROUND ?? !e.DISCORD_TOKEN,
  /** Bearer token the playground's APIs require (always when set; required beside DISCORD_TOKEN). */
  playgroundToken: e.PLAYGROUND_TOKEN,
  commandBurst: e.COMMAND_BURST,
  commandRatePerSecond: e.COMMAND_RATE_PER_SECOND,
  /** Commands of one player waiting behind the one running; past it, "still working on your last commands". */
  commandQueuePerPlayer: e.COMMAND_QUEUE_PER_PLAYER,
  /** Commands waiting across all players; past it, "the bot is busy". */
  commandQueueMax: e.COMMAND_QUEUE_MAX,
  /** How long a command may wait for its turn before "the bot is busy". */
  commandQueueWaitMs: e.COMMAND_QUEUE_WAIT_MS,
  /** Backlog age past which players with commands queued are refused, and past twice which everyone is ("busy"). */
  commandQueueShedMs: e.COMMAND_QUEUE_SHED_MS,
  bossUserId: e.BOSS_USER_ID,
  logLevel: e.LOG_LEVEL,
  shardCount: e.SHARD_COUNT,
  /** The shards this machine runs (with a numeric shardCount); undefined = all of them. */
  shardIds: e.SHARD_IDS,
  gatewayGraceSeconds: e.GATEWAY_GRACE_SECONDS,
  unbelievaboat: {
    url: e.UNBELIEVABOAT_URL,
    token: e.UNBELIEVABOAT_TOKEN,
    guildId: e.UNBELIEVABOAT_GUILD_ID,
    timeoutMs: e.UNBELIEVABOAT_TIMEOUT_MS,
  },
  artFetchTimeoutMs: e.ART_FETCH_TIMEOUT_MS,
  /** Worker threads that draw replies' pictures; 0 = on the event loop. */
  pictureWorkers: e.PICTURE_WORKERS,
  /** A picture worker idle this long stops (its memory goes back); 0 = never. */
  pictureWorkerIdleMs: e.PICTURE_WORKER_IDLE_SECONDS * 1000,
  emoji: {
    gems: e.EMOJI_GEMS,
    coins: e.EMOJI_COINS,
    R: e.EMOJI_R,
    SR: e.EMOJI_SR,
    SSR: e.EMOJI_SSR,
    UR: e.EMOJI_UR,
    key: e.EMOJI_KEY,
    ticket: e.EMOJI_TICKET,
  },
}));

/** The parsed settings, in the shape the code uses (camelCase, defaults applied). */
export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into a Config, or throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'config');
    const shown = env[name] === undefined ? '' : ` (got "${redact(name, env[name]!)}")`;
    throw new ConfigError(`Invalid setting ${name}${shown}: ${issue.message}`);
  }
  const config: Config = parsed.data;
  // Whoever logs or serialises the config gets it without its secrets.
  Object.defineProperty(config, 'toJSON', {
    enumerable: false,
    value: () => ({
      ...config,
      discordToken: config.discordToken ? '***' : undefined,
      playgroundToken: config.playgroundToken ? '***' : undefined,
      databaseUrl: config.databaseUrl ? redact('DATABASE_URL', config.databaseUrl) : undefined,
      unbelievaboat: { ...config.unbelievaboat, token: config.unbelievaboat.token ? '***' : undefined },
    }),
  });
  return config;
}

/** Secrets never appear in messages or logs. */
function redact(name: string, value: string): string {
  if (/TOKEN|PASSWORD|SECRET/.test(name)) return '***';
  if (name === 'DATABASE_URL') return value.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

/** For entry points: the config, or one line naming the bad setting and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`stardust: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * A config for tests and scripts: defaults plus overrides, no .env. The
 * playground is on unless a Discord token is given (then it follows PLAYGROUND).
 */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  // Tests fire dozens of commands from one player at once: no spam guard, no bound on a player's queue or its wait.
  return loadConfig({
    ...(overrides.DISCORD_TOKEN ? {} : { PLAYGROUND: '1' }),
    COMMAND_BURST: '0',
    COMMAND_QUEUE_PER_PLAYER: '0',
    COMMAND_QUEUE_MAX: '0',
    COMMAND_QUEUE_WAIT_MS: '0',
    COMMAND_QUEUE_SHED_MS: '0',
    PICTURE_WORKERS: '0',
    STARDUST_OFFLINE: '1',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/**
 * discord.js uses SHARDS and SHARD_COUNT in the environment as its
 * ShardingManager's instructions to a shard process: its Client reads them
 * whenever its own `shards` / `shardCount` options are at their defaults
 * (`shardCount: 1` is the default, so it can't be passed explicitly), and
 * `Number('')` or `Number('auto')` then fails its option check. Here
 * SHARD_COUNT is the operator's setting, already parsed into the config, and
 * the Discord adapter passes the shards explicitly; so unless a manager
 * started this process, those names are taken out of discord.js's way.
 */
export function releaseShardVariables(env: NodeJS.ProcessEnv = process.env): void {
  if (env.SHARDING_MANAGER) return;
  delete env.SHARDS;
  delete env.SHARD_COUNT;
}

/** Loopback hosts only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** What an operator should know about this environment before anything else is logged. */
export function bootWarnings(config: Config): string[] {
  const out: string[] = [];
  if (config.hostFromPlatform) out.push('RENDER is set: listening on 0.0.0.0 (HOST defaults to 0.0.0.0 on Render so its router can reach /health)');
  if (config.render && !config.databaseUrl) {
    out.push(
      `running on Render with the embedded database (PGlite) in ${config.dataDir}: without a persistent disk mounted there, every deploy or restart wipes all players — set DATABASE_URL (docs/deploy.md)`,
    );
  }
  if (config.playground && !config.discordToken && !config.playgroundToken && !isLoopback(config.host)) {
    out.push(
      `the playground is open on ${config.host}: anyone who reaches port ${config.port} can play as any player and move the game clock — bind HOST=127.0.0.1, set PLAYGROUND_TOKEN, or PLAYGROUND=off`,
    );
  }
  return out;
}
