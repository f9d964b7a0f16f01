import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { casinoFight } from '../../../src/core/casino.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../../src/core/db/migrate.js';
import { type AttackResult, attackRaid, startRaid } from '../../../src/core/raid/raids.js';
import { spendTicket, ticketsLeft } from '../../../src/core/raid/tickets.js';
import { Rng } from '../../../src/core/rng.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { playerWithTeam, seedCatalog } from './helpers.js';

const T0 = new Date('2030-03-01T10:00:00Z');

async function usedByServer(tdb: TestDb, playerId: string): Promise<Record<string, number>> {
  const r = await tdb.db.query<{ scope: string; used: number }>(
    "SELECT scope, used FROM daily_tickets WHERE player_id = $1 AND kind = 'raid' AND day = $2::date ORDER BY scope",
    [playerId, T0.toISOString().slice(0, 10)],
  );
  return Object.fromEntries(r.rows.map((x) => [x.scope, x.used]));
}

describe.each(backends())('raid tickets are counted per player per server (%s)', (backend) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 10 });
    await seedCatalog(tdb.db);
  });
  afterAll(async () => tdb?.close());
  beforeEach(async () => tdb.reset());

  it('under concurrent attacks in two servers: 3 hits in each, never a 4th, and the casino tickets untouched', async () => {
    await startRaid(tdb.db, { guildId: 'ga', channelId: 'ca', bossWord: 'gloomfang', startedBy: 'owner', now: T0 });
    await startRaid(tdb.db, { guildId: 'gb', channelId: 'cb', bossWord: 'seraphine', startedBy: 'owner', now: T0 });
    await playerWithTeam(tdb.db, 'roamer', [6000, 6001]);
    // Ten attacks in each server, all at once and interleaved.
    const attempts = Array.from({ length: 20 }, (_, i) =>
      attackRaid(tdb.db, { guildId: i % 2 ? 'gb' : 'ga', playerId: 'roamer', rng: new Rng(i), now: T0 }).then(
        (r) => ({ guild: i % 2 ? 'gb' : 'ga', r }),
        (err: Error) => ({ guild: i % 2 ? 'gb' : 'ga', err }),
      ),
    );
    const results = await Promise.all(attempts);
    for (const g of ['ga', 'gb']) {
      const mine = results.filter((x) => x.guild === g);
      const hits = mine.filter((x): x is { guild: string; r: AttackResult } => 'r' in x && x.r.kind === 'hit');
      const refused = mine.filter((x): x is { guild: string; err: Error } => 'err' in x);
      expect(hits).toHaveLength(3);
      expect(refused).toHaveLength(7);
      for (const x of refused) expect(x.err.message).toMatch(/no raid tickets left in this server today \(3 a day in each server\)/);
      // The tickets left after each hit are 2, 1 and 0, each seen once.
      expect(hits.map((h) => (h.r.kind === 'hit' ? h.r.ticketsLeft : -1)).sort()).toEqual([0, 1, 2]);
    }
    expect(await usedByServer(tdb, 'roamer')).toEqual({ ga: 3, gb: 3 });
    const attacks = await tdb.db.query<{ guild_id: string; n: number }>(
      `SELECT r.guild_id, count(*)::int AS n FROM raid_attacks a JOIN raids r ON r.id = a.raid_id WHERE a.player_id = 'roamer' GROUP BY 1 ORDER BY 1`,
    );
    expect(attacks.rows).toEqual([
      { guild_id: 'ga', n: 3 },
      { guild_id: 'gb', n: 3 },
    ]);
    expect(await ticketsLeft(tdb.db, 'roamer', 'raid', T0, 'ga')).toBe(0);
    expect(await ticketsLeft(tdb.db, 'roamer', 'raid', T0, 'gc')).toBe(3);
    // Casino tickets are the player's own, wherever they play.
    expect(await ticketsLeft(tdb.db, 'roamer', 'casino', T0)).toBe(3);
    const fights = await Promise.allSettled(Array.from({ length: 5 }, () => casinoFight(tdb.db, 'roamer', T0)));
    expect(fights.filter((f) => f.status === 'fulfilled')).toHaveLength(3);
    expect(await ticketsLeft(tdb.db, 'roamer', 'casino', T0)).toBe(0);
    expect(await ticketsLeft(tdb.db, 'roamer', 'raid', T0, 'gc')).toBe(3);
  });

  it('a raid ticket needs the server it is spent in', async () => {
    await playerWithTeam(tdb.db, 'nowhere', [6000]);
    // Only reachable past the types: raid tickets without a server are a programming error, never a silent global count.
    const spend = spendTicket as (...args: unknown[]) => Promise<number | null>;
    await expect(spend(tdb.db, 'nowhere', 'raid', T0)).rejects.toThrow(/per server/);
    expect(await spendTicket(tdb.db, 'nowhere', 'raid', T0, 'gx')).toBe(2);
  });
});

