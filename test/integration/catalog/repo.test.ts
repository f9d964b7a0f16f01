import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AniListClient } from '../../../src/core/anilist/client.js';
import { ensureCatalog, generateOfflineCatalog } from '../../../src/core/catalog/offline.js';
import {
  addSkillToCharacter,
  CHARACTER_BY_RANK_SQL,
  catalogSize,
  characterById,
  characterByRank,
  charactersByRanks,
  charactersWithSkill,
  countCharactersWithSkill,
  ensureTheDealer,
  overrideCharacter,
  searchCharactersByName,
  upsertCharacters,
} from '../../../src/core/catalog/repo.js';
import type { CharacterSeed } from '../../../src/core/catalog/types.js';
import { basePower } from '../../../src/core/power.js';
import { ENGINES, instrumentedDb, openTestDb, type TestDb } from './db.js';

const seed = (id: number, rank: number, favourites: number, name = `Character ${id}`): CharacterSeed => ({
  id,
  rank,
  favourites,
  name,
  imageUrl: `https://img.example/${id}.png`,
});
const silentLog = { info: () => {}, warn: () => {} };

describe.each(ENGINES)('catalog repository on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(engine);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await t.reset();
  });

  it('derives rarity from rank and power from favourites (SPEC §1 reference values)', async () => {
    await upsertCharacters(t.db, [
      seed(1, 1, 550_000),
      seed(2, 250, 15_000),
      seed(3, 300, 3_000),
      seed(4, 1500, 60_000),
      seed(5, 2000, 500),
      seed(6, 10_000, 1),
    ]);
    const got = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => characterById(t.db, id)));
    expect(got.map((c) => [c!.rarity, c!.basePower])).toEqual([
      ['SSR', 12_995],
      ['SSR', 10_210],
      ['SR', 7_500],
      ['SR', 9_792],
      ['R', 4_250],
      ['R', 4_000],
    ]);
    expect(got[0]).toEqual({
      id: 1,
      name: 'Character 1',
      imageUrl: 'https://img.example/1.png',
      favourites: 550_000,
      rank: 1,
      rarity: 'SSR',
      basePower: 12_995,
      skills: [],
      squashResistance: 0,
      overridden: false,
      source: 'anilist',
    });
  });

  it('writes one statement per batch, not one per character', async () => {
    const { db, stats } = instrumentedDb(t.db);
    const seeds = Array.from({ length: 2500 }, (_, i) => seed(1000 + i, i + 1, 100_000 - i));
    expect(await upsertCharacters(db, seeds, { batchSize: 1000 })).toBe(2500);
    const inserts = stats.sql.filter((s) => s.includes('INSERT INTO characters'));
    expect(inserts).toHaveLength(3);
    expect(stats.queries).toBeLessThanOrEqual(6); // two statements a batch
    expect(await catalogSize(t.db)).toBe(2500);
  });

  it('never changes the rarity or power of an overridden character, but refreshes the rest', async () => {
    await upsertCharacters(t.db, [seed(10, 5, 200_000)]);
    const o = await overrideCharacter(t.db, 10, 'R', 1234);
    expect(o).toMatchObject({ rarity: 'R', basePower: 1234, overridden: true });
    await upsertCharacters(t.db, [{ ...seed(10, 3, 250_000, 'Renamed'), imageUrl: null }]);
    expect(await characterById(t.db, 10)).toMatchObject({
      name: 'Renamed',
      rank: 3,
      favourites: 250_000,
      rarity: 'R',
      basePower: 1234,
      overridden: true,
      imageUrl: 'https://img.example/10.png', // a missing image does not erase a known one
    });
  });

  it('moves characters between ranks without breaking rank uniqueness; a displaced one leaves the pool', async () => {
    await upsertCharacters(t.db, [seed(1, 1, 900), seed(2, 2, 800), seed(3, 3, 700)]);
    // 2 and 1 swap; 4 takes rank 3 from 3
    await upsertCharacters(t.db, [seed(2, 1, 950), seed(1, 2, 910), seed(4, 3, 905)]);
    expect((await characterByRank(t.db, 1))?.id).toBe(2);
    expect((await characterByRank(t.db, 2))?.id).toBe(1);
    expect((await characterByRank(t.db, 3))?.id).toBe(4);
    expect((await characterById(t.db, 3))?.rank).toBe(0);
    expect(await catalogSize(t.db)).toBe(3);
  });

  it('rejects seeds with impossible values', async () => {
    await expect(upsertCharacters(t.db, [seed(1, 0, 5)])).rejects.toThrow(/invalid character seed/);
    await expect(upsertCharacters(t.db, [seed(1, 1, -5)])).rejects.toThrow(/invalid character seed/);
    await expect(upsertCharacters(t.db, [seed(1, 1, 5, '  ')])).rejects.toThrow(/invalid character seed/);
  });

  it('draws by rank (one row, or null), and a 10-pull in one query', async () => {
    await upsertCharacters(
      t.db,
      Array.from({ length: 30 }, (_, i) => seed(500 + i, i + 1, 10_000 - i)),
    );
    expect((await characterByRank(t.db, 7))?.id).toBe(506);
    expect(await characterByRank(t.db, 31)).toBeNull();
    expect(await characterByRank(t.db, 0)).toBeNull();
    const { db, stats } = instrumentedDb(t.db);
    const pulled = await charactersByRanks(db, [1, 5, 5, 30, 99]);
    expect(stats.queries).toBe(1);
    expect([...pulled.keys()].sort((a, b) => a - b)).toEqual([1, 5, 30]);
    expect(pulled.get(30)?.id).toBe(529);
  });

  it('a draw by rank is one index lookup (EXPLAIN)', async () => {
    await upsertCharacters(t.db, generateOfflineCatalog());
    await t.db.exec('ANALYZE characters');
    const plan = await t.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CHARACTER_BY_RANK_SQL}`, [4242]);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan using characters_rank_key/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('searches names case-insensitively, any word order, with unicode and LIKE wildcards taken literally', async () => {
    await upsertCharacters(t.db, [
      seed(1, 1, 90_000, 'Frieren'),
      seed(2, 2, 80_000, 'Himmel'),
      seed(3, 3, 70_000, 'Tohru Honda'),
      seed(4, 4, 60_000, 'Ëlise Ōtsuki'),
      seed(5, 5, 50_000, '竈門 炭治郎'),
      seed(6, 6, 40_000, '100%_Girl'),
      seed(7, 7, 30_000, '100 Girls'),
      seed(8, 8, 20_000, 'Frieren Junior'),
    ]);
    const names = async (q: string) => (await searchCharactersByName(t.db, q, 10)).map((c) => c.name);
    expect(await names('FRIEREN')).toEqual(['Frieren', 'Frieren Junior']);
    expect(await names('honda tohru')).toEqual(['Tohru Honda']);
    expect(await names('ōtsuki')).toEqual(['Ëlise Ōtsuki']);
    expect(await names('炭治郎')).toEqual(['竈門 炭治郎']);
    expect(await names('100%_')).toEqual(['100%_Girl']);
    expect(await names('%')).toEqual(['100%_Girl']);
    expect(await names('_')).toEqual(['100%_Girl']);
    expect(await names("'; DROP TABLE characters; --")).toEqual([]);
    expect(await names('\\')).toEqual([]);
    expect(await names('a\u0000b')).toEqual([]);
    expect(await names('   ')).toEqual([]);
    expect(await catalogSize(t.db)).toBe(8);
    expect(await searchCharactersByName(t.db, 'e', 2)).toHaveLength(2);
  });

  it('lists and counts characters with a skill, case-insensitively', async () => {
    await upsertCharacters(t.db, [
      { ...seed(1, 3, 900), skills: ['Surge'] },
      { ...seed(2, 1, 950), skills: ['Guard', 'Surge'] },
      { ...seed(3, 2, 920), skills: ['Guard'] },
    ]);
    expect((await charactersWithSkill(t.db, 'surge', 20)).map((c) => c.id)).toEqual([2, 1]);
    expect(await countCharactersWithSkill(t.db, 'SURGE')).toBe(2);
    expect(await countCharactersWithSkill(t.db, 'Eternity')).toBe(0);
    expect(await charactersWithSkill(t.db, 'Guard', 1)).toHaveLength(1);
  });

  it('adding Anchor sets resistance 0.4 and recomputes power; a later sync keeps both', async () => {
    await upsertCharacters(t.db, [seed(9, 400, 60_000)]);
    expect((await characterById(t.db, 9))?.basePower).toBe(9_792);
    const anchored = await addSkillToCharacter(t.db, 9, 'Anchor');
    expect(anchored).toMatchObject({ skills: ['Anchor'], squashResistance: 0.4, basePower: basePower(60_000, 'SR', 0.4) });
    expect(anchored!.basePower).toBe(12_675);
    // adding it again does not duplicate the tag
    expect((await addSkillToCharacter(t.db, 9, 'anchor'))?.skills).toEqual(['Anchor']);
    // a sync with new favourites keeps the tag and the resistance, and uses it
    await upsertCharacters(t.db, [seed(9, 410, 30_000)]);
    expect(await characterById(t.db, 9)).toMatchObject({ skills: ['Anchor'], squashResistance: 0.4, basePower: basePower(30_000, 'SR', 0.4) });
  });

  it('adding Anchor to an overridden character keeps its power', async () => {
    await upsertCharacters(t.db, [seed(9, 400, 60_000)]);
    await overrideCharacter(t.db, 9, 'SR', 5000);
    expect(await addSkillToCharacter(t.db, 9, 'Anchor')).toMatchObject({ basePower: 5000, squashResistance: 0.4 });
  });

  it('adding a plain skill changes neither power nor resistance; unknown characters give null', async () => {
    await upsertCharacters(t.db, [seed(9, 400, 60_000)]);
    expect(await addSkillToCharacter(t.db, 9, 'Surge')).toMatchObject({ skills: ['Surge'], basePower: 9_792, squashResistance: 0 });
    expect(await addSkillToCharacter(t.db, 12345, 'Surge')).toBeNull();
    expect(await overrideCharacter(t.db, 12345, 'SSR', 1)).toBeNull();
    await expect(overrideCharacter(t.db, 9, 'UR' as never, 1)).rejects.toThrow(/rarity/);
    await expect(overrideCharacter(t.db, 9, 'SR', -1)).rejects.toThrow(/power/);
  });

  it('an upsert merges skill tags and never drops admin-given ones', async () => {
    await upsertCharacters(t.db, [{ ...seed(1, 1, 100), skills: ['Surge'] }]);
    await addSkillToCharacter(t.db, 1, 'Royalty');
    await upsertCharacters(t.db, [{ ...seed(1, 1, 100), skills: ['Surge', 'Guard'] }]);
    expect((await characterById(t.db, 1))?.skills).toEqual(['Surge', 'Royalty', 'Guard']);
  });

  it('The Dealer exists as an SSR at rank 0, outside the gacha pool, and upserts leave it alone', async () => {
    const dealer = await ensureTheDealer(t.db);
    expect(dealer).toMatchObject({ id: 77777, name: 'The Dealer', rank: 0, rarity: 'SSR', source: 'event' });
    expect(await catalogSize(t.db)).toBe(0);
    await upsertCharacters(t.db, [seed(77777, 5, 10)]);
    expect(await characterById(t.db, 77777)).toMatchObject({ name: 'The Dealer', rank: 0, rarity: 'SSR', source: 'event' });
    expect(await ensureTheDealer(t.db)).toEqual(dealer);
  });

  it('ensureCatalog seeds the offline catalog into an empty database quickly, once', async () => {
    const started = Date.now();
    expect(await ensureCatalog(t.db, { preferOffline: true, log: silentLog })).toEqual({ source: 'offline', size: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await characterById(t.db, 176754))?.name).toBe('Frieren');
    expect((await characterById(t.db, 77777))?.rank).toBe(0);
    expect(await ensureCatalog(t.db, { preferOffline: true, log: silentLog })).toEqual({ source: 'existing', size: 10_000 });
  });

  it('ensureCatalog falls back to the offline catalog when AniList does not answer', async () => {
    const anilist = new AniListClient({ url: 'http://127.0.0.1:1/', requestsPerMinute: 0 });
    const lines: string[] = [];
    const r = await ensureCatalog(t.db, { anilist, log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) } });
    expect(r).toEqual({ source: 'offline', size: 10_000 });
    expect(lines.join('\n')).toMatch(/AniList did not answer/);
  });
});
