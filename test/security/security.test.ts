import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadCogs } from '../../src/commands/loader.js';
import type { Cog } from '../../src/commands/types.js';
import { testConfig } from '../../src/config.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { startTestBot, type TestBot, textOf } from '../helpers/app.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

describe('owner-only commands', () => {
  let bot: TestBot;
  let cogs: Cog[];
  beforeAll(async () => {
    cogs = (await loadCogs(silentLogger)).cogs;
    bot = await startTestBot('pglite', { cogs, env: { OWNER_IDS: 'the-owner' } });
  });
  afterAll(async () => bot?.close());

  it('every owner-only command refuses everyone else and changes nothing', async () => {
    const ownerOnly = cogs.flatMap((c) => c.commands).filter((c) => c.ownerOnly);
    expect(ownerOnly.length).toBeGreaterThan(0);
    for (const cmd of ownerOnly) {
      const before = await bot.tdb.db.query('SELECT count(*)::int AS n FROM ledger');
      const t = textOf(await bot.say('mallory', `!${cmd.name} 100 <@mallory> gems`));
      expect(t, cmd.name).toMatch(/owners only/);
      const after = await bot.tdb.db.query('SELECT count(*)::int AS n FROM ledger');
      expect(after.rows, cmd.name).toEqual(before.rows);
    }
  });
});

describe('operator safety', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb('pglite');
  });
  afterAll(async () => tdb?.close());

  it('outside playground mode the page, clock and player APIs are off', async () => {
    const app = await createApp({ config: testConfig({ PLAYGROUND: '0' }), db: tdb.db, cogs: [], skipCatalog: true, log: silentLogger });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":1}' })).status).toBe(
        404,
      );
      expect((await fetch(`${base}/api/players/x`)).status).toBe(404);
      expect((await fetch(`${base}/api/messages`, { method: 'POST' })).status).toBe(404);
      const root = await fetch(`${base}/`);
      expect(root.headers.get('content-type')).toMatch(/json/);
    } finally {
      await app.stop();
    }
  });

  it('the playground binds to 127.0.0.1 unless configured otherwise', () => {
    expect(testConfig().host).toBe('127.0.0.1');
  });

  it('no secret appears in logs or /health', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('trace', sink);
    const config = testConfig({
      DISCORD_TOKEN: 'MTIz.secret-token-value',
      DATABASE_URL: 'postgres://bot:hunter2@127.0.0.1:5432/test',
      PLAYGROUND: '1',
      PLAYGROUND_TOKEN: 'playground-secret-value',
    });
    // The database handle is the test's own; the URL is only in config — as in production, it must not leak.
    const app = await createApp({ config, db: tdb.db, cogs: [], skipCatalog: true, log });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const health = await (await fetch(`http://127.0.0.1:${port}/health`)).text();
      // What careless code might log: the whole config, or an error carrying a token.
      log.info({ config }, 'config at boot');
      log.error({ err: { message: 'x', config }, token: config.discordToken }, 'oops');
      const all = lines.join('\n') + health;
      expect(all).not.toContain('secret-token-value');
      expect(all).not.toContain('hunter2');
      expect(all).not.toContain('playground-secret-value');
    } finally {
      await app.stop();
    }
  });
});
