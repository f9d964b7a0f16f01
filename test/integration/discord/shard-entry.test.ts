import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config.js';
import { shardingProblem } from '../../../src/shard.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('npm run start:sharded', () => {
  it('needs a token and a Postgres DATABASE_URL (PGlite is single-process)', () => {
    expect(shardingProblem(testConfig())).toMatch(/DISCORD_TOKEN is not set/);
    expect(shardingProblem(testConfig({ DISCORD_TOKEN: 't' }))).toMatch(/Sharding needs DATABASE_URL .* PGlite database can only be opened by one process/);
    expect(shardingProblem(testConfig({ DISCORD_TOKEN: 't', DATABASE_URL: 'postgres://x@localhost/db' }))).toBeNull();
  });

  it('refuses to start on the embedded database with one clear line and exit code 1', async () => {
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        [path.join(ROOT, 'src/shard.ts')],
        // Run from an empty folder so no .env is picked up.
        { cwd: path.join(ROOT, 'test'), env: { PATH: process.env.PATH, HOME: process.env.HOME, DISCORD_TOKEN: 'x' }, timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'stardust: Sharding needs DATABASE_URL (a Postgres database): the embedded PGlite database can only be opened by one process. Set DATABASE_URL, or run `npm start` for a single process.',
    );
  });
});
