import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadCogs } from '../../src/commands/loader.js';
import { silentLogger } from '../../src/log.js';

describe('README', () => {
  it('starts with the two commands and lists every command the bot has', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const first = readme.indexOf('npm install && npm start');
    expect(first).toBeGreaterThan(0);
    expect(readme.indexOf('npm test')).toBeGreaterThan(first);
    const { cogs, failed } = await loadCogs(silentLogger);
    expect(failed).toEqual([]);
    const missing = cogs
      .flatMap((c) => c.commands)
      .filter((c) => !c.hidden && !readme.includes(`\`!${c.name}`))
      .map((c) => c.name);
    expect(missing, 'regenerate the table with npx tsx scripts/commands-table.ts').toEqual([]);
  });
});
