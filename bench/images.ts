/**
 * Image rendering speed, reply size and memory (SPEC §18).
 *
 * Art is served as generated JPEGs (230x345, like AniList's "large" art) by a
 * local HTTP server in a child process, so the server's memory does not count
 * against the renderer's RSS. The art is a drawn portrait roughened with a few
 * hundred random strokes and pixel noise and saved at JPEG quality 85: busier
 * than the drawn placeholders (which compress unrealistically well), so the
 * reply sizes below err on the large side.
 *
 *   npx tsx bench/images.ts            (or: npx tsx bench/run.ts --only images)
 *
 * - render + encode, art cached: median over 40 renders (20 for the smaller
 *   images), each of random characters out of 100 whose art is already in the
 *   cache. Targets: 10-pull < 40 ms, team and battle < 60 ms.
 * - bytes per image reply: the largest reply of those renders. Target ≤ 250 KB.
 * - format comparison: each image drawn once, then encoded 8 times per format
 *   (Skia's PNG, JPEG and WebP through @napi-rs/canvas); bytes and median ms.
 * - memory: 1,000 renders in a row (10-pulls and single cards alternating)
 *   over 500 distinct art URLs, RSS growth after the first 50. Target < 100 MB.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Canvas, createCanvas } from '@napi-rs/canvas';
import { releaseFrame, seeded } from '../src/core/images/gfx.js';
import {
  ArtCache,
  type BattleImageInput,
  type BountyBoardInput,
  type CardInfo,
  type CardRarity,
  drawnPortrait,
  IMAGE_FORMAT,
  MAX_IMAGE_BYTES,
  type RaidBarInput,
  type RaidHitInput,
  type TeamSlot,
} from '../src/core/images/index.js';
import {
  drawBanner,
  drawBattle,
  drawBountyBoard,
  drawCardImage,
  drawRaidBar,
  drawRaidHit,
  drawTeam,
  drawTenPull,
  renderBanner,
  renderBattle,
  renderBountyBoard,
  renderCard,
  renderRaidBar,
  renderRaidHit,
  renderTeam,
  renderTenPull,
} from '../src/core/images/render.js';
import { Rng } from '../src/core/rng.js';
import type { BenchRow, BenchSuite } from './types.js';

const RARITIES: CardRarity[] = ['R', 'R', 'R', 'SR', 'SR', 'SSR', 'UR'];
const FIRST = ['Aiko', 'Ren', 'Kaede', 'Sora', 'Hikari', 'Yuki', 'Takumi', 'Mei', 'Haru', 'Rin', 'Akira', 'Noa'];
const LAST = ['Tachibana', 'Kurosawa', 'Minase', 'Shirogane', 'Amagi', 'Hoshino', 'Kisaragi', 'Fujiwara'];

function rarityOf(id: number): CardRarity {
  return RARITIES[id % RARITIES.length]!;
}
function nameOf(id: number): string {
  return `${FIRST[id % FIRST.length]} ${LAST[(id * 7) % LAST.length]}${id % 5 === 0 ? ' the Untiring Wanderer' : ''}`;
}

// ---- art server (child process) -----------------------------------------

/** A drawn portrait roughened with strokes and noise, as JPEG quality 85: a stand-in for real art's detail. */
function detailedArt(id: number): Promise<Buffer> {
  const w = 230;
  const h = 345;
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(drawnPortrait(id, nameOf(id), rarityOf(id), w, h), 0, 0);
  const rnd = seeded(id);
  for (let i = 0; i < 300; i++) {
    ctx.strokeStyle = `hsla(${Math.floor(rnd() * 360)}, ${40 + Math.floor(rnd() * 50)}%, ${20 + Math.floor(rnd() * 60)}%, ${(0.3 + rnd() * 0.7).toFixed(2)})`;
    ctx.lineWidth = 0.5 + rnd() * 2.5;
    ctx.beginPath();
    const x = rnd() * w;
    const y = rnd() * h;
    ctx.moveTo(x, y);
    ctx.bezierCurveTo(x + (rnd() - 0.5) * 80, y + rnd() * 60, x + (rnd() - 0.5) * 80, y + rnd() * 90, x + (rnd() - 0.5) * 60, y + rnd() * 120);
    ctx.stroke();
  }
  const img = ctx.getImageData(0, 0, w, h);
  for (let i = 0; i < img.data.length; i += 4) {
    const n = (rnd() - 0.5) * 24;
    img.data[i] = img.data[i]! + n;
    img.data[i + 1] = img.data[i + 1]! + n;
    img.data[i + 2] = img.data[i + 2]! + n;
  }
  ctx.putImageData(img, 0, 0);
  return canvas.encode('jpeg', 85);
}

function serveArt(): void {
  const server = http.createServer((req, res) => {
    const m = /^\/art\/(\d+)\.jpg$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    detailedArt(Number(m[1]))
      .then((jpg) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(jpg.length) }).end(jpg))
      .catch(() => res.writeHead(500).end());
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  process.on('disconnect', () => process.exit(0));
}

