import { describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeRgba } from '../../../src/core/images/png.js';
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
});
