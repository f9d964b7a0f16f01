import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import achievements from '../../../src/cogs/achievements.js';
import bounty from '../../../src/cogs/bounty.js';
import expedition from '../../../src/cogs/expedition.js';
import { ACHIEVEMENTS, achievementStats } from '../../../src/core/achievements.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import type { Db, Queryable } from '../../../src/core/db/index.js';
import { changeBalance, ledgerSums } from '../../../src/core/economy.js';
import { effectivePower } from '../../../src/core/power.js';
import { setTeam, teamUnits, totalPower } from '../../../src/core/teams.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { addCharacters, balance, giveUnit } from './fixtures.js';

const T0 = Date.parse('2030-07-01T09:15:00Z');
const SSR = Array.from({ length: 60 }, (_, i) => 5_000_001 + i);
const R = Array.from({ length: 120 }, (_, i) => 5_100_001 + i);
/** Smallest base power whose effective power (team level 1, bond 1, dupe 0) reaches `target`. */
function baseFor(target: number): number {
  let b = Math.floor(target / 1.01505) - 5;
  while (effectivePower(b, { dupeLevel: 0, teamLevel: 1, bondLevel: 1 }) < target) b++;
  return b;
}
const P50K = 5_200_001;
const P50K_LESS = 5_200_002;
const P100K = 5_200_003;
const P100K_LESS = 5_200_004;

/** Puts `count` units (of the given characters) in a player's inventory in one statement. */
async function bulkUnits(db: Queryable, playerId: string, chars: number[], opts: { dupe?: number; bond?: number; locked?: boolean } = {}): Promise<void> {
  await db.query(
    `INSERT INTO units (player_id, character_id, dupe_level, bond_level, locked)
     SELECT $1, unnest($2::int[]), $3, $4, $5`,
    [playerId, chars, opts.dupe ?? 0, opts.bond ?? 1, opts.locked ?? false],
  );
}

type Setup = (db: Db, u: string) => Promise<void>;
const setPlayer =
  (column: string, value: number): Setup =>
  async (db, u) => {
    await db.query(`UPDATE players SET ${column} = $2 WHERE id = $1`, [u, value]);
  };
const kills =
  (tier: string, n: number): Setup =>
  async (db, u) => {
    await db.query('INSERT INTO bounty_kills (player_id, tier, kills) VALUES ($1, $2, $3)', [u, tier, n]);
  };
const units =
  (chars: number[], opts: { dupe?: number; bond?: number; locked?: boolean } = {}): Setup =>
  async (db, u) =>
    bulkUnits(db, u, chars, opts);
const battleTeam =
  (chars: number[]): Setup =>
  async (db, u) => {
    const ids: number[] = [];
    for (const c of chars) ids.push(await giveUnit(db, u, c));
    await setTeam(db, u, 'battle', ids);
  };
const both =
  (...s: Setup[]): Setup =>
  async (db, u) => {
    for (const f of s) await f(db, u);
  };
const spark =
  (points: number): Setup =>
  async (db, u) => {
    const b = await db.query<{ id: number }>(
      `INSERT INTO banners (name, starts_at, ends_at, active, seed_hash, seed_secret) VALUES ('Test', $1, $2, FALSE, 'h', 's') RETURNING id`,
      [new Date(T0 - 86_400_000), new Date(T0 + 86_400_000)],
    );
    await db.query('INSERT INTO spark_points (player_id, banner_id, points) VALUES ($1, $2, $3)', [u, b.rows[0]!.id, points]);
  };

