import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { startTestBot, textOf, type TestBot } from '../../helpers/app.js';
import raid, { sweepExpiredRaids } from '../../../src/cogs/raid.js';
import { ledgerMismatches, playerWithTeam, seedCatalog, smallCatalog } from './helpers.js';

const ROOM = { channelId: 'sweep-room', guildId: 'guild-sweep' };

describe.each(backends())('a raid whose time runs out with nobody around, on %s', (backend) => {
  let bot: TestBot;
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb(backend);
    await seedCatalog(tdb.db);
    bot = await startTestBot(backend, { tdb, cogs: [raid], env: { OWNER_IDS: 'owner' } });
  });
  afterAll(async () => {
    await bot?.close();
    await tdb?.close();
  });

  it('is ended, paid once and announced by the background sweep, without any raid command', async () => {
    await bot.say('owner', '!raid start gloomfang 1', ROOM);
    await playerWithTeam(tdb.db, 'hunter', smallCatalog().slice(0, 5).map((c) => c.id));
    expect(textOf(await bot.say('hunter', '!raid attack', ROOM))).toMatch(/damage/);
    expect(await sweepExpiredRaids(bot.app.services)).toBe(0);

    await bot.post('/api/clock', { advanceSeconds: 3601 });
    expect(await sweepExpiredRaids(bot.app.services)).toBe(1);
    expect(await sweepExpiredRaids(bot.app.services)).toBe(0);

    const feed = (await bot.get(`/api/channels/${ROOM.channelId}/events`)).json.events as Array<{ message: { embeds: Array<{ title?: string }> } }>;
    expect(feed.some((e) => /Time is up/.test(e.message.embeds[0]?.title ?? ''))).toBe(true);
    const paid = await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger WHERE player_id = 'hunter' AND reason LIKE '%raid%'`);
    expect(paid.rows[0]!.n).toBeGreaterThanOrEqual(1);
    expect(await ledgerMismatches(tdb.db)).toEqual([]);
  });
});
