// Rewrites the golden reference PNGs in test/golden/ from the current code.
// Run on purpose after changing how an image looks: npx tsx scripts/update-golden.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { goldenCases } from '../test/unit/images/fixtures.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden');

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const only = process.argv.slice(2);
  for (const [name, render] of Object.entries(goldenCases)) {
    if (only.length > 0 && !only.includes(name)) continue;
    // Re-encode with Skia's slower, tighter PNG encoder: the references live
    // in git, and the test compares decoded pixels, not bytes.
    const img = await loadImage(await render());
    const canvas = createCanvas(img.width, img.height);
    canvas.getContext('2d').drawImage(img, 0, 0);
    const png = await canvas.encode('png');
    writeFileSync(path.join(dir, `${name}.png`), png);
    console.log(`wrote test/golden/${name}.png (${png.length} bytes)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
