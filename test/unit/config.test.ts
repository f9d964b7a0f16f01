import { readFile } from 'node:fs/promises';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import {
  bootWarnings,
  ConfigError,
  isLoopback,
  loadConfig,
  PLATFORM_VARIABLES,
  parseShardIds,
  releaseShardVariables,
  SETTINGS,
  testConfig,
} from '../../src/config.js';

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('config', () => {
  it('boots with nothing set: embedded database, playground on, prefix !, port 8080, bound to 127.0.0.1', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.playground).toBe(true);
    expect(c.prefix).toBe('!');
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('./data');
    expect(c.ownerIds).toEqual([]);
    expect(c.databasePoolSize).toBe(6);
    expect(c.discordApiUrl).toBe('https://discord.com/api');
    expect(c.discordMessageContent).toBe('auto');
    expect(c.ownerGuildIds).toEqual([]);
    expect(c.shardCount).toBeUndefined();
    expect(c.shardIds).toBeUndefined();
    expect(c.playgroundToken).toBeUndefined();
  });

  it('turns the playground off by default when a Discord token is set, unless asked (then it needs PLAYGROUND_TOKEN)', () => {
    expect(loadConfig({ DISCORD_TOKEN: 'abc' }).playground).toBe(false);
    const both = loadConfig({ DISCORD_TOKEN: 'abc', PLAYGROUND: 'on', PLAYGROUND_TOKEN: 'a-long-enough-secret' });
    expect(both.playground).toBe(true);
    expect(both.playgroundToken).toBe('a-long-enough-secret');
  });

  it('parses owner lists, seeds and booleans', () => {
    const c = loadConfig({ OWNER_IDS: '123, 456 ,', STARDUST_SEED: '42', PLAYGROUND: 'false', COMMAND_PREFIX: '?' });
    expect(c.ownerIds).toEqual(['123', '456']);
    expect(c.seed).toBe(42);
    expect(c.playground).toBe(false);
    expect(c.prefix).toBe('?');
  });

  it('reads the Discord settings: API base without its trailing slash, Message Content mode, owner guilds', () => {
    const c = loadConfig({
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      DISCORD_MESSAGE_CONTENT: 'off',
      OWNER_GUILD_IDS: '1300000000000000001, 1300000000000000002',
    });
    expect(c.discordApiUrl).toBe('http://127.0.0.1:9999/api');
    expect(c.discordMessageContent).toBe('off');
    expect(c.ownerGuildIds).toEqual(['1300000000000000001', '1300000000000000002']);
  });

  it('SHARD_COUNT is empty, auto or a number; SHARD_IDS takes ranges and lists', () => {
    expect(loadConfig({ SHARD_COUNT: '' }).shardCount).toBeUndefined();
    expect(loadConfig({ SHARD_COUNT: 'auto' }).shardCount).toBe('auto');
    expect(loadConfig({ SHARD_COUNT: '4' }).shardCount).toBe(4);
    const pg = { DATABASE_URL: 'postgres://u@h/db', SHARD_COUNT: '8' };
    expect(loadConfig({ ...pg, SHARD_IDS: '0-3' }).shardIds).toEqual([0, 1, 2, 3]);
    expect(loadConfig({ ...pg, SHARD_IDS: '4,5,6,7' }).shardIds).toEqual([4, 5, 6, 7]);
    expect(loadConfig({ ...pg, SHARD_IDS: ' 0-1, 6 ' }).shardIds).toEqual([0, 1, 6]);
    expect(parseShardIds('2')).toEqual([2]);
  });

  it('SHARD_IDS is checked against SHARD_COUNT and DATABASE_URL, one clear line each', () => {
    const pg = { DATABASE_URL: 'postgres://u@h/db' };
    expect(errorOf({ ...pg, SHARD_IDS: '0-3' })).toBe(
      'Invalid setting SHARD_IDS (got "0-3"): needs SHARD_COUNT set to the number of shards across all machines (a number, not auto)',
    );
    expect(errorOf({ ...pg, SHARD_IDS: '0-3', SHARD_COUNT: 'auto' })).toMatch(/SHARD_IDS .*needs SHARD_COUNT .*a number, not auto/);
    expect(errorOf({ ...pg, SHARD_IDS: '4-8', SHARD_COUNT: '8' })).toBe(
      'Invalid setting SHARD_IDS (got "4-8"): shard 8 does not exist with SHARD_COUNT=8 (ids run from 0 to 7)',
    );
    expect(errorOf({ ...pg, SHARD_IDS: '0-3,2', SHARD_COUNT: '8' })).toBe('Invalid setting SHARD_IDS (got "0-3,2"): shard 2 is listed twice');
    expect(errorOf({ ...pg, SHARD_IDS: '3-1', SHARD_COUNT: '8' })).toMatch(/SHARD_IDS .*runs backwards — write it as 1-3/);
    expect(errorOf({ ...pg, SHARD_IDS: 'two', SHARD_COUNT: '8' })).toMatch(/SHARD_IDS .*"two" is not a shard id or a range/);
    expect(errorOf({ SHARD_IDS: '0-3', SHARD_COUNT: '8' })).toBe(
      'Invalid setting SHARD_IDS (got "0-3"): machines that share a bot share one Postgres database: set DATABASE_URL',
    );
  });

  it('refuses the playground beside a Discord token without PLAYGROUND_TOKEN, in one line', () => {
    const msg = errorOf({ DISCORD_TOKEN: 'abc', PLAYGROUND: '1' });
    expect(msg).toMatch(/^Invalid setting PLAYGROUND_TOKEN: required when PLAYGROUND is on beside DISCORD_TOKEN/);
    expect(msg).not.toContain('\n');
    expect(errorOf({ DISCORD_TOKEN: 'abc', PLAYGROUND: '1', PLAYGROUND_TOKEN: 'short' })).toBe(
      'Invalid setting PLAYGROUND_TOKEN (got "***"): must be at least 16 characters (try `openssl rand -hex 24`)',
    );
    // The playground alone stays open, as it always was.
    expect(loadConfig({ PLAYGROUND: '1' }).playgroundToken).toBeUndefined();
  });

  it('on Render (RENDER=true) HOST defaults to 0.0.0.0, and an explicit HOST still wins', () => {
    const render = loadConfig({ RENDER: 'true' });
    expect(render).toMatchObject({ render: true, host: '0.0.0.0', hostFromPlatform: true });
    expect(loadConfig({ RENDER: 'true', HOST: '127.0.0.1' })).toMatchObject({ host: '127.0.0.1', hostFromPlatform: false });
    expect(loadConfig({})).toMatchObject({ render: false, host: '127.0.0.1', hostFromPlatform: false });
  });

  it('on Render, boot warns that the embedded database is wiped and says why it listens on 0.0.0.0', () => {
    const w = bootWarnings(loadConfig({ RENDER: 'true', DISCORD_TOKEN: 't' }));
    expect(w).toEqual([
      'RENDER is set: listening on 0.0.0.0 (HOST defaults to 0.0.0.0 on Render so its router can reach /health)',
      'running on Render with the embedded database (PGlite) in ./data: without a persistent disk mounted there, every deploy or restart wipes all players — set DATABASE_URL (docs/deploy.md)',
    ]);
    expect(bootWarnings(loadConfig({ RENDER: 'true', HOST: '0.0.0.0', DISCORD_TOKEN: 't', DATABASE_URL: 'postgres://u@h/db' }))).toEqual([]);
    expect(bootWarnings(loadConfig({ DISCORD_TOKEN: 't' }))).toEqual([]);
  });

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.0.1.1', 'localhost', '::1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.com']) expect(isLoopback(h), h).toBe(false);
  });

  it("takes SHARDS and SHARD_COUNT out of discord.js's way, unless a ShardingManager set them", () => {
    const own: NodeJS.ProcessEnv = { SHARD_COUNT: '', SHARDS: '3', OTHER: 'x' };
    releaseShardVariables(own);
    expect(own).toEqual({ OTHER: 'x' });
    const child: NodeJS.ProcessEnv = { SHARDING_MANAGER: 'true', SHARD_COUNT: '4', SHARDS: '2' };
    releaseShardVariables(child);
    expect(child).toEqual({ SHARDING_MANAGER: 'true', SHARD_COUNT: '4', SHARDS: '2' });
  });

  it('testConfig keeps the playground off beside a token unless asked', () => {
    expect(testConfig().playground).toBe(true);
    expect(testConfig({ DISCORD_TOKEN: 't' }).playground).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL.*postgres:\/\//],
    [{ PLAYGROUND: 'maybe' }, /PLAYGROUND/],
    [{ STARDUST_SEED: '-1' }, /STARDUST_SEED/],
    [{ ANILIST_URL: 'not a url' }, /ANILIST_URL/],
    [{ OWNER_IDS: '12;34' }, /OWNER_IDS/],
    [{ OWNER_GUILD_IDS: 'my-server' }, /OWNER_GUILD_IDS.*server \(guild\) id/],
    [{ DISCORD_MESSAGE_CONTENT: 'yes' }, /DISCORD_MESSAGE_CONTENT.*auto, on or off/],
    [{ DISCORD_API_URL: 'discord.com/api' }, /DISCORD_API_URL.*http\(s\) URL/],
    [{ SHARD_COUNT: '0' }, /SHARD_COUNT.*at least 1/],
  ])('a bad value stops with one line naming the variable: %o', (env, pattern) => {
    const msg = errorOf(env);
    expect(msg).toMatch(pattern);
    expect(msg).not.toContain('\n');
  });

  it('never echoes a secret in the error', () => {
    expect(errorOf({ DATABASE_URL: 'postgres://u:hunter2@h/db', DATABASE_POOL_SIZE: '0' })).toMatch(/DATABASE_POOL_SIZE/);
    expect(errorOf({ DATABASE_URL: 'postgres://u:hunter2@h/db', DATABASE_POOL_SIZE: '0' })).not.toContain('hunter2');
    expect(JSON.stringify(loadConfig({ PLAYGROUND_TOKEN: 'do-not-print-this-one' }))).not.toContain('do-not-print');
  });
});

