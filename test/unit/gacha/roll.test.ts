import { describe, expect, it } from 'vitest';
import { type RateUp, rateUpOf, rollOffBanner, rollOnBanner, rollOne, seedHash, streamSeed, TIER_CHANCE, tierFor } from '../../../src/core/gacha/roll.js';
import { RANK_BANDS } from '../../../src/core/power.js';
import { Rng } from '../../../src/core/rng.js';

/**
 * Tolerances: a share p estimated from n independent rolls has standard error
 * sqrt(p(1-p)/n); z = 3.29 is the two-sided 99.9% bound, so each check fails
 * by chance about once in a thousand runs — and with fixed seeds, never.
 */
function within999(count: number, n: number, p: number): { share: number; bound: number; ok: boolean } {
  const share = count / n;
  const bound = 3.29 * Math.sqrt((p * (1 - p)) / n);
  return { share, bound, ok: Math.abs(share - p) <= bound };
}

const N = 100_000;

describe('gacha rolls', () => {
  it('SSR/SR/R shares match 2% / 11% / 87% over 100,000 rolls (one seeded stream)', () => {
    const rng = new Rng(20240501);
    const counts = { SSR: 0, SR: 0, R: 0 };
    for (let i = 0; i < N; i++) counts[rollOne(rng).tier]++;
    for (const tier of ['SSR', 'SR', 'R'] as const) {
      const r = within999(counts[tier], N, TIER_CHANCE[tier]);
      expect(r.ok, `${tier}: ${r.share} vs ${TIER_CHANCE[tier]} ± ${r.bound}`).toBe(true);
    }
  });

  it('the same shares hold for verifiable banner streams (one HMAC-derived stream per roll)', () => {
    const none: RateUp = { SSR: [], SR: [], chance: 0.5 };
    const rolls = rollOnBanner('a'.repeat(64), 'player-1', 1, N, none);
    const counts = { SSR: 0, SR: 0, R: 0 };
    for (const r of rolls) counts[r.tier]++;
    for (const tier of ['SSR', 'SR', 'R'] as const) {
      const r = within999(counts[tier], N, TIER_CHANCE[tier]);
      expect(r.ok, `${tier}: ${r.share} vs ${TIER_CHANCE[tier]} ± ${r.bound}`).toBe(true);
    }
  });

  it('ranks stay inside the tier band and cover it uniformly', () => {
    const rng = new Rng(7);
    const buckets = new Array(10).fill(0);
    let r = 0;
    let outside = 0;
    for (let i = 0; i < N; i++) {
      const roll = rollOne(rng);
      const [lo, hi] = RANK_BANDS[roll.tier];
      if (roll.rank === null || roll.rank < lo || roll.rank > hi) outside++;
      if (roll.tier === 'R') {
        buckets[Math.floor(((roll.rank! - lo) / (hi - lo + 1)) * 10)]++;
        r++;
      }
    }
    expect(outside).toBe(0);
    // Each tenth of the R band gets 10% of R rolls, within the 99.9% bound.
    for (const b of buckets) expect(within999(b, r, 0.1).ok).toBe(true);
  });

  it("the rate-up share of SSR and SR rolls matches the banner's chance", () => {
    for (const chance of [0.5, 0.7]) {
      const rateUp: RateUp = { SSR: [111, 222], SR: [333], chance };
      const rng = new Rng(99);
      const ssr = { all: 0, up: 0 };
      const sr = { all: 0, up: 0 };
      const picks = new Map<number, number>();
      let wrong = 0;
      for (let i = 0; i < N; i++) {
        const r = rollOne(rng, rateUp);
        const bucket = r.tier === 'SSR' ? ssr : r.tier === 'SR' ? sr : null;
        if (!bucket) {
          if (r.rateUpId !== null) wrong++;
          continue;
        }
        bucket.all++;
        if (r.rateUpId !== null) {
          bucket.up++;
          picks.set(r.rateUpId, (picks.get(r.rateUpId) ?? 0) + 1);
          if (r.rank !== null || !rateUp[r.tier as 'SSR' | 'SR'].includes(r.rateUpId)) wrong++;
        }
      }
      expect(wrong).toBe(0);
      // ~2,000 SSR rolls: the bound is ±3.7 points — wide, but the test of a share, not of a seed.
      expect(within999(ssr.up, ssr.all, chance).ok, `SSR rate-up ${ssr.up}/${ssr.all}`).toBe(true);
      expect(within999(sr.up, sr.all, chance).ok, `SR rate-up ${sr.up}/${sr.all}`).toBe(true);
      // Uniform between the two SSR rate-ups.
      expect(within999(picks.get(111) ?? 0, ssr.up, 0.5).ok).toBe(true);
    }
  });

  it('the rate-up share among many forced SSR rolls is tight (200,000 rolls, ±0.4 points)', () => {
    const rateUp: RateUp = { SSR: [1, 2, 3], SR: [], chance: 0.5 };
    const rng = new Rng(5);
    let up = 0;
    for (let i = 0; i < 200_000; i++) if (rollOne(rng, rateUp, 'SSR').rateUpId !== null) up++;
    expect(within999(up, 200_000, 0.5).ok).toBe(true);
  });

  it('a tier without rate-up characters is never changed, and R never is', () => {
    const rng = new Rng(3);
    const rateUp: RateUp = { SSR: [9], SR: [], chance: 1 };
    let wrong = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = rollOne(rng, rateUp);
      if (r.tier === 'SSR' ? r.rateUpId !== 9 : r.rateUpId !== null) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it("the starter's first card is always SSR (10,000 seeds), the other nine are normal rolls", () => {
    let later = 0;
    let notSsr = 0;
    for (let seed = 0; seed < 10_000; seed++) {
      const rolls = rollOffBanner(seed, 10, { starter: true });
      if (rolls.length !== 10 || rolls[0]!.tier !== 'SSR') notSsr++;
      later += rolls.slice(1).filter((r) => r.tier === 'SSR').length;
    }
    expect(notSsr).toBe(0);
    expect(within999(later, 90_000, 0.02).ok).toBe(true);
  });

  it('tier boundaries: u < 0.02 SSR, u < 0.13 SR, else R', () => {
    expect(tierFor(0)).toBe('SSR');
    expect(tierFor(0.0199999)).toBe('SSR');
    expect(tierFor(0.02)).toBe('SR');
    expect(tierFor(0.1299999)).toBe('SR');
    expect(tierFor(0.13)).toBe('R');
    expect(tierFor(0.9999999)).toBe('R');
  });

  it('replays exactly: the same seed, or the same secret + player + counter, gives the same rolls', () => {
    expect(rollOffBanner(42, 10)).toEqual(rollOffBanner(42, 10));
    const up: RateUp = { SSR: [1], SR: [2], chance: 0.5 };
    expect(rollOnBanner('s3cret', 'alice', 11, 10, up)).toEqual(rollOnBanner('s3cret', 'alice', 11, 10, up));
    // Roll i of a 10-pull is the single pull at counter start + i.
    const ten = rollOnBanner('s3cret', 'alice', 11, 10, up);
    expect(rollOnBanner('s3cret', 'alice', 15, 1, up)[0]).toEqual(ten[4]);
    expect(streamSeed('s3cret', 'alice', 1)).not.toBe(streamSeed('s3cret', 'bob', 1));
    expect(streamSeed('s3cret', 'alice', 1)).not.toBe(streamSeed('s3cret', 'alice', 2));
  });

  it('publishes SHA-256 of the secret (a known vector)', () => {
    expect(seedHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('rate-up lists come from the parallel id/rarity arrays, and REAL chances are rounded', () => {
    expect(rateUpOf([1, 2, 3, 4], ['SSR', 'SR', 'SSR', 'R'], 0.30000001192092896)).toEqual({ SSR: [1, 3], SR: [2], chance: 0.3 });
  });
});
