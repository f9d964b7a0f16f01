/**
 * Seeded pseudo-random number generator (sfc32, 128-bit state).
 *
 * Every random decision in the game draws from one of these, never from
 * Math.random, so any battle or pull can be replayed from its recorded seed.
 * A seed is a 32-bit unsigned integer; `Rng.fromString` derives one from text
 * (used for verifiable banner streams and daily rotations).
 */
export class Rng {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    this.seed = seed >>> 0;
    // Spread the 32-bit seed over the state with splitmix32, then warm up.
    let s = this.seed;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A seed derived from text (FNV-1a 32-bit). */
  static seedFromString(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  static fromString(text: string): Rng {
    return new Rng(Rng.seedFromString(text));
  }

  /** A fresh random seed for a new battle or pull (from crypto, not Math.random). */
  static randomSeed(): number {
    return crypto.getRandomValues(new Uint32Array(1))[0]!;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`Rng.int: empty range [${min}, ${max}]`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element; throws on an empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An independent copy at the same position in the stream. */
  clone(): Rng {
    const r = Object.create(Rng.prototype) as Rng;
    Object.assign(r, { seed: this.seed, a: this.a, b: this.b, c: this.c, d: this.d });
    return r;
  }
}
