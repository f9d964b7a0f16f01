// Fast PNG encoder. Skia's encoder (zlib level 6, adaptive filters) takes
// 70-130 ms for an 1100x700 sheet of art, which alone would blow the 40 ms
// budget. Instead the pixels are copied once into a shared buffer and encoded
// in horizontal bands by worker threads, side by side (png-bands.mjs does the
// filtering and deflating, png-worker.mjs runs it): the event loop only draws
// and copies, and a 10-pull's encoding takes about half the wall time it
// would on one thread. Where workers cannot run, the same code runs here.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Canvas } from '@napi-rs/canvas';
import { releaseFrame } from './gfx.js';
import { assemblePng, type EncodedBand, encodeBand } from './png-bands.mjs';

export { adler32, adler32Join } from './png-bands.mjs';

/** A band per ~1 MB of filtered rows, at most one per encoder thread. */
const BAND_BYTES = 1 << 20;

interface Job {
  resolve: (band: EncodedBand) => void;
  reject: (err: Error) => void;
}

interface BandReply {
  id: number;
  body?: Uint8Array;
  adler?: number;
  length?: number;
  error?: string;
}

class EncoderThreads {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Job & { worker: Worker }>();
  private nextId = 1;
  /** Threads that died before finishing any band; at 3, encode in-thread for good. */
  private stillborn = 0;
  private finishedAny = false;

  get broken(): boolean {
    return this.stillborn >= 3;
  }

  constructor(readonly size: number) {}

  private start(): Worker[] {
    while (this.workers.length < this.size) {
      const worker = new Worker(new URL('./png-worker.mjs', import.meta.url));
      worker.on('message', (m: BandReply) => this.settle(m));
      // A thread can throw anything (Node's types say unknown since v24).
      worker.on('error', (err) => this.fail(worker, err instanceof Error ? err : new Error(String(err))));
      worker.on('exit', (code) => this.fail(worker, new Error(`PNG encoder thread exited (${code})`)));
      // Keeps the process alive only while it has bands to encode (unref after
      // the listeners: adding a 'message' listener refs the worker again).
      worker.unref();
      this.workers.push(worker);
    }
    return this.workers;
  }

  private settle(m: BandReply): void {
    const job = this.pending.get(m.id);
    if (!job) return;
    this.pending.delete(m.id);
    this.finishedAny = true;
    if (![...this.pending.values()].some((j) => j.worker === job.worker)) job.worker.unref();
    if (m.error !== undefined || !m.body) job.reject(new Error(m.error ?? 'PNG encoder thread sent no data'));
    else job.resolve({ body: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength), adler: m.adler!, length: m.length! });
  }

  /** A dead worker fails its jobs and is replaced on the next encode. */
  private fail(worker: Worker, err: Error): void {
    const i = this.workers.indexOf(worker);
    if (i < 0) return;
    this.workers.splice(i, 1);
    if (!this.finishedAny) this.stillborn++;
    for (const [id, job] of this.pending) {
      if (job.worker !== worker) continue;
      this.pending.delete(id);
      job.reject(err);
    }
  }

  band(k: number, msg: { pixels: SharedArrayBuffer; length: number; w: number; y0: number; y1: number; opaque: boolean; last: boolean }): Promise<EncodedBand> {
    const workers = this.start();
    const worker = workers[k % workers.length]!;
    const id = this.nextId++;
    return new Promise<EncodedBand>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.ref();
      worker.postMessage({ id, ...msg });
    });
  }
}

const threads = new EncoderThreads(Math.max(1, Math.min(2, os.availableParallelism())));

const counts = { threaded: 0, inThread: 0 };
/** How many images were encoded by the threads and how many in-thread (a thread failed). */
export function encoderStats(): Readonly<typeof counts> {
  return counts;
}

// Shared pixel buffers kept for reuse, a couple per size: a fresh few-MB
// buffer costs milliseconds to fault in on a VM, a kept one nothing.
const idleShared = new Map<number, SharedArrayBuffer[]>();
function takeShared(size: number): SharedArrayBuffer {
  return idleShared.get(size)?.pop() ?? new SharedArrayBuffer(size);
}
function giveShared(buf: SharedArrayBuffer): void {
  const list = idleShared.get(buf.byteLength) ?? [];
  if (list.length < 2) list.push(buf);
  idleShared.set(buf.byteLength, list);
}

function bandRows(w: number, h: number, opaque: boolean): number[] {
  const bytes = (w * (opaque ? 3 : 4) + 1) * h;
  const bands = Math.max(1, Math.min(threads.size, Math.round(bytes / BAND_BYTES)));
  return Array.from({ length: bands + 1 }, (_, b) => Math.floor((h * b) / bands));
}

/**
 * Encodes RGBA pixels (straight alpha) as PNG. `opaque` drops the alpha
 * channel (colour type 2), a quarter less data to filter and compress.
 */
export async function encodeRgba(data: Uint8ClampedArray | Uint8Array, w: number, h: number, opaque: boolean): Promise<Buffer> {
  const rows = bandRows(w, h, opaque);
  const count = rows.length - 1;
  if (!threads.broken) {
    const shared = takeShared(data.byteLength);
    new Uint8Array(shared).set(data);
    try {
      const bands = await Promise.all(
        Array.from({ length: count }, (_, k) =>
          threads.band(k, { pixels: shared, length: data.byteLength, w, y0: rows[k]!, y1: rows[k + 1]!, opaque, last: k === count - 1 }),
        ),
      );
      giveShared(shared);
      counts.threaded++;
      return assemblePng(w, h, opaque, bands);
    } catch {
      // A thread died under this image (its buffer may still be read: not
      // reused). Encode here this once; the thread is replaced next time.
    }
  }
  counts.inThread++;
  const px = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // filterBand reads unaligned pixels bytewise
  return assemblePng(
    w,
    h,
    opaque,
    Array.from({ length: count }, (_, k) => encodeBand(px, w, rows[k]!, rows[k + 1]!, opaque, k === count - 1)),
  );
}

/**
 * PNG of a canvas. An opaque canvas's stored (premultiplied) pixels equal the
 * straight ones, so we read them directly with data(), skipping the
 * unpremultiply pass of getImageData; a canvas with transparency needs it.
 */
export async function encodeCanvas(canvas: Canvas, opaque = true): Promise<Buffer> {
  const px = opaque ? canvas.data() : canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  releaseFrame(canvas); // the pixels are copied out
  return encodeRgba(px, canvas.width, canvas.height, opaque);
}
