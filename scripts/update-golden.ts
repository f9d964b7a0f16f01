// Rewrites the golden reference PNGs in test/golden/ from the current code.
// Run on purpose after changing how an image looks, and look at every file it
// writes: npx tsx scripts/update-golden.ts [name …]
//
// The references are the drawings before encoding, stored losslessly as PNG
// (Skia's encoder), so they show exactly what the code draws; the replies
// themselves are JPEGs, checked against the drawings in encode.test.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { releaseFrame } from '../src/core/images/gfx.js';
import { imageCases } from '../test/unit/images/fixtures.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden');

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, c] of Object.entries(imageCases)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const canvas = await c.draw();
    const png = await canvas.encode('png');
    releaseFrame(canvas);
    writeFileSync(path.join(dir, `${name}.png`), png);
    console.log(`wrote test/golden/${name}.png (${png.length} bytes)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
