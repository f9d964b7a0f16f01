// Where replies' pictures are drawn: on the event loop (tests, the bench's
// renders, a bot run from src/), or on worker threads (the bot as `npm start`
// runs it). Drawing a 10-pull is ~25 ms of synchronous Skia work; on the event
// loop, every other player's command waits behind it. On a worker the event
// loop only posts the data and gets the JPEG back, so a `!gems` during a storm
// of pulls is answered between drawings instead of after them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.js';
import type { ArtCacheOptions, ArtSource } from './art.js';
import { renderBanner, renderBattle, renderBountyBoard, renderCard, renderRaidBar, renderRaidHit, renderTeam, renderTenPull } from './render.js';
import type { BannerImageInput, BattleImageInput, BountyBoardInput, CardInfo, RaidBarInput, RaidHitInput, TeamSlot } from './types.js';

/** Every picture a reply can carry, by name: its data in, the encoded image out. */
const DRAW = {
  card: (art: ArtSource, c: CardInfo) => renderCard(c, art),
  tenPull: (art: ArtSource, cards: CardInfo[]) => renderTenPull(cards, art),
  team: (art: ArtSource, title: string, slots: (TeamSlot | null)[], totalPower: number) => renderTeam(title, slots, totalPower, art),
  battle: (art: ArtSource, b: BattleImageInput) => renderBattle(b, art),
  banner: (art: ArtSource, b: BannerImageInput) => renderBanner(b, art),
  bountyBoard: (_art: ArtSource, b: BountyBoardInput) => renderBountyBoard(b),
  raidBar: (art: ArtSource, r: RaidBarInput) => renderRaidBar(r, art),
  raidHit: (art: ArtSource, r: RaidHitInput) => renderRaidHit(r, art),
} as const;

export type PictureName = keyof typeof DRAW;
export type PictureArgs<K extends PictureName> = (typeof DRAW)[K] extends (art: ArtSource, ...args: infer A) => Promise<Buffer> ? A : never;

/** Draws a picture here, with art from `art`. */
export function drawPicture<K extends PictureName>(art: ArtSource, name: K, args: PictureArgs<K>): Promise<Buffer> {
  const draw = DRAW[name] as (art: ArtSource, ...a: unknown[]) => Promise<Buffer>;
  if (!draw) return Promise.reject(new Error(`no picture called ${String(name)}`));
  return draw(art, ...(args as unknown[]));
}

export interface Pictures {
  draw<K extends PictureName>(name: K, ...args: PictureArgs<K>): Promise<Buffer>;
  /** Stops the workers, if any (pending drawings fail). */
  close(): Promise<void>;
}

/** Pictures drawn on this thread. */
export class LocalPictures implements Pictures {
  constructor(private readonly art: ArtSource) {}

  draw<K extends PictureName>(name: K, ...args: PictureArgs<K>): Promise<Buffer> {
    return drawPicture(this.art, name, args);
  }

  async close(): Promise<void> {}
}

/** What the event loop posts to a picture worker. */
export interface PictureRequest {
  id: number;
  name: PictureName;
  args: unknown[];
}

export type WorkerReply = { id: number; image: Uint8Array } | { id: number; error: { message: string; stack?: string } };

interface Pending {
  resolve(b: Buffer): void;
  reject(e: Error): void;
}

interface Drawer {
  worker: Worker;
  pending: Map<number, Pending>;
  /** It has answered at least once. */
  answered: boolean;
}

/** Workers in a row that die before answering anything, after which drawing falls back to the event loop. */
const FAILED_STARTS_LIMIT = 3;

/**
 * Pictures drawn on `count` worker threads (picture-worker.ts), each with its
 * own art cache (the disk cache is shared). A drawing goes to the worker with
 * the fewest in hand. A worker that dies fails its drawings (the reply goes
 * out with its "couldn't be drawn" line) and is replaced. If workers keep
 * dying before they answer anything (a broken install), it stops starting
 * them and draws with `fallback` instead, saying so once in the log.
 */
