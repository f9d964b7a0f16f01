/**
 * A day's peak on the real bot (built and started as `npm start` does, with
 * the default spam guard and command queue), on PGlite and on Postgres:
 *
 * 1. arrival: 300 players send `!starter` within 10 s; each then sets a
 *    battle and expedition team and sends the team out (as a new player would);
 * 2. 60 s of play at ~110 commands/s offered (open loop: Poisson arrivals, a
 *    random player each): a mix of pulls, 10-pulls, battles, story, hunts
 *    (pick and fight), raid attacks, expeditions, inventory, gems and more;
 *    meanwhile eight players burst to their spam limit (8 at once of one of
 *    `!story 1-1`, `!pull`, `!battle easy`, `!gems`, every 5 s each,
 *    staggered), and a bystander sends `!gems` every 500 ms and times each
 *    reply;
 * 3. a minute of quiet, then RSS again.
 *
 * Reports commands/s served, p50/p99 per command kind, the bystander's p99
 * (all of it, and while a burst was in flight), text and image p99, errors
 * (apologies with an error id, HTTP failures — must be 0), refusals (busy,
 * still working, slow down), RSS at idle, peak and a minute after, and bytes
 * per image (each image is fetched, as the page does). The bench client runs
 * on the same machine and takes some of its CPU.
 *
 *   npx tsx bench/load.ts                      # both databases
 *   BENCH_LOAD_KINDS=postgres npx tsx bench/load.ts
 *   BENCH_LOAD_SECONDS=20 BENCH_LOAD_RATE=60 npx tsx bench/load.ts   # a shorter, lighter run
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { Rng } from '../src/core/rng.js';
import type { PlaygroundMessage } from '../src/platform/playground/store.js';
import { textOf } from '../test/helpers/app.js';
import { type BotClient, isApology, isWarning } from '../test/helpers/workload.js';
import { type DbKind, OWNER, startBenchBot } from './_bot.js';
import type { BenchRow, BenchSuite } from './types.js';

const PLAYERS = Number(process.env.BENCH_LOAD_PLAYERS ?? 300);
const ARRIVAL_S = Number(process.env.BENCH_LOAD_ARRIVAL_SECONDS ?? 10);
const PLAY_S = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_LOAD_RATE ?? 110);
const QUIET_S = Number(process.env.BENCH_LOAD_QUIET_SECONDS ?? 60);
const BURSTERS = 8;
/** A burster's bucket (8, refilled at 2/s) is full again after 4 s; every 5 s each sends a full bucket of one command. */
const BURST_EVERY_MS = 5_000;
/** What spammers spam. */
const BURST_COMMANDS = ['!story 1-1', '!pull', '!battle easy', '!gems'];
/** Within the spam guard's refill (2 a second): a bystander is a player who isn't spamming. */
const BYSTANDER_EVERY_MS = 500;
const CHANNELS = 10;
const GUILD = 'guild-1';
const KINDS = (process.env.BENCH_LOAD_KINDS ?? 'pglite,postgres')
  .split(',')
  .map((k) => k.trim())
  .filter((k): k is DbKind => k === 'pglite' || k === 'postgres');

const TARGETS = { bystanderP99: 250, textP99Postgres: 150, imageP99Postgres: 400, rate: 100, peakRss: { pglite: 450, postgres: 350 }, settleMb: 50 };

/** CPU time the process has used (all its threads), in ms. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An error and its cause (fetch's "fetch failed" says why only there). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${(err.cause as Error & { code?: string }).code ?? ''} ${err.cause.message})` : '';
  return `${err.message}${cause}`.slice(0, 200);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface Sample {
  kind: string;
  ms: number;
  at: number;
  image: boolean;
  /** Answered "busy", "still working" or "slow down" (nothing ran). */
  refused: boolean;
}

/** Every reply of a run, sorted into what the bench reports. */
class Tally {
  readonly samples: Sample[] = [];
  apologies: string[] = [];
  httpErrors: string[] = [];
  busy = 0;
  stillWorking = 0;
  slowDown = 0;
  otherWarnings = 0;
  images = 0;
  imageBytes = 0;
  /** Images the playground had already dropped when fetched. */
  imagesGone = 0;

