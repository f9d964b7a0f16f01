import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bounty from '../../../src/cogs/bounty.js';
import { bountyKeys, currentBoard, huntBounty, slotStatuses, spendKey } from '../../../src/core/bounty/index.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/index.js';
import { PostgresDb } from '../../../src/core/db/postgres.js';
import { ledgerSums } from '../../../src/core/economy.js';
import { changeItems, itemQuantities } from '../../../src/core/items.js';
import { Rng } from '../../../src/core/rng.js';
import { setTeam } from '../../../src/core/teams.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { addCharacters, balance, giveUnit } from './fixtures.js';

const T0 = Date.parse('2030-06-01T10:30:00Z');
const at = (iso: string) => new Date(iso);
const STRONG = [1, 2, 3, 4, 5].map((i) => 3_000_000 + i); // base 40,000: far above any bounty
const ROYAL = 3_000_010; // base 40,000 with Royalty
const WEAK = 3_000_020; // base 100
const BOND = [1, 2, 3, 4].map((i) => 3_000_100 + i);

describe.each(backends())('bounty board, keys, hunts and gifts (SPEC §11) on %s', (backend) => {
  let bot: TestBot;
  let clock: AdjustableClock;
  const db = () => bot.tdb.db;
  beforeAll(async () => {
    clock = new AdjustableClock(() => T0);
    bot = await startTestBot(backend, { cogs: [bounty], clock });
    await addCharacters(db(), [
      ...STRONG.map((id) => ({ id, rarity: 'SSR' as const, basePower: 40_000 })),
      { id: ROYAL, rarity: 'SSR', basePower: 40_000, skills: ['Royalty'] },
      { id: WEAK, rarity: 'R', basePower: 100 },
      ...BOND.map((id) => ({ id, rarity: 'SR' as const, basePower: 8_000, name: `Bond Buddy ${id - 3_000_100}` })),
    ]);
  });
  afterAll(async () => bot?.close());

  async function strongTeam(u: string, chars = STRONG): Promise<number[]> {
    const ids = [];
    for (const c of chars) ids.push(await giveUnit(db(), u, c));
    await setTeam(db(), u, 'battle', ids);
    return ids;
  }

  it('!bounty shows the board image, three slots with tier, power, reward and status, keys and reset time', async () => {
    const r = await bot.say('b-view', '!bounty');
    const t = textOf(r);
    expect(t).toMatch(/Bounty board/);
    expect(t).toMatch(/next in \*\*30m 0s\*\*/);
    expect(t.match(/Slot [123] — /g)).toHaveLength(3);
    expect(t).toMatch(/🟢 available/);
    expect(t).toMatch(/3\/3/);
    expect(t).toMatch(/Faint Tincture|Vital Draught|Heart Elixir|Essence of Devotion/);
    expect(r[0]!.attachments[0]).toMatchObject({ name: 'bounty.jpg', contentType: 'image/jpeg' });
    expect(r[0]!.embeds[0]!.image).toBe(r[0]!.attachments[0]!.url);
  });

  it('keys: 3 → spend → back at the next top of the hour, never above 3, no free key after a long idle', async () => {
    const u = 'b-keys';
    await giveUnit(db(), u, WEAK);
    expect(await bountyKeys(db(), u, at('2030-06-01T10:30:00Z'))).toEqual({ keys: 3, nextKeyAt: null });
    expect(await spendKey(db(), u, at('2030-06-01T10:30:00Z'))).toBe(2);
    expect(await bountyKeys(db(), u, at('2030-06-01T10:59:59Z'))).toEqual({ keys: 2, nextKeyAt: at('2030-06-01T11:00:00Z') });
    expect(await bountyKeys(db(), u, at('2030-06-01T11:00:00Z'))).toEqual({ keys: 3, nextKeyAt: null });
    expect(await spendKey(db(), u, at('2030-06-01T10:40:00Z'))).toBe(1);
    expect(await spendKey(db(), u, at('2030-06-01T10:50:00Z'))).toBe(0);
    expect(await spendKey(db(), u, at('2030-06-01T10:55:00Z'))).toBeNull();
    expect(await bountyKeys(db(), u, at('2030-06-01T11:00:00Z'))).toMatchObject({ keys: 1 });
    expect(await bountyKeys(db(), u, at('2030-06-01T12:59:00Z'))).toMatchObject({ keys: 2 });
    expect(await bountyKeys(db(), u, at('2030-06-01T13:00:00Z'))).toMatchObject({ keys: 3 });
    expect(await bountyKeys(db(), u, at('2030-06-03T20:15:00Z'))).toEqual({ keys: 3, nextKeyAt: null });
    // Long idle at 3: spending restarts the timer at this hour, so the next key is at 21:00, not now.
    expect(await spendKey(db(), u, at('2030-06-03T20:15:00Z'))).toBe(2);
    expect(await bountyKeys(db(), u, at('2030-06-03T20:59:59Z'))).toEqual({ keys: 2, nextKeyAt: at('2030-06-03T21:00:00Z') });
    // Partly regenerated: spending at 2 keeps the timer (12:00 → one key at 13:00 after two were regained).
    expect(await spendKey(db(), u, at('2030-06-03T20:20:00Z'))).toBe(1);
    expect(await spendKey(db(), u, at('2030-06-03T21:05:00Z'))).toBe(1); // 1 + 1 regained − 1
    expect(await bountyKeys(db(), u, at('2030-06-03T21:59:00Z'))).toEqual({ keys: 1, nextKeyAt: at('2030-06-03T22:00:00Z') });
  });

  it('twenty key spends at once spend exactly three', async () => {
    const u = 'b-keyrace';
    await giveUnit(db(), u, WEAK);
    const now = at('2030-06-01T10:30:00Z');
    const r = await Promise.all(Array.from({ length: 20 }, () => spendKey(db(), u, now)));
    expect(r.filter((x) => x !== null).sort()).toEqual([0, 1, 2]);
    expect(await bountyKeys(db(), u, now)).toMatchObject({ keys: 0 });
  });

  it('the hourly board is made once when many callers race, and a new hour gets a new board', async () => {
    const hour = at('2031-01-01T05:00:00Z');
    let other: Db = db();
    let closeOther = async () => {};
    if (backend === 'postgres') {
      // A second pool on the same database: a second bot process.
      const name = (await db().query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const pg2 = new PostgresDb({ url: url.toString(), poolSize: 10, statementTimeoutMs: 30_000, idleTimeoutMs: 5_000 });
      other = pg2;
      closeOther = () => pg2.close();
    }
    try {
      // Each caller would draw different slots (its own seed), so equal results prove one board won.
      const boards = await Promise.all(
        Array.from({ length: 40 }, (_, i) => currentBoard(i % 2 ? other : db(), new Date(hour.getTime() + i * 1000), new Rng(1000 + i))),
      );
      for (const b of boards) expect(b.slots).toEqual(boards[0]!.slots);
      const rows = await db().query('SELECT 1 FROM bounty_boards WHERE hour_start = $1', [hour]);
      expect(rows.rowCount).toBe(1);
      const next = await currentBoard(other, new Date(hour.getTime() + 3_600_000), new Rng(1));
      expect(next.hourStart).toEqual(at('2031-01-01T06:00:00Z'));
      expect((await db().query('SELECT 1 FROM bounty_boards WHERE hour_start >= $1', [hour])).rowCount).toBe(2);
    } finally {
      await closeOther();
    }
  });

  it('!hunt: pick a slot, see the enemy, FIGHT; a win completes the slot once and pays its item', async () => {
    const u = 'b-hunt';
    await strongTeam(u);
    const [msg] = await bot.say(u, '!hunt');
    expect(textOf(msg!)).toMatch(/Pick a bounty/);
    const select = msg!.components.find((c) => c.type === 'select');
    expect(select && select.type === 'select' && select.options).toHaveLength(3);
    const board = await currentBoard(db(), clock.now());
    const slot = board.slots[1]!;
    const picked = await bot.click(u, msg!.id, 'bounty:pick', ['1']);
    const enemy = textOf(picked.edits);
    expect(enemy).toMatch(new RegExp(`Slot 2 — .* ${slot.tier} bounty`));
    expect(enemy).toContain(`${(slot.power / 5).toLocaleString('en-US')}`);
    expect(picked.edits[0]!.components.map((c) => c.customId)).toEqual(['bounty:fight', 'bounty:back']);

    // Someone else can't press it.
    const stranger = await bot.click('b-stranger', msg!.id, 'bounty:fight');
    expect(textOf(stranger.replies)).toMatch(/belong to someone else/);

    const fought = await bot.click(u, msg!.id, 'bounty:fight');
    const result = textOf(fought.edits);
    expect(result).toMatch(/Bounty completed/);
    expect(result).toMatch(/Keys left: 2\/3/);
    expect(fought.edits[0]!.attachments[0]).toMatchObject({ name: 'battle.jpg' });

    const item = { R: 'bond_small', SR: 'bond_med', SSR: 'bond_large', UR: 'bond_ur' }[slot.tier] as 'bond_small';
    expect((await itemQuantities(db(), u))[item]).toBe(1);
    expect(await slotStatuses(db(), u, board.hourStart)).toEqual(['AVAILABLE', 'COMPLETED', 'AVAILABLE']);
    const p = (await db().query<{ total_bounties: number }>('SELECT total_bounties FROM players WHERE id = $1', [u])).rows[0]!;
    expect(p.total_bounties).toBe(1);
    const kills = await db().query<{ tier: string; kills: number }>('SELECT tier, kills FROM bounty_kills WHERE player_id = $1', [u]);
    expect(kills.rows).toEqual([{ tier: slot.tier, kills: 1 }]);

    // The slot is gone from the next picker; the board shows it completed.
    const [again] = await bot.say(u, '!hunt');
    const sel = again!.components.find((c) => c.type === 'select');
    expect(sel && sel.type === 'select' && sel.options.map((o) => o.value)).toEqual(['0', '2']);
    expect(textOf(await bot.say(u, '!bounty'))).toMatch(/✅ completed/);
  });

  it('one attempt per slot per board even with twenty FIGHTs at once; a key is spent once', async () => {
    const u = 'b-race';
    await strongTeam(u);
    const board = await currentBoard(db(), clock.now());
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => huntBounty(db(), { playerId: u, boardHour: board.hourStart, slotIndex: 0, now: clock.now(), seed: i })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(String(r.reason.message)).toMatch(/already fought bounty slot 1/);
    expect(await bountyKeys(db(), u, clock.now())).toMatchObject({ keys: 2 });
    expect((await db().query<{ total_bounties: number }>('SELECT total_bounties FROM players WHERE id = $1', [u])).rows[0]!.total_bounties).toBe(1);
  });

  it('a loss marks the slot FAILED, spends the key and pays nothing', async () => {
    const u = 'b-loss';
    await strongTeam(u, [WEAK]);
    const board = await currentBoard(db(), clock.now());
    const r = await huntBounty(db(), { playerId: u, boardHour: board.hourStart, slotIndex: 2, now: clock.now(), seed: 5 });
    expect(r.status).toBe('FAILED');
    expect(r.reward).toBeNull();
    expect(await slotStatuses(db(), u, board.hourStart)).toEqual(['AVAILABLE', 'AVAILABLE', 'FAILED']);
    expect(await bountyKeys(db(), u, clock.now())).toMatchObject({ keys: 2 });
    expect(Object.values(await itemQuantities(db(), u)).every((q) => q === 0)).toBe(true);
    expect((await db().query('SELECT 1 FROM bounty_kills WHERE player_id = $1', [u])).rowCount).toBe(0);
  });

  it('a UR win pays Essence of Devotion + 5,000 gems + 50 coins, ×1.5 with Royalty', async () => {
    // A board made by hand for a future hour: the INSERT … ON CONFLICT keeps it.
    const hour = at('2032-02-02T02:00:00Z');
    await db().query(`INSERT INTO bounty_boards (hour_start, slots, created_at) VALUES ($1, $2::jsonb, $1)`, [
      hour,
      JSON.stringify([
        { tier: 'UR', power: 90_000 },
        { tier: 'UR', power: 90_000 },
        { tier: 'R', power: 30_000 },
      ]),
    ]);
    const now = new Date(hour.getTime() + 60_000);
    const plain = 'b-ur';
    await strongTeam(plain);
    const a = await huntBounty(db(), { playerId: plain, boardHour: hour, slotIndex: 0, now, seed: 1 });
    expect(a.status).toBe('COMPLETED');
    expect(await balance(db(), plain)).toEqual({ gems: 5_000, coins: 50 });
    expect((await itemQuantities(db(), plain)).bond_ur).toBe(1);

    const royal = 'b-ur-royal';
    await strongTeam(royal, [...STRONG.slice(0, 4), ROYAL]);
    const b = await huntBounty(db(), { playerId: royal, boardHour: hour, slotIndex: 1, now, seed: 2 });
    expect(b.status).toBe('COMPLETED');
    expect(b.reward).toMatchObject({ royalty: true, gems: 7_500, coins: 75 });
    expect(await balance(db(), royal)).toEqual({ gems: 7_500, coins: 75 });
    expect(await ledgerSums(db(), royal)).toEqual(await balance(db(), royal));
    expect((await db().query<{ tier: string; kills: number }>('SELECT tier, kills FROM bounty_kills WHERE player_id = $1', [royal])).rows).toEqual([
      { tier: 'UR', kills: 1 },
    ]);
  });

  it('a new board (the next hour) clears every slot status; a picker from the old board is refused', async () => {
    const u = 'b-hunt'; // completed slot 2 above
    const [msg] = await bot.say(u, '!hunt');
    await bot.click(u, msg!.id, 'bounty:pick', ['0']);
    const old = await currentBoard(db(), clock.now());
    await bot.post('/api/clock', { advanceSeconds: 30 * 60 }); // 11:00
    const fought = await bot.click(u, msg!.id, 'bounty:fight');
    expect(textOf(fought.replies)).toMatch(/board was replaced at the top of the hour/);
    const fresh = await currentBoard(db(), clock.now());
    expect(fresh.hourStart.getTime()).toBe(old.hourStart.getTime() + 3_600_000);
    expect(await slotStatuses(db(), u, fresh.hourStart)).toEqual(['AVAILABLE', 'AVAILABLE', 'AVAILABLE']);
    expect(textOf(await bot.say(u, '!bounty'))).not.toMatch(/✅ completed/);
  });

  it('!hunt with no battle team or with no keys: a clear message, nothing changed', async () => {
    const u = 'b-nokeys';
    const weak = await giveUnit(db(), u, WEAK);
    expect(textOf(await bot.say(u, '!hunt'))).toMatch(/no battle team yet.*!stb/);
    await setTeam(db(), u, 'battle', [weak]);
    for (let i = 0; i < 3; i++) await spendKey(db(), u, clock.now());
    expect(textOf(await bot.say(u, '!hunt'))).toMatch(/no bounty keys left.*top of the hour \(in 1h 0m\)/);
    expect((await db().query('SELECT 1 FROM bounty_attempts WHERE player_id = $1', [u])).rowCount).toBe(0);
  });

  describe('!gift', () => {
    const u = 'g-1';
    let units: number[] = [];
    const bondOf = async (id: number) =>
      (await db().query<{ bond_level: number; bond_xp: number }>('SELECT bond_level, bond_xp FROM units WHERE id = $1', [id])).rows[0]!;
    beforeAll(async () => {
      units = [
        await giveUnit(db(), u, BOND[0]!),
        await giveUnit(db(), u, BOND[1]!, { bond: 50 }),
        await giveUnit(db(), u, BOND[2]!, { bond: 49 }),
        await giveUnit(db(), 'g-other', BOND[3]!),
      ];
      await changeItems(db(), u, 'bond_small', 5);
      await changeItems(db(), u, 'bond_large', 1);
      await changeItems(db(), u, 'bond_ur', 2);
    });

    it("bad input, too few items, or someone else's unit: a clear message and nothing changes", async () => {
      const before = await itemQuantities(db(), u);
      const cases: Array<[string, RegExp]> = [
        ['!gift', /Tell me what to gift/],
        [`!gift ${units[0]}`, /needs a unit id and an item/],
        [`!gift ${units[0]} small 1 !`, /needs a unit id and an item \(gift 2\)/],
        [`!gift ${units[0]} small 0`, /amount must be from 1 to 1,000,000 \(got `0`\)/],
        [`!gift ${units[0]} small 99999999999`, /amount must be from 1 to 1,000,000/],
        [`!gift ${units[0]} elixir`, /Unknown item `elixir`/],
        [`!gift ${units[0]} med`, /Not enough items: 1 × ⚗️ Vital Draught needed, you have 0.*Nothing was gifted/],
        [`!gift ${units[0]} small 3 ! ${units[2]} small 3`, /Not enough items: 6 × 🧪 Faint Tincture needed, you have 5/],
        [`!gift ${units[3]} small`, new RegExp(`Unit #${units[3]} isn't yours.*Nothing was gifted`)],
        [`!gift 999999 small`, /Unit #999999 isn't yours/],
      ];
      for (const [cmd, re] of cases) expect(textOf(await bot.say(u, cmd))).toMatch(re);
      expect(await itemQuantities(db(), u)).toEqual(before);
      expect(await bondOf(units[0]!)).toEqual({ bond_level: 1, bond_xp: 0 });
      expect(await bondOf(units[3]!)).toEqual({ bond_level: 1, bond_xp: 0 });
    });

    it('gives XP with level-ups; soulmates are skipped and keep the items; reaching 50 keeps the rest; not a bounty', async () => {
      // 250 XP from bond 1: 50 (→2) + 100 (→3), 100 left toward 150. Then 2 small: +20.
      const t = textOf(await bot.say(u, `!gift ${units[0]} large ! ${units[1]} s 2 ! ${units[2]} ur 2 ! ${units[0]} small 2`));
      expect(t).toMatch(/Gifts given/);
      expect(t).toMatch(/bond \*\*1 → 3\*\* \(120 \/ 150 XP\)/);
      expect(t).toMatch(/already a soulmate \(bond 50\) — skipped, you keep 2 × 🧪/);
      expect(t).toMatch(/bond \*\*49 → 50\*\* \(💍 soulmate!\) — reached bond 50, you keep 1 × 💠/);
      expect(await bondOf(units[0]!)).toEqual({ bond_level: 3, bond_xp: 120 });
      expect(await bondOf(units[1]!)).toEqual({ bond_level: 50, bond_xp: 0 });
      expect(await bondOf(units[2]!)).toEqual({ bond_level: 50, bond_xp: 0 });
      expect(await itemQuantities(db(), u)).toMatchObject({ bond_small: 3, bond_large: 0, bond_ur: 1 });
      const p = (await db().query<{ total_bounties: number }>('SELECT total_bounties FROM players WHERE id = $1', [u])).rows[0]!;
      expect(p.total_bounties).toBe(0);
      expect((await db().query('SELECT 1 FROM bounty_kills WHERE player_id = $1', [u])).rowCount).toBe(0);
    });
  });
});
