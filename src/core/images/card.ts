// The card: the one drawing every image reuses (single pull, 10-pull, team,
// battle). All sizes are relative to a 200x300 design, scaled by width.
import type { Canvas } from '@napi-rs/canvas';
import { LRUCache } from 'lru-cache';
import type { ArtImage } from './art.js';
import { font } from './fonts.js';
import { type Ctx, drawBolt, drawCover, type FittedText, fitText, fmtInt, newCanvas, pill, RARITY, roundRectPath, seeded, starPath } from './gfx.js';
import { drawnPortrait } from './portrait.js';
import type { CardInfo, CardRarity } from './types.js';

export interface CardLayout {
  border: number;
  radius: number;
  nameBar: { x: number; y: number; w: number; h: number };
  nameMaxWidth: number;
  nameMaxSize: number;
  nameMinSize: number;
  starsCy: number;
  powerBaseline: number;
}

/** Geometry of a card of width w and height h (relative to its top-left). */
export function cardLayout(w: number, h: number): CardLayout {
  const s = w / 200;
  const border = 5 * s;
  const innerBottom = h - border;
  const barH = 28 * s;
  const barY = innerBottom - 31 * s - barH;
  const barX = border + 8 * s;
  const barW = w - 2 * barX;
  return {
    border,
    radius: 12 * s,
    nameBar: { x: barX, y: barY, w: barW, h: barH },
    nameMaxWidth: barW - 14 * s,
    nameMaxSize: 17 * s,
    nameMinSize: 10 * s,
    starsCy: barY - 12 * s,
    powerBaseline: innerBottom - 10 * s,
  };
}

/**
 * How a name is drawn on a card of this width: font size, the text (with an
 * ellipsis if even the smallest size overflows), its measured width and the
 * width it must fit in. Exported so tests can check nothing overflows.
 */
export function fitCardName(name: string, cardWidth = 200): FittedText & { maxWidth: number } {
  const l = cardLayout(cardWidth, cardWidth * 1.5);
  const f = fitText(name, l.nameMaxWidth, l.nameMaxSize, l.nameMinSize, { bold: true, cond: true });
  return { ...f, maxWidth: l.nameMaxWidth };
}

/** What the dupe row shows: yellow stars (1-5) and the count above 5, drawn red. */
export function dupeDisplay(dupeLevel: number): { yellow: number; red: number } {
  const d = Math.max(0, Math.min(10, Math.trunc(dupeLevel) || 0));
  return { yellow: Math.min(5, d), red: Math.max(0, d - 5) };
}

function borderStyle(ctx: Ctx, rarity: CardRarity, x: number, y: number, w: number, h: number): ReturnType<Ctx['createLinearGradient']> {
  switch (rarity) {
    case 'SSR': {
      const g = ctx.createLinearGradient(x, y, x + w, y + h);
      const cols = ['#FF5E7E', '#FFB347', '#FFF176', '#7CF29A', '#5BD3FF', '#7C8CFF', '#E07CFF', '#FF5E7E'];
      cols.forEach((c, i) => g.addColorStop(i / (cols.length - 1), c));
      return g;
    }
    case 'UR': {
      const g = ctx.createConicGradient(-Math.PI / 4, x + w / 2, y + h / 2);
      const cols = ['#FFF6C8', '#FFC83D', '#FF4D6D', '#9E0F4A', '#FF4D6D', '#FFC83D', '#FFF6C8', '#FFC83D', '#FF4D6D', '#FFF6C8'];
      cols.forEach((c, i) => g.addColorStop(i / (cols.length - 1), c));
      return g;
    }
    case 'SR': {
      const g = ctx.createLinearGradient(x, y, x + w, y + h);
      g.addColorStop(0, '#F4B8F1');
      g.addColorStop(0.45, '#DA70D6');
      g.addColorStop(1, '#8E3A8B');
      return g;
    }
    default: {
      const g = ctx.createLinearGradient(x, y, x + w, y + h);
      g.addColorStop(0, '#C9CED6');
      g.addColorStop(0.5, '#8B929C');
      g.addColorStop(1, '#5E646D');
      return g;
    }
  }
}

