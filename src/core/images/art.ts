// Character art loading: fetch with a timeout and a size cap, decode once,
// keep a bounded in-memory LRU and a disk cache, share concurrent downloads,
// and never throw: any failure yields null and callers draw a portrait.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { type Canvas, type Image, loadImage } from '@napi-rs/canvas';
import { LRUCache } from 'lru-cache';
import { bossArt } from './boss-art.js';
import { newCanvas } from './gfx.js';

export type ArtImage = Image | Canvas;

export interface ArtCacheOptions {
  /** Where downloaded art is kept on disk (`<dataDir>/art-cache`); null: memory only. */
  dataDir?: string | null;
  fetchTimeoutMs?: number;
  maxBytes?: number;
  memoryEntries?: number;
  /** How long a failed URL is not retried (a dead host must not cost 3 s per render). */
  failureTtlMs?: number;
}

/** Where renders get character art: the bot's ArtCache, or a stand-in in tests. */
export interface ArtSource {
  load(url: string | null | undefined): Promise<ArtImage | null>;
}

/** Largest art kept in memory; bigger images are downscaled once (cards are at most 300x450). */
const MAX_W = 480;
const MAX_H = 720;

export interface ArtStats {
  downloads: number;
  diskHits: number;
  memoryHits: number;
  failures: number;
}

/**
 * Character art for renders: fetched with a timeout and a size cap, decoded
 * once, kept in a bounded in-memory LRU and a disk cache; concurrent requests
 * for one URL share a download; a failing URL is not retried for a while.
 * One per bot (services.art), passed to the renders.
 */
export class ArtCache implements ArtSource {
  readonly dataDir: string | null;
  readonly fetchTimeoutMs: number;
  readonly maxBytes: number;
  private readonly memory: LRUCache<string, ArtImage>;
  private readonly failures: LRUCache<string, true>;
  private readonly inflight = new Map<string, Promise<ArtImage | null>>();
  private readonly counts: ArtStats = { downloads: 0, diskHits: 0, memoryHits: 0, failures: 0 };
  /** failureTtlMs 0: failed URLs are tried again every time. */
  private readonly noFailureMemory: boolean;

  constructor(opts: ArtCacheOptions = {}) {
    this.dataDir = opts.dataDir ?? null;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 3000;
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.memory = new LRUCache({ max: Math.max(1, opts.memoryEntries ?? 160) });
    const ttl = opts.failureTtlMs ?? 60_000;
    this.failures = new LRUCache({ max: 1024, ttl: Math.max(1, ttl) });
    this.noFailureMemory = ttl <= 0;
  }

  /** Counters for tests and the bench. */
  stats(): Readonly<ArtStats> {
    return { ...this.counts };
  }

  /** Drops the in-memory caches (not the disk cache). For tests. */
  clearMemory(): void {
    this.memory.clear();
    this.failures.clear();
    this.counts.downloads = this.counts.diskHits = this.counts.memoryHits = this.counts.failures = 0;
  }

  /**
   * The art for a URL, or null (null URL, bad host, timeout, too big, not an
   * image). Never rejects.
   */
  async load(url: string | null | undefined): Promise<ArtImage | null> {
    if (!url) return null;
    const drawn = bossArt(url); // `drawn:boss/<key>`: a raid boss's portrait, drawn here
    if (drawn) return drawn;
    if (!/^https?:\/\//i.test(url)) return null;
    const hit = this.memory.get(url);
    if (hit) {
      this.counts.memoryHits++;
      return hit;
    }
    if (this.failures.has(url)) return null;
    let p = this.inflight.get(url);
    if (!p) {
      p = this.fetchArt(url)
        .then((img) => {
          if (img) this.memory.set(url, img);
          else if (!this.noFailureMemory) this.failures.set(url, true);
          return img;
        })
        .catch(() => null)
        .finally(() => this.inflight.delete(url));
      this.inflight.set(url, p);
    }
    return p;
  }

  private cacheFile(url: string): string | null {
    if (!this.dataDir) return null;
    const hash = createHash('sha256').update(url).digest('hex').slice(0, 40);
    return path.join(this.dataDir, 'art-cache', `${hash}.img`);
  }

  private async fetchArt(url: string): Promise<ArtImage | null> {
    const file = this.cacheFile(url);
    if (file) {
      try {
        const bytes = await readFile(file);
        const img = await decode(bytes);
        this.counts.diskHits++;
        return img;
      } catch {
        /* not cached (or corrupt): download */
      }
    }
    try {
      this.counts.downloads++;
      const bytes = await download(url, this.maxBytes, AbortSignal.timeout(this.fetchTimeoutMs));
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
      this.counts.failures++;
      return null;
    }
  }
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
function download(url: string, maxBytes: number, signal: AbortSignal, redirects = 0): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { signal, headers: { accept: 'image/*' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects < MAX_REDIRECTS) {
        res.resume();
        download(new URL(res.headers.location, url).toString(), maxBytes, signal, redirects + 1).then(resolve, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        return reject(new Error('too large'));
      }
      // Read with a running cap: content-length can be absent or lie.
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > maxBytes) {
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
