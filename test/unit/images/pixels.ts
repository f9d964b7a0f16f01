// Pixel helpers for the image tests: decode an image file, read a drawing,
// compare two pictures.
import { type Canvas, createCanvas, loadImage } from '@napi-rs/canvas';
import { releaseFrame } from '../../../src/core/images/gfx.js';

export interface Pixels {
  w: number;
  h: number;
  /** RGBA, straight alpha. */
  data: Uint8ClampedArray;
}

/** Decodes an encoded image (PNG, JPEG, …). */
export async function decode(file: Buffer): Promise<Pixels> {
  const img = await loadImage(file);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { w: img.width, h: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

/** Reads a drawing's pixels and hands its frame canvas back. */
export function pixelsOf(canvas: Canvas): Pixels {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  releaseFrame(canvas);
  return { w: canvas.width, h: canvas.height, data };
}

/** Fraction of pixels where any channel differs by more than `tol` (0-255); 1 when the sizes differ. */
export function diffFraction(a: Pixels, b: Pixels, tol = 24): number {
  if (a.w !== b.w || a.h !== b.h) return 1;
  let bad = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let k = 0; k < 4; k++) {
      if (Math.abs(a.data[i + k]! - b.data[i + k]!) > tol) {
        bad++;
        break;
      }
    }
  }
  return bad / (a.w * a.h);
}

/** Mean absolute difference per colour channel (0-255). */
export function meanAbsDiff(a: Pixels, b: Pixels): number {
  if (a.w !== b.w || a.h !== b.h) return 255;
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    sum += Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!);
  }
  return sum / ((a.data.length / 4) * 3);
}
