// @ts-check
// The CPU work of the PNG encoder, for one horizontal band of an image:
// filter the rows, sum their Adler-32, deflate them. Plain JavaScript with no
// imports from the project, so the encoder's worker threads (png-worker.mjs)
// load it as it is under any runner (tsx, vitest, compiled dist) and the
// in-thread fallback in png.ts runs the very same code.
//
// Filtering: "Up" on every row but the first (None). For an opaque image the
// alpha byte is dropped (colour type 2). Deflate: level 1, run-length matching
// only (Z_RLE) — after the Up filter, art residuals are small numbers that
// Huffman codes well and flat areas are runs, so the general LZ77 search buys
// little and costs twice the time. A band that is not the last ends on a sync
// flush (a byte boundary, no final-block bit), so bands deflated apart join
// into one stream, as pigz does.
import zlib from 'node:zlib';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = 0x80808080 | 0;
const LO = 0x7f7f7f7f;
const ADLER_MOD = 65521;

/**
 * Filtered rows y0..y1-1 of an RGBA image (each row: filter byte, then pixels).
 * @param {Uint8Array} px RGBA pixels of the whole image (straight alpha)
 * @param {number} w
 * @param {number} y0
 * @param {number} y1
 * @param {boolean} opaque
 * @returns {Buffer}
 */
export function filterBand(px, w, y0, y1, opaque) {
  const bpp = opaque ? 3 : 4;
  const stride = w * bpp + 1;
  const raw = Buffer.allocUnsafe(stride * (y1 - y0));
  let o = 0;
  if (opaque && LITTLE_ENDIAN && px.byteOffset % 4 === 0) {
    // Whole pixels as 32-bit words; subtract the pixel above bytewise in one
    // go (SWAR: no borrow crosses a byte), then store R, G, B.
    const words = new Uint32Array(px.buffer, px.byteOffset, px.length >>> 2);
    for (let y = y0; y < y1; y++) {
      let i = y * w;
      const end = i + w;
      if (y === 0) {
        raw[o++] = 0; // None
        for (; i < end; i++) {
          const v = /** @type {number} */ (words[i]);
          raw[o++] = v & 255;
          raw[o++] = (v >>> 8) & 255;
          raw[o++] = (v >>> 16) & 255;
        }
      } else {
        raw[o++] = 2; // Up
        for (; i < end; i++) {
          const c = /** @type {number} */ (words[i]);
          const u = /** @type {number} */ (words[i - w]);
          const d = ((c | HI) - (u & LO)) ^ ((c ^ ~u) & HI);
          raw[o++] = d & 255;
          raw[o++] = (d >>> 8) & 255;
          raw[o++] = (d >>> 16) & 255;
        }
      }
    }
    return raw;
  }
  const rowIn = w * 4;
  for (let y = y0; y < y1; y++) {
    const s = y * rowIn;
    raw[o++] = y === 0 ? 0 : 2;
    for (let x = 0; x < rowIn; x += 4) {
      // biome-ignore format: the JSDoc casts need their parentheses
      for (let k = 0; k < bpp; k++) raw[o++] = (/** @type {number} */ (px[s + x + k]) - (y === 0 ? 0 : /** @type {number} */ (px[s - rowIn + x + k]))) & 255;
    }
  }
  return raw;
}

/**
 * Adler-32 (RFC 1950 §8.2), summed in blocks short enough that nothing overflows.
 * @param {Uint8Array} buf
 * @returns {number}
 */
export function adler32(buf) {
  let a = 1;
  let b = 0;
  const n = buf.length;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + 5552);
    for (; i < end; i++) {
      a += /** @type {number} */ (buf[i]);
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Adler-32 of two byte runs joined, from theirs and the second's length:
 * with A = 1 + Σ bytes and B = Σ of the running A, joining gives
 * A = A1 + A2 - 1 and B = B1 + B2 + len2 · (A1 - 1).
 * @param {number} first
 * @param {number} second
 * @param {number} secondLength
 * @returns {number}
 */
export function adler32Join(first, second, secondLength) {
  const a1 = first & 0xffff;
  const b1 = first >>> 16;
  const a2 = second & 0xffff;
  const b2 = second >>> 16;
  const a = (a1 + a2 + ADLER_MOD - 1) % ADLER_MOD;
  const b = (b1 + b2 + (secondLength % ADLER_MOD) * ((a1 + ADLER_MOD - 1) % ADLER_MOD)) % ADLER_MOD;
  return ((b << 16) | a) >>> 0;
}

/**
 * @typedef {object} EncodedBand
 * @property {Buffer} body raw deflate data for the band
 * @property {number} adler Adler-32 of the band's filtered bytes
 * @property {number} length how many filtered bytes the band holds
 */

/**
 * Filters, sums and deflates rows y0..y1-1.
 * @param {Uint8Array} px
 * @param {number} w
 * @param {number} y0
 * @param {number} y1
 * @param {boolean} opaque
 * @param {boolean} last the image's final band (ends the deflate stream)
 * @returns {EncodedBand}
 */
export function encodeBand(px, w, y0, y1, opaque, last) {
  const raw = filterBand(px, w, y0, y1, opaque);
  const body = zlib.deflateRawSync(raw, {
    level: 1,
    memLevel: 9,
    strategy: zlib.constants.Z_RLE,
    // One output chunk: fewer, larger writes.
    chunkSize: Math.max(64 * 1024, raw.length + 4096),
    finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  });
  return { body, adler: adler32(raw), length: raw.length };
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** @type {Int32Array | null} */
let crcTable = null;
/**
 * CRC-32 of a PNG chunk: zlib's own from Node 20.15, a table before that.
 * @param {Uint8Array} buf
 * @returns {number}
 */
function crc32(buf) {
  const native = /** @type {{ crc32?: (b: Uint8Array) => number }} */ (/** @type {unknown} */ (zlib)).crc32;
  if (native) return native(buf) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = /** @type {number} */ (crcTable[/** @type {number} */ (c ^ /** @type {number} */ (buf[i])) & 0xff]) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * @param {string} type
 * @param {Uint8Array} data
 * @returns {Buffer}
 */
function chunk(type, data) {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * The PNG file from its bands, top to bottom.
 * @param {number} w
 * @param {number} h
 * @param {boolean} opaque
 * @param {EncodedBand[]} bands
 * @returns {Buffer}
 */
export function assemblePng(w, h, opaque, bands) {
  let sum = 1; // Adler-32 of nothing
  for (const b of bands) sum = adler32Join(sum, b.adler, b.length);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(sum, 0);
  // zlib header: deflate, 32 KB window, fastest level; then the bands.
  const idat = Buffer.concat([Buffer.from([0x78, 0x01]), ...bands.map((b) => b.body), trailer]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = opaque ? 2 : 6; // colour type: RGB or RGBA
  // compression, filter method, interlace: all 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
