import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { captureOutput, START_NODE_FLAGS } from '../../helpers/workload.js';

/**
 * The real bot as an operator runs it: compiled by `scripts/build.mjs` (what
 * `npm start` and `npm run start:sharded` run first), then `node dist/main.js`
 * or `node dist/shard.js`, in a working directory of its own that holds the
 * operator's `.env`. Settings only a test needs (where the fake Discord is,
 * STARDUST_OFFLINE, a free PORT) go in the process environment, which
 * dotenv never overrides — the `.env` stays what the operator would write.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let built: Promise<void> | undefined;

/** Runs the build `npm start` runs (once per test process). */
export function buildOnce(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: ROOT }).then(() => undefined);
  return built;
}

/** A fresh working directory; `remove()` deletes it (with the embedded database in ./data). */
export async function workDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stardust-op-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes `.env.example` to `dir/.env` with only the given lines' values
 * replaced (DISCORD_TOKEN, say) — what "copy .env.example and fill in the
 * token" gives. Every named setting must already be a line of the example.
 */
export async function envFromExample(dir: string, values: Record<string, string>): Promise<string> {
  let text = await readFile(path.join(ROOT, '.env.example'), 'utf8');
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    if (!line.test(text)) throw new Error(`.env.example has no ${name}= line`);
    text = text.replace(line, `${name}=${value}`);
  }
  await writeFile(path.join(dir, '.env'), text);
  return text;
}

export interface BotProcess {
  pid: number;
  /** Everything the process wrote (stdout and stderr), most recent 200 kB. */
  output(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<string>;
  /** Resolves once `pattern` appears in the output; rejects if the process exits first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM (the bot drains and exits), SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<string>;
}

/**
 * Starts `dist/<entry>.js` like `npm start` (`main`, with its V8 flags) or
 * `npm run start:sharded` (`shard`) do, with ONLY `env` (plus PATH and HOME)
 * as its environment, so nothing from the test runner leaks in.
 */
export async function startBotProcess(entry: 'main' | 'shard', opts: { cwd: string; env: Record<string, string> }): Promise<BotProcess> {
  await buildOnce();
  const args = entry === 'main' ? [...START_NODE_FLAGS, path.join(ROOT, 'dist/main.js')] : [path.join(ROOT, 'dist/shard.js')];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? opts.cwd, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  let code: string | null = null;
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (c, signal) => {
      code = signal ?? String(c);
      resolve(code);
    }),
  );
  return {
    pid: child.pid!,
    output,
    exited,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(output())) {
        if (code !== null) throw new Error(`the bot exited (${code}) before printing ${pattern}:\n${output().slice(-4000)}`);
        if (Date.now() > until) throw new Error(`no ${pattern} in the bot's output after ${timeoutMs} ms:\n${output().slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(graceMs = 20_000) {
      if (code !== null) return code;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

/** GET a JSON document (the bot's /health), or null while nothing answers. */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return null;
  }
}