/** For each achievement: a state just below its condition, and one that meets it. */
const CASES: Record<string, { below: Setup; at: Setup }> = {
  FIRST_PULL: { below: async () => {}, at: units([R[0]!]) },
  COLLECTOR_100: { below: units(R.slice(0, 99)), at: units(R.slice(0, 100)) },
  UPSTART: { below: units([...SSR.slice(0, 4), ...R.slice(0, 10)]), at: units(SSR.slice(0, 5)) },
  THE_ELITE: { below: units(SSR.slice(0, 9)), at: units(SSR.slice(0, 10)) },
  SUPERNOVAE: { below: units(SSR.slice(0, 49)), at: units(SSR.slice(0, 50)) },
  ARMY_OF_MANY: { below: both(units(R.slice(0, 49), { dupe: 9 }), units([R[49]!], { dupe: 8 })), at: units(R.slice(0, 50), { dupe: 9 }) },
  PERFECT_COPY: { below: units(R.slice(0, 3), { dupe: 9 }), at: units([R[0]!], { dupe: 10 }) },
  PRISMATIC_TRANSCENDENCE: { below: both(units([SSR[0]!], { dupe: 9 }), units([R[0]!], { dupe: 10 })), at: units([SSR[0]!], { dupe: 10 }) },
  DEEP_POCKETS: { below: spark(299), at: spark(300) },
  NOVICE_GAMBLER: { below: setPlayer('total_pulls', 99), at: setPlayer('total_pulls', 100) },
  BIG_PLAYER: { below: setPlayer('total_pulls', 499), at: setPlayer('total_pulls', 500) },
  THOUSAND_PULL_CLUB: { below: setPlayer('total_pulls', 999), at: setPlayer('total_pulls', 1000) },
  R_TAKEDOWN: { below: kills('SR', 3), at: kills('R', 1) },
  SR_TAKEDOWN: { below: kills('R', 3), at: kills('SR', 1) },
  SSR_TAKEDOWN: { below: kills('UR', 1), at: kills('SSR', 1) },
  UR_TAKEDOWN: { below: kills('SSR', 5), at: kills('UR', 1) },
  VETERAN_HUNTER: { below: setPlayer('total_bounties', 99), at: setPlayer('total_bounties', 100) },
  FORMIDABLE_TEAM: { below: battleTeam([P50K_LESS]), at: battleTeam([P50K]) },
  TITAN_SQUAD: { below: battleTeam([P100K_LESS]), at: battleTeam([P100K]) },
  GOLDEN_VANGUARD: { below: both(units(SSR.slice(10, 20)), battleTeam([...SSR.slice(0, 4), R[0]!])), at: battleTeam(SSR.slice(0, 5)) },
  BOND_INITIATE: { below: units(R.slice(0, 5), { bond: 9 }), at: units([R[0]!], { bond: 10 }) },
  SOUL_BOUND: { below: units([R[0]!], { bond: 49 }), at: units([R[0]!], { bond: 50 }) },
  COMMANDING_OFFICER: { below: setPlayer('team_level', 9), at: setPlayer('team_level', 10) },
  SUPREME_COMMANDER: { below: setPlayer('team_level', 49), at: setPlayer('team_level', 50) },
  FIRST_VOYAGE: { below: setPlayer('expedition_gems_total', 1000), at: setPlayer('expeditions_claimed', 1) },
  TREASURE_HUNTER: { below: setPlayer('expedition_gems_total', 499_999), at: setPlayer('expedition_gems_total', 500_000) },
  EFFICIENT_SCRAPPER: { below: setPlayer('total_scrapped', 99), at: setPlayer('total_scrapped', 100) },
  SAFE_KEEPING: { below: both(units(R.slice(0, 9), { locked: true }), units(R.slice(9, 30))), at: units(R.slice(0, 10), { locked: true }) },
  COIN_COLLECTOR: {
    below: async (db, u) => void (await changeBalance(db, u, { coins: 4_999 }, 'test')),
    at: async (db, u) => void (await changeBalance(db, u, { coins: 5_000 }, 'test')),
  },
  WEEKLY_HABIT: { below: setPlayer('checkin_streak', 6), at: setPlayer('checkin_streak', 7) },
  MONTHLY_DEVOTION: { below: setPlayer('checkin_streak', 29), at: setPlayer('checkin_streak', 30) },
  ULTIMATE_BATTLER: { below: setPlayer('total_bounties', 5), at: setPlayer('boss_kills', 1) },
};

