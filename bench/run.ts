/**
 * `npm run bench`: runs every bench/*.ts that exports `suite`, prints one
 * table, and writes the rows as JSON (`--json <file>`, default
 * bench/results/latest.json). `--only battle,images` picks suites by file name.
 *
 * Each suite runs in a process of its own, so no figure carries another
 * suite's heap, JIT state or open pools (the images suite's RSS rows, say).
 * The machine itself is shared: on this VM a suite right after the 2-core
 * gacha load can read slower than the same suite alone (see the README).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, BenchSuite } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--child <suite> --out <file>`: run one suite here and write its rows to the file. */
async function child(name: string, out: string): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { suite?: BenchSuite };
  const rows = mod.suite ? await mod.suite() : [];
  await writeFile(out, JSON.stringify(rows));
  process.exit(0);
}

/** Runs one suite in a new process (same Node flags, so under tsx too) and returns its rows. */
async function runIsolated(name: string): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stardust-bench-'));
  const out = path.join(dir, 'rows.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', name, '--out', out], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      p.once('error', reject);
      p.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`the ${name} suite's process exited with ${code}`);
    return JSON.parse(await readFile(out, 'utf8')) as BenchRow[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const childName = flag('child');
  if (childName) return child(childName, flag('out')!);
  const only = flag('only')
    ?.split(',')
    .map((s) => s.trim());
  const jsonPath = flag('json') ?? path.join(here, 'results', 'latest.json');
  const files = (await readdir(here)).filter((f) => f.endsWith('.ts') && !['run.ts', 'types.ts'].includes(f) && !f.startsWith('_')).sort();
  const results: Array<BenchRow & { suite: string }> = [];
  for (const file of files) {
    const name = file.replace(/\.ts$/, '');
    if (only && !only.includes(name)) continue;
    const source = await readFile(path.join(here, file), 'utf8');
    if (!/export const suite\b/.test(source)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    const started = Date.now();
    try {
      for (const row of await runIsolated(name)) results.push({ suite: name, ...row });
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
    ...results.map(
      (r) => `| ${r.suite} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : '**no**'} |`,
    ),
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
