// @ts-check
// A PNG encoder thread: encodes one band of an image per message, from pixels
// in a SharedArrayBuffer the main thread filled (see png.ts).
import { parentPort } from 'node:worker_threads';
import { encodeBand } from './png-bands.mjs';

if (!parentPort) throw new Error('png-worker.mjs runs as a worker thread');
const port = parentPort;

port.on(
  'message',
  (/** @type {{ id: number, pixels: SharedArrayBuffer, length: number, w: number, y0: number, y1: number, opaque: boolean, last: boolean }} */ job) => {
    try {
      const px = new Uint8Array(job.pixels, 0, job.length);
      const band = encodeBand(px, job.w, job.y0, job.y1, job.opaque, job.last);
      // Hand the deflated bytes over without a copy when they own their memory.
      const own = band.body.byteOffset === 0 && band.body.byteLength === band.body.buffer.byteLength;
      const body = own ? band.body : new Uint8Array(band.body); // a copy that owns its memory
      port.postMessage({ id: job.id, body, adler: band.adler, length: band.length }, [/** @type {ArrayBuffer} */ (body.buffer)]);
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
    }
  },
);