function tagStyle(ctx: Ctx, rarity: CardRarity, x: number, y: number, w: number, h: number): { bg: ReturnType<Ctx['createLinearGradient']>; fg: string } {
  const g = ctx.createLinearGradient(x, y, x + w, y + h);
  switch (rarity) {
    case 'UR':
      g.addColorStop(0, '#FFD86B');
      g.addColorStop(0.5, '#FF4D6D');
      g.addColorStop(1, '#9E0F4A');
      return { bg: g, fg: '#FFFFFF' };
    case 'SSR':
      g.addColorStop(0, '#FFE38A');
      g.addColorStop(1, '#F5A623');
      return { bg: g, fg: '#3A2300' };
    case 'SR':
      g.addColorStop(0, '#F0A6EE');
      g.addColorStop(1, '#B94FB5');
      return { bg: g, fg: '#2A0A29' };
    default:
      g.addColorStop(0, '#D5DAE1');
      g.addColorStop(1, '#8F97A3');
      return { bg: g, fg: '#1B1F26' };
  }
}

/** Four-pointed sparkle. */
function sparkle(ctx: Ctx, cx: number, cy: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(cx, cy - r);
  ctx.quadraticCurveTo(cx, cy, cx + r, cy);
  ctx.quadraticCurveTo(cx, cy, cx, cy + r);
  ctx.quadraticCurveTo(cx, cy, cx - r, cy);
  ctx.quadraticCurveTo(cx, cy, cx, cy - r);
  ctx.closePath();
  ctx.fill();
}

function drawStars(ctx: Ctx, dupeLevel: number, cx: number, cy: number, s: number): void {
  const { yellow, red } = dupeDisplay(dupeLevel);
  if (yellow === 0) return;
  const r = 7.5 * s;
  const step = 17 * s;
  const badgeFont = font(11.5 * s, { bold: true });
  let badgeW = 0;
  const badgeText = `+${red}`;
  if (red > 0) {
    ctx.font = badgeFont;
    badgeW = ctx.measureText(badgeText).width + 12 * s;
  }
  const total = yellow * step - (step - 2 * r) + (red > 0 ? 5 * s + badgeW : 0);
  let x = cx - total / 2 + r;
  ctx.save();
  ctx.shadowColor = 'rgba(0,0,0,0.7)';
  ctx.shadowBlur = 3 * s;
  ctx.shadowOffsetY = 1 * s;
  for (let i = 0; i < yellow; i++, x += step) {
    starPath(ctx, x, cy, r);
    ctx.fillStyle = '#FFD54A';
    ctx.fill();
  }
  ctx.restore();
  // Crisp outline without the shadow.
  x = cx - total / 2 + r;
  ctx.save();
  ctx.strokeStyle = '#A86B00';
  ctx.lineWidth = 1 * s;
  ctx.lineJoin = 'round';
  for (let i = 0; i < yellow; i++, x += step) {
    starPath(ctx, x, cy, r);
    ctx.stroke();
  }
  ctx.restore();
  if (red > 0) {
    // Count above 5 as a red "+N" badge: red stars in a row of 10 are hard to count.
    const bx = cx - total / 2 + yellow * step - (step - 2 * r) + 5 * s;
    const bh = 16 * s;
    ctx.save();
    ctx.shadowColor = 'rgba(0,0,0,0.6)';
    ctx.shadowBlur = 3 * s;
    pill(ctx, badgeText, bx, cy - bh / 2, bh, '#E53935', '#FFFFFF', badgeFont, 6 * s);
    ctx.restore();
    ctx.save();
    roundRectPath(ctx, bx, cy - bh / 2, badgeW, bh, bh / 2);
    ctx.strokeStyle = '#FF8A80';
    ctx.lineWidth = 1 * s;
    ctx.stroke();
    ctx.restore();
  }
}

const shadows = new LRUCache<string, { canvas: Canvas; pad: number }>({
  max: 32,
  maxSize: 8 * 2 ** 20,
  sizeCalculation: (v) => Math.max(1, v.canvas.width * v.canvas.height * 4),
});

/** A blurred rounded-rect shadow drawn once per size and colour. */
function shadowSprite(w: number, h: number, r: number, color: string, blur: number): { canvas: Canvas; pad: number } {
  const key = `${w}x${h}|${r}|${color}|${blur}`;
  const hit = shadows.get(key);
  if (hit) return hit;
  const pad = Math.ceil(blur * 1.5);
  const { canvas, ctx } = newCanvas(Math.ceil(w + 2 * pad), Math.ceil(h + 2 * pad));
  // Draw the shape far off-canvas and let only its shadow land on the sprite,
  // so the card itself never covers (or needs to cover) the sprite's centre.
  const off = canvas.width + 1000;
  ctx.shadowColor = color;
  ctx.shadowBlur = blur;
  ctx.shadowOffsetX = off;
  roundRectPath(ctx, pad - off, pad, w, h, r);
  ctx.fillStyle = '#000';
  ctx.fill();
  const v = { canvas, pad };
  shadows.set(key, v);
  return v;
}

