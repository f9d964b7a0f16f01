// Fast PNG encoder. Skia's encoder (zlib level 6, adaptive filters) takes
// 70-130 ms for an 1100x700 sheet of art, which alone would blow the 40 ms
// budget. We take the RGBA pixels, apply the "Up" filter on RGB (one tight
// loop, a few ms) and deflate at level 1 on the libuv pool (async, off the
// event loop). Run-length matching only (Z_RLE): after the Up filter, art
// residuals are small numbers that Huffman codes well and flat areas are
// runs; skipping the general LZ77 search halves the deflate time, and RLE
// costs no more than Huffman-only while coming out a fifth smaller.
// A big image is deflated as a few bands at once on the pool, each ending on
// a byte boundary (sync flush) so the raw streams join into one, as pigz does;
// the zlib checksum (Adler-32) is summed here meanwhile.
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { Canvas } from '@napi-rs/canvas';
import { releaseFrame } from './gfx.js';

const deflateRaw = promisify(zlib.deflateRaw);

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  // zlib.crc32 exists from Node 20.15; fall back to a table for older 20.x.
  const native = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
  if (native) return native(buf) >>> 0;
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Filtered-row buffers kept for reuse, a couple per size: allocating and
// first touching megabytes per render costs milliseconds on a VM (and GC).
const idleRows = new Map<number, Buffer[]>();
function takeRowBuffer(size: number): Buffer {
  return idleRows.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}
function giveRowBuffer(buf: Buffer): void {
  const list = idleRows.get(buf.length) ?? [];
  if (list.length < 2) list.push(buf);
  idleRows.set(buf.length, list);
}

/**
 * Encodes RGBA pixels as PNG. `opaque` drops the alpha channel (colour type 2),
 * which is a quarter less data to filter and compress.
 */
export async function encodeRgba(data: Uint8ClampedArray | Uint8Array, w: number, h: number, opaque: boolean): Promise<Buffer> {
  const bpp = opaque ? 3 : 4;
  const stride = w * bpp + 1;
  const raw = takeRowBuffer(stride * h);
  const rowIn = w * 4;
  if (opaque && LITTLE_ENDIAN) {
    // Read whole pixels as 32-bit words and subtract the pixel above bytewise
    // in one go (SWAR: no borrow crosses a byte), then store R, G, B.
    const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, w * h) : new Uint32Array(Uint8Array.from(data).buffer);
    const HI = 0x80808080 | 0;
    const LO = 0x7f7f7f7f;
    for (let y = 0; y < h; y++) {
      let o = y * stride;
      let i = y * w;
      if (y === 0) {
        raw[o++] = 0; // filter None
        for (let x = 0; x < w; x++, i++) {
          const v = words[i]!;
          raw[o++] = v & 255;
          raw[o++] = (v >>> 8) & 255;
          raw[o++] = (v >>> 16) & 255;
        }
      } else {
        raw[o++] = 2; // filter Up
        for (let x = 0; x < w; x++, i++) {
          const c = words[i]!;
          const u = words[i - w]!;
          const d = ((c | HI) - (u & LO)) ^ ((c ^ ~u) & HI);
          raw[o++] = d & 255;
          raw[o++] = (d >>> 8) & 255;
          raw[o++] = (d >>> 16) & 255;
        }
      }
    }
  } else {
    for (let y = 0; y < h; y++) {
      let o = y * stride;
      const s = y * rowIn;
      raw[o++] = y === 0 ? 0 : 2;
      for (let x = 0; x < rowIn; x += 4) {
        for (let k = 0; k < bpp; k++) raw[o++] = (data[s + x + k]! - (y === 0 ? 0 : data[s - rowIn + x + k]!)) & 255;
      }
    }
  }
  let idat: Buffer;
  try {
    idat = await zlibStream(raw, h, stride);
  } finally {
    giveRowBuffer(raw);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = opaque ? 2 : 6; // colour type: RGB or RGBA
  // compression, filter method, interlace: all 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
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

/** Bands deflated side by side: about one per ~1 MB of filtered rows, at most 4 (the libuv pool's size). */
const BAND_BYTES = 1 << 20;
const MAX_BANDS = 4;

/** A zlib stream (RFC 1950) of `raw`, whose `rows` rows are `stride` bytes each. */
async function zlibStream(raw: Buffer, rows: number, stride: number): Promise<Buffer> {
  const bands = Math.max(1, Math.min(MAX_BANDS, Math.round(raw.length / BAND_BYTES)));
  const options = { level: 1, memLevel: 9, strategy: zlib.constants.Z_RLE };
  const parts: Promise<Buffer>[] = [];
  for (let b = 0; b < bands; b++) {
    const from = Math.floor((rows * b) / bands) * stride;
    const to = Math.floor((rows * (b + 1)) / bands) * stride;
    const last = b === bands - 1;
    // One output chunk per band: with the default 16 KB chunks, each chunk is a
    // trip from the pool back to the event loop, which here costs more than the
    // deflating (an 1100x700 sheet: 26 ms async against 9 ms sync).
    const chunkSize = Math.max(64 * 1024, to - from + 4096);
    parts.push(deflateRaw(raw.subarray(from, to), { ...options, chunkSize, finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH }));
  }
  const sum = adler32(raw); // runs while the pool deflates
  const header = Buffer.from([0x78, 0x01]); // deflate, 32 KB window, fastest
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(sum, 0);
  // Settle all before returning: the caller reuses `raw` once we do.
  const done = await Promise.allSettled(parts);
  const bodies = done.map((d) => {
    if (d.status === 'rejected') throw d.reason;
    return d.value;
  });
  return Buffer.concat([header, ...bodies, trailer]);
}

/** Adler-32 (RFC 1950 §8.2), summing in blocks short enough that nothing overflows. */
export function adler32(buf: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = buf.length;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + 5552);
    for (; i < end; i++) {
      a += buf[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
