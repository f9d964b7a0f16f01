// Shared drawing helpers: palette, shapes, text fitting, formatting.
import { type Canvas, createCanvas, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import { LRUCache } from 'lru-cache';
import { ensureFonts, font } from './fonts.js';
import type { CardRarity } from './types.js';

export type Ctx = SKRSContext2D;
export type Drawable = Canvas | Image;

export interface RarityStyle {
  /** Main accent colour (tags, glows). */
  accent: string;
  /** Text colour on the accent. */
  onAccent: string;
  /** Portrait gradient stops (top to bottom). */
  portrait: [string, string, string];
}

export const RARITY: Record<CardRarity, RarityStyle> = {
  R: { accent: '#9AA3AF', onAccent: '#15181D', portrait: ['#5B6B82', '#353F52', '#1B2130'] },
  SR: { accent: '#DA70D6', onAccent: '#1E0B1F', portrait: ['#B35FC4', '#6A2F86', '#2A1240'] },
  SSR: { accent: '#FFC83D', onAccent: '#2A1A00', portrait: ['#FFB347', '#E0527A', '#4B1D5E'] },
  UR: { accent: '#FF4D6D', onAccent: '#FFFFFF', portrait: ['#FFE08A', '#E23A5B', '#300A2A'] },
};

export const BG_TOP = '#161A26';
export const BG_BOTTOM = '#0B0D14';
export const TEXT = '#F2F4F8';
export const TEXT_DIM = '#A7AFC2';
export const PANEL = 'rgba(255,255,255,0.05)';
export const PANEL_EDGE = 'rgba(255,255,255,0.10)';

/** New canvas with text defaults set (fonts registered, fixed lang). */
export function newCanvas(w: number, h: number): { canvas: Canvas; ctx: Ctx } {
  ensureFonts();
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  textDefaults(ctx);
  return { canvas, ctx };
}

function textDefaults(ctx: Ctx): void {
  ctx.lang = 'en'; // the default follows the host language and can change glyphs
  ctx.textBaseline = 'alphabetic';
}

// Frame canvases: the few sizes the renders draw on, kept for reuse. A new
// 1100x700 surface costs more to allocate and first touch (several ms on a
// VM, where fresh pages fault slowly) than to draw on; a kept one is reset in
// well under a millisecond. A render takes its canvas, draws and hands it
// back in encodeImage (encode.ts) once it is encoded, so one kept canvas per
// size is enough; a render while another is encoding simply gets a new one.
const idleFrames = new Map<string, Canvas>();
const frames = new WeakSet<Canvas>();

/** A cleared canvas for a whole render; `releaseFrame` returns it for reuse. */
export function frameCanvas(w: number, h: number): { canvas: Canvas; ctx: Ctx } {
  const key = `${w}x${h}`;
  const kept = idleFrames.get(key);
  if (!kept) {
    const made = newCanvas(w, h);
    frames.add(made.canvas);
    return made;
  }
  idleFrames.delete(key);
  const ctx = kept.getContext('2d');
  ctx.reset(); // transparent pixels, default state
  textDefaults(ctx);
  return { canvas: kept, ctx };
}

/** Hands a frame canvas back (others are left alone). Its pixels must be read already. */
export function releaseFrame(canvas: Canvas): void {
  if (frames.has(canvas)) idleFrames.set(`${canvas.width}x${canvas.height}`, canvas);
}

/** Dark background with a soft vertical gradient and two faint glows. */
export function background(ctx: Ctx, w: number, h: number, glow: string = 'rgba(120,90,255,0.16)', glow2 = 'rgba(0,180,255,0.10)'): void {
  // The same few backgrounds are drawn over and over; painting one costs ~8 ms
  // (hatching, big glows), copying a cached one ~1 ms.
  const key = `${w}x${h}|${glow}|${glow2}`;
  let bg = backgrounds.get(key);
  if (!bg) {
    bg = createCanvas(w, h);
    paintBackground(bg.getContext('2d'), w, h, glow, glow2);
    backgrounds.set(key, bg);
  }
  ctx.drawImage(bg, 0, 0);
}

// A full-size background is 3-4 MB of pixels: bounded by bytes (each drawing thread holds its own).
const backgrounds = new LRUCache<string, Canvas>({ max: 24, maxSize: 24 * 2 ** 20, sizeCalculation: (c) => Math.max(1, c.width * c.height * 4) });

function paintBackground(ctx: Ctx, w: number, h: number, glow: string, glow2: string): void {
  const g = ctx.createLinearGradient(0, 0, 0, h);
  g.addColorStop(0, BG_TOP);
  g.addColorStop(1, BG_BOTTOM);
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  radialGlow(ctx, w * 0.15, h * 0.1, Math.max(w, h) * 0.55, glow);
  radialGlow(ctx, w * 0.9, h * 0.95, Math.max(w, h) * 0.5, glow2);
  // faint diagonal hatching gives texture without noise
  ctx.save();
  ctx.strokeStyle = 'rgba(255,255,255,0.018)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let x = -h; x < w; x += 14) {
    ctx.moveTo(x, h);
    ctx.lineTo(x + h, 0);
  }
  ctx.stroke();
  ctx.restore();
}