describe('.env.example', () => {
  it('lists every setting, and nothing that is not one', async () => {
    const example = parse(await read('.env.example'));
    expect(Object.keys(example).sort()).toEqual([...SETTINGS].sort());
    for (const name of PLATFORM_VARIABLES) expect(example).not.toHaveProperty(name);
  });

  it('copied as it is, gives exactly the defaults (its values cannot drift from the schema)', async () => {
    const example = parse(await read('.env.example'));
    expect(loadConfig(example)).toEqual(loadConfig({}));
    // And each line alone, so a wrong value names itself.
    for (const [name, value] of Object.entries(example)) {
      expect(loadConfig({ [name]: value }), `${name}=${value}`).toEqual(loadConfig({}));
    }
  });

  it("copied with only the token filled in, is a bot that connects to Discord (and doesn't trip over SHARD_COUNT=)", async () => {
    const example = parse(await read('.env.example'));
    const c = loadConfig({ ...example, DISCORD_TOKEN: 'MTIz.abc.def' });
    expect(c).toMatchObject({ discordToken: 'MTIz.abc.def', playground: false, shardCount: undefined, shardIds: undefined });
  });
});

describe('README configuration table', () => {
  it('names every setting (a group like EMOJI_* covers its members)', async () => {
    const readme = await read('README.md');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Player'));
    const groups = (name: string) => [...name.matchAll(/_/g)].map((m) => `\`${name.slice(0, m.index)}_*\``);
    const missing = SETTINGS.filter((name) => !section.includes(`\`${name}\``) && !groups(name).some((g) => section.includes(g)));
    expect(missing).toEqual([]);
  });
});

describe('render.yaml', () => {
  it('checks /health, wires DATABASE_URL from its own database and sets only real settings, secrets unsynced', async () => {
    const yaml = await read('render.yaml');
    expect(yaml).toMatch(/^\s+runtime: docker$/m);
    expect(yaml).toMatch(/^\s+healthCheckPath: \/health$/m);
    const keys = [...yaml.matchAll(/^\s+- key: (\w+)$/gm)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !SETTINGS.includes(k))).toEqual([]);
    const db = /- key: DATABASE_URL\n\s+fromDatabase:\n\s+name: ([\w-]+)\n\s+property: connectionString/.exec(yaml);
    expect(db, 'DATABASE_URL fromDatabase connectionString').not.toBeNull();
    expect(yaml).toMatch(new RegExp(`^databases:\\n(?:.*\\n)*?\\s+- name: ${db![1]}$`, 'm'));
    for (const secret of ['DISCORD_TOKEN', 'OWNER_IDS']) expect(yaml).toMatch(new RegExp(`- key: ${secret}\\n\\s+sync: false`));
  });
});
