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
  /** When it last had nothing in hand (ms). */
  idleSince: number;
}

/** Workers in a row that die before answering anything, after which drawing falls back to the event loop. */
const FAILED_STARTS_LIMIT = 3;

/**
 * Pictures drawn on up to `count` worker threads (picture-worker.ts), each
 * with its own art cache (the disk cache is shared). A drawing goes to an idle
 * worker, else a new one while there are fewer than `count`, else the one
 * with the fewest in hand. A worker idle for `idleMs` stops, and its memory
 * (its heap, Skia's caches and the drawing caches: ~70 MB after a busy
 * minute) goes back to the system; the next drawing starts one again (~0.3 s
 * more on that picture). A worker that dies fails its drawings (the reply goes
 * out with its "couldn't be drawn" line) and is replaced. If workers keep
 * dying before they answer anything (a broken install), it stops starting
 * them and draws with `fallback` instead, saying so once in the log.
 */
export class WorkerPictures implements Pictures {
  private readonly drawers: Drawer[] = [];
  private nextId = 1;
  private closing = false;
  private failedStarts = 0;
  private readonly retire: NodeJS.Timeout | undefined;

  constructor(
    private readonly script: URL,
    private count: number,
    private readonly artOptions: ArtCacheOptions,
    private readonly log: Logger,
    private readonly fallback: Pictures,
    private readonly idleMs = 0,
  ) {
    for (let i = 0; i < count; i++) this.drawers.push(this.spawn());
    if (idleMs > 0) this.retire = setInterval(() => this.retireIdle(), Math.max(100, idleMs / 4)).unref();
  }

  /** Workers running now (they start on demand and stop when idle). */
  get running(): number {
    return this.drawers.length;
  }

  private retireIdle(): void {
    const now = Date.now();
    for (const d of [...this.drawers]) {
      if (d.pending.size > 0 || now - d.idleSince < this.idleMs) continue;
      // Out of the list first: its exit is then not a loss to replace.
      this.drawers.splice(this.drawers.indexOf(d), 1);
      void d.worker.terminate();
    }
  }

  private spawn(): Drawer {
    // A drawing allocates little on the JS heap (the pixels are Skia's): a young generation of 12 MB
    // (4 MB semi-spaces, as the main thread gets from npm start) instead of V8's 48 MB, kept once grown.
    const worker = new Worker(this.script, { workerData: { art: this.artOptions }, resourceLimits: { maxYoungGenerationSizeMb: 12 } });
    const drawer: Drawer = { worker, pending: new Map(), answered: false, idleSince: Date.now() };
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
        this.count--;
        if (this.count === 0) this.log.error({ why }, 'picture workers keep stopping before they draw anything; drawing on the event loop instead');
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
    if (this.count === 0) return this.fallback.draw(name, ...args);
    let drawer = this.drawers.reduce<Drawer | undefined>((a, b) => (!a || b.pending.size < a.pending.size ? b : a), undefined);
    if ((!drawer || drawer.pending.size > 0) && this.drawers.length < this.count) {
      drawer = this.spawn();
      this.drawers.push(drawer);
    }
    const chosen = drawer!;
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      chosen.pending.set(id, { resolve, reject });
      if (chosen.pending.size === 1) chosen.worker.ref(); // busy: keep the process up until it answers
      const msg: PictureRequest = { id, name, args };
      try {
        chosen.worker.postMessage(msg);
      } catch (err) {
        chosen.pending.delete(id);
        reject(err as Error);
      }
    }).finally(() => {
      if (chosen.pending.size > 0) return;
      chosen.worker.unref();
      chosen.idleSince = Date.now();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.retire);
    await Promise.all(this.drawers.map((d) => d.worker.terminate()));
  }
}

/**
 * The bot's pictures: `workers` threads when the compiled worker is there
 * (dist/, as `npm start` runs), else on the event loop (with a warning when
 * workers were asked for: running from src/ through tsx has no worker file).
 */
export function createPictures(opts: { workers: number; idleMs: number; art: ArtSource; artOptions: ArtCacheOptions; log: Logger }): Pictures {
  if (opts.workers <= 0) return new LocalPictures(opts.art);
  const script = new URL('./picture-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) {
    opts.log.warn('pictures are drawn on the event loop: no compiled picture worker here (run the built bot, `npm start`)');
    return new LocalPictures(opts.art);
  }
  return new WorkerPictures(script, opts.workers, opts.artOptions, opts.log, new LocalPictures(opts.art), opts.idleMs);
}