async function startArtServer(): Promise<{ base: string; stop: () => void }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, STARDUST_BENCH_ART_SERVER: '1' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (msg) => resolve((msg as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`art server exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

// ---- helpers ----------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

interface Timing {
  median: number;
  p95: number;
  /** Median CPU time (all threads of this process: main + libuv pool). */
  cpuMedian: number;
  maxBlockMs: number;
}

async function timeIt(n: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const times: number[] = [];
  const cpu: number[] = [];
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  h.disable();
  return { median: median(times), p95: p95(times), cpuMedian: median(cpu), maxBlockMs: h.max / 1e6 };
}

function row(name: string, r: Timing, target?: number, extra = ''): BenchRow {
  return {
    name,
    value: Math.round(r.median * 10) / 10,
    unit: 'ms median',
    ...(target !== undefined ? { target: `< ${target}`, pass: r.median < target } : {}),
    notes: `p95 ${r.p95.toFixed(1)} ms; CPU ${r.cpuMedian.toFixed(1)} ms median; load avg ${os.loadavg()[0]!.toFixed(1)}; longest event-loop block ${r.maxBlockMs.toFixed(1)} ms${extra ? `; ${extra}` : ''}`,
  };
}

// ---- suite ------------------------------------------------------------------

export const suite: BenchSuite = async (): Promise<BenchRow[]> => {
  const art = await startArtServer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-bench-art-'));
  const artCache = new ArtCache({ dataDir });
  const rows: BenchRow[] = [];
  try {
    const card = (id: number): CardInfo => ({
      characterId: id,
      name: nameOf(id),
      rarity: rarityOf(id),
      power: 4000 + ((id * 7919) % 9000),
      dupeLevel: id % 11,
      imageUrl: `${art.base}/art/${id}.jpg`,
    });
    // Put 100 characters' art in the cache first.
    const pool = Array.from({ length: 100 }, (_, i) => card(i + 1));
    await Promise.all(pool.map((c) => artCache.load(c.imageUrl)));
    const rng = new Rng(2024);
    const pick = (n: number) => Array.from({ length: n }, () => pool[rng.int(0, pool.length - 1)]!);
    const skills = ['Surge', 'Berserk', 'Lucky 7', 'Guard', 'Queen of the Zodiacs', 'Revive'];
    const team = (): (TeamSlot | null)[] => pick(5).map((c, i) => (i === 2 && rng.chance(0.3) ? null : { ...c, skills: skills.slice(0, rng.int(0, 4)) }));
    const battle = (): BattleImageInput => {
      const a = pick(5);
      const d = pick(5);
      return {
        attackerName: 'Attacker',
        defenderName: 'Defender',
        attacker: a,
        defender: d,
        attackerFinal: a.map((c) => Math.round(c.power * 1.1)),
        defenderFinal: d.map((c) => Math.round(c.power * 0.9)),
        attackerTotal: 50000,
        defenderTotal: 45000,
        outcome: rng.chance(0.5) ? 'WIN' : 'LOSS',
      };
    };
    const bounty = (): BountyBoardInput => ({
      slots: [
        { tier: 'R', power: 31000, status: 'AVAILABLE', reward: '1 🧪 Faint Tincture' },
        { tier: 'SR', power: 52000, status: 'COMPLETED', reward: '1 ⚗️ Vital Draught' },
        { tier: 'SSR', power: 77000, status: 'FAILED', reward: '1 💖 Heart Elixir' },
      ],
      resetsAt: new Date(Date.UTC(2025, 0, 1, 13)),
      keys: 2,
    });
    const raid = (): RaidBarInput => ({
      bossName: 'Bench Boss',
      hp: 600_000,
      maxHp: 1_000_000,
      phase: 2,
      phaseThresholds: [0.6, 0.25],
      endsAt: new Date(0),
      artUrl: pool[0]!.imageUrl,
    });

    const raidHit = (): RaidHitInput => {
      const t = pick(5);
      return {
        playerName: 'Bench Player',
        bossName: 'Gloomfang, the Hollow Wolf',
        artUrl: 'drawn:boss/gloomfang',
        phase: 2,
        phaseName: 'Howl of Silence',
        phaseThresholds: [0.6, 0.25],
        team: t,
        teamFinal: t.map((c) => Math.round(c.power * 1.05)),
        silenced: t.map((_, i) => (i % 2 ? 'Guard' : null)),
        teamTotal: 50000,
        damageTaken: 0.8,
        damage: 40000,
        applied: 40000,
        hpBefore: 300_000,
        hpAfter: 260_000,
        maxHp: 600_000,
        lastHit: false,
      };
    };

    interface Image {
      name: string;
      runs: number;
      target?: number;
      extra?: string;
      draw: () => Promise<Canvas>;
      render: () => Promise<Buffer>;
    }
    const images: Image[] = [
      {
        name: '10-pull sheet 1100x700',
        runs: 40,
        target: 40,
        extra: "original's Pillow ~210 ms",
        draw: () => drawTenPull(pick(10), artCache),
        render: () => renderTenPull(pick(10), artCache),
      },
      {
        name: 'team image 1200x(450-537)',
        runs: 40,
        target: 60,
        draw: () => drawTeam('Bench Team', team(), 41234, artCache),
        render: () => renderTeam('Bench Team', team(), 41234, artCache),
      },
      { name: 'battle image 1200x850', runs: 40, target: 60, draw: () => drawBattle(battle(), artCache), render: () => renderBattle(battle(), artCache) },
      { name: 'single card 300x450', runs: 40, draw: () => drawCardImage(pick(1)[0]!, artCache), render: () => renderCard(pick(1)[0]!, artCache) },
      {
        name: 'banner 800x450',
        runs: 20,
        draw: () => drawBanner({ name: 'Bench Banner', endsAt: new Date(Date.UTC(2025, 0, 1)), featured: pick(3) }, artCache),
        render: () => renderBanner({ name: 'Bench Banner', endsAt: new Date(Date.UTC(2025, 0, 1)), featured: pick(3) }, artCache),
      },
      { name: 'bounty board 960x470', runs: 20, draw: () => drawBountyBoard(bounty()), render: () => renderBountyBoard(bounty()) },
      { name: 'raid bar 1000x300', runs: 20, draw: () => drawRaidBar(raid(), artCache), render: () => renderRaidBar(raid(), artCache) },
      { name: 'raid hit 1200x652', runs: 20, draw: () => drawRaidHit(raidHit(), artCache), render: () => renderRaidHit(raidHit(), artCache) },
    ];

    const sizes: BenchRow[] = [];
    for (const img of images) {
      let largest = 0;
      const timing = await timeIt(img.runs, 3, async () => {
        const reply = await img.render();
        largest = Math.max(largest, reply.length);
      });
      rows.push(row(`${img.name}, render + ${IMAGE_FORMAT.ext} encode, art cached`, timing, img.target, img.extra));
      const kb = largest / 1024;
      sizes.push({
        name: `${img.name}: bytes per reply (${IMAGE_FORMAT.ext}), largest of ${img.runs}`,
        value: Math.round(kb),
        unit: 'KB',
        target: `<= ${MAX_IMAGE_BYTES / 1024}`,
        pass: largest <= MAX_IMAGE_BYTES,
      });
    }
    rows.push(...sizes);

    // The same drawing in each format: bytes and encode time, side by side.
    const formats: { label: string; encode: (c: Canvas) => Promise<Buffer> }[] = [
      { label: 'Skia PNG', encode: (c) => c.encode('png') },
      { label: 'Skia JPEG q90', encode: (c) => c.encode('jpeg', 90) },
      { label: 'Skia JPEG q85', encode: (c) => c.encode('jpeg', 85) },
      { label: 'Skia WebP q90', encode: (c) => c.encode('webp', 90) },
      { label: 'Skia WebP q80', encode: (c) => c.encode('webp', 80) },
    ];
    for (const img of images) {
      const canvas = await img.draw();
      for (const f of formats) {
        let bytes = 0;
        const t = await timeIt(8, 1, async () => {
          bytes = (await f.encode(canvas)).length;
        });
        rows.push({
          name: `format: ${img.name.split(' ').slice(0, -1).join(' ')}, ${f.label}`,
          value: Math.round(bytes / 1024),
          unit: 'KB',
          notes: `encode ${t.median.toFixed(1)} ms median (p95 ${t.p95.toFixed(1)}); longest event-loop block ${t.maxBlockMs.toFixed(1)} ms`,
        });
      }
      releaseFrame(canvas);
    }

    // Memory: 1,000 renders over 500 distinct arts (more than the LRU holds,
    // so art is evicted and reloaded from the disk cache all along).
    const total = Number(process.env.STARDUST_BENCH_IMAGE_RENDERS ?? 1000);
    const distinct = 500;
    const urlCard = (k: number) => card(1000 + (k % distinct));
    let rssStart = 0;
    let rssPeak = 0;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      if (i === 50) rssStart = process.memoryUsage().rss;
      if (i % 2 === 0)
        await renderTenPull(
          Array.from({ length: 10 }, (_, k) => urlCard(i * 5 + k)),
          artCache,
        );
      else await renderCard(urlCard(i), artCache);
      if (i >= 50) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const secs = (performance.now() - t0) / 1000;
    const rssEnd = process.memoryUsage().rss;
    const growthMb = (rssEnd - rssStart) / 1048576;
    rows.push({
      name: `RSS growth over ${total} renders, ${distinct} distinct arts`,
      value: Math.round(growthMb * 10) / 10,
      unit: 'MB',
      target: '< 100',
      pass: growthMb < 100,
      notes: `from render 50 to the end; peak +${((rssPeak - rssStart) / 1048576).toFixed(1)} MB; RSS at end ${(rssEnd / 1048576).toFixed(0)} MB; ${secs.toFixed(1)} s in all`,
    });
  } finally {
    art.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
};

if (process.env.STARDUST_BENCH_ART_SERVER === '1') {
  serveArt();
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await suite()) {
    console.log(
      `${r.name}: ${r.value.toLocaleString('en-US')} ${r.unit}${r.target ? ` (target ${r.target}) ${r.pass ? 'PASS' : 'MISS'}` : ''} — ${r.notes ?? ''}`,
    );
  }
  process.exit(0);
}
