import { deflateSync, inflateSync } from 'node:zlib';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { frameCanvas, releaseFrame } from '../../../src/core/images/gfx.js';
import { adler32, adler32Join, encodeRgba, encoderStats } from '../../../src/core/images/png.js';
import { assemblePng, encodeBand } from '../../../src/core/images/png-bands.mjs';
import { Rng } from '../../../src/core/rng.js';

async function decode(png: Buffer, w: number, h: number): Promise<Uint8ClampedArray> {
  const img = await loadImage(png);
  expect([img.width, img.height]).toEqual([w, h]);
  const c = createCanvas(w, h);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, w, h).data;
}

describe('PNG encoder', () => {
  it('round-trips opaque pixels exactly', async () => {
    const rng = new Rng(3);
    const w = 37;
    const h = 23;
    const px = new Uint8Array(w * h * 4);
    for (let i = 0; i < px.length; i++) px[i] = i % 4 === 3 ? 255 : rng.int(0, 255);
    const out = await decode(await encodeRgba(px, w, h, true), w, h);
    expect(Buffer.from(out).equals(Buffer.from(px))).toBe(true);
  });

  it('round-trips opaque pixels from an unaligned buffer', async () => {
    const w = 9;
    const h = 5;
    const backing = new Uint8Array(w * h * 4 + 1);
    const px = backing.subarray(1);
    for (let i = 0; i < px.length; i++) px[i] = i % 4 === 3 ? 255 : (i * 37) & 255;
    const out = await decode(await encodeRgba(px, w, h, true), w, h);
    expect(Buffer.from(out).equals(Buffer.from(px))).toBe(true);
  });

  it('keeps alpha when not opaque', async () => {
    const w = 4;
    const h = 3;
    const px = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) px.set([255, 0, 0, i % 2 ? 255 : 0], i * 4);
    const out = await decode(await encodeRgba(px, w, h, false), w, h);
    for (let i = 0; i < w * h; i++) expect(out[i * 4 + 3]).toBe(i % 2 ? 255 : 0);
  });

  it('joins a big image deflated in bands into one valid zlib stream', async () => {
    const rng = new Rng(9);
    const w = 1100;
    const h = 700; // 2.3 MB of filtered rows: several bands
    const px = new Uint8Array(w * h * 4);
    for (let i = 0; i < px.length; i++) px[i] = i % 4 === 3 ? 255 : (i >> 12) % 7 === 0 ? rng.int(0, 255) : (i >> 10) & 255;
    const png = await encodeRgba(px, w, h, true);
    // zlib checks the Adler-32 trailer: a wrong join or sum throws here.
    const idatAt = png.indexOf('IDAT', 0, 'latin1');
    const idat = png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4));
    expect(inflateSync(idat).length).toBe((w * 3 + 1) * h);
    const out = await decode(png, w, h);
    expect(Buffer.from(out).equals(Buffer.from(px))).toBe(true);
  });

  it('sums Adler-32 as zlib does', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    const big = new Uint8Array(100_000).fill(255); // past the 5552-byte blocks
    const z = deflateSync(big);
    expect(adler32(big)).toBe(z.readUInt32BE(z.length - 4));
  });

  it('joins Adler-32 sums of byte runs', () => {
    const rng = new Rng(4);
    const bytes = Buffer.from(Array.from({ length: 70_001 }, () => rng.int(0, 255)));
    for (const cut of [0, 1, 5552, 40_000, 70_001]) {
      expect(adler32Join(adler32(bytes.subarray(0, cut)), adler32(bytes.subarray(cut)), bytes.length - cut)).toBe(adler32(bytes));
    }
  });

  it('encodes the same bytes in the worker threads as in-thread, and many at once', async () => {
    const w = 600;
    const h = 900; // two bands
    const px = new Uint8Array(w * h * 4);
    for (let i = 0; i < px.length; i++) px[i] = i % 4 === 3 ? 255 : ((i >> 9) * 31 + (i % 7)) & 255;
    const mid = h / 2;
    const inThread = assemblePng(w, h, true, [encodeBand(px, w, 0, mid, true, false), encodeBand(px, w, mid, h, true, true)]);
    const before = { ...encoderStats() };
    const results = await Promise.all(Array.from({ length: 8 }, () => encodeRgba(px, w, h, true)));
    for (const png of results) expect(png.equals(inThread)).toBe(true);
    expect(encoderStats().threaded - before.threaded).toBe(8);
    expect(encoderStats().inThread).toBe(before.inThread);
    expect(Buffer.from(await decode(inThread, w, h)).equals(Buffer.from(px))).toBe(true);
    // Pixels not on a 4-byte boundary take the bytewise filter: same bytes.
    const shifted = new Uint8Array(px.length + 1).subarray(1);
    shifted.set(px);
    expect(encodeBand(shifted, w, 0, mid, true, false).body.equals(encodeBand(px, w, 0, mid, true, false).body)).toBe(true);
  });

  it('hands back a kept frame canvas cleared, with default state', () => {
    const first = frameCanvas(31, 17);
    first.ctx.fillStyle = '#ff0000';
    first.ctx.globalAlpha = 0.5;
    first.ctx.translate(5, 5);
    first.ctx.fillRect(0, 0, 31, 17);
    first.canvas.data();
    releaseFrame(first.canvas);
    const again = frameCanvas(31, 17);
    expect(again.canvas).toBe(first.canvas);
    expect(again.ctx.globalAlpha).toBe(1);
    expect(again.ctx.getTransform().e).toBe(0);
    expect(Buffer.from(again.canvas.data()).every((b) => b === 0)).toBe(true);
    // Taken and not handed back: the next one is a new canvas.
    expect(frameCanvas(31, 17).canvas).not.toBe(again.canvas);
  });
});