export function radialGlow(ctx: Ctx, x: number, y: number, r: number, color: string): void {
  const g = ctx.createRadialGradient(x, y, 0, x, y, r);
  g.addColorStop(0, color);
  g.addColorStop(1, 'rgba(0,0,0,0)');
  ctx.fillStyle = g;
  ctx.fillRect(x - r, y - r, r * 2, r * 2);
}

export function roundRectPath(ctx: Ctx, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, Math.max(0, Math.min(r, w / 2, h / 2)));
}

/** Panel: translucent fill, hairline edge, optional drop shadow. */
export function panel(ctx: Ctx, x: number, y: number, w: number, h: number, r: number, fill: string = PANEL, edge: string = PANEL_EDGE, shadow = true): void {
  ctx.save();
  if (shadow) {
    ctx.shadowColor = 'rgba(0,0,0,0.45)';
    ctx.shadowBlur = 14;
    ctx.shadowOffsetY = 4;
  }
  roundRectPath(ctx, x, y, w, h, r);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.restore();
  ctx.save();
  roundRectPath(ctx, x + 0.5, y + 0.5, w - 1, h - 1, r);
  ctx.strokeStyle = edge;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.restore();
}

/** Draws `img` to fill the box, cropping the overflow (CSS object-fit: cover). */
export function drawCover(ctx: Ctx, img: Drawable, x: number, y: number, w: number, h: number, focusY = 0.3): void {
  const iw = img.width;
  const ih = img.height;
  if (!iw || !ih) return;
  const scale = Math.max(w / iw, h / ih);
  const sw = w / scale;
  const sh = h / scale;
  const sx = (iw - sw) / 2;
  // Portraits have faces near the top: bias the vertical crop upwards.
  const sy = (ih - sh) * focusY;
  ctx.drawImage(img, sx, sy, sw, sh, x, y, w, h);
}

/** Five-pointed star path centred at (cx, cy). */
export function starPath(ctx: Ctx, cx: number, cy: number, outer: number, inner = outer * 0.48): void {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const px = cx + Math.cos(a) * r;
    const py = cy + Math.sin(a) * r;
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.closePath();
}

/** Lightning bolt icon for power, inside a box of height `s`. */
export function boltPath(ctx: Ctx, x: number, y: number, s: number): void {
  const k = s / 16;
  ctx.beginPath();
  ctx.moveTo(x + 9 * k, y);
  ctx.lineTo(x + 2 * k, y + 9 * k);
  ctx.lineTo(x + 7 * k, y + 9 * k);
  ctx.lineTo(x + 5 * k, y + 16 * k);
  ctx.lineTo(x + 13 * k, y + 6 * k);
  ctx.lineTo(x + 8 * k, y + 6 * k);
  ctx.lineTo(x + 10 * k, y);
  ctx.closePath();
}

export function drawBolt(ctx: Ctx, x: number, y: number, s: number, color = '#FFD54A'): void {
  ctx.save();
  boltPath(ctx, x, y, s);
  ctx.fillStyle = color;
  ctx.fill();
  ctx.restore();
}

/** Key icon (bounty keys). */
export function drawKey(ctx: Ctx, x: number, y: number, s: number, color: string): void {
  const k = s / 20;
  ctx.save();
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = 3 * k;
  ctx.beginPath();
  ctx.arc(x + 6 * k, y + 10 * k, 5 * k, 0, Math.PI * 2);
  ctx.stroke();
  ctx.fillRect(x + 10.5 * k, y + 8.5 * k, 9 * k, 3 * k);
  ctx.fillRect(x + 15 * k, y + 11 * k, 2.5 * k, 4 * k);
  ctx.fillRect(x + 18 * k, y + 11 * k, 2 * k, 3 * k);
  ctx.restore();
}

// ---- text -------------------------------------------------------------

let scratch: Ctx | null = null;
function measureCtx(): Ctx {
  if (!scratch) scratch = newCanvas(1, 1).ctx;
  return scratch;
}

