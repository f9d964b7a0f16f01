// A team or preset write racing a scrap of one of its units: whichever
// commits first, no team or preset may name a unit that is gone. (Found by
// the 1,000-command workload on Postgres: the ownership check ran on a
// snapshot from before the player lock wait, so a unit scrapped meanwhile
// slipped into the team.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapAll } from '../../../src/core/collection.js';
import { loadPreset, savePreset } from '../../../src/core/presets.js';
import { setTeam } from '../../../src/core/teams.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';
import { addCharacters, giveUnit } from '../progression/fixtures.js';

const ROUNDS = 30;

for (const backend of backends()) {
  describe(`team writes racing scraps on ${backend}`, () => {
    let tdb: TestDb;
    beforeAll(async () => {
      tdb = await openTestDb(backend, { poolSize: 8 });
      await addCharacters(tdb.db, [
        { id: 9_100_001, rarity: 'R', basePower: 5000 },
        { id: 9_100_002, rarity: 'SR', basePower: 7000 },
      ]);
    });
    afterAll(async () => tdb.close());

    const dangling = async (playerId: string) => {
      const r = await tdb.db.query<{ id: number }>(
        `SELECT x AS id FROM players p, unnest(p.battle_team || p.expedition_team) x
          WHERE p.id = $1 AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = x AND u.player_id = p.id)
         UNION ALL
         SELECT x FROM team_presets t, unnest(t.unit_ids) x
          WHERE t.player_id = $1 AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = x AND u.player_id = t.player_id)`,
        [playerId],
      );
      return r.rows;
    };
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: Error) => e.constructor.name,
      );

    it(`${ROUNDS} rounds of !stb, !se, !save_team and !load_team against !scrap_r leave no team or preset naming a scrapped unit`, async () => {
      const now = new Date();
      for (let round = 0; round < ROUNDS; round++) {
        const player = `race-${backend}-${round}`;
        const keep = await giveUnit(tdb.db, player, 9_100_002); // SR: never scrapped here
        const doomed = await giveUnit(tdb.db, player, 9_100_001); // R: scrap_r takes it unless a team holds it
        await setTeam(tdb.db, player, 'battle', [keep]);
        await savePreset(tdb.db, player, 'solo', now);
        const outcomes = await Promise.all([
          settle(setTeam(tdb.db, player, 'battle', [keep, doomed])),
          settle(setTeam(tdb.db, player, 'expedition', [doomed])),
          settle(savePreset(tdb.db, player, `p${round}`, now)),
          settle(loadPreset(tdb.db, player, 'solo')),
          settle(scrapAll(tdb.db, player, 'R', now)),
        ]);
        // Losing a race is a clear refusal (UserError), never a crash.
        for (const o of outcomes) expect(['ok', 'UserError']).toContain(o);
        expect(await dangling(player)).toEqual([]);
      }
    });
  });
}