export class WorkerPictures implements Pictures {
  private readonly drawers: Drawer[] = [];
  private nextId = 1;
  private closing = false;
  private failedStarts = 0;

  constructor(
    private readonly script: URL,
    count: number,
    private readonly artOptions: ArtCacheOptions,
    private readonly log: Logger,
    private readonly fallback: Pictures,
  ) {
    for (let i = 0; i < count; i++) this.drawers.push(this.spawn());
  }

  private spawn(): Drawer {
    // A drawing allocates little on the JS heap (the pixels are Skia's): a young generation of 12 MB
    // (4 MB semi-spaces, as the main thread gets from npm start) instead of V8's 48 MB, kept once grown.
    const worker = new Worker(this.script, { workerData: { art: this.artOptions }, resourceLimits: { maxYoungGenerationSizeMb: 12 } });
    const drawer: Drawer = { worker, pending: new Map(), answered: false };
    worker.unref(); // an idle worker never keeps the process alive
    worker.on('message', (m: WorkerReply) => {
      drawer.answered = true;
      this.failedStarts = 0;
      const p = drawer.pending.get(m.id);
      if (!p) return;
      drawer.pending.delete(m.id);
      if ('image' in m) p.resolve(Buffer.from(m.image.buffer, m.image.byteOffset, m.image.byteLength));
      else p.reject(Object.assign(new Error(m.error.message), { stack: m.error.stack }));
    });
    const lost = (why: string) => {
      const i = this.drawers.indexOf(drawer);
      if (i < 0) return; // already replaced
      for (const p of drawer.pending.values()) p.reject(new Error(`the picture worker stopped (${why})`));
      drawer.pending.clear();
      if (this.closing) return;
      if (!drawer.answered && ++this.failedStarts >= FAILED_STARTS_LIMIT) {
        this.drawers.splice(i, 1);
        if (this.drawers.length === 0) this.log.error({ why }, 'picture workers keep stopping before they draw anything; drawing on the event loop instead');
        return;
      }
      this.log.error({ why }, 'a picture worker stopped; starting another');
      this.drawers[i] = this.spawn();
    };
    worker.on('error', (err: unknown) => lost(err instanceof Error ? err.message : String(err)));
    worker.on('exit', (code) => lost(`exit ${code}`));
    return drawer;
  }

  draw<K extends PictureName>(name: K, ...args: PictureArgs<K>): Promise<Buffer> {
    if (this.closing) return Promise.reject(new Error('pictures are closed'));
    if (this.drawers.length === 0) return this.fallback.draw(name, ...args);
    const drawer = this.drawers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      drawer.pending.set(id, { resolve, reject });
      if (drawer.pending.size === 1) drawer.worker.ref(); // busy: keep the process up until it answers
      const msg: PictureRequest = { id, name, args };
      try {
        drawer.worker.postMessage(msg);
      } catch (err) {
        drawer.pending.delete(id);
        reject(err as Error);
      }
    }).finally(() => {
      if (drawer.pending.size === 0) drawer.worker.unref();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.drawers.map((d) => d.worker.terminate()));
  }
}

/**
 * The bot's pictures: `workers` threads when the compiled worker is there
 * (dist/, as `npm start` runs), else on the event loop (with a warning when
 * workers were asked for: running from src/ through tsx has no worker file).
 */
export function createPictures(opts: { workers: number; art: ArtSource; artOptions: ArtCacheOptions; log: Logger }): Pictures {
  if (opts.workers <= 0) return new LocalPictures(opts.art);
  const script = new URL('./picture-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) {
    opts.log.warn('pictures are drawn on the event loop: no compiled picture worker here (run the built bot, `npm start`)');
    return new LocalPictures(opts.art);
  }
  return new WorkerPictures(script, opts.workers, opts.artOptions, opts.log, new LocalPictures(opts.art));
}