/** Width in px of `text` drawn with the CSS font string `f`. */
export function measureTextWidth(text: string, f: string): number {
  const ctx = measureCtx();
  if (ctx.font !== f) ctx.font = f;
  return ctx.measureText(text).width;
}

export interface FittedText {
  text: string;
  size: number;
  width: number;
  font: string;
}

/**
 * Fits text in `maxWidth`: shrink the font from `maxSize` down to `minSize`,
 * and if it still does not fit, cut it (by code point) and add an ellipsis.
 */
export function fitText(text: string, maxWidth: number, maxSize: number, minSize: number, opts: { bold?: boolean; cond?: boolean } = {}): FittedText {
  const key = `${text}\u0000${maxWidth}|${maxSize}|${minSize}|${opts.bold ? 1 : 0}${opts.cond ? 1 : 0}`;
  const hit = fitCache.get(key);
  if (hit) return hit;
  const v = fitTextUncached(text, maxWidth, maxSize, minSize, opts);
  fitCache.set(key, v);
  return v;
}

// Names repeat across renders (teams, rosters); setting ctx.font and measuring
// costs ~0.3 ms each, so remember the answers.
const fitCache = new LRUCache<string, FittedText>({ max: 2000 });

function fitTextUncached(text: string, maxWidth: number, maxSize: number, minSize: number, opts: { bold?: boolean; cond?: boolean }): FittedText {
  const clean = text.replace(/\s+/g, ' ').trim() || '?';
  const at = (size: number) => {
    const f = font(size, opts, clean);
    return { f, w: measureTextWidth(clean, f) };
  };
  const first = at(maxSize);
  if (first.w <= maxWidth) return { text: clean, size: maxSize, width: first.w, font: first.f };
  // Width is close to proportional to size: jump to the estimate, then step
  // down by half pixels until it fits (usually zero or one extra step).
  let size = Math.floor(((maxSize * maxWidth) / first.w) * 2) / 2;
  while (size >= minSize) {
    const m = at(size);
    if (m.w <= maxWidth) return { text: clean, size, width: m.w, font: m.f };
    size -= 0.5;
  }
  const f = font(minSize, opts, clean);
  const chars = Array.from(clean);
  // Binary search on the longest prefix that fits with the ellipsis.
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const t = `${chars.slice(0, mid).join('').trimEnd()}…`;
    if (measureTextWidth(t, f) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  const t = `${chars.slice(0, lo).join('').trimEnd()}…`;
  return { text: t, size: minSize, width: measureTextWidth(t, f), font: f };
}

/**
 * Text as an image can show it: a custom Discord emoji (`<:gem:123>`, which
 * operators may configure for gems and coins) becomes its name, `:gem:`; an
 * image has no way to fetch the emoji's picture.
 */
export function imageText(text: string): string {
  return text.replace(/<a?:(\w{1,32}):\d{1,25}>/g, ':$1:');
}

/** Draws text with a soft dark shadow for legibility on art. */
export function shadowText(ctx: Ctx, text: string, x: number, y: number, color = TEXT, blur = 4): void {
  ctx.save();
  ctx.shadowColor = 'rgba(0,0,0,0.85)';
  ctx.shadowBlur = blur;
  ctx.shadowOffsetY = 1;
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.restore();
}

/** A pill-shaped label; returns its width. */
export function pill(
  ctx: Ctx,
  text: string,
  x: number,
  y: number,
  h: number,
  bg: string | CanvasGradientLike,
  fg: string,
  f: string,
  padX = h * 0.45,
  align: 'left' | 'right' | 'center' = 'left',
): number {
  ctx.save();
  ctx.font = f;
  const tw = ctx.measureText(text).width;
  const w = tw + padX * 2;
  const left = align === 'left' ? x : align === 'right' ? x - w : x - w / 2;
  roundRectPath(ctx, left, y, w, h, h / 2);
  ctx.fillStyle = bg as string;
  ctx.fill();
  ctx.fillStyle = fg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, left + w / 2, y + h / 2 + h * 0.04);
  ctx.restore();
  return w;
}
type CanvasGradientLike = ReturnType<Ctx['createLinearGradient']>;

// ---- formatting -------------------------------------------------------

export function fmtInt(n: number): string {
  const v = Math.trunc(n);
  const s = Math.abs(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return v < 0 ? `-${s}` : s;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Mar 2025, 18:00 UTC" — absolute, so images are deterministic. */
export function fmtDateUtc(d: Date): string {
  if (Number.isNaN(d.getTime())) return '—';
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** Deterministic 32-bit hash → PRNG (mulberry32) for per-character decoration. */
export function seeded(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