describe.each(backends())('achievements (SPEC §14) on %s', (backend) => {
  let bot: TestBot;
  let hasSpark = false;
  const db = () => bot.tdb.db;
  beforeAll(async () => {
    bot = await startTestBot(backend, { cogs: [achievements, expedition, bounty], clock: new AdjustableClock(() => T0) });
    await addCharacters(db(), [
      ...SSR.map((id) => ({ id, rarity: 'SSR' as const, basePower: 11_000 })),
      ...R.map((id) => ({ id, rarity: 'R' as const, basePower: 4_500 })),
      { id: P50K, rarity: 'R', basePower: baseFor(50_000) },
      { id: P50K_LESS, rarity: 'R', basePower: baseFor(50_000) - 1 },
      { id: P100K, rarity: 'R', basePower: baseFor(100_000) },
      { id: P100K_LESS, rarity: 'R', basePower: baseFor(100_000) - 1 },
    ]);
    hasSpark = !!(await db().query<{ t: string | null }>(`SELECT to_regclass('spark_points')::text AS t`)).rows[0]?.t;
  });
  afterAll(async () => bot?.close());

  const earned = async (u: string) =>
    (await db().query<{ achievement_id: string }>('SELECT achievement_id FROM player_achievements WHERE player_id = $1', [u])).rows.map(
      (r) => r.achievement_id,
    );

  it('the table has a case for all 32', () => {
    expect(Object.keys(CASES).sort()).toEqual(ACHIEVEMENTS.map((a) => a.id).sort());
  });

  for (const def of ACHIEVEMENTS) {
    it(`${def.id} (${def.name}): not before its threshold, awarded at it with ${def.gems} gems + ${def.coins} coins, once`, async (t) => {
      if (def.id === 'DEEP_POCKETS' && !hasSpark) t.skip();
      const c = CASES[def.id]!;
      const below = `ach-b-${def.id}`.toLowerCase();
      await bot.say(below, '!ach'); // creates the player
      await c.below(db(), below);
      await bot.say(below, '!ach');
      expect(await earned(below)).not.toContain(def.id);

      const u = `ach-a-${def.id}`.toLowerCase();
      await bot.say(u, '!ach');
      await c.at(db(), u);
      const before = await balance(db(), u);
      const replies = await bot.say(u, '!ach');
      const text = textOf(replies);
      expect(text).toContain(def.name);
      expect(await earned(u)).toContain(def.id);
      const paid = await db().query<{ currency: string; delta: number }>(
        `SELECT currency, delta FROM ledger WHERE player_id = $1 AND reason = 'achievement' AND ref = $2 ORDER BY currency`,
        [u, def.id],
      );
      expect(paid.rows).toEqual([...(def.coins ? [{ currency: 'coins', delta: def.coins }] : []), { currency: 'gems', delta: def.gems }]);
      const after = await balance(db(), u);
      expect(after.gems - before.gems).toBeGreaterThanOrEqual(def.gems);

      // Once: another command changes nothing for it.
      await bot.say(u, '!ach');
      const again = await db().query('SELECT 1 FROM ledger WHERE player_id = $1 AND reason = $2 AND ref = $3', [u, 'achievement', def.id]);
      expect(again.rowCount).toBe(paid.rowCount);
      expect(await ledgerSums(db(), u)).toEqual(await balance(db(), u));
    });
  }

  it('twenty commands at once award each achievement once and announce it once', async () => {
    const u = 'ach-race';
    await bot.say(u, '!ach');
    await bulkUnits(db(), u, SSR.slice(0, 10), { dupe: 10, bond: 50, locked: true });
    await db().query('UPDATE players SET total_pulls = 1000, team_level = 50, checkin_streak = 30 WHERE id = $1', [u]);
    const replies = await Promise.all(Array.from({ length: 20 }, () => bot.say(u, '!ach')));
    const announced = replies.flat().filter((m) => /achievement(s)? unlocked/i.test(textOf(m)));
    expect(announced.length).toBeGreaterThanOrEqual(1);
    const ids = await earned(u);
    const expected = [
      'FIRST_PULL',
      'UPSTART',
      'THE_ELITE',
      'PERFECT_COPY',
      'PRISMATIC_TRANSCENDENCE',
      'NOVICE_GAMBLER',
      'BIG_PLAYER',
      'THOUSAND_PULL_CLUB',
      'BOND_INITIATE',
      'SOUL_BOUND',
      'COMMANDING_OFFICER',
      'SUPREME_COMMANDER',
      'SAFE_KEEPING',
      'WEEKLY_HABIT',
      'MONTHLY_DEVOTION',
    ];
    expect(ids.sort()).toEqual([...expected].sort());
    // Each announced exactly once across all twenty replies.
    for (const id of expected) {
      const name = ACHIEVEMENTS.find((a) => a.id === id)!.name;
      expect(announced.filter((m) => textOf(m).includes(`**${name}**`)).length).toBe(1);
    }
    const paid = await db().query<{ ref: string; n: number }>(
      `SELECT ref, count(*)::int AS n FROM ledger WHERE player_id = $1 AND reason = 'achievement' AND currency = 'gems' GROUP BY ref`,
      [u],
    );
    expect(paid.rows.every((r) => r.n === 1)).toBe(true);
    const gems = expected.reduce((s, id) => s + ACHIEVEMENTS.find((a) => a.id === id)!.gems, 0);
    expect((await balance(db(), u)).gems).toBe(gems);
    expect(await ledgerSums(db(), u)).toEqual(await balance(db(), u));
  });

  it('an achievement reward can unlock another in the same check (Prismatic coins → Coin Collector)', async () => {
    const u = 'ach-cascade';
    await bot.say(u, '!ach');
    await changeBalance(db(), u, { coins: 4_500 }, 'test');
    await bulkUnits(db(), u, [SSR[0]!], { dupe: 10 });
    const text = textOf(await bot.say(u, '!ach'));
    expect(text).toContain('Prismatic Transcendence');
    expect(text).toContain('Coin Collector');
    expect(await earned(u)).toContain('COIN_COLLECTOR');
  });

  it('battle team power in the check uses the same effective-power formula as the game', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ c: fc.integer({ min: 0, max: 59 }), dupe: fc.integer({ min: 0, max: 10 }), bond: fc.integer({ min: 1, max: 50 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 80 }),
        async (team, level) => {
          const u = 'ach-power';
          await db().query('DELETE FROM players WHERE id = $1', [u]);
          await db().query(`INSERT INTO players (id, username, team_level) VALUES ($1, $1, $2)`, [u, level]);
          const seen = new Set<number>();
          const ids: number[] = [];
          for (const x of team) {
            if (seen.has(x.c)) continue;
            seen.add(x.c);
            // Odd base powers so products land near integers often.
            await db().query('UPDATE characters SET base_power = $2 WHERE id = $1', [SSR[x.c]!, 9_000 + x.c * 997]);
            ids.push(await giveUnit(db(), u, SSR[x.c]!, { dupe: x.dupe, bond: x.bond }));
          }
          await setTeam(db(), u, 'battle', ids);
          const js = totalPower(await teamUnits(db(), u, 'battle'));
          const s = await achievementStats(db(), u);
          expect(s!.stats.battlePower).toBe(js);
        },
      ),
      { numRuns: 40 },
    );
    await db().query('UPDATE characters SET base_power = 11000 WHERE id = ANY($1::int[])', [SSR]);
  });

  it('unlocks from real play: First Voyage after !ex claim, R-Tier Takedown after a bounty FIGHT', async () => {
    const u = 'ach-play';
    const strong = [];
    for (const c of SSR.slice(0, 5)) strong.push(await giveUnit(db(), u, c));
    await setTeam(db(), u, 'expedition', [strong[0]!]);
    await setTeam(
      db(),
      u,
      'battle',
      strong.map((x) => x),
    );
    await db().query('UPDATE characters SET base_power = 40000 WHERE id = ANY($1::int[])', [SSR.slice(0, 5)]);
    await bot.say(u, '!ex start');
    await bot.post('/api/clock', { advanceSeconds: 3600 });
    expect(textOf(await bot.say(u, '!ex claim'))).toMatch(/First Voyage/);

    const [msg] = await bot.say(u, '!hunt');
    const sel = msg!.components.find((c) => c.type === 'select');
    const value = sel && sel.type === 'select' ? sel.options[0]!.value : '0';
    const tier = sel && sel.type === 'select' ? /— (\w+) ·/.exec(sel.options[0]!.label)![1]! : 'R';
    await bot.click(u, msg!.id, 'bounty:pick', [value]);
    const fought = await bot.click(u, msg!.id, 'bounty:fight');
    const names: Record<string, string> = { R: 'R-Tier Takedown', SR: 'SR-Tier Takedown', SSR: 'SSR-Tier Takedown', UR: 'UR-Tier Takedown' };
    expect(textOf(fought.replies)).toContain(names[tier]!);
    await db().query('UPDATE characters SET base_power = 11000 WHERE id = ANY($1::int[])', [SSR.slice(0, 5)]);
  });

  it("!achievements: a badge page, then pages of 10 with names, conditions and rewards; another member's too", async () => {
    const u = 'ach-pages';
    await bot.say(u, '!ach');
    await bulkUnits(db(), u, [R[0]!]);
    await bot.say(u, '!ach'); // FIRST_PULL
    const [first] = await bot.say(u, '!achievements');
    const t0 = textOf(first!);
    expect(t0).toMatch(/1 \/ 32\*\* earned/);
    expect(t0).toContain('✨');
    expect(t0).toMatch(/Page 1 \/ 5/);
    const p2 = await bot.click(u, first!.id, 'ach:next');
    const t1 = textOf(p2.edits);
    expect(t1).toMatch(/First Contact\*\* ✅ 2030-07-01/);
    expect(t1).toMatch(/🔒 \*\*Centurion\*\*\nOwn 100 units\. — 10,000 💎 \+ 100 🪙/);
    expect(t1).toMatch(/Page 2 \/ 5/);
    let last = p2;
    for (let i = 0; i < 3; i++) last = await bot.click(u, first!.id, 'ach:next');
    expect(textOf(last.edits)).toMatch(/Page 5 \/ 5/);
    expect(textOf(last.edits)).toContain('Ultimate Battler');
    expect(last.edits[0]!.components.find((c) => c.customId === 'ach:next')!.disabled).toBe(true);
    const back = await bot.click(u, first!.id, 'ach:prev');
    expect(textOf(back.edits)).toMatch(/Page 4 \/ 5/);
    const other = textOf(await bot.say('ach-viewer', `!badges <@${u}>`));
    expect(other).toMatch(/ach-pages's achievements/);
    expect(textOf(await bot.say('ach-viewer', '!ach <@nobody123456>'))).toMatch(/hasn't started playing yet/);
  });
});
