// Golden-image tests: each drawing is compared with its reference PNG in
// test/golden/ (rewrite them on purpose with `npx tsx scripts/update-golden.ts`,
// and look at them). The drawings are compared before encoding, losslessly;
// encode.test.ts checks what the JPEG encoding of each reply keeps.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imageCases } from './fixtures.js';
import { decode, diffFraction, pixelsOf } from './pixels.js';

const goldenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'golden');

describe('golden images', () => {
  for (const [name, c] of Object.entries(imageCases)) {
    it(`${name} matches test/golden/${name}.png`, async () => {
      const file = path.join(goldenDir, `${name}.png`);
      expect(existsSync(file), `missing ${file}: run npx tsx scripts/update-golden.ts`).toBe(true);
      const actual = pixelsOf(await c.draw());
      // Antialiasing can shift a few edge pixels between builds; a real change moves far more.
      expect(diffFraction(actual, await decode(readFileSync(file)))).toBeLessThan(0.005);
    });
  }

  it('the comparison notices a real change', async () => {
    const a = pixelsOf(await imageCases['card-ssr']!.draw());
    const b = pixelsOf(await imageCases['card-r-longname']!.draw());
    expect(diffFraction(a, b)).toBeGreaterThan(0.05);
  });

  it('drawings have the sizes in the spec', async () => {
    const sizes: Record<string, [number, number]> = {
      'ten-pull': [1100, 700],
      // SPEC §18 says 1200x550; the height follows the rows of skill chips
      // (one to four), so no empty band is left under them.
      team: [1200, 537],
      'team-few-skills': [1200, 450],
      battle: [1200, 850],
      banner: [800, 450],
      'card-ssr': [300, 450],
    };
    for (const [name, [w, h]] of Object.entries(sizes)) {
      const p = pixelsOf(await imageCases[name]!.draw());
      expect([p.w, p.h], name).toEqual([w, h]);
    }
  });
});
