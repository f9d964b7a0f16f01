// How image replies are encoded. Every reply goes out as a JPEG from Skia's
// own encoder (through @napi-rs/canvas: the pixels are copied out at the call
// and compressed on the libuv thread pool). Measured on the real renders
// (bench/images.ts), JPEG is 5-7x smaller than PNG and encodes in 4-19 ms,
// against 55-310 ms for Skia's PNG and 10-95 ms for the two-thread PNG
// encoder of our own that it replaced; WebP was a fifth to a third smaller
// again but took 20-150 ms, more than the whole drawing (medians, README). The drawings are opaque (a card is composited
// on the dark background), so JPEG's missing alpha costs nothing.
import type { Canvas } from '@napi-rs/canvas';
import { releaseFrame } from './gfx.js';

/** The format of every image reply: attachments are named `<name>.<ext>`. */
export const IMAGE_FORMAT = { ext: 'jpg', contentType: 'image/jpeg' } as const;

/** No image reply is larger than this (the capacity issue's budget). */
export const MAX_IMAGE_BYTES = 250 * 1024;

/**
 * Qualities tried in turn. 85 keeps text and card edges crisp, and a 10-pull
 * of detailed art comes to ~215 KB (at 90 it was ~265 KB, over the budget); an
 * image still over the budget steps down. Pure noise at 1100x700 needs ~40.
 */
const QUALITIES = [85, 75, 65, 50, 40] as const;

/**
 * Encodes a finished drawing as the reply format and hands a frame canvas
 * back for reuse once Skia is done reading it.
 */
export async function encodeImage(canvas: Canvas): Promise<Buffer> {
  try {
    let out: Buffer | null = null;
    for (const q of QUALITIES) {
      out = await canvas.encode('jpeg', q);
      if (out.length <= MAX_IMAGE_BYTES) break;
    }
    return out!;
  } finally {
    releaseFrame(canvas);
  }
}
