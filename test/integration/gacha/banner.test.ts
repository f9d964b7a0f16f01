import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import gachaCog from '../../../src/cogs/gacha.js';
import inventoryCog from '../../../src/cogs/inventory.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { pull, rateUpOf, rollOnBanner, seedHash } from '../../../src/core/gacha/index.js';
import { Rng } from '../../../src/core/rng.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { doubleClick, expectLedgerMatchesBalances, fund, snapshot } from './helpers.js';

const OWNER = 'owner1';
// Offline catalog: Frieren 176754 is SSR (rank 12), Tohru 207 SR (rank 330), Coco 129840 SR (rank 1320), Agott 129842 R (rank 2600).

interface BannerRow {
  id: number;
  seed_secret: string;
  seed_hash: string;
  active: boolean;
  revealed_at: Date | null;
  rate_up_ids: number[];
  rate_up_rarities: string[];
  rate_up_chance: number;
}

describe.each(backends())('banners, spark and verification on %s', (backend) => {
  const game = useTestBot(backend, {
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    cogs: [gachaCog, inventoryCog],
    env: { OWNER_IDS: OWNER },
    timeout: 120_000,
  });
  const banners = async () => (await game.db.query<BannerRow>('SELECT * FROM banners ORDER BY id')).rows;
  beforeEach(async () => {
    await game.tdb.reset();
    await fund(game.db, OWNER, {});
  });
  afterEach(async () => expectLedgerMatchesBalances(game.db));

  it('!set_banner starts a banner with a published hash, forces the listed rarities and replies with the banner image', async () => {
    const replies = await game.bot.say(OWNER, '!set_banner [7] [Frost and Flame] [176754:SSR] [129842:SSR] [207:SR]');
    const t = textOf(replies);
    expect(t).toContain('Frost and Flame');
    expect(t).toContain('Rarity forced: Agott R → SSR');
    expect(replies[0]!.attachments.map((a) => a.name)).toEqual(['banner.jpg']);
    const [b] = await banners();
    expect(b).toMatchObject({ active: true, rate_up_ids: [176754, 129842, 207], rate_up_rarities: ['SSR', 'SSR', 'SR'], revealed_at: null });
    expect(seedHash(b!.seed_secret)).toBe(b!.seed_hash);
    expect(t).toContain(b!.seed_hash);
    expect(t).not.toContain(b!.seed_secret);
    const agott = await game.db.query<{ rarity: string; overridden: boolean; base_power: number }>(
      'SELECT rarity, overridden, base_power FROM characters WHERE id = 129842',
    );
    expect(agott.rows[0]).toMatchObject({ rarity: 'SSR', overridden: true });
    expect(agott.rows[0]!.base_power).toBeGreaterThanOrEqual(10_000);
    const audit = await game.db.query<{ action: string; actor_id: string }>('SELECT action, actor_id FROM admin_audit');
    expect(audit.rows).toEqual([{ action: 'set_banner', actor_id: OWNER }]);
    // !banner shows it to everyone, image included.
    const seen = await game.bot.say('someone', '!banner');
    expect(textOf(seen)).toContain('Frost and Flame');
    expect(textOf(seen)).toContain('0 / 300');
    expect(seen[0]!.attachments).toHaveLength(1);
  });

  it.each([
    ['!set_banner [7] [Broken [176754:SSR]', /nested/],
    ['!set_banner [7] [Broken] [176754:SSR', /never closed/],
    ['!set_banner 7 Broken 176754:SSR', /brackets/],
    ['!set_banner [7] [Broken] [176754:UR]', /Rarity must be R, SR or SSR/],
    ['!set_banner [7] [Broken] [99999999:SSR]', /Not in the catalog: 99999999/],
    ['!set_banner [7] [Broken] [129842:SSR] [99999999:SSR]', /Not in the catalog/],
    ['!set_banner [999] [Broken] [176754:SSR]', /Days must be/],
    ['!set_banner', /days, name/],
  ])('%s: a clear message, nothing changed', async (cmd, msg) => {
    await game.bot.say(OWNER, '!set_banner [3] [Keeper] [176754:SSR]');
    const before = await banners();
    const agott = (await game.db.query('SELECT rarity, base_power, overridden FROM characters WHERE id = 129842')).rows;
    expect(textOf(await game.bot.say(OWNER, cmd))).toMatch(msg);
    expect(await banners()).toEqual(before);
    expect((await game.db.query('SELECT rarity, base_power, overridden FROM characters WHERE id = 129842')).rows).toEqual(agott);
    expect((await game.db.query('SELECT 1 FROM admin_audit')).rowCount).toBe(1);
  });

  it('!set_banner and !give are refused for non-owners', async () => {
    expect(textOf(await game.bot.say('pleb', '!set_banner [7] [Mine] [176754:SSR]'))).toMatch(/owners only/);
    expect(textOf(await game.bot.say('pleb', '!give gems <@pleb> 100'))).toMatch(/owners only/);
    expect(await banners()).toEqual([]);
  });

  it('pulls on a banner give spark points, draw from the verifiable stream, and !verify checks them once the seed is revealed', async () => {
    await game.bot.say(OWNER, '!set_banner [2] [Verify Me] [176754:SSR] [207:SR]');
    await fund(game.db, 'v', { gems: 11_000 });
    const ten = textOf(await game.bot.say('v', '!pull 10'));
    expect(ten).toContain('Verify Me: 10 spark points');
    const one = textOf(await game.bot.say('v', '!pull'));
    expect(one).toContain('Verify Me: 11 spark points');
    const sp = await game.db.query<{ points: number; spent: number }>('SELECT points, spent FROM spark_points WHERE player_id = $1', ['v']);
    expect(sp.rows[0]).toEqual({ points: 11, spent: 0 });
    const pulls = (
      await game.db.query<{ id: number; counter_start: number; rolls: Array<{ tier: string; rank: number | null; rateUpId: number | null }> }>(
        'SELECT id, counter_start, rolls FROM pulls ORDER BY id',
      )
    ).rows;
    expect(pulls.map((p) => p.counter_start)).toEqual([1, 11]);
    const [b] = await banners();
    const rateUp = rateUpOf(b!.rate_up_ids, b!.rate_up_rarities, b!.rate_up_chance);
    expect(rollOnBanner(b!.seed_secret, 'v', 1, 10, rateUp)).toEqual(pulls[0]!.rolls.map((r) => ({ tier: r.tier, rank: r.rank, rateUpId: r.rateUpId })));

    // While it runs, the secret stays secret.
    const pending = textOf(await game.bot.say('anyone', `!verify ${pulls[0]!.id}`));
    expect(pending).toContain('secret until the banner ends');
    expect(pending).not.toContain(b!.seed_secret);

    // The game clock passes the end: the banner deactivates itself and the seed is public.
    await game.bot.post('/api/clock', { advanceSeconds: 2 * 86_400 + 60 });
    const after = textOf(await game.bot.say('anyone', '!banner'));
    expect(after).toContain('No banner is running');
    expect(after).toContain(b!.seed_secret);
    expect((await banners())[0]).toMatchObject({ active: false });
    const ok = textOf(await game.bot.say('anyone', `!verify ${pulls[0]!.id}`));
    expect(ok).toContain(`Pull #${pulls[0]!.id} matches`);
    expect(ok).toContain('SHA-256 of the seed matches');
    expect(ok.match(/✅ \d+\./g)).toHaveLength(10);

    // A tampered record does not verify.
    const r0 = pulls[1]!.rolls[0]!;
    const tampered =
      r0.tier === 'SSR' ? `[{"tier":"R","rank":9999,"rateUpId":null,"characterId":1}]` : `[{"tier":"SSR","rank":1,"rateUpId":null,"characterId":1}]`;
    await game.db.query('UPDATE pulls SET rolls = $2::jsonb WHERE id = $1', [pulls[1]!.id, tampered]);
    expect(textOf(await game.bot.say('anyone', `!verify ${pulls[1]!.id}`))).toContain('does NOT match');

    // Off the banner: pulls record their services-RNG seed and replay from it.
    await fund(game.db, 'v', { gems: 1_000 });
    const off = textOf(await game.bot.say('v', '!pull'));
    expect(off).not.toContain('spark points');
    const last = (
      await game.db.query<{ id: number; seed: number | null; banner_id: number | null }>('SELECT id, seed, banner_id FROM pulls ORDER BY id DESC LIMIT 1')
    ).rows[0]!;
    expect(last.banner_id).toBeNull();
    expect(last.seed).not.toBeNull();
    expect(textOf(await game.bot.say('anyone', `!verify ${last.id}`))).toMatch(/matches[\s\S]*replayed from its recorded seed/);
    expect(textOf(await game.bot.say('anyone', '!verify 99999999'))).toContain('There is no pull #99999999');
  });

  it('a rate-up roll becomes a rate-up character; two copies of one character in a 10-pull at dupe 9: one to dupe 10, one auto-scrapped', async () => {
    await game.bot.say(OWNER, '!set_banner [7] [All Tohru] [207:SR] [chance:1]');
    const [b] = await banners();
    const rateUp = rateUpOf(b!.rate_up_ids, b!.rate_up_rarities, b!.rate_up_chance);
    expect(rateUp.chance).toBe(1);
    // A player whose first 10-pull holds at least two SR rolls (so two Tohrus).
    let player = '';
    for (let i = 0; i < 500 && !player; i++) {
      const rolls = rollOnBanner(b!.seed_secret, `tohru-fan-${i}`, 1, 10, rateUp);
      if (rolls.filter((r) => r.tier === 'SR').length >= 2 && rolls.every((r) => r.tier !== 'SSR')) player = `tohru-fan-${i}`;
    }
    expect(player).not.toBe('');
    await fund(game.db, player, { gems: 10_000 });
    await game.db.query('INSERT INTO units (player_id, character_id, dupe_level) VALUES ($1, 207, 9)', [player]);
    const r = await pull(game.db, { playerId: player, count: 10, now: game.bot.clock.now(), rng: new Rng(1) });
    const tohru = r.cards.filter((c) => c.characterId === 207);
    expect(tohru.length).toBeGreaterThanOrEqual(2);
    expect(tohru.every((c) => c.roll.rateUpId === 207)).toBe(true);
    expect(tohru[0]).toMatchObject({ outcome: 'dupe', dupeLevel: 10 });
    expect(tohru.slice(1).every((c) => c.outcome === 'scrapped')).toBe(true);
    expect(r.autoScrap).toEqual({ count: tohru.length - 1, gems: 500 * (tohru.length - 1), coins: 25 * (tohru.length - 1) });
    const u = await game.db.query<{ dupe_level: number }>('SELECT dupe_level FROM units WHERE player_id = $1 AND character_id = 207', [player]);
    expect(u.rows[0]!.dupe_level).toBe(10);
  });

  it('!spark: no banner, 299 points, then 300 → a select menu of rate-up SSRs; a double click sparks once; points are per banner', async () => {
    await fund(game.db, 's', {});
    expect(textOf(await game.bot.say('s', '!spark'))).toContain('There is no banner running');
    await game.bot.say(OWNER, '!set_banner [7] [Spark Test] [176754:SSR] [129842:SSR] [207:SR]');
    const [b] = await banners();
    await game.db.query('INSERT INTO spark_points (player_id, banner_id, points) VALUES ($1, $2, 299)', ['s', b!.id]);
    const before = await snapshot(game.db, 's');
    expect(textOf(await game.bot.say('s', '!spark'))).toContain('You have 299 spark points on **Spark Test**; a spark needs 300');
    expect(await snapshot(game.db, 's')).toEqual(before);

    await game.db.query('UPDATE spark_points SET points = 300 WHERE player_id = $1', ['s']);
    const menu = (await game.bot.say('s', '!spark'))[0]!;
    const select = menu.components.find((c) => c.type === 'select');
    expect(select && select.type === 'select' ? select.options.map((o) => o.value).sort() : []).toEqual(['129842', '176754']);
    // Someone else's press is refused and changes nothing.
    const intruder = await game.bot.post('/api/interactions', { userId: 'intruder', messageId: menu.id, customId: 'spark:pick', values: ['176754'] });
    expect(JSON.stringify(intruder.json)).toContain('belong to someone else');
    const dbl = await doubleClick(game.bot.post, 's', menu.id, 'spark:pick', ['176754']);
    const all = textOf(dbl.messages);
    expect(all).toContain('You spent 300 spark points on **Frieren**');
    const units = await game.db.query<{ character_id: number; dupe_level: number }>('SELECT character_id, dupe_level FROM units WHERE player_id = $1', ['s']);
    expect(units.rows).toEqual([{ character_id: 176754, dupe_level: 0 }]);
    const sp = await game.db.query<{ points: number; spent: number }>('SELECT points, spent FROM spark_points WHERE player_id = $1', ['s']);
    // points stays the lifetime count (the Deep Pockets achievement reads it); spent records the spark.
    expect(sp.rows[0]).toEqual({ points: 300, spent: 300 });
    expect(textOf(await game.bot.say('s', '!spark'))).toContain('You have 0 spark points');

    // A new banner starts everyone at 0; the old banner's seed is revealed.
    const replaced = textOf(await game.bot.say(OWNER, '!set_banner [7] [Next] [176754:SSR]'));
    expect(replaced).toContain(`its seed is now public: \`${b!.seed_secret}\``);
    await game.db.query('UPDATE spark_points SET points = 600 WHERE player_id = $1 AND banner_id = $2', ['s', b!.id]);
    expect(textOf(await game.bot.say('s', '!spark'))).toContain('You have 0 spark points on **Next**');
    const all2 = await banners();
    expect(all2.filter((x) => x.active)).toHaveLength(1);
    expect(all2[0]!.revealed_at).not.toBeNull();
  });

  it('!spark with one rate-up SSR offers a button; refused at dupe 10 with the points kept', async () => {
    await game.bot.say(OWNER, '!set_banner [7] [Solo] [176754:SSR]');
    const [b] = await banners();
    await fund(game.db, 'm', {});
    await game.db.query('INSERT INTO spark_points (player_id, banner_id, points) VALUES ($1, $2, 300)', ['m', b!.id]);
    await game.db.query('INSERT INTO units (player_id, character_id, dupe_level) VALUES ($1, 176754, 10)', ['m']);
    const menu = (await game.bot.say('m', '!spark'))[0]!;
    expect(menu.components.map((c) => c.customId)).toEqual(['spark:one:176754']);
    const r = await game.bot.click('m', menu.id, 'spark:one:176754');
    expect(textOf([...r.replies, ...r.edits, ...((r as { ephemeral?: never[] }).ephemeral ?? [])])).toMatch(/dupe 10/);
    const sp = await game.db.query<{ spent: number }>('SELECT spent FROM spark_points WHERE player_id = $1', ['m']);
    expect(sp.rows[0]!.spent).toBe(0);
  });

  it('!give gems and !give char (owner): paid through the ledger, new unit then +1 dupe, audited', async () => {
    await fund(game.db, 'lucky', {});
    expect(textOf(await game.bot.say(OWNER, '!give gems <@lucky> 5000'))).toContain('Gave 5,000 💎');
    expect(textOf(await game.bot.say(OWNER, '!give char <@lucky> 176754'))).toMatch(/Gave \*\*Frieren\*\* to lucky: new unit #\d+/);
    expect(textOf(await game.bot.say(OWNER, '!give char <@lucky> 176754'))).toMatch(/dupe \(\+1\)/);
    expect(textOf(await game.bot.say(OWNER, '!give char <@lucky> 424242'))).toContain('no character 424242');
    expect(textOf(await game.bot.say(OWNER, '!give gems <@nobody123> 5'))).toMatch(/hasn't started playing/);
    const s = await snapshot(game.db, 'lucky');
    expect(s).toMatchObject({ gems: 5_000, units: 1, copies: 2 });
    const audit = await game.db.query<{ action: string }>('SELECT action FROM admin_audit ORDER BY id');
    expect(audit.rows.map((a) => a.action)).toEqual(['give_gems', 'give_char', 'give_char']);
  });
});
