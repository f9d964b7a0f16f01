import { describe, expect, it } from 'vitest';
import raid, { sweepExpiredRaids } from '../../../src/cogs/raid.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { ledgerMismatches, playerWithTeam, seedCatalog, smallCatalog } from './helpers.js';

const ROOM = { channelId: 'sweep-room', guildId: 'guild-sweep' };

describe.each(backends())('a raid whose time runs out with nobody around, on %s', (backend) => {
  const game = useTestBot(backend, { seed: seedCatalog, cogs: [raid], env: { OWNER_IDS: 'owner' } });

  it('is ended, paid once and announced by the background sweep, without any raid command', async () => {
    await game.bot.say('owner', '!raid start gloomfang 1', ROOM);
    await playerWithTeam(
      game.db,
      'hunter',
      smallCatalog()
        .slice(0, 5)
        .map((c) => c.id),
    );
    expect(textOf(await game.bot.say('hunter', '!raid attack', ROOM))).toMatch(/damage/);
    expect(await sweepExpiredRaids(game.bot.app.services)).toBe(0);

    await game.bot.post('/api/clock', { advanceSeconds: 3601 });
    expect(await sweepExpiredRaids(game.bot.app.services)).toBe(1);
    expect(await sweepExpiredRaids(game.bot.app.services)).toBe(0);

    const feed = (await game.bot.get(`/api/channels/${ROOM.channelId}/events`)).json.events as Array<{ message: { embeds: Array<{ title?: string }> } }>;
    expect(feed.some((e) => /Time is up/.test(e.message.embeds[0]?.title ?? ''))).toBe(true);
    const paid = await game.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger WHERE player_id = 'hunter' AND reason LIKE '%raid%'`);
    expect(paid.rows[0]!.n).toBeGreaterThanOrEqual(1);
    expect(await ledgerMismatches(game.db)).toEqual([]);
  });
});
