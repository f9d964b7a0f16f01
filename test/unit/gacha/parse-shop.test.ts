import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { parseBannerSpec } from '../../../src/core/gacha/banner.js';
import { rarityForRank } from '../../../src/core/power.js';
import { rotationRanks, shopPrice } from '../../../src/core/shop.js';

describe('!set_banner syntax', () => {
  it('parses days, name, rate-ups and an optional chance', () => {
    expect(parseBannerSpec('[7] [Summer Stars] [176754:SSR] [209:sr]')).toEqual({
      days: 7,
      name: 'Summer Stars',
      rateUps: [
        { id: 176754, rarity: 'SSR' },
        { id: 209, rarity: 'SR' },
      ],
      chance: 0.5,
    });
    expect(parseBannerSpec('[1][X][5:R][chance:0.75]').chance).toBe(0.75);
  });

  it.each([
    ['', /days, name/],
    ['7 Summer 176754:SSR', /brackets/],
    ['[7] [Summer [176754:SSR]', /nested/],
    ['[7] [Summer] [176754:SSR', /never closed/],
    ['[7] [Summer]] [176754:SSR]', /Unexpected/],
    ['[7] [Summer]', /at least one rate-up/],
    ['[0] [Summer] [1:SSR]', /Days must be/],
    ['[abc] [Summer] [1:SSR]', /Days must be/],
    ['[7] [1:SSR] [2:SR]', /name/],
    ['[7] [Summer] [176754:UR]', /Rarity must be R, SR or SSR/],
    ['[7] [Summer] [frieren]', /isn't a rate-up/],
    ['[7] [Summer] [1:SSR] [1:SR]', /listed twice/],
    ['[7] [Summer] [1:SSR] [chance:1.5]', /chance/],
  ])('%j is refused with a clear message', (text, msg) => {
    expect(() => parseBannerSpec(text)).toThrow(UserError);
    expect(() => parseBannerSpec(text)).toThrow(msg);
  });
});

describe('shop', () => {
  it("today's rotation is the same all day: 2 SSR + 3 SR + 5 R, distinct, and changes with the day", () => {
    const a = rotationRanks('2025-03-01');
    expect(rotationRanks('2025-03-01')).toEqual(a);
    expect(a.map(rarityForRank)).toEqual(['SSR', 'SSR', 'SR', 'SR', 'SR', 'R', 'R', 'R', 'R', 'R']);
    expect(new Set(a).size).toBe(10);
    expect(rotationRanks('2025-03-02')).not.toEqual(a);
  });

  it('prices: R 1,000, SR 20,000, SSR 100,000; rate-up ×1.2; team level ≥ 30 takes 25% off', () => {
    expect(shopPrice('R', { rateUp: false, teamLevel: 1 })).toBe(1_000);
    expect(shopPrice('SR', { rateUp: false, teamLevel: 29 })).toBe(20_000);
    expect(shopPrice('SSR', { rateUp: false, teamLevel: 1 })).toBe(100_000);
    expect(shopPrice('SSR', { rateUp: true, teamLevel: 1 })).toBe(120_000);
    expect(shopPrice('SSR', { rateUp: false, teamLevel: 30 })).toBe(75_000);
    expect(shopPrice('SR', { rateUp: true, teamLevel: 30 })).toBe(18_000);
    expect(shopPrice('R', { rateUp: true, teamLevel: 45 })).toBe(900);
  });
});
