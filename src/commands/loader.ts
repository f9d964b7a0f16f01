import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../log.js';
import type { Cog } from './types.js';

/** Where the cogs live: src/cogs under tsx, dist/cogs when compiled. */
export const COGS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cogs');

function isCog(x: unknown): x is Cog {
  return !!x && typeof x === 'object' && typeof (x as Cog).name === 'string' && Array.isArray((x as Cog).commands);
}

/**
 * Imports every module in the cogs folder (no hand-kept list). A cog that
 * fails to load is reported by file name and the others still load.
 */
export async function loadCogs(log: Logger, dir = COGS_DIR): Promise<{ cogs: Cog[]; failed: string[] }> {
  const files = (await readdir(dir)).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.')).sort();
  const cogs: Cog[] = [];
  const failed: string[] = [];
  for (const file of files) {
    try {
      const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: unknown };
      if (!isCog(mod.default)) throw new Error('its default export is not a cog ({ name, description, commands })');
      cogs.push(mod.default);
    } catch (err) {
      failed.push(file);
      log.error({ err, cog: file }, `cog ${file} failed to load`);
    }
  }
  return { cogs, failed };
}