export interface DrawCardOptions {
  /** Draw desaturated and dimmed (losing side of a battle). */
  grey?: boolean;
  /** Drop shadow under the card (default true). */
  shadow?: boolean;
}

/** Draws a full card at (x, y) of size w x h. `art` null → drawn portrait. */
export function drawCard(ctx: Ctx, x: number, y: number, w: number, h: number, card: CardInfo, art: ArtImage | null, opts: DrawCardOptions = {}): void {
  const s = w / 200;
  const L = cardLayout(w, h);
  const style = RARITY[card.rarity] ?? RARITY.R;
  const rarity: CardRarity = RARITY[card.rarity] ? card.rarity : 'R';

  // Shadow, with a coloured halo for the top rarities. A live shadowBlur on
  // ten cards costs ~16 ms of raster; a cached sprite costs ~1 ms.
  if (opts.shadow !== false) {
    const top = (rarity === 'SSR' || rarity === 'UR') && !opts.grey;
    const sprite = shadowSprite(w, h, L.radius, top ? `${style.accent}88` : 'rgba(0,0,0,0.6)', (top ? 18 : 12) * s);
    ctx.drawImage(sprite.canvas, x - sprite.pad, y - sprite.pad + 4 * s);
  }

  // Border.
  ctx.save();
  roundRectPath(ctx, x, y, w, h, L.radius);
  ctx.fillStyle = borderStyle(ctx, rarity, x, y, w, h);
  ctx.fill();
  ctx.restore();

  const ix = x + L.border;
  const iy = y + L.border;
  const iw = w - 2 * L.border;
  const ih = h - 2 * L.border;
  const ir = Math.max(2, L.radius - L.border * 0.6);

  ctx.save();
  roundRectPath(ctx, ix, iy, iw, ih, ir);
  ctx.clip();
  ctx.fillStyle = '#0E1018';
  ctx.fillRect(ix, iy, iw, ih);
  drawCover(ctx, art ?? drawnPortrait(card.characterId, card.name, rarity, iw, ih), ix, iy, iw, ih);

  if (rarity === 'SR') {
    // Orchid tint, plain alpha blend (soft-light cost ~0.8 ms a card).
    const tint = ctx.createLinearGradient(ix, iy, ix + iw, iy + ih);
    tint.addColorStop(0, 'rgba(218,112,214,0.20)');
    tint.addColorStop(0.5, 'rgba(218,112,214,0.06)');
    tint.addColorStop(1, 'rgba(218,112,214,0.18)');
    ctx.fillStyle = tint;
    ctx.fillRect(ix, iy, iw, ih);
  } else if (rarity === 'SSR' || rarity === 'UR') {
    // Holographic sheen: rainbow bands across the diagonal, screened on.
    const g = ctx.createLinearGradient(ix, iy + ih * 0.1, ix + iw, iy + ih * 0.9);
    const bands =
      rarity === 'SSR'
        ? [
            'rgba(255,94,126,0)',
            'rgba(255,94,126,0.22)',
            'rgba(255,241,118,0.22)',
            'rgba(124,242,154,0.2)',
            'rgba(91,211,255,0.22)',
            'rgba(224,124,255,0.22)',
            'rgba(224,124,255,0)',
          ]
        : [
            'rgba(255,216,107,0)',
            'rgba(255,216,107,0.28)',
            'rgba(255,77,109,0.18)',
            'rgba(255,246,200,0.28)',
            'rgba(255,77,109,0.18)',
            'rgba(255,216,107,0.25)',
            'rgba(255,216,107,0)',
          ];
    bands.forEach((c, i) => g.addColorStop(i / (bands.length - 1), c));
    ctx.globalCompositeOperation = 'screen';
    ctx.fillStyle = g;
    ctx.fillRect(ix, iy, iw, ih);
    // A glossy diagonal streak.
    const gl = ctx.createLinearGradient(ix, iy, ix + iw, iy + ih * 0.6);
    gl.addColorStop(0.3, 'rgba(255,255,255,0)');
    gl.addColorStop(0.42, 'rgba(255,255,255,0.22)');
    gl.addColorStop(0.47, 'rgba(255,255,255,0.05)');
    gl.addColorStop(0.52, 'rgba(255,255,255,0.16)');
    gl.addColorStop(0.6, 'rgba(255,255,255,0)');
    ctx.fillStyle = gl;
    ctx.fillRect(ix, iy, iw, ih);
    ctx.globalCompositeOperation = 'source-over';
    // Sparkles, placed per character so they do not look stamped.
    const rnd = seeded(card.characterId + 17);
    ctx.fillStyle = rarity === 'UR' ? 'rgba(255,240,190,0.9)' : 'rgba(255,255,255,0.85)';
    for (let i = 0; i < (rarity === 'UR' ? 7 : 4); i++) {
      sparkle(ctx, ix + iw * (0.1 + rnd() * 0.8), iy + ih * (0.12 + rnd() * 0.45), (3 + rnd() * 5) * s);
    }
  }

  // Scrims so text reads over any art.
  const top = ctx.createLinearGradient(0, iy, 0, iy + ih * 0.2);
  top.addColorStop(0, 'rgba(0,0,0,0.45)');
  top.addColorStop(1, 'rgba(0,0,0,0)');
  ctx.fillStyle = top;
  ctx.fillRect(ix, iy, iw, ih * 0.2);
  const bot = ctx.createLinearGradient(0, iy + ih * 0.5, 0, iy + ih);
  bot.addColorStop(0, 'rgba(5,6,12,0)');
  bot.addColorStop(0.55, 'rgba(5,6,12,0.6)');
  bot.addColorStop(1, 'rgba(5,6,12,0.92)');
  ctx.fillStyle = bot;
  ctx.fillRect(ix, iy + ih * 0.5, iw, ih * 0.5);
  ctx.restore();

  // Inner hairline for a crisp edge between border and art.
  ctx.save();
  roundRectPath(ctx, ix, iy, iw, ih, ir);
  ctx.strokeStyle = 'rgba(0,0,0,0.55)';
  ctx.lineWidth = 1.2 * s;
  ctx.stroke();
  ctx.restore();

  // Rarity tag, top left.
  const tagH = 22 * s;
  const tagF = font(13 * s, { bold: true });
  const t = tagStyle(ctx, rarity, ix, iy, 60 * s, tagH);
  ctx.save();
  ctx.shadowColor = 'rgba(0,0,0,0.5)';
  ctx.shadowBlur = 4 * s;
  ctx.shadowOffsetY = 1 * s;
  pill(ctx, rarity, ix + 7 * s, iy + 7 * s, tagH, t.bg, t.fg, tagF, 9 * s);
  ctx.restore();

  // Dupe stars, name bar, power.
  drawStars(ctx, card.dupeLevel, x + w / 2, y + L.starsCy, s);

  const nb = L.nameBar;
  ctx.save();
  roundRectPath(ctx, x + nb.x, y + nb.y, nb.w, nb.h, nb.h / 2);
  ctx.fillStyle = 'rgba(12,14,22,0.78)';
  ctx.fill();
  ctx.strokeStyle = `${style.accent}99`;
  ctx.lineWidth = 1 * s;
  ctx.stroke();
  ctx.restore();

  const fitted = fitText(card.name, L.nameMaxWidth, L.nameMaxSize, L.nameMinSize, { bold: true, cond: true });
  ctx.save();
  ctx.font = fitted.font;
  ctx.fillStyle = '#FFFFFF';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(fitted.text, x + w / 2, y + nb.y + nb.h / 2 + 0.5 * s);
  ctx.restore();

  const powerText = fmtInt(card.power);
  ctx.save();
  ctx.font = font(15 * s, { bold: true });
  const pw = ctx.measureText(powerText).width;
  const iconS = 14 * s;
  const total = iconS + 4 * s + pw;
  const px = x + w / 2 - total / 2;
  const by = y + L.powerBaseline;
  drawBolt(ctx, px, by - 12.5 * s, iconS, style.accent === '#9AA3AF' ? '#FFD54A' : style.accent);
  ctx.fillStyle = '#FFFFFF';
  ctx.fillText(powerText, px + iconS + 4 * s, by);
  ctx.restore();

  if (opts.grey) greyOut(ctx, x, y, w, h, L.radius);
}

/** Desaturate and dim a rounded area already drawn. */
export function greyOut(ctx: Ctx, x: number, y: number, w: number, h: number, r: number): void {
  ctx.save();
  roundRectPath(ctx, x, y, w, h, r);
  ctx.clip();
  ctx.globalCompositeOperation = 'saturation';
  ctx.fillStyle = '#808080';
  ctx.fillRect(x, y, w, h);
  ctx.globalCompositeOperation = 'source-over';
  ctx.fillStyle = 'rgba(10,12,18,0.45)';
  ctx.fillRect(x, y, w, h);
  ctx.restore();
}
