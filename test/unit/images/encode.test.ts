// What the reply encoding does to the drawings: every image reply is a JPEG
// within the byte budget that looks like the lossless drawing it came from.
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { ArtCache } from '../../../src/core/images/art.js';
import { frameCanvas, releaseFrame } from '../../../src/core/images/gfx.js';
import { encodeImage, IMAGE_FORMAT, MAX_IMAGE_BYTES } from '../../../src/core/images/index.js';
import { renderCard } from '../../../src/core/images/render.js';
import { CARDS, imageCases } from './fixtures.js';
import { decode, diffFraction, meanAbsDiff, pixelsOf } from './pixels.js';

/** Art for the renders: these inputs have no art URLs, so nothing is fetched. */
const testArt = new ArtCache();

const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

describe('image replies', () => {
  it('are named by one format constant: JPEG', () => {
    expect(IMAGE_FORMAT).toEqual({ ext: 'jpg', contentType: 'image/jpeg' });
  });

  for (const [name, c] of Object.entries(imageCases)) {
    if (!c.render) continue;
    it(`${name}: a JPEG of at most 250 KB that keeps the drawing`, async () => {
      const reply = await c.render!();
      expect(isJpeg(reply), 'JPEG magic bytes').toBe(true);
      expect(reply.length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
      const sent = await decode(reply);
      const drawn = pixelsOf(await c.draw());
      expect([sent.w, sent.h]).toEqual([drawn.w, drawn.h]);
      // Quality 85 (measured on these): a channel is off by 1.5-2.4 of 255 on
      // average; 0.5-2% of pixels by more than 24 (edges of small text and
      // sparkles) and under 0.15% by more than 48.
      expect(meanAbsDiff(sent, drawn)).toBeLessThan(3);
      expect(diffFraction(sent, drawn, 24)).toBeLessThan(0.03);
      expect(diffFraction(sent, drawn, 48)).toBeLessThan(0.003);
    });
  }

  it('a card has no transparent corners (JPEG has no alpha): they show the dark background', async () => {
    const sent = await decode(await renderCard(CARDS[0]!, testArt));
    const corner = Array.from(sent.data.subarray(0, 4));
    expect(corner[3]).toBe(255);
    // Dark, like the images' background (#161A26 at the top), not white or black.
    expect(corner[0]).toBeGreaterThan(10);
    expect(corner[0]).toBeLessThan(40);
    expect(corner[2]).toBeGreaterThan(corner[0]!);
  });

  it('an image over the budget at the first quality steps its quality down until it fits', async () => {
    // Coarse coloured noise: ~400 KB at quality 85, far busier than any render.
    const w = 1100;
    const h = 700;
    const canvas = createCanvas(w, h);
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(w, h);
    let seed = 1;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 16) / 65536;
    };
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        const base = ((x >> 3) ^ (y >> 3)) & 1 ? 200 : 40;
        img.data[i] = base * rnd();
        img.data[i + 1] = base * rnd();
        img.data[i + 2] = base * rnd();
        img.data[i + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const first = await canvas.encode('jpeg', 85);
    expect(first.length).toBeGreaterThan(MAX_IMAGE_BYTES);
    const out = await encodeImage(canvas);
    expect(isJpeg(out)).toBe(true);
    expect(out.length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    expect((await decode(out)).w).toBe(w);
  });

  it('renders of one size running at once each get their own picture', async () => {
    // Renders share kept canvases of each size (gfx.ts frameCanvas); one is
    // reused only after its image is encoded, so no render draws over another.
    const ssr = pixelsOf(await imageCases['card-ssr']!.draw());
    const longName = pixelsOf(await imageCases['card-r-longname']!.draw());
    for (let round = 0; round < 3; round++) {
      const sent = await Promise.all([
        renderCard(CARDS[0]!, testArt),
        renderCard(CARDS[2]!, testArt),
        renderCard(CARDS[0]!, testArt),
        renderCard(CARDS[2]!, testArt),
      ]);
      for (let i = 0; i < sent.length; i++) expect(diffFraction(await decode(sent[i]!), i % 2 ? longName : ssr, 48)).toBeLessThan(0.003);
    }
  });

  it('hand their canvas back for the next render of that size, cleared and in its default state', async () => {
    const first = frameCanvas(31, 17);
    first.ctx.fillStyle = '#ff0000';
    first.ctx.globalAlpha = 0.5;
    first.ctx.translate(5, 5);
    first.ctx.fillRect(0, 0, 31, 17);
    await encodeImage(first.canvas);
    const again = frameCanvas(31, 17);
    expect(again.canvas).toBe(first.canvas);
    expect(again.ctx.globalAlpha).toBe(1);
    expect(again.ctx.getTransform().e).toBe(0);
    expect(Buffer.from(again.canvas.data()).every((b) => b === 0)).toBe(true);
    // Taken and not handed back: the next one is a new canvas.
    expect(frameCanvas(31, 17).canvas).not.toBe(again.canvas);
    releaseFrame(again.canvas);
  });
});
