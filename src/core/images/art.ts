// Character art loading: fetch with a timeout and a size cap, decode once,
// keep a bounded in-memory LRU and a disk cache, share concurrent downloads,
// and never throw: any failure yields null and callers draw a portrait.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { type Canvas, type Image, loadImage } from '@napi-rs/canvas';
import { bossArt } from './boss-art.js';
import { newCanvas } from './gfx.js';
import { Lru } from './lru.js';

export type ArtImage = Image | Canvas;

interface ArtConfig {
  dataDir: string | null;
  fetchTimeoutMs: number;
  maxBytes: number;
  memoryEntries: number;
  /** How long a failed URL is not retried (a dead host must not cost 3 s per render). */
  failureTtlMs: number;
}

const cfg: ArtConfig = {
  dataDir: null,
  fetchTimeoutMs: 3000,
  maxBytes: 5 * 1024 * 1024,
  memoryEntries: 160,
  failureTtlMs: 60_000,
};

/** Largest art kept in memory; bigger images are downscaled once (cards are at most 300x450). */
const MAX_W = 480;
const MAX_H = 720;

const memory = new Lru<string, ArtImage>(cfg.memoryEntries);
const failures = new Lru<string, number>(1024);
const inflight = new Map<string, Promise<ArtImage | null>>();

export interface ArtStats {
  downloads: number;
  diskHits: number;
  memoryHits: number;
  failures: number;
}
const stats: ArtStats = { downloads: 0, diskHits: 0, memoryHits: 0, failures: 0 };

export function configureArtCache(opts: { dataDir: string; fetchTimeoutMs?: number; maxBytes?: number; memoryEntries?: number; failureTtlMs?: number }): void {
  cfg.dataDir = opts.dataDir;
  if (opts.fetchTimeoutMs !== undefined) cfg.fetchTimeoutMs = opts.fetchTimeoutMs;
  if (opts.maxBytes !== undefined) cfg.maxBytes = opts.maxBytes;
  if (opts.memoryEntries !== undefined) {
    cfg.memoryEntries = Math.max(1, opts.memoryEntries);
    memory.max = cfg.memoryEntries;
  }
  if (opts.failureTtlMs !== undefined) cfg.failureTtlMs = opts.failureTtlMs;
}

/** Counters for tests and the bench. */
export function artStats(): Readonly<ArtStats> {
  return { ...stats };
}

/** Drops the in-memory caches (not the disk cache). For tests. */
export function clearArtMemory(): void {
  memory.clear();
  failures.clear();
  stats.downloads = stats.diskHits = stats.memoryHits = stats.failures = 0;
}

function cacheFile(url: string): string | null {
  if (!cfg.dataDir) return null;
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 40);
  return path.join(cfg.dataDir, 'art-cache', `${hash}.img`);
}

const MAX_REDIRECTS = 3;

/**
 * GET with node:http(s), not fetch: the bot's renders showed V8 running a
 * full garbage collection every render or two once fetch had been used in
 * the process (about 90 against 16 over 200 10-pulls, 5-15 ms each); a plain
 * request has none of fetch's stream machinery. Follows up to 3 redirects,
 * gives up when the art timeout runs out (one for the whole chain), stops
 * reading past the size cap.
 */
function download(url: string, redirects = 0, signal = AbortSignal.timeout(cfg.fetchTimeoutMs)): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { signal, headers: { accept: 'image/*' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects < MAX_REDIRECTS) {
        res.resume();
        download(new URL(res.headers.location, url).toString(), redirects + 1, signal).then(resolve, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > cfg.maxBytes) {
        res.destroy();
        return reject(new Error('too large'));
      }
      // Read with a running cap: content-length can be absent or lie.
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > cfg.maxBytes) {
          res.destroy();
          reject(new Error('too large'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks, total)));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Decodes bytes; downsizes big images once so memory per entry stays small. */
async function decode(bytes: Buffer): Promise<ArtImage> {
  const img = await loadImage(bytes);
  if (!img.width || !img.height) throw new Error('not an image');
  const scale = Math.min(1, MAX_W / img.width, MAX_H / img.height);
  if (scale >= 1) return img;
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const { canvas, ctx } = newCanvas(w, h);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0, w, h);
  return canvas;
}

async function fetchArt(url: string): Promise<ArtImage | null> {
  const file = cacheFile(url);
  if (file) {
    try {
      const bytes = await readFile(file);
      const img = await decode(bytes);
      stats.diskHits++;
      return img;
    } catch {
      /* not cached (or corrupt): download */
    }
  }
  try {
    stats.downloads++;
    const bytes = await download(url);
    const img = await decode(bytes); // decode before caching: never store junk
    if (file) {
      // Write-then-rename so a concurrent reader never sees half a file.
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      mkdir(path.dirname(file), { recursive: true })
        .then(() => writeFile(tmp, bytes))
        .then(() => rename(tmp, file))
        .catch(() => {});
    }
    return img;
  } catch {
    stats.failures++;
    return null;
  }
}

/**
 * The art for a URL, or null (null URL, bad host, timeout, too big, not an
 * image). Never rejects.
 */
export async function loadArt(url: string | null | undefined): Promise<ArtImage | null> {
  if (!url) return null;
  const drawn = bossArt(url); // `drawn:boss/<key>`: a raid boss's portrait, drawn here
  if (drawn) return drawn;
  if (!/^https?:\/\//i.test(url)) return null;
  const hit = memory.get(url);
  if (hit) {
    stats.memoryHits++;
    return hit;
  }
  const failedAt = failures.get(url);
  if (failedAt !== undefined && Date.now() - failedAt < cfg.failureTtlMs) return null;
  let p = inflight.get(url);
  if (!p) {
    p = fetchArt(url)
      .then((img) => {
        if (img) memory.set(url, img);
        else failures.set(url, Date.now());
        return img;
      })
      .catch(() => null)
      .finally(() => inflight.delete(url));
    inflight.set(url, p);
  }
  return p;
}
