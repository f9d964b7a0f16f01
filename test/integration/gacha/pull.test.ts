import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import gachaCog, { pullReply } from '../../../src/cogs/gacha.js';
import inventoryCog from '../../../src/cogs/inventory.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { defaultVoice } from '../../../src/commands/voice.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { claimStarter, pull, rollOffBanner } from '../../../src/core/gacha/index.js';
import { Rng } from '../../../src/core/rng.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { countingDb, expectLedgerMatchesBalances, failingOnQuery, fund, snapshot, wallet } from './helpers.js';

/** The first seed whose off-banner rolls satisfy `ok` (the search is pure and fast). */
function seedWhere(count: number, ok: (tiers: string[], ranks: (number | null)[]) => boolean): number {
  for (let seed = 1; seed < 1_000_000; seed++) {
    const rolls = rollOffBanner(seed, count);
    const ranks = rolls.map((r) => r.rank);
    if (
      new Set(ranks).size === ranks.length &&
      ok(
        rolls.map((r) => r.tier),
        ranks,
      )
    )
      return seed;
  }
  throw new Error('no seed found');
}

describe.each(backends())('pulls on %s', (backend) => {
  const game = useTestBot(backend, {
    db: { poolSize: 20 },
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    cogs: [gachaCog, inventoryCog],
    timeout: 120_000,
  });
  beforeEach(async () => game.tdb.reset());
  afterEach(async () => expectLedgerMatchesBalances(game.db));

  it('50 simultaneous !pull 10 with 25,000 gems: exactly two succeed, the rest are refused, 5,000 gems left, 20 copies added', async () => {
    await fund(game.db, 'whale', { gems: 25_000 });
    const replies = await Promise.all(Array.from({ length: 50 }, () => game.bot.say('whale', '!pull 10')));
    const texts = replies.map(textOf);
    const ok = texts.filter((t) => t.includes("whale's 10-pull"));
    const refused = texts.filter((t) => /Not enough: that needs 10,000 gems/.test(t));
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(48);
    const w = await wallet(game.db, 'whale');
    expect(w.gems).toBe(5_000);
    expect(w.totalPulls).toBe(20);
    const s = await snapshot(game.db, 'whale');
    expect(s.copies).toBe(20);
    const pulls = await game.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pulls WHERE player_id = $1', ['whale']);
    expect(pulls.rows[0]!.n).toBe(2);
  });

  it('50 simultaneous single pulls with 7,000 gems: exactly seven succeed', async () => {
    await fund(game.db, 'p7', { gems: 7_000 });
    const texts = (await Promise.all(Array.from({ length: 50 }, () => game.bot.say('p7', '!pull')))).map(textOf);
    expect(texts.filter((t) => t.includes("p7's pull"))).toHaveLength(7);
    expect((await wallet(game.db, 'p7')).gems).toBe(0);
    expect((await snapshot(game.db, 'p7')).copies).toBe(7);
  });

  it('a single pull replies with the card image; a 10-pull with one composite image; both show the pull id', async () => {
    await fund(game.db, 'a', { gems: 11_000 });
    const one = await game.bot.say('a', '!summon');
    expect(one[0]!.attachments.map((x) => x.name)).toEqual(['pull.jpg']);
    expect(one[0]!.embeds[0]!.image).toBe(one[0]!.attachments[0]!.url);
    expect(textOf(one)).toMatch(/Pull #\d+ · spent 1,000 gems, 10,000 left/);
    expect(textOf(one)).toMatch(/Power \*\*[\d,]+\*\*/);
    const ten = await game.bot.say('a', '!pull 10');
    expect(ten[0]!.attachments).toHaveLength(1);
    expect(
      textOf(ten)
        .split('\n')
        .filter((l) => / — [\d,]+ · /.test(l)),
    ).toHaveLength(10);
    expect((await wallet(game.db, 'a')).totalPulls).toBe(11);
  });

  it.each(['!pull 0', '!pull -1', '!pull 11', '!pull 1e9', '!pull abc', '!pull 5', '!pull 10 10'])(
    '%s gets a clear message and changes nothing',
    async (cmd) => {
      await fund(game.db, 'b', { gems: 50_000 });
      const before = await snapshot(game.db, 'b');
      const t = textOf(await game.bot.say('b', cmd));
      expect(t).toMatch(/`count` must be one of `1`, `10`|Unexpected/);
      expect(t).toContain('Usage: `!pull [count]`');
      expect(await snapshot(game.db, 'b')).toEqual(before);
    },
  );

  it('a pull without enough gems says what it needs and changes nothing', async () => {
    await fund(game.db, 'poor', { gems: 999 });
    const before = await snapshot(game.db, 'poor');
    expect(textOf(await game.bot.say('poor', '!pull'))).toContain('Not enough: that needs 1,000 gems (you have 999)');
    expect(await snapshot(game.db, 'poor')).toEqual(before);
    const nextId = await game.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pulls');
    expect(nextId.rows[0]!.n).toBe(0);
  });

  it('a pull that fails after the gems were taken leaves the gems and no units (failure injected on the 2nd statement)', async () => {
    await fund(game.db, 'unlucky', { gems: 10_000 });
    const before = await snapshot(game.db, 'unlucky');
    // Query 1 is the spend; query 2 (units, auto-scrap, audit) throws.
    await expect(pull(failingOnQuery(game.db, 2), { playerId: 'unlucky', count: 10, now: new Date(), rng: new Rng(1) })).rejects.toThrow(/injected/);
    expect(await snapshot(game.db, 'unlucky')).toEqual(before);
    expect((await wallet(game.db, 'unlucky')).totalPulls).toBe(0);
    const pulls = await game.db.query('SELECT 1 FROM pulls');
    expect(pulls.rowCount).toBe(0);
  });

  it('a pull whose rolled rank is missing from the catalog fails as a whole: error id shown, gems kept, no units', async () => {
    const seed = 77;
    const rolled = rollOffBanner(seed, 1)[0]!;
    await fund(game.db, 'hole', { gems: 1_000 });
    const before = await snapshot(game.db, 'hole');
    const moved = await game.db.query<{ id: number }>('UPDATE characters SET rank = 0 WHERE rank = $1 RETURNING id', [rolled.rank]);
    try {
      await expect(pull(game.db, { playerId: 'hole', count: 1, now: new Date(), rng: new Rng(seed) })).rejects.toThrow(/no character/);
    } finally {
      await game.db.query('UPDATE characters SET rank = $1 WHERE id = $2', [rolled.rank, moved.rows[0]!.id]);
    }
    expect(await snapshot(game.db, 'hole')).toEqual(before);
  });

  it('dupes: an owned character goes up by 1; at dupe 10 it is auto-scrapped for SSR 10,000 gems + 500 coins through the ledger', async () => {
    const seed = seedWhere(10, (tiers) => tiers[0] === 'SSR' && tiers[1] === 'R');
    const rolls = rollOffBanner(seed, 10);
    await fund(game.db, 'c', { gems: 10_000 });
    const ids = await game.db.query<{ id: number; rank: number }>('SELECT id, rank FROM characters WHERE rank = ANY($1::int[])', [
      [rolls[0]!.rank, rolls[1]!.rank],
    ]);
    const idAt = new Map(ids.rows.map((r) => [r.rank, r.id]));
    await game.db.query('INSERT INTO units (player_id, character_id, dupe_level) VALUES ($1, $2, 10), ($1, $3, 4)', [
      'c',
      idAt.get(rolls[0]!.rank!),
      idAt.get(rolls[1]!.rank!),
    ]);
    const r = await pull(game.db, { playerId: 'c', count: 10, now: new Date(), rng: new Rng(seed) });
    expect(r.cards[0]!.outcome).toBe('scrapped');
    expect(r.cards[1]).toMatchObject({ outcome: 'dupe', dupeLevel: 5 });
    expect(r.cards.slice(2).every((c) => c.outcome === 'new' && c.dupeLevel === 0)).toBe(true);
    expect(r.autoScrap).toEqual({ count: 1, gems: 10_000, coins: 500 });
    const w = await wallet(game.db, 'c');
    expect(w).toMatchObject({ gems: 10_000, coins: 500, totalPulls: 10 });
    const led = await game.db.query<{ reason: string; currency: string; delta: number; ref: string }>(
      'SELECT reason, currency, delta, ref FROM ledger WHERE player_id = $1 ORDER BY id',
      ['c'],
    );
    expect(led.rows.map((x) => [x.reason, x.currency, Number(x.delta)])).toEqual([
      ['test', 'gems', 10_000],
      ['10-pull', 'gems', -10_000],
      ['auto-scrap', 'gems', 10_000],
      ['auto-scrap', 'coins', 500],
    ]);
    expect(led.rows[1]!.ref).toBe(String(r.pullId));
    const units = await snapshot(game.db, 'c');
    expect(units.units).toBe(10);
    // The reply says what was auto-scrapped.
    const ctx = { services: game.bot.app.services, voice: defaultVoice('!'), author: { id: 'c', username: 'c' } } as unknown as CommandContext;
    const reply = await pullReply(ctx, r, 'test');
    expect(reply.embeds![0]!.description).toMatch(/Auto-scrapped 1 copy already at dupe 10: \+10,000 💎 \+500 🪙/);
    expect(reply.embeds![0]!.description).toContain('at dupe 10 → auto-scrapped');
  });

  it('R and SR auto-scrap values: R 100 + 5, SR 500 + 25', async () => {
    for (const [tier, gems, coins] of [
      ['R', 100, 5],
      ['SR', 500, 25],
    ] as const) {
      const seed = seedWhere(1, (t) => t[0] === tier);
      const rank = rollOffBanner(seed, 1)[0]!.rank!;
      const pid = `s-${tier}`;
      await fund(game.db, pid, { gems: 1_000 });
      const ch = await game.db.query<{ id: number }>('SELECT id FROM characters WHERE rank = $1', [rank]);
      await game.db.query('INSERT INTO units (player_id, character_id, dupe_level) VALUES ($1, $2, 10)', [pid, ch.rows[0]!.id]);
      const r = await pull(game.db, { playerId: pid, count: 1, now: new Date(), rng: new Rng(seed) });
      expect(r.autoScrap).toEqual({ count: 1, gems, coins });
      expect(await wallet(game.db, pid)).toMatchObject({ gems, coins });
    }
  });

  it('!starter: once per player even when sent 10 times at once; free; 10 units with the first an SSR', async () => {
    const texts = (await Promise.all(Array.from({ length: 10 }, () => game.bot.say('newbie', '!starter')))).map(textOf);
    expect(texts.filter((t) => t.includes("newbie's starter pack"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('already opened your starter pack'))).toHaveLength(9);
    const s = await snapshot(game.db, 'newbie');
    expect(s.copies).toBe(10);
    expect(s.gems).toBe(0);
    const rec = await game.db.query<{ kind: string; seed: number; rolls: Array<{ tier: string }> }>(
      'SELECT kind, seed, rolls FROM pulls WHERE player_id = $1',
      ['newbie'],
    );
    expect(rec.rows).toHaveLength(1);
    expect(rec.rows[0]!.kind).toBe('starter');
    expect(rec.rows[0]!.rolls[0]!.tier).toBe('SSR');
    expect(rollOffBanner(Number(rec.rows[0]!.seed), 10, { starter: true }).map((r) => r.tier)).toEqual(rec.rows[0]!.rolls.map((r) => r.tier));
    const ssr = await game.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM units u JOIN characters c ON c.id = u.character_id WHERE u.player_id = $1 AND c.rarity = 'SSR'`,
      ['newbie'],
    );
    expect(ssr.rows[0]!.n).toBeGreaterThanOrEqual(1);
    expect((await wallet(game.db, 'newbie')).totalPulls).toBe(0);
  });

  it('the starter also works for a player who already owns units (core)', async () => {
    await fund(game.db, 'vet', {});
    const r = await claimStarter(game.db, 'vet', new Date(), new Rng(5));
    expect(r.cards[0]!.rarity).toBe('SSR');
    await expect(claimStarter(game.db, 'vet', new Date(), new Rng(6))).rejects.toThrow(/already opened/);
  });

  it('a 10-pull is 2 statements in 1 transaction (BEGIN + 2 + COMMIT = 4 round trips on Postgres)', async () => {
    await fund(game.db, 'count', { gems: 20_000 });
    const c = countingDb(game.db);
    await pull(c.db, { playerId: 'count', count: 10, now: new Date(), rng: new Rng(3) });
    expect(c.queries()).toBe(2);
    expect(c.transactions()).toBe(1);
    c.reset();
    await pull(c.db, { playerId: 'count', count: 1, now: new Date(), rng: new Rng(4) });
    expect(c.queries()).toBe(2);
  });
});
