import { beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { checkInvariants, isApology } from '../../helpers/workload.js';

/**
 * Found by the randomized workload: `!fight` racing `!end_event` got an
 * unexpected error (the round closed between opening and reading it), and a
 * fight could add its score to a round that was already paid out.
 */
const OWNER = '69999997';

describe.each(backends())('casino fights racing the end of the event on %s', (backend) => {
  const players = Array.from({ length: 12 }, (_, i) => `6800000${String(i).padStart(2, '0')}`);
  const game = useTestBot(backend, {
    db: { poolSize: 20 },
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    env: { OWNER_IDS: OWNER, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    timeout: 120_000,
  });
  beforeAll(async () => {
    for (const p of players) {
      await game.bot.say(p, '!starter');
      const units = (await game.bot.get(`/api/players/${p}`)).json.units as Array<{ id: number }>;
      await game.bot.say(
        p,
        `!stb ${units
          .slice(0, 5)
          .map((u) => u.id)
          .join(' ')}`,
      );
    }
  }, 120_000);

  it('every !fight lands in a round and is answered; each round pays once', async () => {
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all([
        ...players.map((p) => game.bot.say(p, '!fight')),
        game.bot.say(OWNER, '!end_event'),
        ...players.map((p) => game.bot.say(p, '!fight')),
        game.bot.say(OWNER, '!end_event'),
      ]);
      const broken = replies.filter((r) => r.some(isApology)).map(textOf);
      expect(broken).toEqual([]);
      await game.bot.post('/api/clock', { advanceSeconds: 86_400 });
    }
    // Includes: every score of a closed round was paid as it stood (no fight landed after the payout).
    expect((await checkInvariants(game.db)).violations).toEqual([]);
  });
});
