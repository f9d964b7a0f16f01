/**
 * Check a banner pull yourself, from public data only — the same computation
 * as `!verify <pull id>`, written out so anyone can audit it.
 *
 * What the bot publishes:
 *   - when a banner starts: SHA-256(secret) (hex), shown by `!banner`;
 *   - when it ends or is replaced: the secret itself;
 *   - the banner's rate-up ids with their rarities and the rate-up chance;
 *   - for your pull: your player id and the counters it used (`!verify` shows them).
 *
 * The check:
 *   1. sha256(secret) must equal the hash published at the start — so the
 *      secret (and every roll) was fixed before anyone pulled.
 *   2. Roll number c of player P on that banner (c = 1, 2, 3, … with no gaps)
 *      uses seed = first 4 bytes, big-endian, of HMAC-SHA256(key = secret,
 *      message = "P:c"), fed to the game's sfc32 Rng (src/core/rng.ts).
 *   3. From that Rng: u = next(); u < 0.02 → SSR, < 0.13 → SR, else R. For SSR
 *      or SR with rate-up characters of that tier: chance(rateUpChance) →
 *      pick(rate-up list of that tier, in banner order). Otherwise the rank is
 *      int(1, 250) for SSR, int(251, 1500) for SR, int(1501, 10000) for R, and
 *      the character is the one at that rank in the catalog.
 *
 * Usage:
 *   npx tsx scripts/verify-pull.ts --secret <hex> --hash <hex> --player <id> \
 *     --counter <first counter> [--count 10] [--chance 0.5] [--ssr 176754,129842] [--sr 207]
 *   npx tsx scripts/verify-pull.ts --pull <id>     (reads it from DATABASE_URL, or the local PGlite data folder)
 */
import { type RateUp, type Roll, rollOnBanner, seedHash, streamSeed } from '../src/core/gacha/roll.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function ids(v: string | undefined): number[] {
  return v ? v.split(',').filter(Boolean).map(Number) : [];
}

function show(roll: Roll): string {
  return roll.rateUpId !== null ? `${roll.tier} rate-up ${roll.rateUpId}` : `${roll.tier} rank ${roll.rank}`;
}

async function fromDatabase(pullId: number): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { openDb } = await import('../src/core/db/index.js');
  const { verifyPull } = await import('../src/core/gacha/verify.js');
  const cfg = loadConfig();
  const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: 1, statementTimeoutMs: 15_000 });
  try {
    const v = await verifyPull(db, pullId, new Date());
    if (v.status === 'pending') {
      console.log(
        `Pull #${pullId} is on banner "${v.banner.name}", still running: its secret is revealed at ${v.banner.endsAt.toISOString()}. Published hash: ${v.banner.seedHash}`,
      );
      return;
    }
    console.log(`Pull #${pullId} by ${v.pull.playerId}: ${v.status.toUpperCase()}`);
    if (v.banner)
      console.log(
        `  banner #${v.banner.id} "${v.banner.name}", secret ${v.banner.seedSecret}, hash ${v.hashOk ? 'OK' : 'WRONG'}, counters from ${v.pull.counterStart}`,
      );
    else console.log(`  off-banner, replayed from recorded seed ${v.pull.seed}`);
    v.recomputed.forEach((r, i) => console.log(`  ${v.rollsOk[i] ? 'ok ' : 'BAD'} ${i + 1}. ${show(r)} → character ${v.pull.rolls[i]?.characterId}`));
    process.exitCode = v.status === 'match' ? 0 : 1;
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const pullId = flag('pull');
  if (pullId) return fromDatabase(Number(pullId));
  const secret = flag('secret');
  const player = flag('player');
  const counter = Number(flag('counter'));
  if (!secret || !player || !Number.isInteger(counter) || counter < 1) {
    console.error('Give --secret, --player and --counter (or --pull <id>). See the comment at the top of this file.');
    process.exitCode = 2;
    return;
  }
  const hash = flag('hash');
  if (hash) {
    const ok = seedHash(secret) === hash.toLowerCase();
    console.log(`sha256(secret) ${ok ? 'matches' : 'DOES NOT match'} the published hash`);
    if (!ok) process.exitCode = 1;
  }
  const count = Number(flag('count') ?? 1);
  const rateUp: RateUp = { SSR: ids(flag('ssr')), SR: ids(flag('sr')), chance: Number(flag('chance') ?? 0.5) };
  const rolls = rollOnBanner(secret, player, counter, count, rateUp);
  rolls.forEach((r, i) => console.log(`counter ${counter + i} (stream seed ${streamSeed(secret, player, counter + i)}): ${show(r)}`));
}

await main();
