// Rewrites the golden reference PNGs in test/golden/ from the current code.
// Run on purpose after changing how an image looks: npx tsx scripts/update-golden.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases } from '../test/unit/images/fixtures.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden');

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const only = process.argv.slice(2);
  for (const [name, render] of Object.entries(goldenCases)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const png = await render();
    writeFileSync(path.join(dir, `${name}.png`), png);
    console.log(`wrote test/golden/${name}.png (${png.length} bytes)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
