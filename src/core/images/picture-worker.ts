// A picture worker (pictures.ts, WorkerPictures): draws what it is sent with
// an art cache of its own and posts the encoded image back.
import { parentPort, workerData } from 'node:worker_threads';
import { ArtCache, type ArtCacheOptions } from './art.js';
import { drawPicture, type PictureArgs, type PictureRequest, type WorkerReply } from './pictures.js';

const port = parentPort;
if (!port) throw new Error('picture-worker.js runs as a worker thread');
const art = new ArtCache((workerData as { art: ArtCacheOptions }).art);

port.on('message', (m: PictureRequest) => {
  drawPicture(art, m.name, m.args as PictureArgs<typeof m.name>).then(
    (image) => port.postMessage({ id: m.id, image } satisfies WorkerReply),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id: m.id, error: { message: e.message, stack: e.stack } } satisfies WorkerReply);
    },
  );
});
