import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config.js';
import { describeShards, shardingProblem } from '../../../src/shard.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('npm run start:sharded', () => {
  it('needs a token and a Postgres DATABASE_URL (PGlite is single-process)', () => {
    expect(shardingProblem(testConfig())).toMatch(/DISCORD_TOKEN is not set/);
    expect(shardingProblem(testConfig({ DISCORD_TOKEN: 't' }))).toMatch(/Sharding needs DATABASE_URL .* PGlite database can only be opened by one process/);
    expect(shardingProblem(testConfig({ DISCORD_TOKEN: 't', DATABASE_URL: 'postgres://x@localhost/db' }))).toBeNull();
  });

  async function runShardEntry(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        [path.join(ROOT, 'src/shard.ts')],
        // Run from a folder without a .env so none is picked up.
        { cwd: path.join(ROOT, 'test'), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
  }

  it('refuses to start on the embedded database with one clear line and exit code 1', async () => {
    const out = await runShardEntry({ DISCORD_TOKEN: 'x' });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'stardust: Sharding needs DATABASE_URL (a Postgres database): the embedded PGlite database can only be opened by one process. Set DATABASE_URL, or run `npm start` for a single process.',
    );
  });

  it('refuses a shard list without a fixed SHARD_COUNT, in one line naming SHARD_IDS', async () => {
    const out = await runShardEntry({ DISCORD_TOKEN: 'x', DATABASE_URL: 'postgres://u@127.0.0.1:1/db', SHARD_IDS: '4-7', SHARD_COUNT: 'auto' });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'stardust: Invalid setting SHARD_IDS (got "4-7"): needs SHARD_COUNT set to the number of shards across all machines (a number, not auto)',
    );
  });

  it('names shard lists the way an operator writes them', () => {
    expect(describeShards([0, 1, 2, 3])).toBe('0-3');
    expect(describeShards([4, 6, 7, 9])).toBe('4, 6-7, 9');
    expect(describeShards([2])).toBe('2');
  });
});
