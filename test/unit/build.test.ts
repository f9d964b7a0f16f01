import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const build = () => promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: root });

// `npm start` runs this build, then `node dist/main.js` (the long kill -9 test starts the built bot).
describe('scripts/build.mjs', () => {
  it('compiles every cog and copies the playground page', async () => {
    await build();
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain('dist/main.js');
    expect(existsSync(path.join(dist, 'main.js'))).toBe(true);
    const cogs = (dir: string, ext: RegExp) =>
      readdirSync(dir)
        .filter((f) => ext.test(f) && !f.endsWith('.d.ts'))
        .map((f) => f.replace(ext, ''))
        .sort();
    expect(cogs(path.join(dist, 'cogs'), /\.js$/)).toEqual(cogs(path.join(root, 'src/cogs'), /\.ts$/));
    for (const f of ['platform/playground/page.html']) {
      expect(readFileSync(path.join(dist, f), 'utf8')).toBe(readFileSync(path.join(root, 'src', f), 'utf8'));
    }
    // Imports keep their .js suffixes, so Node resolves the compiled files.
    expect(readFileSync(path.join(dist, 'main.js'), 'utf8')).toMatch(/from "\.\/app\.js"/);
  });

  it('deletes compiled files whose source is gone (the cogs loader would load them)', async () => {
    mkdirSync(path.join(dist, 'cogs'), { recursive: true });
    const stale = path.join(dist, 'cogs', 'removed-cog.js');
    writeFileSync(stale, 'export default {};\n');
    await build();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(path.join(dist, 'main.js'))).toBe(true);
  });
});
