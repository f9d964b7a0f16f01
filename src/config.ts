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
const snowflakeList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : (v ?? []),
  z.array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'each owner id must be a user id')),
);

const schema = z.object({
  DISCORD_TOKEN: optionalString,
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
  HOST: z.string().min(1).default('127.0.0.1'),
  OWNER_IDS: snowflakeList,
  ANILIST_URL: z.string().url().default('https://graphql.anilist.co'),
  ANILIST_REQUESTS_PER_MINUTE: int(0, 1000).default(30),
  STARDUST_DATA_DIR: z.string().min(1).default('./data'),
  STARDUST_SEED: z.preprocess(emptyToUndefined, int(0, 4294967295).optional()),
  STARDUST_OFFLINE: z.preprocess(emptyToUndefined, bool.optional()),
  PLAYGROUND: z.preprocess(emptyToUndefined, bool.optional()),
  COMMAND_BURST: int(0, 1000).default(8),
  COMMAND_RATE_PER_SECOND: z.coerce.number().min(0).max(1000).default(2),
  COMMAND_QUEUE_PER_PLAYER: int(0, 1000).default(10),
  COMMAND_QUEUE_MAX: int(0, 1_000_000).default(500),
  COMMAND_QUEUE_WAIT_MS: int(0, 600_000).default(30_000),
  BOSS_USER_ID: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHARD_COUNT: z.preprocess(emptyToUndefined, z.union([z.literal('auto'), int(1, 1000)]).optional()),
  GATEWAY_GRACE_SECONDS: int(0, 3600).default(60),
  UNBELIEVABOAT_URL: z.string().url().default('https://unbelievaboat.com/api/v1'),
  UNBELIEVABOAT_TOKEN: optionalString,
  UNBELIEVABOAT_GUILD_ID: optionalString,
  UNBELIEVABOAT_TIMEOUT_MS: int(100, 120_000).default(15_000),
  ART_FETCH_TIMEOUT_MS: int(100, 60_000).default(3_000),
  EMOJI_GEMS: z.string().default('💎'),
  EMOJI_COINS: z.string().default('🪙'),
  EMOJI_R: z.string().default('⚪'),
  EMOJI_SR: z.string().default('🟣'),
  EMOJI_SSR: z.string().default('🌟'),
  EMOJI_UR: z.string().default('🔱'),
  EMOJI_KEY: z.string().default('🗝️'),
  EMOJI_TICKET: z.string().default('🎟️'),
});

export interface Config {
  discordToken?: string;
  databaseUrl?: string;
  databasePoolSize: number;
  databaseStatementTimeoutMs: number;
  prefix: string;
  port: number;
  host: string;
  ownerIds: string[];
  anilistUrl: string;
  anilistRequestsPerMinute: number;
  dataDir: string;
  seed?: number;
  /** Never call AniList: use (and on first boot generate) the offline catalog. */
  offline: boolean;
  playground: boolean;
  commandBurst: number;
  commandRatePerSecond: number;
  /** Commands a player may have waiting or running (src/commands/scheduler.ts); 0 = no bound. */
  commandQueuePerPlayer: number;
  /** Commands waiting for a slot at once, all players; more are answered "busy" at once; 0 = no bound. */
  commandQueueMax: number;
  /** How long a command may wait for a free slot before it is answered "busy"; 0 = no bound. */
  commandQueueWaitMs: number;
  bossUserId?: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  shardCount?: number | 'auto';
  gatewayGraceSeconds: number;
  unbelievaboat: { url: string; token?: string; guildId?: string; timeoutMs: number };
  artFetchTimeoutMs: number;
  emoji: { gems: string; coins: string; R: string; SR: string; SSR: string; UR: string; key: string; ticket: string };
}

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
  const e = parsed.data;
  const config: Config = {
    discordToken: e.DISCORD_TOKEN,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    prefix: e.COMMAND_PREFIX,
    port: e.PORT,
    host: e.HOST,
    ownerIds: e.OWNER_IDS,
    anilistUrl: e.ANILIST_URL,
    anilistRequestsPerMinute: e.ANILIST_REQUESTS_PER_MINUTE,
    dataDir: e.STARDUST_DATA_DIR,
    seed: e.STARDUST_SEED,
    offline: e.STARDUST_OFFLINE ?? false,
    playground: e.PLAYGROUND ?? !e.DISCORD_TOKEN,
    commandBurst: e.COMMAND_BURST,
    commandRatePerSecond: e.COMMAND_RATE_PER_SECOND,
    commandQueuePerPlayer: e.COMMAND_QUEUE_PER_PLAYER,
    commandQueueMax: e.COMMAND_QUEUE_MAX,
    commandQueueWaitMs: e.COMMAND_QUEUE_WAIT_MS,
    bossUserId: e.BOSS_USER_ID,
    logLevel: e.LOG_LEVEL,
    shardCount: e.SHARD_COUNT,
    gatewayGraceSeconds: e.GATEWAY_GRACE_SECONDS,
    unbelievaboat: {
      url: e.UNBELIEVABOAT_URL,
      token: e.UNBELIEVABOAT_TOKEN,
      guildId: e.UNBELIEVABOAT_GUILD_ID,
      timeoutMs: e.UNBELIEVABOAT_TIMEOUT_MS,
    },
    artFetchTimeoutMs: e.ART_FETCH_TIMEOUT_MS,
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
  };
  // Whoever logs or serialises the config gets it without its secrets.
  Object.defineProperty(config, 'toJSON', {
    enumerable: false,
    value: () => ({
      ...config,
      discordToken: config.discordToken ? '***' : undefined,
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

/** A config for tests and scripts: defaults plus overrides, no .env. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  // Tests fire dozens of commands from one player at once: no spam guard, no bound on a player's queue or its wait.
  return loadConfig({
    PLAYGROUND: '1',
    COMMAND_BURST: '0',
    COMMAND_QUEUE_PER_PLAYER: '0',
    COMMAND_QUEUE_MAX: '0',
    COMMAND_QUEUE_WAIT_MS: '0',
    STARDUST_OFFLINE: '1',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
