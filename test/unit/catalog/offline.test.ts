import { describe, expect, it } from 'vitest';
import { GENERATED_ID_BASE, generateOfflineCatalog, OFFLINE_REAL_CHARACTERS, seedPower } from '../../../src/core/catalog/offline.js';
import { basePower, CATALOG_SIZE, rarityForRank } from '../../../src/core/power.js';

const catalog = generateOfflineCatalog();
const REGISTRY_SKILLS = new Set([
  'Surge',
  'Berserk',
  'Golden Egg',
  'Lucky 7',
  'The Joker',
  'Guard',
  'Kamikaze',
  'Revive',
  'Second Wind',
  'Royalty',
  'Anchor',
  'The Amber Sun',
  'Eternity',
  'Ephemerality',
  'Feline Fealty',
  'The Onyx Moon',
  'Queen of the Zodiacs',
  'Entwined Souls',
  'Master of Coin',
  'Hardworker',
  'The Long Road',
]);

describe('offline catalog', () => {
  it('has 10,000 characters with unique ids and unique names', () => {
    expect(catalog).toHaveLength(CATALOG_SIZE);
    expect(new Set(catalog.map((c) => c.id)).size).toBe(10_000);
    expect(new Set(catalog.map((c) => c.name)).size).toBe(10_000);
  });

  it('holds every rank 1..10,000 exactly once, in order', () => {
    expect(catalog.map((c) => c.rank)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });

  it('places the six characters skills refer to with their real AniList ids and names', () => {
    const byId = new Map(catalog.map((c) => [c.id, c]));
    for (const [id, name] of [
      [207, 'Tohru Honda'],
      [209, 'Kyo Sohma'],
      [129840, 'Coco'],
      [129842, 'Agott'],
      [176754, 'Frieren'],
      [184311, 'Himmel'],
    ] as const) {
      const c = byId.get(id);
      expect(c?.name).toBe(name);
      expect(c!.rank).toBeGreaterThanOrEqual(1);
      expect(c!.rank).toBeLessThanOrEqual(10_000);
    }
    expect(OFFLINE_REAL_CHARACTERS).toHaveLength(6);
  });

  it('gives the character-tied skills to their characters', () => {
    const skillsOf = (id: number) => catalog.find((c) => c.id === id)?.skills;
    expect(skillsOf(207)).toEqual(['Queen of the Zodiacs', 'Entwined Souls']);
    expect(skillsOf(209)).toEqual(['Feline Fealty']);
    expect(skillsOf(129840)).toEqual(['The Amber Sun']);
    expect(skillsOf(129842)).toEqual(['The Onyx Moon']);
    expect(skillsOf(176754)).toEqual(['Eternity']);
    expect(skillsOf(184311)).toEqual(['Ephemerality']);
  });

  it('uses ids from 9,000,000 up for invented characters, never a real one', () => {
    const real = new Set(OFFLINE_REAL_CHARACTERS.map((c) => c.id));
    for (const c of catalog) {
      if (real.has(c.id)) continue;
      expect(c.id).toBeGreaterThan(GENERATED_ID_BASE);
      expect(c.source).toBe('generated');
      expect(c.imageUrl).toBeNull();
    }
  });

  it('is the same on every run', () => {
    expect(generateOfflineCatalog()).toEqual(catalog);
  });

  it('has AniList-shaped favourites: steep at the top, a few hundred at 10,000, never rising with rank', () => {
    expect(catalog[0]!.favourites).toBeGreaterThan(150_000);
    expect(catalog[0]!.favourites).toBeLessThan(600_000);
    expect(catalog[9_999]!.favourites).toBeGreaterThan(100);
    expect(catalog[9_999]!.favourites).toBeLessThan(1_000);
    for (let i = 1; i < catalog.length; i++) expect(catalog[i]!.favourites).toBeLessThanOrEqual(catalog[i - 1]!.favourites);
  });

  it('derives rarity and power from power.ts (SSR 1–250, SR 251–1500, R 1501–10000)', () => {
    const counts = { SSR: 0, SR: 0, R: 0 };
    for (const c of catalog) counts[rarityForRank(c.rank)]++;
    expect(counts).toEqual({ SSR: 250, SR: 1250, R: 8500 });
    const top = catalog[0]!;
    expect(seedPower(top)).toBe(basePower(top.favourites, 'SSR'));
  });

  it('carries only registry skills; Anchor never on an SSR and always with resistance 0.4', () => {
    let withSkills = 0;
    for (const c of catalog) {
      for (const s of c.skills ?? []) expect(REGISTRY_SKILLS.has(s)).toBe(true);
      if ((c.skills ?? []).length > 0) withSkills++;
      if (c.skills?.includes('Anchor')) {
        expect(rarityForRank(c.rank)).not.toBe('SSR');
        expect(c.squashResistance).toBe(0.4);
      } else {
        expect(c.squashResistance ?? 0).toBe(0);
      }
    }
    // every general skill shows up somewhere offline
    const seen = new Set(catalog.flatMap((c) => c.skills ?? []));
    expect(seen.size).toBe(REGISTRY_SKILLS.size);
    expect(withSkills).toBeGreaterThan(500);
    expect(withSkills).toBeLessThan(2000);
  });

  it('names look like names: two capitalised words, letters only', () => {
    for (const c of catalog) {
      if (c.id < GENERATED_ID_BASE) continue;
      expect(c.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    }
  });
});
