import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { START_NODE_FLAGS, START_SCRIPT_ENV } from '../helpers/workload.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `VAR=value` pairs at the start of a command line. */
function leadingEnv(command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of command.matchAll(/(?:^|\s)([A-Z_]+)=(\S+)(?=\s)/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The malloc settings that keep the bot's memory in budget must be the same wherever it starts. */
describe('the bot is started with the same malloc settings and V8 flags everywhere', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('npm start, npm run start:sharded and the benches/tests that spawn the bot agree', () => {
    expect(leadingEnv(pkg.scripts.start!)).toEqual(START_SCRIPT_ENV);
    expect(leadingEnv(pkg.scripts['start:sharded']!)).toEqual(START_SCRIPT_ENV);
  });

  it('npm start and the spawned bot give node the same V8 flags', () => {
    expect(pkg.scripts.start!).toMatch(new RegExp(` node ${START_NODE_FLAGS.join(' ')} dist/main\\.js$`));
  });

  it('the Docker image sets them too', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const envLines = dockerfile.split('\n').filter((l) => l.startsWith('ENV '));
    const env = Object.fromEntries(envLines.flatMap((l) => [...l.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]])));
    for (const [k, v] of Object.entries(START_SCRIPT_ENV)) expect(env[k]).toBe(v);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
    expect(JSON.parse(cmd)).toEqual(['node', ...START_NODE_FLAGS, 'dist/main.js']);
  });
});
