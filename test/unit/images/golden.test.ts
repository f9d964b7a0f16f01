// Golden-image tests: each render is compared with its reference PNG in
// test/golden/ (rewrite them on purpose with `npx tsx scripts/update-golden.ts`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { goldenCases } from './fixtures.js';

const goldenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'golden');

async function pixels(png: Buffer): Promise<{ w: number; h: number; data: Uint8ClampedArray }> {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { w: img.width, h: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

/** Fraction of pixels where any channel differs by more than `tol` (0-255). */
// biome-ignore lint/suspicious/noExportsInTest: the image bench compares renders the same way
export async function diffFraction(a: Buffer, b: Buffer, tol = 24): Promise<number> {
  const pa = await pixels(a);
  const pb = await pixels(b);
  if (pa.w !== pb.w || pa.h !== pb.h) return 1;
  let bad = 0;
  for (let i = 0; i < pa.data.length; i += 4) {
    for (let k = 0; k < 4; k++) {
      if (Math.abs(pa.data[i + k]! - pb.data[i + k]!) > tol) {
        bad++;
        break;
      }
    }
  }
  return bad / (pa.w * pa.h);
}

describe('golden images', () => {
  for (const [name, render] of Object.entries(goldenCases)) {
    it(`${name} matches test/golden/${name}.png`, async () => {
      const file = path.join(goldenDir, `${name}.png`);
      expect(existsSync(file), `missing ${file}: run npx tsx scripts/update-golden.ts`).toBe(true);
      const actual = await render();
      // Antialiasing can shift a few edge pixels between builds; a real change moves far more.
      const frac = await diffFraction(actual, readFileSync(file));
      expect(frac).toBeLessThan(0.005);
    });
  }

  it('the comparison notices a real change', async () => {
    const a = await goldenCases['card-ssr']!();
    const b = await goldenCases['card-r-longname']!();
    expect(await diffFraction(a, b)).toBeGreaterThan(0.05);
  });

  it('renders are valid PNGs of the sizes in the spec', async () => {
    const sizes: Record<string, [number, number]> = {
      'ten-pull': [1100, 700],
      team: [1200, 550],
      battle: [1200, 850],
      banner: [800, 450],
      'card-ssr': [300, 450],
    };
    for (const [name, [w, h]] of Object.entries(sizes)) {
      const img = await loadImage(await goldenCases[name]!());
      expect([img.width, img.height], name).toEqual([w, h]);
    }
  });
});