describe.each(backends())('migration 014 keeps the raid tickets spent before it (%s)', (backend) => {
  let tdb: TestDb;
  let before014: string;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { migrations: false });
    before014 = await mkdtemp(path.join(os.tmpdir(), 'stardust-before-014-'));
    for (const f of await readMigrations()) if (f.version < 14) await copyFile(path.join(MIGRATIONS_DIR, f.name), path.join(before014, f.name));
  });
  afterAll(async () => {
    await tdb?.close();
    if (before014) await rm(before014, { recursive: true, force: true });
  });

  it('splits the old cross-server raid rows by the servers their attacks were in; casino rows stay as they were', async () => {
    await migrate(tdb.db, before014);
    await seedCatalog(tdb.db);
    const day = '2030-03-01';
    for (const p of ['split', 'onlyA', 'casinoOnly']) await tdb.db.query('INSERT INTO players (id, username) VALUES ($1, $1)', [p]);
    const raid = async (guild: string) =>
      Number(
        (
          await tdb.db.query<{ id: number }>(
            `INSERT INTO raids (guild_id, channel_id, boss_key, max_hp, hp, started_by, started_at, ends_at)
             VALUES ($1, 'c', 'gloomfang', 1000000, 900000, 'owner', $2, $2::timestamptz + interval '1 day') RETURNING id`,
            [guild, T0],
          )
        ).rows[0]!.id,
      );
    const a = await raid('ga');
    const b = await raid('gb');
    const attack = (raidId: number, player: string, at: string) =>
      tdb.db.query('INSERT INTO raid_attacks (raid_id, player_id, phase, seed, total, damage, at) VALUES ($1, $2, 1, 1, 10, 10, $3)', [raidId, player, at]);
    // 'split' spent 2 tickets in server A and 1 in B today (3 across servers: none left before the change).
    await attack(a, 'split', `${day}T08:00:00Z`);
    await attack(a, 'split', `${day}T09:00:00Z`);
    await attack(b, 'split', `${day}T09:30:00Z`);
    // An attack yesterday belongs to yesterday's row only.
    await attack(b, 'split', '2030-02-28T23:59:00Z');
    await attack(a, 'onlyA', `${day}T07:00:00Z`);
    const legacy = [
      ['split', 'raid', day, 3],
      ['split', 'raid', '2030-02-28', 1],
      ['onlyA', 'raid', day, 1],
      ['split', 'casino', day, 2],
      ['casinoOnly', 'casino', day, 3],
    ] as const;
    for (const [p, kind, d, used] of legacy)
      await tdb.db.query('INSERT INTO daily_tickets (player_id, kind, day, used) VALUES ($1, $2, $3::date, $4)', [p, kind, d, used]);

    expect(await migrate(tdb.db)).toContain('014_raid_tickets_per_server.sql');

    const rows = await tdb.db.query<{ player_id: string; kind: string; scope: string; day: string; used: number }>(
      "SELECT player_id, kind, scope, to_char(day, 'YYYY-MM-DD') AS day, used FROM daily_tickets ORDER BY player_id, kind, day, scope",
    );
    expect(rows.rows).toEqual([
      { player_id: 'casinoOnly', kind: 'casino', scope: '', day, used: 3 },
      { player_id: 'onlyA', kind: 'raid', scope: 'ga', day, used: 1 },
      { player_id: 'split', kind: 'casino', scope: '', day, used: 2 },
      { player_id: 'split', kind: 'raid', scope: 'gb', day: '2030-02-28', used: 1 },
      { player_id: 'split', kind: 'raid', scope: 'ga', day, used: 2 },
      { player_id: 'split', kind: 'raid', scope: 'gb', day, used: 1 },
    ]);
    // The migrated rows keep counting: 1 more in A, 2 more in B, 3 in a new server; casino as before.
    expect(await ticketsLeft(tdb.db, 'split', 'raid', T0, 'ga')).toBe(1);
    expect(await ticketsLeft(tdb.db, 'split', 'raid', T0, 'gb')).toBe(2);
    expect(await ticketsLeft(tdb.db, 'split', 'raid', T0, 'gc')).toBe(3);
    expect(await spendTicket(tdb.db, 'split', 'raid', T0, 'ga')).toBe(0);
    expect(await spendTicket(tdb.db, 'split', 'raid', T0, 'ga')).toBeNull();
    expect(await ticketsLeft(tdb.db, 'split', 'casino', T0)).toBe(1);
    expect(await spendTicket(tdb.db, 'casinoOnly', 'casino', T0)).toBeNull();
    // A raid row without a server can't be written any more.
    await expect(tdb.db.query("INSERT INTO daily_tickets (player_id, kind, day, used) VALUES ('onlyA', 'raid', '2030-03-02', 1)")).rejects.toThrow(
      /daily_tickets_raid_has_server/,
    );
  });
});
