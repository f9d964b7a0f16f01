import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import admin from '../../../src/cogs/admin.js';
import { characterById } from '../../../src/core/catalog/repo.js';
import { ensurePlayer } from '../../../src/core/players.js';
import { basePower } from '../../../src/core/power.js';
import { FakeAniList } from '../../fakes/anilist.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { ledgerMismatches, seedCatalog } from '../raid/helpers.js';

const until = async (fn: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
};

describe.each(backends())('admin commands on %s', (backend) => {
  let tdb: TestDb;
  let bot: TestBot;
  let online: TestBot;
  let anilist: FakeAniList;
  beforeAll(async () => {
    tdb = await openTestDb(backend, { poolSize: 10 });
    await seedCatalog(tdb.db);
    anilist = await FakeAniList.start({ total: 150 });
    bot = await startTestBot(backend, { tdb, cogs: [admin], env: { OWNER_IDS: 'owner' } });
    online = await startTestBot(backend, {
      tdb,
      cogs: [admin],
      env: { OWNER_IDS: 'owner', STARDUST_OFFLINE: '0', ANILIST_URL: anilist.url, ANILIST_REQUESTS_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await online?.close();
    await anilist?.close();
    await tdb?.close();
  });

  it('every admin command is refused for non-owners with a clear message, and nothing changes', async () => {
    for (const cmd of ['add_skill 5000 Surge', 'override_unit 5000 SR 100', 'ou 5000 SR 100', 'apologems 100', 'catalog_sync 50', 'audit']) {
      const name = cmd.split(' ')[0] === 'ou' ? 'override_unit' : cmd.split(' ')[0];
      expect(textOf(await bot.say('mallory', `!${cmd}`))).toBe(`⚠️ \`!${name}\` is for the bot's owners only.`);
    }
    expect((await characterById(tdb.db, 5000))!.skills).toEqual([]);
    const audit = await tdb.db.query('SELECT 1 FROM admin_audit');
    expect(audit.rowCount).toBe(0);
  });

  it('!add_skill: case-insensitive; Anchor sets squash resistance 0.4 and recomputes power; unknown skills list the valid ones', async () => {
    expect(textOf(await bot.say('owner', '!add_skill 5000 Flamethrower'))).toMatch(/no skill called `Flamethrower`. Skills: `Surge`, `Berserk`.*`Anchor`/);
    expect(textOf(await bot.say('owner', '!add_skill 999999 Surge'))).toMatch(/no character with id 999999/);
    expect(textOf(await bot.say('owner', '!add_skill 6000 surge'))).toMatch(/Added \*\*Surge\*\*/);
    // An SR with enough favourites to be squashed: Anchor gives part of it back.
    const before = (await characterById(tdb.db, 6000))!;
    const t = textOf(await bot.say('owner', '!add_skill 6000 ANCHOR'));
    const after = (await characterById(tdb.db, 6000))!;
    expect(after.skills).toEqual(['Surge', 'Anchor']);
    expect(after.squashResistance).toBeCloseTo(0.4);
    expect(after.basePower).toBe(basePower(before.favourites, 'SR', 0.4));
    expect(t).toMatch(/Added \*\*Anchor\*\*/);
    const audit = await tdb.db.query<{ action: string; details: { skill: string } }>(
      "SELECT action, details FROM admin_audit WHERE action = 'add_skill' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.details.skill)).toEqual(['Surge', 'Anchor']);
  });

  it('!override_unit (ou): sets rarity and power; bad rarity, negative or huge power and unknown ids are refused', async () => {
    expect(textOf(await bot.say('owner', '!override_unit 5001 UR 100'))).toMatch(/`rarity` must be one of `R`, `SR`, `SSR`/);
    expect(textOf(await bot.say('owner', '!ou 5001 SR -5'))).toMatch(/`power` must be from 0 to 1,000,000/);
    expect(textOf(await bot.say('owner', '!ou 5001 SR 99999999999'))).toMatch(/`power` must be from 0 to 1,000,000/);
    expect(textOf(await bot.say('owner', '!ou 123456 SR 100'))).toMatch(/no character with id 123456/);
    expect(textOf(await bot.say('owner', '!ou 5001 sr 8,888'))).toMatch(/SSR [\d,]+ → \*\*SR 8,888\*\*/);
    expect(await characterById(tdb.db, 5001)).toMatchObject({ rarity: 'SR', basePower: 8888, overridden: true });
  });

  it('!apologems: needs `confirm` within 15 s; pays every player once through the ledger; 0 is refused', async () => {
    expect(textOf(await bot.say('owner', '!apologems 0'))).toMatch(/`gems` must be from 1 to 1,000,000/);
    for (const p of ['p1', 'p2', 'p3']) await ensurePlayer(tdb.db, p, p);
    expect(textOf(await bot.say('owner', '!apologems 250 server went down'))).toMatch(/Type `confirm` within 15 s/);
    expect(textOf(await bot.say('owner', 'nah'))).toMatch(/Cancelled/);
    expect((await bot.get('/api/players/p1')).json.gems).toBe(0);
    const players = (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM players')).rows[0]!.n;
    await bot.say('owner', '!apologems 250 server went down');
    const done = textOf(await bot.say('owner', 'confirm'));
    expect(done).toContain(`${players} players got 250 💎 each — ${(players * 250).toLocaleString('en-US')} 💎 in all`);
    // The prompt is used up: a second confirm is just a message.
    expect(await bot.say('owner', 'confirm')).toEqual([]);
    expect((await bot.get('/api/players/p1')).json.gems).toBe(250);
    const ledger = await tdb.db.query<{ n: number; ref: string }>("SELECT count(*)::int AS n, min(ref) AS ref FROM ledger WHERE reason = 'apologems'");
    expect(ledger.rows[0]).toEqual({ n: players, ref: 'server went down' });
    expect(await ledgerMismatches(tdb.db)).toEqual([]);
    const audit = await tdb.db.query<{ details: { players: number; total: number } }>("SELECT details FROM admin_audit WHERE action = 'apologems'");
    expect(audit.rows[0]!.details).toMatchObject({ players, total: players * 250 });
  });

  it('!catalog_sync runs in the background with progress messages, refuses a second one at the same time, and is off when offline', async () => {
    expect(textOf(await bot.say('owner', '!catalog_sync 100'))).toMatch(/runs offline/);
    anilist.rateLimitNext(1, '1'); // keeps the first sync busy for a second
    const room = { channelId: 'sync-room' };
    expect(textOf(await online.say('owner', '!catalog_sync 100', room))).toMatch(/Catalog sync started: the top 100 characters/);
    expect(textOf(await online.say('owner', '!catalog_sync 100', room))).toMatch(/already running/);
    const events = async () => ((await online.get('/api/channels/sync-room/events')).json.events as Array<{ message: never }>).map((e) => textOf(e.message));
    await until(async () => (await events()).some((t) => /Catalog sync complete/.test(t)));
    expect((await events()).filter((t) => /Catalog sync complete/.test(t))).toHaveLength(1);
    // (Progress messages come per saved batch; this small, fast run saves both pages in one batch.)
    const c = await tdb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM characters WHERE name LIKE 'Fake Character %'");
    expect(c.rows[0]!.n).toBe(100);
    // The lease is released: another sync may start.
    expect(textOf(await online.say('owner', '!catalog_sync 50', room))).toMatch(/Catalog sync started/);
    await until(async () => (await events()).filter((t) => /Catalog sync complete/.test(t)).length === 2);
  });

  it('!audit lists recent owner actions, newest first', async () => {
    const t = textOf(await bot.say('owner', '!audit'));
    expect(t).toMatch(/Admin audit/);
    expect(t.indexOf('catalog_sync')).toBeLessThan(t.indexOf('add_skill'));
    expect(t).toMatch(/Page 1\/\d+/);
    expect(textOf(await bot.say('owner', '!audit 99'))).toMatch(/only \d+ page/);
  });
});
