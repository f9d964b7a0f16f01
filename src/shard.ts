import 'dotenv/config';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type APIGatewayBotInfo, REST, Routes, type Shard, ShardingManager } from 'discord.js';
import { type Config, loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';

/**
 * `npm run start:sharded`: discord.js's ShardingManager runs one bot process
 * (src/main.ts) per shard, all on the same Postgres database. Everything that
 * must happen once is guarded in that database (job_runs, conditional
 * updates), never in process memory.
 *
 * Ports: this manager serves GET /health on PORT (all shards); shard N serves
 * its own /health on PORT + 1 + N.
 *
 * More than one machine: SHARD_IDS (e.g. 0-3 on one, 4-7 on another) with a
 * fixed SHARD_COUNT runs that subset here; every machine uses the same
 * DATABASE_URL, so the once-only jobs stay once across all of them.
 */

/** Why this environment can't be sharded, or null when it can. */
export function shardingProblem(config: Config): string | null {
  if (!config.discordToken) return 'DISCORD_TOKEN is not set — sharding only makes sense for a bot connected to Discord.';
  if (!config.databaseUrl) {
    return 'Sharding needs DATABASE_URL (a Postgres database): the embedded PGlite database can only be opened by one process. Set DATABASE_URL, or run `npm start` for a single process.';
  }
  return null;
}

/**
 * Discord's recommended shard count (GET /gateway/bot), asked of
 * DISCORD_API_URL. discord.js's own `totalShards: 'auto'` always asks
 * discord.com, so 'auto' is resolved here instead.
 */
export async function recommendedShardCount(config: Pick<Config, 'discordApiUrl' | 'discordToken'>): Promise<number> {
  const rest = new REST({ api: config.discordApiUrl, retries: 2, timeout: 15_000 }).setToken(config.discordToken ?? '');
  try {
    const info = (await rest.get(Routes.gatewayBot())) as APIGatewayBotInfo;
    return Math.max(1, info.shards);
  } catch (err) {
    const status = err && typeof err === 'object' && 'status' in err ? (err as { status: number }).status : undefined;
    if (status === 401)
      throw new Error('Discord rejected DISCORD_TOKEN (invalid token). Copy the bot token again from the developer portal — see docs/discord-setup.md.');
    throw new Error(`could not ask Discord for the shard count (SHARD_COUNT=auto): ${(err as Error)?.message ?? String(err)}`);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** "0-3" for [0,1,2,3], "4, 6" for [4,6]: how the log names a shard list. */
export function describeShards(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(j > i ? `${ids[i]}-${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

interface ShardState {
  ready: boolean;
  since: number;
  restarts: number;
  pid?: number;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const problem = shardingProblem(config);
  if (problem) {
    console.error(`stardust: ${problem}`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel).child({ role: 'shard-manager' });

  // Run main.ts under tsx, main.js when compiled.
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const file = path.join(path.dirname(here), `main${ext}`);
  const totalShards = typeof config.shardCount === 'number' ? config.shardCount : await recommendedShardCount(config);
  const shardList = config.shardIds ?? Array.from({ length: totalShards }, (_, i) => i);
  log.info(
    { totalShards, shards: shardList },
    config.shardIds
      ? `this machine runs shard${shardList.length > 1 ? 's' : ''} ${describeShards(shardList)} of ${totalShards}`
      : `running all ${totalShards} shard(s)${config.shardCount === undefined || config.shardCount === 'auto' ? " (Discord's recommendation)" : ''}`,
  );
  const manager = new ShardingManager(file, {
    token: config.discordToken,
    totalShards,
    shardList,
    respawn: true,
    // Small semi-spaces, as `npm start` gives the single process (package.json); resolved here:
    // `--import tsx` alone would be looked up from the working directory.
    execArgv: ['--max-semi-space-size=4', ...(ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [])],
  });

  const states = new Map<number, ShardState>();
  manager.on('shardCreate', (shard: Shard) => {
    // Each shard process gets its own /health port; the playground stays off.
    Object.assign(shard.env as Record<string, string>, { PORT: String(config.port + 1 + shard.id), PLAYGROUND: '0' });
    const state: ShardState = { ready: false, since: Date.now(), restarts: 0 };
    states.set(shard.id, state);
    const notReady = (why: string) => {
      if (state.ready) state.since = Date.now();
      state.ready = false;
      log.warn({ shard: shard.id }, why);
    };
    shard.on('spawn', (proc) => {
      state.pid = proc && 'pid' in proc ? (proc as { pid?: number }).pid : undefined;
      log.info({ shard: shard.id, pid: state.pid, port: config.port + 1 + shard.id }, 'shard process started');
    });
    shard.on('ready', () => {
      state.ready = true;
      log.info({ shard: shard.id }, 'shard ready');
    });
    shard.on('reconnecting', () => notReady('shard reconnecting'));
    shard.on('disconnect', () => notReady('shard disconnected'));
    shard.on('death', () => {
      state.restarts++;
      notReady('shard process exited; restarting it');
    });
    shard.on('error', (err) => log.error({ err, shard: shard.id }, 'shard error'));
  });

  const graceMs = config.gatewayGraceSeconds * 1000;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/health' && req.url !== '/') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found.' }));
      return;
    }
    const now = Date.now();
    const shards = [...states.entries()].map(([id, s]) => ({
      id,
      ready: s.ready,
      restarts: s.restarts,
      pid: s.pid ?? null,
      ...(s.ready ? {} : { downForSeconds: Math.round((now - s.since) / 1000) }),
      health: `http://${config.host}:${config.port + 1 + id}/health`,
    }));
    const ok = shards.length > 0 && [...states.values()].every((s) => s.ready || now - s.since <= graceMs);
    res
      .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: ok ? 'ok' : 'degraded', totalShards: manager.totalShards, shardList, shards }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  log.info(`shard manager health on http://${config.host}:${config.port}/health`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping shards (each finishes its running commands)`);
    // Each shard handles SIGTERM like `npm start` does: drain, then exit.
    const exits = [...manager.shards.values()].map((shard) => {
      const proc = shard.process;
      if (!proc || proc.exitCode !== null) return Promise.resolve();
      proc.removeAllListeners('exit'); // no respawn
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      return exited;
    });
    server.close();
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    void Promise.all(exits).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // First boots migrate under an advisory lock and may build the catalog: give them time.
  try {
    await manager.spawn({ timeout: 180_000 });
  } catch (err) {
    // A shard that can't even start (bad token, unreachable database) won't fix itself by respawning.
    for (const shard of manager.shards.values()) {
      shard.process?.removeAllListeners('exit');
      shard.kill();
    }
    server.close();
    throw err;
  }
  log.info({ shards: manager.totalShards }, 'all shards spawned');
}

// Only when run as the entry point (tests import shardingProblem).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error('stardust: sharding failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
