// Art cache against a local HTTP server: shared downloads, disk cache,
// failing hosts (500, hang, junk bytes, too big) falling back to portraits.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArtCache, type ArtCacheOptions, type CardInfo, drawnPortrait, renderCard } from '../../../src/core/images/index.js';

let server: http.Server;
let baseUrl = '';
let dataDir = '';
const hits = new Map<string, number>();
let png: Buffer;
let bigPng: Buffer;
const TIMEOUT_MS = 400;
const MAX_BYTES = 1024 * 1024;

/** The bot's art cache as the tests configure it (each call: a fresh cache on the same disk folder). */
let art: ArtCache;
const cache = (opts: ArtCacheOptions) => new ArtCache({ dataDir, fetchTimeoutMs: 10_000, maxBytes: MAX_BYTES, memoryEntries: 50, failureTtlMs: 0, ...opts });

beforeAll(async () => {
  png = await drawnPortrait(1, 'Served Art', 'SSR', 460, 650).encode('png');
  bigPng = Buffer.concat([png, Buffer.alloc(MAX_BYTES)]); // valid PNG header, over the cap
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url.startsWith('/ok/')) {
      // A little latency so concurrent requests really overlap.
      setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(png), 50);
    } else if (url.startsWith('/moved/')) {
      // Redirect chains: /moved/<n>/<name> sends to /moved/<n-1>/<name>, then to /ok/<name>.
      const [, , n, name] = url.split('/');
      const next = Number(n) > 1 ? `/moved/${Number(n) - 1}/${name}` : `/ok/${name}`;
      res.writeHead(302, { location: next }).end();
    } else if (url.startsWith('/slow-moved/')) {
      // The same chain, each hop answering after 400 ms.
      const [, , n, name] = url.split('/');
      const next = Number(n) > 1 ? `/slow-moved/${Number(n) - 1}/${name}` : `/ok/${name}`;
      setTimeout(() => res.writeHead(302, { location: next }).end(), 400);
    } else if (url === '/500') {
      res.writeHead(500).end('boom');
    } else if (url === '/hang') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(png.subarray(0, 100)); // then nothing: the client must give up
    } else if (url === '/junk') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('<html>definitely not a png</html>'));
    } else if (url === '/big') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bigPng.length) }).end(bigPng);
    } else if (url === '/big-chunked') {
      // No content-length: the cap must hold while streaming.
      res.writeHead(200, { 'content-type': 'image/png' });
      let sent = 0;
      const pump = () => {
        while (sent < bigPng.length) {
          const part = bigPng.subarray(sent, sent + 64 * 1024);
          sent += part.length;
          if (!res.write(part)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else {
      res.writeHead(404).end();
    }
  });
  server.on('connection', (s) => s.unref());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(path.join(tmpdir(), 'stardust-art-'));
  // A generous timeout for the normal cases (CI machines can be loaded); the
  // hang test sets a short one.
  art = cache({});
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => art.clearMemory());

const card = (imageUrl: string | null): CardInfo => ({ characterId: 99, name: 'Fallback Test', rarity: 'SR', power: 7000, dupeLevel: 2, imageUrl });

describe('art cache', () => {
  it('10 concurrent requests for one URL make one download and share the image', async () => {
    const url = `${baseUrl}/ok/shared`;
    const results = await Promise.all(Array.from({ length: 10 }, () => art.load(url)));
    expect(hits.get('/ok/shared')).toBe(1);
    expect(art.stats().downloads).toBe(1);
    expect(results[0]).not.toBeNull();
    for (const r of results) expect(r).toBe(results[0]);
    // Then served from memory.
    expect(await art.load(url)).toBe(results[0]);
    expect(hits.get('/ok/shared')).toBe(1);
  });

  it('10 concurrent card renders with one URL download once', async () => {
    const url = `${baseUrl}/ok/render`;
    const pngs = await Promise.all(Array.from({ length: 10 }, () => renderCard(card(url), art)));
    expect(hits.get('/ok/render')).toBe(1);
    for (const p of pngs) expect(p.equals(pngs[0]!)).toBe(true);
  });

  it('follows up to 3 redirects, and no more', async () => {
    expect(await art.load(`${baseUrl}/moved/3/redirected`)).not.toBeNull();
    expect(hits.get('/ok/redirected')).toBe(1);
    expect(await art.load(`${baseUrl}/moved/4/too-far`)).toBeNull();
    expect(hits.get('/ok/too-far')).toBeUndefined();
  });

  it('keeps a disk cache under <dataDir>/art-cache named by URL hash', async () => {
    const url = `${baseUrl}/ok/disk`;
    await art.load(url);
    await new Promise((r) => setTimeout(r, 100)); // the disk write is fire-and-forget
    const files = readdirSync(path.join(dataDir, 'art-cache')).filter((f) => !f.endsWith('.tmp'));
    expect(files.some((f) => /^[0-9a-f]{40}\.img$/.test(f))).toBe(true);
    art.clearMemory();
    const again = await art.load(url);
    expect(again).not.toBeNull();
    expect(hits.get('/ok/disk')).toBe(1);
    expect(art.stats().diskHits).toBe(1);
  });

  it('the memory cache is bounded', async () => {
    art = cache({ memoryEntries: 3 });
    try {
      for (let i = 0; i < 5; i++) await art.load(`${baseUrl}/ok/lru${i}`);
      await new Promise((r) => setTimeout(r, 100));
      const s0 = art.stats();
      await art.load(`${baseUrl}/ok/lru4`); // recent: still in memory
      expect(art.stats().memoryHits).toBe(s0.memoryHits + 1);
      expect(await art.load(`${baseUrl}/ok/lru0`)).not.toBeNull(); // evicted: back from disk
      expect(art.stats().diskHits).toBe(s0.diskHits + 1);
      expect(hits.get('/ok/lru0')).toBe(1);
    } finally {
      art = cache({ memoryEntries: 50 });
    }
  });

  for (const [what, route] of [
    ['HTTP 500', '/500'],
    ['non-image bytes', '/junk'],
    ['a 404', '/nope'],
    ['a body over the size cap (content-length)', '/big'],
    ['a body over the size cap (streamed)', '/big-chunked'],
  ] as const) {
    it(`${what} falls back to the drawn portrait`, async () => {
      expect(await art.load(`${baseUrl}${route}`)).toBeNull();
      const withBadUrl = await renderCard(card(`${baseUrl}${route}`), art);
      const withNull = await renderCard(card(null), art);
      expect(withBadUrl.equals(withNull)).toBe(true);
    });
  }

  it('a host that hangs is abandoned after the timeout', async () => {
    art = cache({ fetchTimeoutMs: TIMEOUT_MS });
    try {
      const t0 = Date.now();
      const png1 = await renderCard(card(`${baseUrl}/hang`), art);
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(took).toBeLessThan(TIMEOUT_MS + 3000);
      expect(png1.equals(await renderCard(card(null), art))).toBe(true);
    } finally {
      art = cache({ fetchTimeoutMs: 10_000 });
    }
  });

  it('one timeout covers a whole redirect chain, not each hop', async () => {
    // Three hops of 400 ms each: every hop is inside a 1 s timeout, the chain is not.
    art = cache({ fetchTimeoutMs: 1_000 });
    try {
      const t0 = Date.now();
      expect(await art.load(`${baseUrl}/slow-moved/3/slow-chain`)).toBeNull();
      expect(Date.now() - t0).toBeLessThan(1_000 + 3000);
      expect(hits.get('/ok/slow-chain')).toBeUndefined();
    } finally {
      art = cache({ fetchTimeoutMs: 10_000 });
    }
  });

  it('an unreachable host and bad URLs fall back', async () => {
    expect(await art.load('http://127.0.0.1:1/x.png')).toBeNull();
    expect(await art.load('ftp://example/x.png')).toBeNull();
    expect(await art.load('')).toBeNull();
    expect(await art.load(null)).toBeNull();
  });

  it('a failed URL is not retried while its failure is remembered', async () => {
    art = cache({ failureTtlMs: 60_000 });
    try {
      await art.load(`${baseUrl}/500`);
      const before = hits.get('/500') ?? 0;
      await art.load(`${baseUrl}/500`);
      expect(hits.get('/500')).toBe(before);
    } finally {
      art = cache({ failureTtlMs: 0 });
    }
  });
});
