// @ts-check
/**
 * `npm run build` (and `npm start`, which runs it first): src/ → dist/, one
 * .js per .ts, with esbuild in well under a second. Types are not checked
 * here: `npm test` checks them first (and `npm run typecheck`).
 *
 * Why the bot runs compiled JS and not TypeScript through tsx: tsx's loader
 * hooks run on a thread of their own with its own V8 heap, for the life of
 * the process. The bot idled at ~255 MB on PGlite under tsx and at ~187 MB
 * from dist/ (bench/memory.ts).
 *
 * Files in dist/ that src/ no longer makes are deleted afterwards: the cogs
 * loader imports every file in dist/cogs, so a cog deleted from src/ must not
 * live on there. (Not emptied first: a bot already running from dist/ may
 * still read files from it, such as the playground page.)
 */

import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = path.join(root, 'dist');

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/**/*.ts'],
  outbase: 'src',
  outdir: 'dist',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Used with NODE_OPTIONS=--enable-source-maps (stack traces in TypeScript lines).
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
});
const made = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
// The playground page, as it is.
for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
  if (!/\.html$/.test(file)) continue;
  cpSync(path.join(src, file), path.join(out, file));
  made.add(path.join(out, file));
}
for (const file of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
  const full = path.join(out, file);
  if (!made.has(full) && statSync(full).isFile()) rmSync(full);
}
