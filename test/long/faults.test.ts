import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { startTestBot, type TestBot, textOf } from '../helpers/app.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { checkInvariants, describeReport, isApology, LEAK, runWorkload, type WorkloadReport } from '../helpers/workload.js';

/**
 * Faults under load (Postgres only; it restarts the server, so it runs alone
 * in `npm run test:long`): the bot's connections are killed with
 * pg_terminate_backend several times, the server is stopped and started once,
 * and the art host and AniList answer 500 or hang. Replies stay clear, /health
 * says degraded while the database is away, nothing half-done is left, and the
 * bot serves again without a restart.
 *
 * STARDUST_PG_CTL overrides how the server is stopped and started: a command
 * with `{action}` (start|stop), e.g.
 * `su postgres -c "pg_ctl -D /tmp/pg/data -o '-p 5499' -w {action}"`.
 */
const OWNER = '69999998';
const BASE = process.env.TEST_DATABASE_URL;
const SEED = Number(process.env.WORKLOAD_SEED ?? 424_242);

function pgCtl(action: 'start' | 'stop'): void {
  const custom = process.env.STARDUST_PG_CTL;
  let cmd: string;
  if (custom) cmd = custom.replaceAll('{action}', action);
  else {
    const version = readdirSync('/etc/postgresql')
      .filter((d) => /^\d+$/.test(d))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (!version) throw new Error('no cluster under /etc/postgresql; set STARDUST_PG_CTL');
    cmd = `pg_ctlcluster --skip-systemctl-redirect ${action === 'stop' ? '-m fast ' : ''}${version} main ${action}`;
  }
  execSync(cmd, { stdio: 'pipe', timeout: 60_000 });
}

async function terminateBackends(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  try {
    const r = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) t',
      [database],
    );
    return r.rows[0]?.n ?? 0;
  } finally {
    await admin.end();
  }
}

/** A host that fails: /500/… answers 500, /hang/… never answers. */
async function failingHost(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    hits++;
    if (req.url?.startsWith('/hang')) {
      open.add(res);
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits: () => hits,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.skipIf(!BASE)('faults on postgres', () => {
  let tdb: TestDb;
  let bot: TestBot;
  let host: Awaited<ReturnType<typeof failingHost>>;
  let database: string;

  beforeAll(async () => {
    host = await failingHost();
    tdb = await openTestDb('postgres', { poolSize: 10 });
    database = (await tdb.db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    await upsertCharacters(tdb.db, generateOfflineCatalog());
    // Every character's art lives on the failing host: half answer 500, half hang.
    await tdb.db.query(`UPDATE characters SET image_url = $1 || CASE WHEN id % 2 = 0 THEN '/hang/' ELSE '/500/' END || id || '.png'`, [host.url]);
    bot = await startTestBot('postgres', {
      tdb,
      env: { OWNER_IDS: OWNER, STARDUST_OFFLINE: '0', ANILIST_URL: `${host.url}/hang/anilist`, ART_FETCH_TIMEOUT_MS: '1000' },
    });
  }, 180_000);
  afterAll(async () => {
    // Whatever happened, leave the server running for whatever comes next.
    try {
      pgCtl('start');
    } catch {
      // already running
    }
    await bot?.close();
    await tdb?.close();
    await host?.close();
  });

  it('art host and AniList failures give clear replies in bounded time', async () => {
    await bot.say('50000001', '!starter');
    let t = Date.now();
    const pull = await bot.say('50000001', '!inventory');
    expect(pull.some(isApology)).toBe(false);
    const units = (await bot.get('/api/players/50000001')).json.units as Array<{ id: number }>;
    t = Date.now();
    const view = await bot.say('50000001', `!view ${units[0]!.id}`);
    expect(view.some(isApology), textOf(view)).toBe(false);
    expect(view[0]!.attachments.length).toBeGreaterThan(0); // a drawn placeholder instead of the art
    expect(Date.now() - t).toBeLessThan(15_000);

    t = Date.now();
    const look = await bot.say('50000001', '!lookup Zzyzx Qwertyuiop');
    const text = textOf(look);
    expect(look.some(isApology), text).toBe(false);
    expect(text).not.toMatch(LEAK);
    expect(text.length).toBeGreaterThan(10);
    expect(Date.now() - t).toBeLessThan(15_000);
    expect(host.hits()).toBeGreaterThan(0);
  });

  it('survives killed connections and a server restart under load, with no partial writes', async () => {
    let faultsDone = false;
    let stopAfter = Infinity;
    const work: Promise<WorkloadReport> = runWorkload(bot, {
      players: 40,
      commands: Number(process.env.FAULTS_COMMANDS ?? 4_000),
      concurrency: 20,
      seed: SEED,
      ownerId: OWNER,
      clockEvery: 200,
      shouldStop: () => faultsDone && Date.now() > stopAfter,
    });

    // 1. Kill the bot's connections a few times while commands run.
    let killed = 0;
    for (let i = 0; i < 4; i++) {
      await sleep(2_500);
      killed += await terminateBackends(database);
    }
    expect(killed).toBeGreaterThan(0);

    // 2. Take the server away: /health turns degraded, commands get the apology (no stack, no SQL).
    pgCtl('stop');
    const down = await waitFor(
      'a degraded /health',
      async () => {
        const h = await bot.get('/health');
        return h.status === 503 ? h.json : undefined;
      },
      20_000,
    );
    expect(down).toMatchObject({ status: 'degraded', database: 'down' });
    const during = await bot.say('50000002', '!pull');
    expect(during.length).toBeGreaterThan(0);
    for (const m of during) {
      expect(textOf(m)).not.toMatch(LEAK);
      if (isApology(m)) expect(textOf(m)).toMatch(/error id `[\w-]+`/);
    }
    await sleep(2_000);

    // 3. Bring it back: the bot serves again on its own.
    pgCtl('start');
    const up = await waitFor(
      'an ok /health',
      async () => {
        const h = await bot.get('/health');
        return h.status === 200 ? h.json : undefined;
      },
      60_000,
    );
    expect(up).toMatchObject({ status: 'ok', database: 'ok' });
    const served = await waitFor(
      'a served command',
      async () => {
        const r = await bot.say('50000003', '!gems');
        return r.some(isApology) ? undefined : r;
      },
      30_000,
    );
    expect(textOf(served)).toMatch(/gems/i);

    // 4. A little more load after recovery, then stop and check everything.
    faultsDone = true;
    stopAfter = Date.now() + 5_000;
    const report = await work;
    console.log(`faults: ${killed} connections killed; server stopped and started once\n${describeReport(report)}`);
    const inv = await checkInvariants(tdb.db);
    console.log(JSON.stringify(inv.counts));
    expect(inv.violations, inv.violations.join('\n')).toEqual([]);
    expect(report.leaks.map((l) => `${l.input}: ${l.text}`)).toEqual([]);
    // The HTTP layer itself stays up throughout: every failure is a reply, not a 500 or a dropped request.
    expect(report.httpErrors.map((l) => `${l.input}: ${l.text}`)).toEqual([]);
    for (const a of report.apologies) expect(a.text).toMatch(/error id `[\w-]+`/);

    // And after all that, a fresh workload runs clean.
    const after = await runWorkload(bot, { players: 10, commands: 300, concurrency: 10, seed: SEED + 1, ownerId: OWNER, idPrefix: '71000000' });
    console.log(`after recovery: ${describeReport(after)}`);
    expect(after.apologies.map((a) => `${a.input}: ${a.text}`)).toEqual([]);
    expect((await checkInvariants(tdb.db)).violations).toEqual([]);
  }, 900_000);
});
