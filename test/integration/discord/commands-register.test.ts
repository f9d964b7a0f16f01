import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { BOT_ID } from './harness.js';

const run = promisify(execFile);
const GUILD = '1230000000000000001';

/** `npm run commands:register [-- --guild <id>]`: the operator's way to register slash commands now. */
describe('npm run commands:register', () => {
  let fake: FakeDiscord;
  let dataDir: string;
  beforeAll(async () => {
    fake = new FakeDiscord({ bot: { id: BOT_ID, username: 'Stardust' }, token: 'the-token' });
    await fake.start();
    fake.addGuild({ id: GUILD, name: 'Test server', channels: [{ id: '1330000000000000001', name: 'c' }], members: [] });
    dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-register-'));
  });
  afterAll(async () => {
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const register = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/commands-register.ts', ...args], {
      env: {
        ...process.env,
        DISCORD_TOKEN: 'the-token',
        DISCORD_API_URL: fake.url.restUrl,
        STARDUST_DATA_DIR: dataDir,
        STARDUST_OFFLINE: '1',
        LOG_LEVEL: 'silent',
        OWNER_GUILD_IDS: '',
      },
      cwd: path.resolve(import.meta.dirname, '../../..'),
      timeout: 60_000,
    });

  it('--guild registers every command in that one server, at once', async () => {
    const { stdout } = await register('--guild', GUILD);
    expect(stdout).toMatch(/\d+ slash command\(s\) registered in server 1230000000000000001/);
    const here = fake.commands.filter((c) => c.guild_id === GUILD);
    expect(here.map((c) => c.name)).toEqual(expect.arrayContaining(['pull', 'battle', 'raid', 'give', 'audit']));
    expect(fake.commands.filter((c) => !c.guild_id)).toEqual([]);
  }, 90_000);

  it('without --guild: the player commands globally (always sent, even when unchanged)', async () => {
    await register();
    const puts = () => fake.commandRequests.filter((r) => r.method === 'PUT' && !r.path.includes('/guilds/')).length;
    expect(puts()).toBe(1);
    const global = fake.commands.filter((c) => !c.guild_id);
    expect(global.map((c) => c.name)).toContain('pull');
    expect(global.map((c) => c.name)).not.toContain('give');
    await register();
    expect(puts()).toBe(2);
  }, 90_000);

  it('a bad --guild is one clear line and exit code 1', async () => {
    const err = await register('--guild', 'abc').catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('--guild must be a server id');
  }, 60_000);
});
