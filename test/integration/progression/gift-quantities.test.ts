import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bounty from '../../../src/cogs/bounty.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import { changeItems, itemQuantities } from '../../../src/core/items.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { addCharacters, giveUnit } from './fixtures.js';

// SPEC §11: `!gift` "checks all quantities first" — the items asked for must be
// held before anything happens; only then are soulmates skipped (keeping the items).
describe.each(backends())('!gift checks the quantities asked for before skipping soulmates on %s', (backend) => {
  let bot: TestBot;
  const db = () => bot.tdb.db;
  beforeAll(async () => {
    bot = await startTestBot(backend, { cogs: [bounty], clock: new AdjustableClock(() => Date.parse('2030-06-01T10:30:00Z')) });
    await addCharacters(db(), [
      { id: 3_100_001, rarity: 'SR', basePower: 8_000 },
      { id: 3_100_002, rarity: 'SR', basePower: 8_000 },
    ]);
  });
  afterAll(async () => bot?.close());

  it('asking for more items than held is refused even when a soulmate or the bond cap would not use them all', async () => {
    const u = 'gq-1';
    const soulmate = await giveUnit(db(), u, 3_100_001, { bond: 50 });
    const almost = await giveUnit(db(), u, 3_100_002, { bond: 49 });
    await changeItems(db(), u, 'bond_small', 5);

    const t1 = textOf(await bot.say(u, `!gift ${soulmate} small 100`));
    expect(t1).toMatch(/Not enough items: 100 × 🧪 Faint Tincture needed, you have 5/);
    expect(t1).not.toMatch(/you keep 100/);

    const t2 = textOf(await bot.say(u, `!gift ${almost} small 1000`));
    expect(t2).toMatch(/Not enough items: 1,000 × 🧪 Faint Tincture needed, you have 5/);

    expect(await itemQuantities(db(), u)).toMatchObject({ bond_small: 5 });
    const bonds = await db().query<{ id: number; bond_level: number }>('SELECT id, bond_level FROM units WHERE player_id = $1 ORDER BY id', [u]);
    expect(bonds.rows.map((r) => r.bond_level)).toEqual([50, 49]);

    // Within what is held, a soulmate is still skipped and keeps the items.
    expect(textOf(await bot.say(u, `!gift ${soulmate} small 5`))).toMatch(/skipped, you keep 5 × 🧪/);
    expect(await itemQuantities(db(), u)).toMatchObject({ bond_small: 5 });
  });
});
