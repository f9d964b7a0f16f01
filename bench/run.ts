/**
 * `npm run bench`: runs every bench/*.ts that exports `suite`, prints one
 * table, and writes the rows as JSON (`--json <file>`, default
 * bench/results/latest.json). `--only battle,images` picks suites by file name.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, BenchSuite } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const only = flag('only')?.split(',').map((s) => s.trim());
  const jsonPath = flag('json') ?? path.join(here, 'results', 'latest.json');
  const files = (await readdir(here)).filter((f) => f.endsWith('.ts') && !['run.ts', 'types.ts'].includes(f) && !f.startsWith('_')).sort();
  const results: Array<BenchRow & { suite: string }> = [];
  for (const file of files) {
    const name = file.replace(/\.ts$/, '');
    if (only && !only.includes(name)) continue;
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { suite?: BenchSuite };
    if (!mod.suite) continue;
    process.stderr.write(`bench: ${name}…\n`);
    const started = Date.now();
    try {
      for (const row of await mod.suite()) results.push({ suite: name, ...row });
    } catch (err) {
      results.push({ suite: name, name: 'suite failed', value: NaN, unit: '', notes: err instanceof Error ? err.message : String(err), pass: false });
    }
    process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }

  const machine = `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)) : 'n/a');
  const lines = [
    `| suite | measure | value | target | met |`,
    `|---|---|---|---|---|`,
    ...results.map((r) => `| ${r.suite} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : '**no**'} |`),
  ];
  console.log(`Machine: ${machine}\n`);
  console.log(lines.join('\n'));
  await mkdir(path.dirname(jsonPath), { recursive: true });
  await writeFile(jsonPath, JSON.stringify({ machine, at: new Date().toISOString(), results }, null, 2));
  console.log(`\nJSON written to ${path.relative(process.cwd(), jsonPath)}`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