  /** Counts what the replies were; true when the command was turned away (nothing ran). */
  look(kind: string, replies: PlaygroundMessage[]): boolean {
    let refused = false;
    for (const m of replies) {
      const t = textOf(m);
      if (isApology(m)) {
        this.apologies.push(`${kind}: ${t.replace(/\s+/g, ' ').slice(0, 160)}`);
        continue;
      }
      if (/The bot is busy/.test(t)) this.busy++;
      else if (/Still working on your last commands/.test(t)) this.stillWorking++;
      else if (/Slow down a little/.test(t)) this.slowDown++;
      else {
        if (isWarning(m)) this.otherWarnings++;
        continue;
      }
      refused = true;
    }
    return refused;
  }
}

interface Player {
  id: string;
  channelId: string;
  bestIds: number[];
}

async function measure(kind: DbKind): Promise<BenchRow[]> {
  // The shipped defaults for the spam guard and the command queue (the bench bot's helper turns the guard off).
  const d = loadConfig({});
  const b = await startBenchBot(kind, {
    STARDUST_SEED: String(Date.now() % 1e9),
    COMMAND_BURST: String(d.commandBurst),
    COMMAND_RATE_PER_SECOND: String(d.commandRatePerSecond),
    COMMAND_QUEUE_PER_PLAYER: String(d.commandQueuePerPlayer),
    COMMAND_QUEUE_MAX: String(d.commandQueueMax),
    COMMAND_QUEUE_WAIT_MS: String(d.commandQueueWaitMs),
    COMMAND_QUEUE_SHED_MS: String(d.commandQueueShedMs),
  });
  const rows: BenchRow[] = [];
  try {
    await b.restart(); // first boot generated the catalog; measure a bot that restarts on it
    const bot: BotClient = b.bot;
    const pid = b.child.pid;
    const base = b.child.baseUrl;
    await bot.say(OWNER, '!gems');
    await sleep(5_000);
    const idle = rssMb(pid);

    let peak = idle;
    let died: string | null = null;
    void b.child.exited.then((how) => (died = how));
    const sampler = setInterval(() => {
      if (died === null) peak = Math.max(peak, rssMb(pid));
    }, 100);
    const tally = new Tally();
    const rng = new Rng(20261127);
    const t0 = performance.now();

    const fetchImages = async (replies: PlaygroundMessage[]) => {
      for (const m of replies)
        for (const a of m.attachments) {
          const res = await fetch(base + a.url);
          const buf = await res.arrayBuffer();
          // The playground keeps sent images for a while only (Discord gets them with the message).
          if (res.status === 404) tally.imagesGone++;
          else if (res.status !== 200) throw new Error(`GET ${a.url}: ${res.status}`);
          else {
            tally.images++;
            tally.imageBytes += buf.byteLength;
          }
        }
    };
    const timed = async (p: Player | { id: string; channelId: string }, kind: string, content: string): Promise<PlaygroundMessage[]> => {
      const start = performance.now();
      try {
        const replies = await bot.say(p.id, content, { channelId: p.channelId, guildId: GUILD });
        const ms = performance.now() - start;
        const image = replies.some((m) => m.attachments.length > 0);
        tally.samples.push({ kind, ms, at: start - t0, image, refused: tally.look(kind, replies) });
        if (image) await fetchImages(replies);
        return replies;
      } catch (err) {
        tally.httpErrors.push(`${kind}: ${describeError(err)}`);
        return [];
      }
    };
    const press = async (p: Player, kind: string, m: PlaygroundMessage, customId: string, values?: string[]) => {
      const start = performance.now();
      try {
        const r = await bot.click(p.id, m.id, customId, values);
        const all = [...r.replies, ...r.edits];
        const image = all.some((x) => x.attachments.length > 0);
        tally.samples.push({ kind, ms: performance.now() - start, at: start - t0, image, refused: tally.look(kind, all) });
        if (image) await fetchImages(all);
        return all;
      } catch (err) {
        tally.httpErrors.push(`${kind}: ${describeError(err)}`);
        return [];
      }
    };

    // ---- 1. arrival ---------------------------------------------------------
    const players: Player[] = Array.from({ length: PLAYERS }, (_, i) => ({
      id: `8${String(i).padStart(8, '0')}`,
      channelId: `ch${i % CHANNELS}`,
      bestIds: [],
    }));
    await bot.say(OWNER, `!raid start gloomfang 3`, { guildId: GUILD });
    const arrivalStart = performance.now();
    await Promise.all(
      players.map(async (p) => {
        await sleep(rng.next() * ARRIVAL_S * 1000);
        await timed(p, '!starter', '!starter');
        const units = (await bot
          .get(`/api/players/${p.id}`)
          .then((r) => r.json.units ?? [])
          .catch((err: unknown) => {
            tally.httpErrors.push(`GET /api/players: ${describeError(err)}`);
            return [];
          })) as Array<{ id: number; power: number }>;
        p.bestIds = units
          .sort((a, b) => b.power - a.power)
          .slice(0, 5)
          .map((u) => u.id);
        await timed(p, '!stb', `!stb ${p.bestIds.join(' ')}`);
        await timed(p, '!se', `!se ${p.bestIds.join(' ')}`);
        await timed(p, '!expedition start', '!expedition start');
      }),
    );
    const arrivalSeconds = (performance.now() - arrivalStart) / 1000;
    const arrivalSamples = tally.samples.length;
    // Gems for the pulls: one owner payout to everyone.
    await bot.say(OWNER, '!apologems 1000000 load bench', { guildId: GUILD });
    await bot.say(OWNER, 'confirm', { guildId: GUILD });

    // ---- 2. play ------------------------------------------------------------
    const bursters = players.slice(0, BURSTERS);
    const regulars = players.slice(BURSTERS + 1);
    const bystander = players[BURSTERS]!;
    const burstWindows: Array<[number, number]> = [];
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;
    type Action = [weight: number, run: (p: Player) => Promise<unknown>];
    // About 70% of these reply in text and 30% with an image (a single pull's card, a 10-pull sheet, a battle).
    const mix: Action[] = [
      [16, (p) => timed(p, '!gems', '!gems')],
      [10, (p) => timed(p, '!inventory', '!inventory')],
      [6, (p) => timed(p, '!profile', '!profile')],
      [4, (p) => timed(p, '!history', '!history')],
      [4, (p) => timed(p, '!tasks', '!tasks')],
      [3, (p) => timed(p, '!claimall', '!claimall')],
      [3, (p) => timed(p, '!checkin', '!checkin')],
      [3, (p) => timed(p, '!items', '!items')],
      [3, (p) => timed(p, '!achievements', '!achievements')],
      [5, (p) => timed(p, '!expedition status', '!ex status')],
      [
        5,
        async (p) => {
          const r = await timed(p, '!expedition claim', '!expedition claim');
          if (!r.some(isWarning)) await timed(p, '!expedition start', '!expedition start');
        },
      ],
      [8, (p) => timed(p, '!pull', '!pull')],
      [5, (p) => timed(p, '!pull 10', '!pull 10')],
      [7, (p) => timed(p, '!battle', `!battle ${pick(['easy', 'normal', 'hard'])}`)],
      [4, (p) => timed(p, '!story', `!story 1-${rng.int(1, 3)}`)],
      [
        3,
        async (p) => {
          const r = await timed(p, '!raid attack', '!raid attack');
          // The boss fell (or ran out of time): the owner starts the next one.
          if (r.some((m) => /No raid is running/.test(textOf(m)))) await bot.say(OWNER, '!raid start gloomfang 3', { guildId: GUILD }).catch(() => {});
        },
      ],
      [2, (p) => timed(p, '!team', '!team')],
      [
        4,
        async (p) => {
          const [m] = (await timed(p, '!hunt', '!hunt')).filter((x) => x.components.some((c) => c.customId === 'bounty:pick'));
          const sel = m?.components.find((c) => c.customId === 'bounty:pick');
          if (!m || sel?.type !== 'select') return;
          const picked = await press(p, '[hunt pick]', m, 'bounty:pick', [pick(sel.options).value]);
          if (picked.some((x) => x.components.some((c) => c.customId === 'bounty:fight' && !c.disabled))) await press(p, '[hunt fight]', m, 'bounty:fight');
        },
      ],
    ];
    const total = mix.reduce((s, a) => s + a[0], 0);
    const pickAction = () => {
      let x = rng.next() * total;
      for (const a of mix) {
        x -= a[0];
        if (x < 0) return a[1];
      }
      return mix[mix.length - 1]![1];
    };

    const playStart = performance.now();
    const cpuAtPlay = cpuMs(pid);
    const clientAtPlay = process.cpuUsage();
    const playEnd = playStart + PLAY_S * 1000;
    const inFlight: Promise<unknown>[] = [];
    let offered = 0;
    const regularLoop = (async () => {
      let next = playStart;
      while (next < playEnd) {
        next += (-Math.log(1 - rng.next()) / RATE) * 1000; // Poisson arrivals
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        offered++;
        inFlight.push(pickAction()(pick(regulars)));
      }
    })();
    const bursterLoops = bursters.map(async (p, i) => {
      await sleep((i * BURST_EVERY_MS) / BURSTERS);
      while (performance.now() < playEnd) {
        const at = performance.now() - t0;
        const cmd = pick(BURST_COMMANDS);
        const burst = Promise.all(Array.from({ length: d.commandBurst }, () => timed(p, `${cmd} (burst)`, cmd)));
        burstWindows.push([at, at]);
        const w = burstWindows[burstWindows.length - 1]!;
        void burst.then(() => (w[1] = performance.now() - t0));
        inFlight.push(burst);
        await sleep(BURST_EVERY_MS);
      }
    });
    const bystanderLoop = (async () => {
      while (performance.now() < playEnd) {
        await timed(bystander, 'bystander !gems', '!gems');
        await sleep(BYSTANDER_EVERY_MS);
      }
    })();
    await Promise.all([regularLoop, ...bursterLoops, bystanderLoop]);
    await Promise.all(inFlight);
    const playSeconds = (performance.now() - playStart) / 1000;
    const cpuPlay = cpuMs(pid) - cpuAtPlay;
    const clientUsage = process.cpuUsage(clientAtPlay);
    const clientCores = (clientUsage.user + clientUsage.system) / 1e6 / playSeconds;
    clearInterval(sampler);
    const peakAfterLoad = peak;

    if (died !== null) throw new Error(`the bot exited (${died}) under load:\n${b.child.output().slice(-2000)}`);

    // ---- 3. quiet -----------------------------------------------------------
    await sleep(QUIET_S * 1000);
    const after = rssMb(pid);

    // ---- report -------------------------------------------------------------
    const play = tally.samples.slice(arrivalSamples).filter((s) => s.at >= playStart - t0);
    const served = play.filter((s) => !s.refused).length;
    const by = new Map<string, Sample[]>();
    for (const s of tally.samples) by.set(s.kind, [...(by.get(s.kind) ?? []), s]);
    const p = (xs: Sample[], q: number) =>
      quantile(
        xs.map((s) => s.ms).sort((a, b) => a - b),
        q,
      );
    const bys = by.get('bystander !gems') ?? [];
    const inBurst = bys.filter((s) => burstWindows.some(([a, z]) => s.at + s.ms >= a && s.at <= z));
    // Regular players' commands. A burster's eighth command waits for its seven before it (a player's
    // commands run one at a time): bursts have their own rows.
    const regular = play.filter((s) => s.kind !== 'bystander !gems' && !s.kind.endsWith('(burst)') && !s.refused);
    const textPlay = regular.filter((s) => !s.image);
    const imagePlay = regular.filter((s) => s.image);
    const burstPlay = play.filter((s) => s.kind.endsWith('(burst)'));
    const pg = kind === 'postgres';
    const label = (s: string) => `${s}, ${kind}`;
    const load = os.loadavg()[0]!.toFixed(1);
    const refusals = `${tally.busy} busy, ${tally.stillWorking} still working, ${tally.slowDown} slow down`;
    rows.push(
      {
        name: label('commands/s answered while playing (not refused)'),
        value: served / playSeconds,
        unit: 'cmd/s',
        target: `>= ${TARGETS.rate}`,
        pass: served / playSeconds >= TARGETS.rate,
        notes: `${offered} offered at ${RATE}/s plus bursts and the bystander; ${play.length} replies in ${playSeconds.toFixed(1)} s, ${play.filter((s) => s.refused).length} of them turned away`,
      },
      {
        name: label('commands turned away while playing (busy, still working, slow down)'),
        value: (100 * play.filter((s) => s.refused).length) / Math.max(1, play.length),
        unit: '%',
        notes: `${play.filter((s) => s.refused).length} of ${play.length} replies; over the whole run, arrival included: ${refusals}`,
      },
      {
        name: label("the bot's CPU while playing"),
        value: cpuPlay / 1000 / playSeconds,
        unit: 'cores',
        notes: `${(cpuPlay / Math.max(1, served)).toFixed(1)} ms of CPU per command answered (all threads); the bench's client took ${clientCores.toFixed(2)} of the machine's ${os.cpus().length} cores`,
      },
      {
        name: label('arrival: 300 × !starter (+ !stb, !se, !expedition start)'),
        value: arrivalSeconds,
        unit: 's',
        notes: `!starter p50 ${p(by.get('!starter') ?? [], 0.5).toFixed(0)} ms, p99 ${p(by.get('!starter') ?? [], 0.99).toFixed(0)} ms`,
      },
      {
        name: label("bystander's !gems p99 during bursts"),
        value: p(inBurst, 0.99),
        unit: 'ms',
        target: `<= ${TARGETS.bystanderP99}`,
        pass: p(inBurst, 0.99) <= TARGETS.bystanderP99,
        notes: `${inBurst.length} of ${bys.length} samples overlapped a burst; p50 ${p(inBurst, 0.5).toFixed(0)} ms; over the whole run p99 ${p(bys, 0.99).toFixed(0)} ms`,
      },
      {
        name: label("text-only commands p99 (regular players')"),
        value: p(textPlay, 0.99),
        unit: 'ms',
        ...(pg ? { target: `<= ${TARGETS.textP99Postgres}`, pass: p(textPlay, 0.99) <= TARGETS.textP99Postgres } : {}),
        notes: `p50 ${p(textPlay, 0.5).toFixed(0)} ms over ${textPlay.length} replies`,
      },
      {
        name: label("image commands p99 (regular players')"),
        value: p(imagePlay, 0.99),
        unit: 'ms',
        ...(pg ? { target: `<= ${TARGETS.imageP99Postgres}`, pass: p(imagePlay, 0.99) <= TARGETS.imageP99Postgres } : {}),
        notes: `p50 ${p(imagePlay, 0.5).toFixed(0)} ms over ${imagePlay.length} replies`,
      },
      {
        name: label("bursting players' commands p99"),
        value: p(burstPlay, 0.99),
        unit: 'ms',
        notes: `p50 ${p(burstPlay, 0.5).toFixed(0)} ms over ${burstPlay.length} replies (8 at once from one player, run one after another)`,
      },
      {
        name: label('errors (apologies with an error id, HTTP failures)'),
        value: tally.apologies.length + tally.httpErrors.length,
        unit: '',
        target: '= 0',
        pass: tally.apologies.length + tally.httpErrors.length === 0,
        notes: [...tally.apologies.slice(0, 3), ...tally.httpErrors.slice(0, 3)].join(' | ') || 'none',
      },
      {
        name: label('RSS peak under load'),
        value: peakAfterLoad,
        unit: 'MB',
        target: `<= ${TARGETS.peakRss[kind]}`,
        pass: peakAfterLoad <= TARGETS.peakRss[kind],
        notes: `idle ${idle.toFixed(0)} MB before the load`,
      },
      {
        name: label(`RSS ${QUIET_S} s after the load`),
        value: after,
        unit: 'MB',
        target: `<= idle + ${TARGETS.settleMb}`,
        pass: after <= idle + TARGETS.settleMb,
        notes: `idle ${idle.toFixed(0)} MB`,
      },
      {
        name: label('bytes per image sent'),
        value: tally.images ? tally.imageBytes / tally.images / 1024 : NaN,
        unit: 'KB',
        notes: `${tally.images} images, ${(tally.imageBytes / 2 ** 20).toFixed(0)} MB in all; ${tally.imagesGone} more were already dropped by the playground (it keeps the newest 256 MB of them on disk) when fetched`,
      },
    );
    const kinds = [...by.keys()].sort();
    for (const k of kinds) {
      const xs = by.get(k)!;
      rows.push({
        name: label(`${k} p50 / p99`),
        value: p(xs, 0.99),
        unit: 'ms (p99)',
        notes: `p50 ${p(xs, 0.5).toFixed(0)} ms, ${xs.length} replies${xs.some((s) => s.image) ? ', with images' : ''}, ${xs.filter((s) => s.refused).length} turned away`,
      });
    }
    for (const r of rows) r.notes = `${r.notes ?? ''}${r.notes ? '; ' : ''}load ${load}`;
    return rows;
  } finally {
    await b.dispose();
  }
}

export const suite: BenchSuite = async () => {
  const rows: BenchRow[] = [];
  for (const kind of KINDS) {
    try {
      rows.push(...(await measure(kind)));
    } catch (err) {
      rows.push({ name: `load on ${kind}`, value: NaN, unit: '', pass: false, notes: err instanceof Error ? err.message.slice(0, 300) : String(err) });
    }
  }
  return rows;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await suite())
    console.log(
      `${r.name.padEnd(64)} ${Number.isFinite(r.value) ? r.value.toFixed(1) : 'n/a'} ${r.unit} ${r.target ? `(target ${r.target}: ${r.pass ? 'met' : 'NOT met'})` : ''} ${r.notes ?? ''}`,
    );
  process.exit(0);
}
