import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
  });

  it('turns the playground off by default when a Discord token is set, unless asked', () => {
    expect(loadConfig({ DISCORD_TOKEN: 'abc' }).playground).toBe(false);
    expect(loadConfig({ DISCORD_TOKEN: 'abc', PLAYGROUND: 'on' }).playground).toBe(true);
  });

  it('parses owner lists, seeds and booleans', () => {
    const c = loadConfig({ OWNER_IDS: '123, 456 ,', STARDUST_SEED: '42', PLAYGROUND: 'false', COMMAND_PREFIX: '?' });
    expect(c.ownerIds).toEqual(['123', '456']);
    expect(c.seed).toBe(42);
    expect(c.playground).toBe(false);
    expect(c.prefix).toBe('?');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL.*postgres:\/\//],
    [{ PLAYGROUND: 'maybe' }, /PLAYGROUND/],
    [{ STARDUST_SEED: '-1' }, /STARDUST_SEED/],
    [{ ANILIST_URL: 'not a url' }, /ANILIST_URL/],
    [{ OWNER_IDS: '12;34' }, /OWNER_IDS/],
  ])('a bad value stops with one line naming the variable: %o', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message).toMatch(pattern);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('never echoes a secret in the error', () => {
    try {
      loadConfig({ DATABASE_URL: 'postgres://u:hunter2@h/db', DATABASE_POOL_SIZE: '0' });
    } catch (err) {
      expect((err as Error).message).toMatch(/DATABASE_POOL_SIZE/);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});
