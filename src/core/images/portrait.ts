// Drawn placeholder art: the character's initials on a rarity gradient, with
// decoration seeded by the character id, so the same character always looks
// the same and different characters look different.
import type { Canvas } from '@napi-rs/canvas';
import { LRUCache } from 'lru-cache';
import { font } from './fonts.js';
import { type Ctx, newCanvas, RARITY, radialGlow, seeded } from './gfx.js';
import type { CardRarity } from './types.js';

/** Up to two initials: first letters of the first and last words (code points). */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s\-_.·・]+/u)
    .filter((w) => w.length > 0);
  if (words.length === 0) return '?';
  const first = Array.from(words[0]!);
  // A single CJK word: its first two characters read better than one.
  if (words.length === 1) {
    const isCjk = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u.test(first[0] ?? '');
    return (isCjk ? first.slice(0, 2).join('') : (first[0] ?? '?')).toUpperCase();
  }
  const last = Array.from(words[words.length - 1]!);
  return ((first[0] ?? '') + (last[0] ?? '')).toUpperCase();
}

function shiftHue(hex: string, deg: number): string {
  // Rotate a hex colour's hue so two characters of one rarity differ slightly.
  const n = parseInt(hex.slice(1), 16);
  const r = ((n >> 16) & 255) / 255;
  const g = ((n >> 8) & 255) / 255;
  const b = (n & 255) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  let h = 0;
  let s = 0;
  if (max !== min) {
    const d = max - min;
    s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
    h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
    h *= 60;
  }
  h = (h + deg + 360) % 360;
  return `hsl(${h.toFixed(1)}, ${(s * 100).toFixed(1)}%, ${(l * 100).toFixed(1)}%)`;
}

function paint(ctx: Ctx, characterId: number, name: string, rarity: CardRarity, w: number, h: number): void {
  const rnd = seeded(characterId * 2654435761);
  const style = RARITY[rarity];
  const hue = (rnd() - 0.5) * 50;
  const [c0, c1, c2] = style.portrait;
  const angle = rnd() * 0.6 - 0.3;
  const g = ctx.createLinearGradient(w * (0.5 + angle), 0, w * (0.5 - angle), h);
  g.addColorStop(0, shiftHue(c0, hue));
  g.addColorStop(0.55, shiftHue(c1, hue));
  g.addColorStop(1, shiftHue(c2, hue));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);

  const unit = Math.min(w, h);
  // Soft bokeh circles.
  for (let i = 0; i < 7; i++) {
    const x = rnd() * w;
    const y = rnd() * h * 0.8;
    const r = unit * (0.08 + rnd() * 0.22);
    radialGlow(ctx, x, y, r, `rgba(255,255,255,${(0.05 + rnd() * 0.1).toFixed(3)})`);
  }
  // A diagonal light beam: a rotated band whose gradient runs across its
  // width, so it fades out on both edges.
  ctx.save();
  ctx.translate(w * (0.2 + rnd() * 0.6), h / 2);
  ctx.rotate(0.25 + rnd() * 0.3);
  const half = unit * (0.12 + rnd() * 0.12);
  const beam = ctx.createLinearGradient(-half, 0, half, 0);
  beam.addColorStop(0, 'rgba(255,255,255,0)');
  beam.addColorStop(0.5, 'rgba(255,255,255,0.13)');
  beam.addColorStop(1, 'rgba(255,255,255,0)');
  ctx.fillStyle = beam;
  ctx.fillRect(-half, -h, half * 2, h * 2);
  ctx.restore();

  // Star dust.
  ctx.save();
  for (let i = 0; i < 26; i++) {
    ctx.fillStyle = `rgba(255,255,255,${(0.15 + rnd() * 0.5).toFixed(3)})`;
    ctx.beginPath();
    ctx.arc(rnd() * w, rnd() * h, unit * (0.003 + rnd() * 0.006), 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();

  // Concentric rings behind the initials.
  const cx = w / 2;
  const cy = h * 0.4;
  ctx.save();
  ctx.strokeStyle = 'rgba(255,255,255,0.14)';
  for (let i = 0; i < 3; i++) {
    ctx.lineWidth = Math.max(1, unit * (0.008 + i * 0.004));
    ctx.beginPath();
    ctx.arc(cx, cy, unit * (0.26 + i * 0.09), 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.restore();

  // Vignette at the bottom so the card's text area stays calm.
  const vg = ctx.createLinearGradient(0, h * 0.6, 0, h);
  vg.addColorStop(0, 'rgba(0,0,0,0)');
  vg.addColorStop(1, 'rgba(0,0,0,0.25)');
  ctx.fillStyle = vg;
  ctx.fillRect(0, h * 0.6, w, h * 0.4);

  // Initials.
  const initials = initialsOf(name);
  const size = unit * (Array.from(initials).length > 1 ? 0.3 : 0.38);
  ctx.save();
  ctx.font = font(size, { bold: true }, initials);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.shadowColor = 'rgba(0,0,0,0.45)';
  ctx.shadowBlur = unit * 0.04;
  ctx.shadowOffsetY = unit * 0.01;
  ctx.fillStyle = 'rgba(255,255,255,0.93)';
  ctx.fillText(initials, cx, cy);
  ctx.restore();
}

// Bounded by pixels, not entries: each drawing thread (pictures.ts) holds its own.
const cache = new LRUCache<string, Canvas>({ max: 128, maxSize: 12 * 2 ** 20, sizeCalculation: (c) => Math.max(1, c.width * c.height * 4) });

/**
 * Placeholder portrait (a Canvas, usable with drawImage). Cached: drawing one
 * costs ~1 ms, but a 10-pull of placeholders would repeat it ten times.
 */
export function drawnPortrait(characterId: number, name: string, rarity: CardRarity, w: number, h: number): Canvas {
  const W = Math.max(1, Math.round(w));
  const H = Math.max(1, Math.round(h));
  const key = `${characterId}|${rarity}|${W}x${H}|${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { canvas, ctx } = newCanvas(W, H);
  paint(ctx, characterId, name, rarity, W, H);
  cache.set(key, canvas);
  return canvas;
}
