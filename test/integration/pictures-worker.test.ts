import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ArtCache } from '../../src/core/images/art.js';
import { LocalPictures, WorkerPictures } from '../../src/core/images/pictures.js';
import { silentLogger } from '../../src/log.js';
import { CARDS, RAID_HIT, TEAM } from '../unit/images/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The compiled worker, as `npm start` runs it. */
const script = pathToFileURL(path.join(root, 'dist/core/images/picture-worker.js'));

/**
 * Pictures drawn on worker threads (what the built bot does) are the same
 * images as drawn on the event loop; a failed drawing fails only itself, and
 * a worker that dies fails its drawings and is replaced.
 */
describe('pictures on worker threads', () => {
  let workers: WorkerPictures;
  const local = new LocalPictures(new ArtCache());

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: root });
    workers = new WorkerPictures(script, 2, { dataDir: null }, silentLogger, local);
  }, 60_000);
  afterAll(() => workers?.close());

  it('draws the same JPEGs as the event loop does', async () => {
    const jobs = [
      () => ['card', CARDS[0]!] as const,
      () => ['tenPull', CARDS] as const,
      () => ['team', 'Alice’s battle team', TEAM, 123_456] as const,
      () => ['raidHit', RAID_HIT] as const,
    ];
    for (const job of jobs) {
      const [name, ...args] = job();
      const [there, here] = await Promise.all([(workers.draw as any)(name, ...args), (local.draw as any)(name, ...args)]);
      expect(Buffer.isBuffer(there), name).toBe(true);
      expect(there.subarray(0, 3).toString('hex'), name).toBe('ffd8ff'); // JPEG
      expect(there.equals(here), `${name}: same bytes`).toBe(true);
    }
  }, 60_000);

  it('draws several at once, spread over the workers', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => workers.draw('card', CARDS[i % CARDS.length]!)));
    expect(all.every((b) => b.length > 1000)).toBe(true);
  }, 60_000);

  it('a drawing that fails rejects with its error, and the worker goes on drawing', async () => {
    await expect((workers.draw as any)('selfie', {})).rejects.toThrow(/no picture called selfie/);
    await expect(workers.draw('card', CARDS[0]!)).resolves.toBeInstanceOf(Buffer);
  }, 60_000);

  it('a worker that dies fails what it had in hand and is replaced', async () => {
    const one = new WorkerPictures(script, 1, { dataDir: null }, silentLogger, local);
    try {
      const drawing = one.draw('tenPull', CARDS);
      await (one as any).drawers[0].worker.terminate();
      await expect(drawing).rejects.toThrow(/picture worker stopped/);
      await expect(one.draw('card', CARDS[0]!)).resolves.toBeInstanceOf(Buffer);
    } finally {
      await one.close();
    }
  }, 60_000);

  it('a worker idle for its idle time stops, with no error logged; the next drawing starts one again', async () => {
    const errors: string[] = [];
    const log = { ...silentLogger, error: (_o: unknown, msg?: string) => void errors.push(String(msg)) } as unknown as typeof silentLogger;
    const idle = new WorkerPictures(script, 2, { dataDir: null }, log, local, 400);
    try {
      // Two at once keep both busy; neither stops while it has a drawing in hand.
      const both = Promise.all([idle.draw('tenPull', CARDS), idle.draw('tenPull', CARDS)]);
      expect(idle.running).toBe(2);
      await both;
      await vi.waitFor(() => expect(idle.running).toBe(0), { timeout: 5_000 });
      expect(errors).toEqual([]);
      // One drawing at a time needs one worker, not two.
      const [again, here] = await Promise.all([idle.draw('card', CARDS[0]!), local.draw('card', CARDS[0]!)]);
      expect(again.equals(here)).toBe(true);
      expect(idle.running).toBe(1);
      await idle.draw('card', CARDS[1]!);
      expect(idle.running).toBe(1);
      await vi.waitFor(() => expect(idle.running).toBe(0), { timeout: 5_000 });
      expect(errors).toEqual([]);
    } finally {
      await idle.close();
    }
  }, 30_000);

  it('workers that keep dying before they draw anything give way to drawing on the event loop', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stardust-broken-worker-'));
    const broken = path.join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('no Skia here');\n");
    const errors: string[] = [];
    const log = { ...silentLogger, error: (_o: unknown, msg?: string) => void errors.push(String(msg)) } as unknown as typeof silentLogger;
    const pictures = new WorkerPictures(pathToFileURL(broken), 1, { dataDir: null }, log, local);
    try {
      await vi.waitFor(() => expect(errors.some((e) => /drawing on the event loop instead/.test(e))).toBe(true), { timeout: 10_000 });
      expect(errors.filter((e) => /starting another/.test(e))).toHaveLength(2);
      const [fallback, here] = await Promise.all([pictures.draw('card', CARDS[0]!), local.draw('card', CARDS[0]!)]);
      expect(fallback.equals(here)).toBe(true);
    } finally {
      await pictures.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
