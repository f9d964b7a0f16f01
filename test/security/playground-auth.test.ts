import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadCogs } from '../../src/commands/loader.js';
import type { Cog } from '../../src/commands/types.js';
import { bootWarnings, loadConfig, testConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'pg-3f9a7c1e5b2d4f60a8c9e1b7d3f5a2c4';
const OWNER = 'the-owner';

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Every playground API that acts or reads as a player, or moves time. */
const GUARDED: Call[] = [
  { method: 'POST', path: '/api/messages', body: { userId: OWNER, content: '!apologems 1000 free gems' } },
  { method: 'POST', path: '/api/interactions', body: { userId: OWNER, messageId: '1', customId: 'x' } },
  { method: 'POST', path: '/api/clock', body: { advanceSeconds: 86_400 } },
  { method: 'GET', path: '/api/clock' },
  { method: 'GET', path: `/api/players/${OWNER}` },
  { method: 'GET', path: '/api/channels/playground/events' },
  { method: 'GET', path: '/api/prefix?guildId=g1' },
];

async function call(base: string, c: Call, headers: Record<string, string> = {}) {
  const res = await fetch(base + c.path, {
    method: c.method,
    headers: { 'content-type': 'application/json', ...headers },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', auth: res.headers.get('www-authenticate'), text, json: safeJson(text) };
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

describe('the playground beside a Discord token', () => {
  let tdb: TestDb;
  let cogs: Cog[];
  let app: App;
  let base: string;
  const ledgerRows = async () => (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows[0]!.n;

  beforeAll(async () => {
    tdb = await openTestDb('pglite');
    cogs = (await loadCogs(silentLogger)).cogs;
    // createApp doesn't log in to Discord (main.ts does), but it is configured exactly as a live bot would be.
    const config = testConfig({ DISCORD_TOKEN: 'MTIz.live-bot-token', PLAYGROUND: '1', PLAYGROUND_TOKEN: TOKEN, OWNER_IDS: OWNER });
    app = await createApp({ config, db: tdb.db, cogs, skipCatalog: true, log: silentLogger });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await app?.stop();
    await tdb?.close();
  });

  it.each(GUARDED.map((c) => [`${c.method} ${c.path}`, c] as const))('%s without the token: 401 JSON, nothing done', async (_name, c) => {
    const before = await ledgerRows();
    const clock = app.clock.now().getTime();
    const r = await call(base, c);
    expect(r.status).toBe(401);
    expect(r.type).toMatch(/json/);
    expect(r.auth).toMatch(/^Bearer/);
    expect(r.json?.error).toMatch(/needs its token \(PLAYGROUND_TOKEN\)/);
    expect(await ledgerRows()).toBe(before);
    expect(app.clock.now().getTime() - clock).toBeLessThan(5_000);
  });

  it('a wrong, shorter, longer or differently cased token is refused the same way', async () => {
    const apologems = GUARDED[0]!;
    for (const wrong of ['nope', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), `${TOKEN} ${TOKEN}`]) {
      const r = await call(base, apologems, { authorization: `Bearer ${wrong}` });
      expect(r.status, wrong).toBe(401);
    }
    expect((await call(base, apologems, { authorization: TOKEN })).status).toBe(401); // no scheme
    expect((await call(base, apologems, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect(await ledgerRows()).toBe(0);
    // Nothing reached the game: the owner's command never ran, so the feed is empty.
    const feed = await call(base, GUARDED[5]!, { authorization: `Bearer ${TOKEN}` });
    expect(feed.json).toMatchObject({ events: [] });
  });

  it('with the token the API works (the scheme is case-insensitive)', async () => {
    const r = await call(base, { method: 'POST', path: '/api/messages', body: { userId: 'alice', content: '!gems' } }, { authorization: `bearer ${TOKEN}` });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).toMatch(/Gems/);
    expect((await call(base, GUARDED[4]!, { authorization: `Bearer ${TOKEN}` })).status).toBe(404); // no such player yet, but allowed to ask
  });

  it('never moves the game clock, even with the token', async () => {
    const r = await call(base, GUARDED[2]!, { authorization: `Bearer ${TOKEN}` });
    expect(r.status).toBe(403);
    expect(r.json?.error).toMatch(/can't be moved while the bot is connected to Discord/);
    expect(Math.abs(app.clock.now().getTime() - Date.now())).toBeLessThan(5_000);
    const now = await call(base, GUARDED[3]!, { authorization: `Bearer ${TOKEN}` });
    expect(Math.abs(Date.parse(String(now.json?.now)) - Date.now())).toBeLessThan(5_000);
  });

  it('the page and /health stay open; image URLs are unguessable', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const msg = app.playground!.send('playground', { attachments: [{ name: 'card.png', data: png, contentType: 'image/png' }] });
    expect(msg.attachments[0]!.url).toMatch(/^\/api\/attachments\/[0-9a-f]{32}\/card\.png$/);
    expect((await fetch(base + msg.attachments[0]!.url)).status).toBe(200);
  });

  it('an oversized body gets 413 JSON and a malformed one 400 JSON (with the token)', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const big = await fetch(`${base}/api/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ userId: 'a', content: 'x'.repeat(70_000) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'The body is too large (at most 64kb).' });
    const bad = await fetch(`${base}/api/messages`, { method: 'POST', headers: auth, body: '{"userId": "a", "content": ' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'The body must be JSON.' });
  });

  it('without the token an oversized body is refused before it is read (401, not 413)', async () => {
    const r = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(200_000) });
    expect(r.status).toBe(401);
  });
});

describe('the playground alone (no Discord token)', () => {
  let tdb: TestDb;
  let app: App;
  let base: string;

  beforeAll(async () => {
    tdb = await openTestDb('pglite');
    app = await createApp({ config: testConfig(), db: tdb.db, cogs: [], skipCatalog: true, log: silentLogger });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await app?.stop();
    await tdb?.close();
  });

  it('stays open as before, and its clock can be moved', async () => {
    const before = app.clock.now().getTime();
    const r = await call(base, GUARDED[2]!);
    expect(r.status).toBe(200);
    expect(Date.parse(String(r.json?.now)) - before).toBeGreaterThanOrEqual(86_400_000);
    expect((await call(base, GUARDED[5]!)).status).toBe(200);
  });

  it('an oversized body gets 413 JSON, malformed JSON 400 JSON, not 500', async () => {
    const headers = { 'content-type': 'application/json' };
    const big = await fetch(`${base}/api/messages`, { method: 'POST', headers, body: JSON.stringify({ userId: 'a', content: 'x'.repeat(70_000) }) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/json/);
    expect(await big.json()).toEqual({ error: 'The body is too large (at most 64kb).' });
    for (const body of ['{', 'not json', '{"a":1,}']) {
      const bad = await fetch(`${base}/api/clock`, { method: 'POST', headers, body });
      expect(bad.status, body).toBe(400);
      expect(await bad.json()).toEqual({ error: 'The body must be JSON.' });
    }
    const enc = await fetch(`${base}/api/messages`, { method: 'POST', headers: { ...headers, 'content-encoding': 'br-unknown' }, body: '{}' });
    expect(enc.status).toBe(415);
    expect(enc.headers.get('content-type')).toMatch(/json/);
  });

  it('warns once in the log when it listens beyond this machine, unless a token guards it', () => {
    expect(bootWarnings(loadConfig({}))).toEqual([]);
    expect(bootWarnings(loadConfig({ HOST: '127.0.0.1' }))).toEqual([]);
    const open = bootWarnings(loadConfig({ HOST: '0.0.0.0' }));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatch(/the playground is open on 0\.0\.0\.0: anyone who reaches port 8080 can play as any player/);
    expect(bootWarnings(loadConfig({ HOST: '0.0.0.0', PLAYGROUND_TOKEN: TOKEN }))).toEqual([]);
    expect(bootWarnings(loadConfig({ HOST: '0.0.0.0', PLAYGROUND: 'off' }))).toEqual([]);
  });

  it('a token set without Discord is still required', async () => {
    const tdb2 = await openTestDb('pglite');
    const guarded = await createApp({ config: testConfig({ PLAYGROUND_TOKEN: TOKEN }), db: tdb2.db, cogs: [], skipCatalog: true, log: silentLogger });
    const url = `http://127.0.0.1:${await guarded.listen(0, '127.0.0.1')}`;
    try {
      expect((await call(url, GUARDED[3]!)).status).toBe(401);
      expect((await call(url, GUARDED[3]!, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      // The playground alone keeps its movable clock.
      expect((await call(url, GUARDED[2]!, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    } finally {
      await guarded.stop();
      await tdb2.close();
    }
  });
});

describe('PLAYGROUND beside DISCORD_TOKEN without PLAYGROUND_TOKEN', () => {
  it('the bot refuses to boot, with one line saying what to set', async () => {
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        [path.join(ROOT, 'src/main.ts')],
        // A folder without a .env; nothing else configured.
        { cwd: path.join(ROOT, 'test'), env: { PATH: process.env.PATH, HOME: process.env.HOME, DISCORD_TOKEN: 'MTIz.x', PLAYGROUND: '1' }, timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toEqual([
      'stardust: Invalid setting PLAYGROUND_TOKEN: required when PLAYGROUND is on beside DISCORD_TOKEN, or anyone who reaches the port could play as any Discord user, owners included: set a long random value (openssl rand -hex 24), or turn PLAYGROUND off',
    ]);
  });
});
