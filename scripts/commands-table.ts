/**
 * Prints the command reference (markdown) from the live registry, so the
 * README's table can't drift from the code: `npx tsx scripts/commands-table.ts`.
 */

import { usageLine } from '../src/commands/dispatcher.js';
import { loadCogs } from '../src/commands/loader.js';
import { defaultVoice } from '../src/commands/voice.js';
import { silentLogger } from '../src/log.js';

const { cogs } = await loadCogs(silentLogger);
const voice = defaultVoice('!');
const lines: string[] = ['| group | command | aliases | what it does |', '|---|---|---|---|'];
for (const cog of cogs) {
  for (const c of cog.commands) {
    if (c.hidden) continue;
    const usage = usageLine(c, voice).replace(/\|/g, '\\|');
    lines.push(
      `| ${cog.name} | \`${usage}\`${c.ownerOnly ? ' 🔒' : ''} | ${(c.aliases ?? []).map((a) => `\`${a}\``).join(' ')} | ${voice.render(c.description).replace(/\|/g, '\\|')} |`,
    );
  }
}
console.log(lines.join('\n'));
