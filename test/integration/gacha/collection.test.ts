import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import gachaCog from '../../../src/cogs/gacha.js';
import inventoryCog from '../../../src/cogs/inventory.js';
import shopCog from '../../../src/cogs/shop.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { utcDay } from '../../../src/core/clock.js';
import { rotationRanks } from '../../../src/core/shop.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { doubleClick, expectLedgerMatchesBalances, fund, snapshot, wallet } from './helpers.js';

describe.each(backends())('collection and shops on %s', (backend) => {
  const game = useTestBot(backend, {
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    cogs: [gachaCog, inventoryCog, shopCog],
    timeout: 120_000,
  });
  /** Gives units directly: rows of [characterRank, dupe]; returns unit ids in order. */
  const giveByRank = async (player: string, ranks: number[], dupe = 0): Promise<number[]> => {
    const r = await game.db.query<{ id: number }>(
      `INSERT INTO units (player_id, character_id, dupe_level)
       SELECT $1, c.id, $3 FROM unnest($2::int[]) WITH ORDINALITY AS x (rank, ord) JOIN characters c ON c.rank = x.rank ORDER BY x.ord RETURNING id`,
      [player, ranks, dupe],
    );
    return r.rows.map((x) => Number(x.id));
  };
  beforeEach(async () => game.tdb.reset());
  afterEach(async () => expectLedgerMatchesBalances(game.db));

  it('!inventory: 10 a page by power with Previous/Next, header with gems and total units, lines with id, rarity, name, dupe, lock, bond, power', async () => {
    await fund(game.db, 'i', { gems: 1234 });
    const ids = await giveByRank('i', [5, 300, 2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009]);
    await game.db.query('UPDATE units SET dupe_level = 3, locked = TRUE WHERE id = $1', [ids[1]]);
    const first = (await game.bot.say('i', '!inv'))[0]!;
    const t = textOf(first);
    expect(t).toContain('1,234 💎 · 12 units');
    expect(t).toContain('Page 1 of 2');
    const lines = first.embeds[0]!.description!.split('\n').filter((l) => l.startsWith('`#'));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(new RegExp(`^\`#${ids[0]}\` 🌟 \\*\\*.+\\*\\* · bond 1 · [\\d,]+ power$`));
    expect(lines[1]).toMatch(new RegExp(`^\`#${ids[1]}\` 🟣 \\*\\*.+\\*\\* \\(\\+3\\) 🔒 · bond 1`));
    const powers = lines.map((l) => Number(/([\d,]+) power$/.exec(l)![1]!.replace(/,/g, '')));
    expect([...powers].sort((a, b) => b - a)).toEqual(powers);
    expect(first.components.map((c) => c.customId)).toEqual(['inv:prev', 'inv:next']);
    const next = await game.bot.click('i', first.id, 'inv:next');
    const page2 = textOf(next.edits);
    expect(page2).toContain('Page 2 of 2');
    expect(page2.split('\n').filter((l) => l.startsWith('`#'))).toHaveLength(2);
    expect(textOf(await game.bot.say('empty', '!inventory'))).toContain('No units yet');
  });

  it('!view shows card, rarity, power, dupes, bond, lock and skills; unknown ids get a clear message', async () => {
    await fund(game.db, 'w', {});
    const [id] = await giveByRank('w', [12]); // Frieren, skill Eternity
    const r = await game.bot.say('w', `!view #${id}`);
    const t = textOf(r);
    for (const s of ['Frieren', 'SSR', 'Power', 'Dupes', '+0 / 10', 'Bond', '0 / 50 XP', 'unlocked', 'Eternity']) expect(t).toContain(s);
    expect(r[0]!.attachments.map((a) => a.name)).toEqual(['unit.jpg']);
    expect(textOf(await game.bot.say('w', '!view 99999999999'))).toContain('There is no unit #99999999999');
    expect(textOf(await game.bot.say('other', `!view ${id}`))).toContain('Owned by w');
  });

  it('!lock / !unlock: own units only, a clear message for others and unknown ids, nothing changed', async () => {
    await fund(game.db, 'l1', {});
    await fund(game.db, 'l2', {});
    const [mine] = await giveByRank('l1', [3000]);
    expect(textOf(await game.bot.say('l1', `!lock ${mine}`))).toContain('is locked');
    expect(textOf(await game.bot.say('l1', `!lock ${mine}`))).toContain('already locked');
    const before = await snapshot(game.db, 'l1');
    expect(textOf(await game.bot.say('l2', `!unlock ${mine}`))).toContain(`Unit #${mine} isn't yours`);
    expect(textOf(await game.bot.say('l2', '!lock 987654'))).toContain('You have no unit #987654');
    expect(await snapshot(game.db, 'l1')).toEqual(before);
    expect(textOf(await game.bot.say('l1', `!unlock ${mine}`))).toContain('is unlocked');
  });

  it('!scrap_r scraps unlocked R units not in a team or preset for 100 + 5 each, feeds total_scrapped, and !restore brings one back', async () => {
    await fund(game.db, 'sc', {});
    const ids = await giveByRank('sc', [2000, 2001, 2002, 2003, 2004, 2005, 500]);
    await game.db.query('UPDATE units SET locked = TRUE WHERE id = $1', [ids[0]]);
    await game.db.query('UPDATE players SET battle_team = $2::bigint[], expedition_team = $3::bigint[] WHERE id = $1', ['sc', [ids[1]], [ids[2]]]);
    await game.db.query(`INSERT INTO team_presets (player_id, name, unit_ids) VALUES ('sc', 'keep', $1::bigint[])`, [[ids[3]]]);
    const t = textOf(await game.bot.say('sc', '!ms'));
    expect(t).toContain('Scrapped 2 R units for 200 💎 + 10 🪙');
    expect(t).toContain('Kept 4 R units');
    expect(await wallet(game.db, 'sc')).toMatchObject({ gems: 200, coins: 10, totalScrapped: 2 });
    const left = (await game.db.query<{ id: number }>('SELECT id FROM units WHERE player_id = $1 ORDER BY id', ['sc'])).rows.map((r) => Number(r.id));
    expect(left).toEqual([ids[0], ids[1], ids[2], ids[3], ids[6]]);
    expect(textOf(await game.bot.say('sc', '!scrap_r'))).toContain('No R unit to scrap (4 R units kept');

    expect(textOf(await game.bot.say('sc', '!restore'))).toContain(`#${ids[4]}`);
    expect(textOf(await game.bot.say('sc', `!restore ${ids[4]}`))).toContain(`#${ids[4]}`);
    expect(await wallet(game.db, 'sc')).toMatchObject({ gems: 100, coins: 5, totalScrapped: 1 });
    expect((await game.db.query('SELECT 1 FROM units WHERE id = $1', [ids[4]])).rowCount).toBe(1);
    expect(textOf(await game.bot.say('sc', `!restore ${ids[4]}`))).toContain("isn't in your recycle bin");

    // Can't pay → refused, nothing changed.
    await game.db.query('UPDATE players SET gems = 0, coins = 0 WHERE id = $1', ['sc']);
    await game.db.query(
      `INSERT INTO ledger (player_id, currency, delta, balance_after, reason) VALUES ('sc', 'gems', -100, 0, 'test'), ('sc', 'coins', -5, 0, 'test')`,
    );
    const before = await snapshot(game.db, 'sc');
    expect(textOf(await game.bot.say('sc', `!restore ${ids[5]}`))).toMatch(/Not enough: that needs 100 gems/);
    expect(await snapshot(game.db, 'sc')).toEqual(before);

    // Owns the character again → refused.
    await fund(game.db, 'sc', { gems: 1000, coins: 100 });
    await giveByRank('sc', [2005]);
    expect(textOf(await game.bot.say('sc', `!restore ${ids[5]}`))).toMatch(/You own .+ again/);

    // After 24 h the bin entry is gone.
    await game.bot.post('/api/clock', { advanceSeconds: 24 * 3600 + 1 });
    expect(textOf(await game.bot.say('sc', '!restore'))).toContain('Empty');
  });

  it('!restore without an id pages the whole recycle bin, 10 a page, with the count and what restoring all would take back', async () => {
    await fund(game.db, 'bin', {});
    const ranks = Array.from({ length: 27 }, (_, i) => 2100 + i);
    const ids = await giveByRank('bin', ranks);
    expect(textOf(await game.bot.say('bin', '!scrap_r'))).toContain('Scrapped 27 R units for 2,700 💎 + 135 🪙');
    const first = (await game.bot.say('bin', '!restore'))[0]!;
    const head = '27 units scrapped in the last 24 h. Restoring all of them would take back 2,700 💎 + 135 🪙.';
    const lines = (m: typeof first) => m.embeds[0]!.description!.split('\n').filter((l) => l.startsWith('`#'));
    expect(first.embeds[0]!.description).toContain(head);
    expect(first.embeds[0]!.footer).toContain('Page 1 of 3');
    expect(lines(first)).toHaveLength(10);
    const seen = [...lines(first)];
    let page = first;
    for (const n of [2, 3]) {
      page = (await game.bot.click('bin', first.id, 'bin:next')).edits[0]!;
      expect(page.embeds[0]!.footer).toContain(`Page ${n} of 3`);
      expect(page.embeds[0]!.description).toContain(head);
      seen.push(...lines(page));
    }
    expect(lines(page)).toHaveLength(7);
    // Every scrapped unit shows exactly once across the pages, each with what its restore takes back.
    const shown = seen.map((l) => Number(/^`#(\d+)`/.exec(l)![1]));
    expect(shown.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    for (const l of seen) expect(l).toMatch(/· 100 💎 \+ 5 🪙 · until <t:\d+:R>$/);
    expect(textOf((await game.bot.click('other', first.id, 'bin:prev')).replies)).toMatch(/belong to someone else/);
  });

  it('!scrap_sr asks for confirmation; a double click on Confirm scraps once; Cancel scraps nothing', async () => {
    await fund(game.db, 'sr', {});
    await giveByRank('sr', [300, 301, 302]);
    const ask = (await game.bot.say('sr', '!scrap_sr'))[0]!;
    expect(textOf(ask)).toContain('This scraps 3 SR units for 1,500 💎 + 75 🪙');
    expect(await snapshot(game.db, 'sr')).toMatchObject({ units: 3 });
    const d = await doubleClick(game.bot.post, 'sr', ask.id, 'scrap:confirm');
    expect(textOf(d.messages)).toContain('Scrapped 3 SR units for 1,500 💎 + 75 🪙');
    expect(await wallet(game.db, 'sr')).toMatchObject({ gems: 1_500, coins: 75, totalScrapped: 3 });
    await giveByRank('sr', [303]);
    const ask2 = (await game.bot.say('sr', '!scrap_sr'))[0]!;
    const c = await game.bot.click('sr', ask2.id, 'scrap:cancel');
    expect(textOf(c.edits)).toContain('nothing was scrapped');
    expect(await snapshot(game.db, 'sr')).toMatchObject({ units: 1 });
    expect(textOf(await game.bot.say('nobody-sr', '!scrap_sr'))).toContain('No SR unit to scrap');
  });

  it('!items, !buy_token, !itemshop button (double click buys once) and !use_token (SSR only, below dupe 10)', async () => {
    await fund(game.db, 't', { coins: 5_000 });
    const [ssr, r] = await giveByRank('t', [7, 4000]);
    const before = await snapshot(game.db, 't');
    expect(textOf(await game.bot.say('t', `!ut ${r}`))).toContain('SSR Tokens only work on SSR units');
    expect(textOf(await game.bot.say('t', `!use_token ${ssr}`))).toContain('You have no SSR Token');
    expect(await snapshot(game.db, 't')).toEqual(before);
    expect(textOf(await game.bot.say('t', '!buy_token'))).toContain('You have 1; 3,000 🪙 left');
    const shop = (await game.bot.say('t', '!ishop'))[0]!;
    const d = await doubleClick(game.bot.post, 't', shop.id, 'itemshop:token');
    expect(textOf(d.messages)).toContain('You have 2; 1,000 🪙 left');
    expect(textOf(await game.bot.say('t', '!bag'))).toMatch(/SSR Token\*\* × 2/);
    expect(textOf(await game.bot.say('t', '!buy_token'))).toMatch(/Not enough: that needs 2,000 coins/);
    expect(textOf(await game.bot.say('t', `!use_token ${ssr}`))).toContain('now at dupe +1. 1 SSR Token left');
    await game.db.query('UPDATE units SET dupe_level = 10 WHERE id = $1', [ssr]);
    expect(textOf(await game.bot.say('t', `!ut ${ssr}`))).toContain('already at dupe 10');
    expect(textOf(await game.bot.say('t', '!items'))).toMatch(/SSR Token\*\* × 1/);
  });

  it("!shop: today's rotation for everyone; buying from the menu pays and adds the unit in one go; a double click buys once; refused at dupe 10", async () => {
    await fund(game.db, 'buyer', { gems: 1_000_000 });
    const ranks = rotationRanks(utcDay(game.bot.clock.now()));
    const shop = (await game.bot.say('buyer', '!shop'))[0]!;
    expect(textOf(shop)).toMatch(/100,000 💎/);
    expect(
      textOf(await game.bot.say('other-shopper', '!shop'))
        .split('\n')
        .slice(0, 10),
    ).toEqual(textOf(shop).split('\n').slice(0, 10));
    const select = shop.components.find((c) => c.type === 'select');
    expect(select?.type === 'select' && select.options).toHaveLength(10);
    const rChar = (await game.db.query<{ id: number; name: string }>('SELECT id, name FROM characters WHERE rank = $1', [ranks[9]])).rows[0]!;
    expect(textOf(shop)).toContain(`**${rChar.name}** · R · `);
    expect(shop.embeds[0]!.description!.split('\n')[9]).toMatch(/\(new\)$/);
    const d = await doubleClick(game.bot.post, 'buyer', shop.id, 'shop:buy', [String(rChar.id)]);
    expect(textOf(d.messages)).toContain(`**${rChar.name}** for 1,000 💎 — a new unit`);
    expect(await wallet(game.db, 'buyer')).toMatchObject({ gems: 999_000 });
    expect(await snapshot(game.db, 'buyer')).toMatchObject({ units: 1, copies: 1 });
    // The shop message itself now shows the character as owned (not "new"), the new wallet, and a closed menu.
    const edited = d.messages.find((m) => m.id === shop.id);
    const line = edited.embeds[0].description.split('\n')[9];
    expect(line).toContain(rChar.name);
    expect(line).toMatch(/\(owned \(\+0\) → \+1 dupe\)$/);
    expect(edited.embeds[0].description).toContain('You have 999,000 💎.');
    expect(edited.components.every((c: { disabled: boolean }) => c.disabled)).toBe(true);

    // An SSR offer at dupe 10 is refused with nothing paid.
    const ssrChar = (await game.db.query<{ id: number }>('SELECT id FROM characters WHERE rank = $1', [ranks[0]])).rows[0]!;
    await game.db.query('INSERT INTO units (player_id, character_id, dupe_level) VALUES ($1, $2, 10)', ['buyer', ssrChar.id]);
    const before = await snapshot(game.db, 'buyer');
    const shop2 = (await game.bot.say('buyer', '!shop'))[0]!;
    expect(textOf(shop2)).toContain('sold out for you');
    const r = await game.bot.post('/api/interactions', { userId: 'buyer', messageId: shop2.id, customId: 'shop:buy', values: [String(ssrChar.id)] });
    expect(JSON.stringify(r.json)).toContain('at dupe 10');
    expect(await snapshot(game.db, 'buyer')).toEqual(before);

    // Team level 30: 25% off.
    await game.db.query('UPDATE players SET team_level = 30 WHERE id = $1', ['buyer']);
    expect(textOf(await game.bot.say('buyer', '!shop'))).toMatch(/75,000 💎[\s\S]*25% off/);
  });

  it('!shop asks for a confirm above 10,000 gems: Cancel goes back to the menu, Confirm buys once, a changed price or a short wallet buys nothing', async () => {
    await fund(game.db, 'big', { gems: 60_000 });
    const ranks = rotationRanks(utcDay(game.bot.clock.now()));
    const srChar = (await game.db.query<{ id: number; name: string }>('SELECT id, name FROM characters WHERE rank = $1', [ranks[2]])).rows[0]!;
    const ssrChar = (await game.db.query<{ id: number; name: string }>('SELECT id, name FROM characters WHERE rank = $1', [ranks[0]])).rows[0]!;
    const shop = (await game.bot.say('big', '!shop'))[0]!;
    // An SR (20,000) asks first; nothing is paid yet.
    let m = (await game.bot.click('big', shop.id, 'shop:buy', [String(srChar.id)])).edits[0]!;
    expect(textOf(m)).toMatch(
      new RegExp(`Buy .+ \\*\\*${srChar.name}\\*\\* \\(SR\\) for \\*\\*20,000 💎\\*\\*\\?[\\s\\S]*new unit[\\s\\S]*You have 60,000 💎`),
    );
    expect(m.components.map((c) => c.customId)).toEqual(['shop:confirm', 'shop:cancel']);
    expect(await wallet(game.db, 'big')).toMatchObject({ gems: 60_000 });
    // Cancel: back to the menu, nothing bought.
    m = (await game.bot.click('big', shop.id, 'shop:cancel')).edits[0]!;
    expect(m.components.map((c) => c.customId)).toEqual(['shop:buy']);
    expect(await snapshot(game.db, 'big')).toMatchObject({ units: 0 });
    // Choose again and confirm twice at once: bought once.
    await game.bot.click('big', shop.id, 'shop:buy', [String(srChar.id)]);
    const d = await doubleClick(game.bot.post, 'big', shop.id, 'shop:confirm');
    expect(textOf(d.messages).match(/🛒 Bought!/g)).toHaveLength(1);
    expect(await wallet(game.db, 'big')).toMatchObject({ gems: 40_000 });
    expect(await snapshot(game.db, 'big')).toMatchObject({ units: 1 });
    const after = d.messages.find((x) => x.id === shop.id && x.embeds[0]?.title?.startsWith('🛒 Shop'));
    expect(after.embeds[0].description).toMatch(new RegExp(`${srChar.name}.*\\(owned \\(\\+0\\) → \\+1 dupe\\)`));

    // A wallet short of the price is told at once, with no confirm.
    const shop2 = (await game.bot.say('big', '!shop'))[0]!;
    const short = await game.bot.click('big', shop2.id, 'shop:buy', [String(ssrChar.id)]);
    expect(textOf(short.replies)).toContain(`${ssrChar.name} costs 100,000 💎 and you have 40,000 💎 — nothing was bought.`);
    expect(short.edits).toEqual([]);

    // The price changes between the question and the confirm (team level 30: 25% off): nothing is bought.
    await game.bot.click('big', shop2.id, 'shop:buy', [String(srChar.id)]);
    await game.db.query('UPDATE players SET team_level = 30 WHERE id = $1', ['big']);
    const changed = await game.bot.click('big', shop2.id, 'shop:confirm');
    expect(textOf(changed.replies)).toMatch(/price of .+ changed to 15,000 gems since you chose it — nothing was bought/);
    expect(await wallet(game.db, 'big')).toMatchObject({ gems: 40_000 });
    expect(await snapshot(game.db, 'big')).toMatchObject({ units: 1, copies: 1 });
    // An R never asks.
    const rChar = (await game.db.query<{ id: number }>('SELECT id FROM characters WHERE rank = $1', [ranks[9]])).rows[0]!;
    const r = await game.bot.click('big', (await game.bot.say('big', '!shop'))[0]!.id, 'shop:buy', [String(rChar.id)]);
    expect(textOf(r.replies)).toContain('🛒 Bought!');
  });

  it('!history lists ledger changes newest first with reasons', async () => {
    await fund(game.db, 'h', { gems: 2_000 });
    await game.bot.say('h', '!pull');
    const t = textOf(await game.bot.say('h', '!history'));
    const pullLine = t.indexOf('**pull**');
    const testLine = t.indexOf('**test**');
    expect(pullLine).toBeGreaterThan(-1);
    expect(testLine).toBeGreaterThan(pullLine);
    expect(t).toContain('➖ 1,000 💎');
    expect(textOf(await game.bot.say('h', '!history 9'))).toContain('There is 1 page of history');
  });
});
