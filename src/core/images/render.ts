// The images of SPEC §18. Each loads its art in parallel (bounded by the
// art timeout, falling back to drawn portraits), draws on one canvas, and is
// encoded as the reply format by encode.ts.
import type { Canvas } from '@napi-rs/canvas';
import type { ArtImage, ArtSource } from './art.js';
import { drawCard, greyOut } from './card.js';
import { encodeImage } from './encode.js';
import { font } from './fonts.js';
import {
  background,
  type Ctx,
  clamp,
  drawBolt,
  drawCover,
  drawKey,
  fitText,
  fmtDateUtc,
  fmtInt,
  frameCanvas,
  hashString,
  imageText,
  panel,
  pill,
  RARITY,
  radialGlow,
  roundRectPath,
  shadowText,
  TEXT,
  TEXT_DIM,
} from './gfx.js';
import { drawnPortrait } from './portrait.js';
import type { BannerImageInput, BattleImageInput, BountyBoardInput, CardInfo, CardRarity, RaidBarInput, RaidHitInput, TeamSlot } from './types.js';

function loadAll(cards: (CardInfo | null)[], art: ArtSource): Promise<(ArtImage | null)[]> {
  return Promise.all(cards.map((c) => (c ? art.load(c.imageUrl) : Promise.resolve(null))));
}

/** Header title with a small accent bar on its left. */
function title(ctx: Ctx, text: string, x: number, y: number, size: number, accent = '#8C7CFF', maxWidth = 700): void {
  ctx.save();
  const g = ctx.createLinearGradient(0, y - size, 0, y);
  g.addColorStop(0, accent);
  g.addColorStop(1, '#5BD3FF');
  roundRectPath(ctx, x, y - size * 0.82, size * 0.18, size * 0.9, size * 0.09);
  ctx.fillStyle = g;
  ctx.fill();
  const f = fitText(text, maxWidth, size, size * 0.6, { bold: true });
  ctx.font = f.font;
  shadowText(ctx, f.text, x + size * 0.45, y, TEXT, 6);
  ctx.restore();
}

// ---- single card --------------------------------------------------------

export const CARD_W = 300;
export const CARD_H = 450;

/**
 * One pulled card, 300x450. JPEG has no alpha, so the corners outside the
 * card's rounded edge show the images' dark background, not transparency.
 */
export async function drawCardImage(c: CardInfo, art: ArtSource): Promise<Canvas> {
  const [image] = await loadAll([c], art);
  const { canvas, ctx } = frameCanvas(CARD_W, CARD_H);
  background(ctx, CARD_W, CARD_H);
  drawCard(ctx, 0, 0, CARD_W, CARD_H, c, image ?? null, { shadow: false });
  return canvas;
}

// ---- 10-pull ------------------------------------------------------------

function rarityCounts(cards: CardInfo[]): string {
  const order: CardRarity[] = ['UR', 'SSR', 'SR', 'R'];
  return order
    .map((r) => [r, cards.filter((c) => c.rarity === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ×${n}`)
    .join('   ');
}

/** Ten cards, 1100x700, 200x300 each in 5 columns x 2 rows. */
export async function drawTenPull(cards: CardInfo[], art: ArtSource): Promise<Canvas> {
  const W = 1100;
  const H = 700;
  const shown = cards.slice(0, 10);
  const arts = await loadAll(shown, art);
  const { canvas, ctx } = frameCanvas(W, H);
  const best = shown.some((c) => c.rarity === 'UR') ? 'UR' : shown.some((c) => c.rarity === 'SSR') ? 'SSR' : shown.some((c) => c.rarity === 'SR') ? 'SR' : 'R';
  background(ctx, W, H, best === 'SSR' || best === 'UR' ? 'rgba(255,200,61,0.14)' : 'rgba(140,124,255,0.16)');

  title(ctx, `${shown.length === 10 ? '10×' : `${shown.length}×`} SUMMON RESULTS`, 24, 46, 28);
  ctx.save();
  ctx.font = font(17, { bold: true });
  ctx.textAlign = 'right';
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(rarityCounts(shown), W - 24, 44);
  ctx.restore();

  const cw = 200;
  const ch = 300;
  const gapX = (W - 5 * cw) / 6;
  const top = 72;
  const gapY = 16;
  for (let i = 0; i < 10; i++) {
    const col = i % 5;
    const row = Math.floor(i / 5);
    const x = gapX + col * (cw + gapX);
    const y = top + row * (ch + gapY);
    const c = shown[i];
    if (c) {
      if (c.rarity === 'SSR' || c.rarity === 'UR') radialGlow(ctx, x + cw / 2, y + ch / 2, ch * 0.62, `${RARITY[c.rarity].accent}33`);
      drawCard(ctx, x, y, cw, ch, c, arts[i] ?? null);
    } else {
      emptySlot(ctx, x, y, cw, ch, '');
    }
  }
  return canvas;
}

/** A dashed, empty card frame with a label. */
function emptySlot(ctx: Ctx, x: number, y: number, w: number, h: number, label: string): void {
  const s = w / 200;
  ctx.save();
  roundRectPath(ctx, x, y, w, h, 12 * s);
  const g = ctx.createLinearGradient(x, y, x, y + h);
  g.addColorStop(0, 'rgba(255,255,255,0.05)');
  g.addColorStop(1, 'rgba(255,255,255,0.02)');
  ctx.fillStyle = g;
  ctx.fill();
  ctx.setLineDash([8 * s, 6 * s]);
  ctx.strokeStyle = 'rgba(255,255,255,0.22)';
  ctx.lineWidth = 2 * s;
  ctx.stroke();
  ctx.setLineDash([]);
  // Plus sign in a ring.
  const cx = x + w / 2;
  const cy = y + h / 2 - 14 * s;
  ctx.beginPath();
  ctx.arc(cx, cy, 24 * s, 0, Math.PI * 2);
  ctx.strokeStyle = 'rgba(255,255,255,0.25)';
  ctx.stroke();
  ctx.lineWidth = 3 * s;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(cx - 10 * s, cy);
  ctx.lineTo(cx + 10 * s, cy);
  ctx.moveTo(cx, cy - 10 * s);
  ctx.lineTo(cx, cy + 10 * s);
  ctx.stroke();
  if (label) {
    ctx.font = font(18 * s, { bold: true });
    ctx.fillStyle = 'rgba(255,255,255,0.45)';
    ctx.textAlign = 'center';
    ctx.fillText(label, cx, cy + 56 * s);
  }
  ctx.restore();
}

// ---- team ---------------------------------------------------------------

/** A skill chip centred at cx; text shrinks/ellipsizes to fit maxW. */
function skillChip(
  ctx: Ctx,
  text: string,
  cx: number,
  y: number,
  maxW: number,
  h: number,
  tone = 'rgba(140,124,255,0.22)',
  edge = 'rgba(160,148,255,0.55)',
): void {
  const f = fitText(text, maxW - 20, 13, 10, { bold: true, cond: true });
  const w = Math.min(maxW, f.width + 20);
  ctx.save();
  roundRectPath(ctx, cx - w / 2, y, w, h, h / 2);
  ctx.fillStyle = tone;
  ctx.fill();
  ctx.strokeStyle = edge;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.font = f.font;
  ctx.fillStyle = '#E9E6FF';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(f.text, cx, y + h / 2 + 0.5);
  ctx.restore();
}

/** Big "TOTAL POWER" figure, right-aligned at (right, baseline). */
function totalPower(ctx: Ctx, label: string, value: number, right: number, baseline: number, size = 30, color = TEXT): void {
  ctx.save();
  ctx.font = font(size, { bold: true });
  ctx.textAlign = 'right';
  const text = fmtInt(value);
  const w = ctx.measureText(text).width;
  shadowText(ctx, text, right, baseline, color, 6);
  drawBolt(ctx, right - w - size * 0.85, baseline - size * 0.82, size * 0.8);
  ctx.font = font(12, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(label, right - w - size * 0.95, baseline - size * 0.28);
  ctx.restore();
}

const TEAM_W = 1200;
const TEAM_CARD_W = 210;
const TEAM_CARD_H = 315;
const TEAM_TOP = 76;
const CHIP_H = 23;
const CHIP_STEP = CHIP_H + 6;
const MAX_CHIPS = 4;

/** Skill chips a slot shows: up to four, the fourth "+N more" when there are more. */
function chipsOf(slot: TeamSlot): { labels: string[]; more: number } {
  const skills = slot.skills.filter((k) => k.trim().length > 0);
  if (skills.length <= MAX_CHIPS) return { labels: skills, more: 0 };
  return { labels: skills.slice(0, MAX_CHIPS - 1), more: skills.length - (MAX_CHIPS - 1) };
}

/**
 * The team image's height: the cards and as many rows of skill chips as the
 * slot with the most needs (at least one row, for "No skills" / "Empty"), so
 * no empty band is left at the bottom: 450 px with one row, 537 with four.
 */
export function teamImageHeight(slots: (TeamSlot | null)[]): number {
  const rows = Math.max(1, ...slots.map((s) => (s ? chipsOf(s).labels.length + (chipsOf(s).more > 0 ? 1 : 0) : 0)));
  return TEAM_TOP + TEAM_CARD_H + 14 + rows * CHIP_STEP - 6 + 22;
}

/** Team image, 1200 wide: five slots, each card with its skills under it; as tall as its skills need (≤ 537). */
export async function drawTeam(titleText: string, slots: (TeamSlot | null)[], totalPowerValue: number, art: ArtSource): Promise<Canvas> {
  const W = TEAM_W;
  const five: (TeamSlot | null)[] = Array.from({ length: 5 }, (_, i) => slots[i] ?? null);
  const H = teamImageHeight(five);
  const arts = await loadAll(five, art);
  const { canvas, ctx } = frameCanvas(W, H);
  background(ctx, W, H);
  title(ctx, titleText, 28, 50, 28, '#8C7CFF', 720);
  totalPower(ctx, 'TOTAL POWER', totalPowerValue, W - 28, 52);

  const cw = TEAM_CARD_W;
  const ch = TEAM_CARD_H;
  const gap = (W - 5 * cw) / 6;
  const top = TEAM_TOP;
  const chipY = top + ch + 14;
  for (let i = 0; i < 5; i++) {
    const x = gap + i * (cw + gap);
    const cx = x + cw / 2;
    const slot = five[i];
    if (!slot) {
      emptySlot(ctx, x, top, cw, ch, `SLOT ${i + 1}`);
      ctx.save();
      ctx.font = font(14, { bold: true });
      ctx.fillStyle = 'rgba(255,255,255,0.3)';
      ctx.textAlign = 'center';
      ctx.fillText('Empty', cx, chipY + 16);
      ctx.restore();
      continue;
    }
    // The card shows the unit's power; the skills go under it.
    drawCard(ctx, x, top, cw, ch, slot, arts[i] ?? null);
    // Slot number badge on the card's top-right corner.
    pill(ctx, `${i + 1}`, x + cw - 12, top + 12, 22, 'rgba(10,12,20,0.8)', TEXT, font(12, { bold: true }), 8, 'right');

    const { labels, more } = chipsOf(slot);
    if (labels.length === 0) {
      ctx.save();
      ctx.font = font(13);
      ctx.fillStyle = 'rgba(255,255,255,0.35)';
      ctx.textAlign = 'center';
      ctx.fillText('No skills', cx, chipY + 16);
      ctx.restore();
      continue;
    }
    labels.forEach((k, j) => skillChip(ctx, k, cx, chipY + j * CHIP_STEP, cw, CHIP_H));
    if (more > 0) skillChip(ctx, `+${more} more`, cx, chipY + labels.length * CHIP_STEP, cw, CHIP_H, 'rgba(255,255,255,0.06)', 'rgba(255,255,255,0.2)');
  }
  return canvas;
}

// ---- battle -------------------------------------------------------------

/** Battle result, 1200x850: attacker row on top, defender below, VS between; the loser greyed. */
export async function drawBattle(b: BattleImageInput, art: ArtSource): Promise<Canvas> {
  const W = 1200;
  const H = 850;
  const att = b.attacker.slice(0, 5);
  const def = b.defender.slice(0, 5);
  const arts = await loadAll([...att, ...def], art);
  const { canvas, ctx } = frameCanvas(W, H);
  const win = b.outcome === 'WIN';
  const loss = b.outcome === 'LOSS';
  background(ctx, W, H, win ? 'rgba(60,200,140,0.14)' : loss ? 'rgba(230,70,90,0.14)' : 'rgba(140,124,255,0.14)');

  // Header: outcome from the attacker's side.
  const outcomeText = win ? 'VICTORY' : loss ? 'DEFEAT' : 'DRAW';
  const outcomeColor = win ? '#43D39E' : loss ? '#FF5C7A' : '#B8A9FF';
  title(ctx, 'BATTLE REPORT', 28, 48, 26, '#8C7CFF', 500);
  ctx.save();
  ctx.shadowColor = `${outcomeColor}99`;
  ctx.shadowBlur = 14;
  pill(ctx, outcomeText, W - 28, 18, 40, outcomeColor, '#0B0D14', font(22, { bold: true }), 22, 'right');
  ctx.restore();

  const cw = 160;
  const ch = 240;
  const gap = 24;
  const rowW = 5 * cw + 4 * gap;
  const x0 = (W - rowW) / 2;

  const side = (
    name: string,
    cards: CardInfo[],
    finals: number[],
    total: number,
    artOffset: number,
    labelY: number,
    greyed: boolean,
    winner: boolean,
    color: string,
  ) => {
    // Side label and total.
    ctx.save();
    roundRectPath(ctx, x0 - 2, labelY - 24, 8, 30, 4);
    ctx.fillStyle = color;
    ctx.fill();
    const nf = fitText(name, 520, 22, 14, { bold: true });
    ctx.font = nf.font;
    shadowText(ctx, nf.text, x0 + 16, labelY, greyed ? TEXT_DIM : TEXT);
    if (winner) {
      ctx.font = nf.font;
      pill(ctx, 'WINNER', x0 + 28 + nf.width, labelY - 19, 22, '#FFC83D', '#2A1A00', font(12, { bold: true }), 10);
    }
    ctx.restore();
    totalPower(ctx, 'FINAL TOTAL', total, x0 + rowW, labelY + 4, 26, greyed ? TEXT_DIM : TEXT);

    const cardTop = labelY + 16;
    for (let i = 0; i < 5; i++) {
      const x = x0 + i * (cw + gap);
      const c = cards[i];
      if (!c) {
        emptySlot(ctx, x, cardTop, cw, ch, '');
        continue;
      }
      drawCard(ctx, x, cardTop, cw, ch, c, arts[artOffset + i] ?? null, { grey: greyed });
      const fin = finals[i];
      if (fin !== undefined) {
        // Final power after the battle, with its change from the card power.
        const delta = fin - c.power;
        const fy = cardTop + ch + 26;
        ctx.save();
        ctx.font = font(18, { bold: true });
        ctx.textAlign = 'center';
        const ft = fmtInt(fin);
        const dt = delta === 0 ? '' : `${delta > 0 ? '+' : ''}${fmtInt(delta)}`;
        ctx.font = font(12, { bold: true });
        const dw = dt ? ctx.measureText(dt).width + 6 : 0;
        ctx.font = font(18, { bold: true });
        const fw = ctx.measureText(ft).width;
        const left = x + cw / 2 - (fw + dw) / 2;
        ctx.textAlign = 'left';
        shadowText(ctx, ft, left, fy, greyed ? TEXT_DIM : TEXT);
        if (dt) {
          ctx.font = font(12, { bold: true });
          ctx.fillStyle = greyed ? 'rgba(167,175,194,0.8)' : delta > 0 ? '#43D39E' : '#FF7A90';
          ctx.fillText(dt, left + fw + 6, fy);
        }
        ctx.restore();
      }
    }
  };

  side(b.attackerName, att, b.attackerFinal, b.attackerTotal, 0, 104, loss, win, '#5BD3FF');
  side(b.defenderName, def, b.defenderFinal, b.defenderTotal, 5, 478, win, loss, '#FF5C7A');

  // VS band between the rows.
  const vy = 428;
  ctx.save();
  const line = ctx.createLinearGradient(0, 0, W, 0);
  line.addColorStop(0, 'rgba(255,255,255,0)');
  line.addColorStop(0.5, 'rgba(255,255,255,0.35)');
  line.addColorStop(1, 'rgba(255,255,255,0)');
  ctx.fillStyle = line;
  ctx.fillRect(60, vy - 1, W - 120, 2);
  radialGlow(ctx, W / 2, vy, 90, 'rgba(255,92,122,0.25)');
  ctx.beginPath();
  ctx.arc(W / 2, vy, 27, 0, Math.PI * 2);
  const vg = ctx.createLinearGradient(W / 2 - 27, vy - 27, W / 2 + 27, vy + 27);
  vg.addColorStop(0, '#FF5C7A');
  vg.addColorStop(1, '#8C7CFF');
  ctx.fillStyle = vg;
  ctx.shadowColor = 'rgba(0,0,0,0.6)';
  ctx.shadowBlur = 10;
  ctx.fill();
  ctx.shadowBlur = 0;
  ctx.lineWidth = 2;
  ctx.strokeStyle = 'rgba(255,255,255,0.7)';
  ctx.stroke();
  ctx.font = font(22, { bold: true });
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#FFFFFF';
  ctx.fillText('VS', W / 2, vy + 1);
  ctx.restore();

  // Footer: share of the combined total as a split bar.
  const fy = 790;
  const fx = 60;
  const fw = W - 120;
  const sum = Math.max(1, b.attackerTotal + b.defenderTotal);
  const share = clamp(b.attackerTotal / sum, 0, 1);
  ctx.save();
  roundRectPath(ctx, fx, fy, fw, 14, 7);
  ctx.fillStyle = 'rgba(255,255,255,0.06)';
  ctx.fill();
  ctx.clip();
  const ga = ctx.createLinearGradient(fx, 0, fx + fw * share, 0);
  ga.addColorStop(0, '#2F8FFF');
  ga.addColorStop(1, '#5BD3FF');
  ctx.fillStyle = ga;
  ctx.fillRect(fx, fy, fw * share, 14);
  const gd = ctx.createLinearGradient(fx + fw * share, 0, fx + fw, 0);
  gd.addColorStop(0, '#FF5C7A');
  gd.addColorStop(1, '#C2185B');
  ctx.fillStyle = gd;
  ctx.fillRect(fx + fw * share, fy, fw * (1 - share), 14);
  ctx.fillStyle = '#0B0D14';
  ctx.fillRect(fx + fw * share - 1.5, fy, 3, 14);
  ctx.restore();
  ctx.save();
  ctx.font = font(13, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(`${(share * 100).toFixed(1)}%`, fx, fy + 32);
  ctx.textAlign = 'right';
  ctx.fillText(`${((1 - share) * 100).toFixed(1)}%`, fx + fw, fy + 32);
  ctx.textAlign = 'center';
  const margin = Math.abs(b.attackerTotal - b.defenderTotal);
  ctx.fillText(b.outcome === 'DRAW' ? 'Dead even' : `Won by ${fmtInt(margin)} power`, W / 2, fy + 32);
  ctx.restore();

  return canvas;
}

// ---- banner -------------------------------------------------------------

/** Banner, 800x450: slanted art strips of the featured characters, "RATE UP" and the end date. */
export async function drawBanner(b: BannerImageInput, art: ArtSource): Promise<Canvas> {
  const W = 800;
  const H = 450;
  const featured = b.featured.slice(0, 6);
  const arts = await loadAll(featured, art);
  const { canvas, ctx } = frameCanvas(W, H);
  background(ctx, W, H, 'rgba(255,200,61,0.18)', 'rgba(218,112,214,0.18)');

  const k = featured.length;
  const skew = k > 1 ? 70 : 0;
  if (k > 0) {
    const sw = W / k;
    const sepTop = (j: number) => (j === 0 ? -skew : j === k ? W + skew : j * sw + skew / 2);
    const sepBot = (j: number) => (j === 0 ? -skew : j === k ? W + skew : j * sw - skew / 2);
    for (let i = 0; i < k; i++) {
      const c = featured[i]!;
      const left = Math.min(sepTop(i), sepBot(i));
      const right = Math.max(sepTop(i + 1), sepBot(i + 1));
      ctx.save();
      ctx.beginPath();
      ctx.moveTo(sepTop(i), 0);
      ctx.lineTo(sepTop(i + 1), 0);
      ctx.lineTo(sepBot(i + 1), H);
      ctx.lineTo(sepBot(i), H);
      ctx.closePath();
      ctx.clip();
      const bx = Math.max(-skew, left);
      const bw = Math.min(W + skew, right) - bx;
      drawCover(ctx, arts[i] ?? drawnPortrait(c.characterId, c.name, c.rarity, bw, H), bx, 0, bw, H, 0.2);
      // Light rarity wash so strips read as one set.
      const wash = ctx.createLinearGradient(0, 0, 0, H);
      wash.addColorStop(0, `${RARITY[c.rarity]?.accent ?? '#FFFFFF'}22`);
      wash.addColorStop(1, 'rgba(0,0,0,0)');
      ctx.fillStyle = wash;
      ctx.fillRect(bx, 0, bw, H);
      ctx.restore();
    }
    // Glowing separators.
    ctx.save();
    ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.lineWidth = 3;
    ctx.shadowColor = 'rgba(255,220,150,0.9)';
    ctx.shadowBlur = 10;
    for (let j = 1; j < k; j++) {
      ctx.beginPath();
      ctx.moveTo(sepTop(j), 0);
      ctx.lineTo(sepBot(j), H);
      ctx.stroke();
    }
    ctx.restore();
  }

  // Scrims: top for the names, bottom for the title block.
  const topG = ctx.createLinearGradient(0, 0, 0, 90);
  topG.addColorStop(0, 'rgba(8,9,14,0.75)');
  topG.addColorStop(1, 'rgba(8,9,14,0)');
  ctx.fillStyle = topG;
  ctx.fillRect(0, 0, W, 90);
  const botG = ctx.createLinearGradient(0, H * 0.45, 0, H);
  botG.addColorStop(0, 'rgba(8,9,14,0)');
  botG.addColorStop(0.55, 'rgba(8,9,14,0.78)');
  botG.addColorStop(1, 'rgba(8,9,14,0.96)');
  ctx.fillStyle = botG;
  ctx.fillRect(0, H * 0.45, W, H * 0.55);

  // Names with rarity tags at the top of each strip.
  if (k > 0) {
    const sw = W / k;
    for (let i = 0; i < k; i++) {
      const c = featured[i]!;
      const cx = i * sw + sw / 2 + skew * 0.35;
      const maxW = sw - 24;
      const nf = fitText(c.name, maxW - 4, 15, 10, { bold: true, cond: true });
      ctx.save();
      ctx.textAlign = 'center';
      ctx.font = nf.font;
      shadowText(ctx, nf.text, cx, 50, TEXT, 5);
      ctx.restore();
      pill(ctx, c.rarity, cx, 14, 20, RARITY[c.rarity]?.accent ?? '#FFFFFF', RARITY[c.rarity]?.onAccent ?? '#000', font(11, { bold: true }), 9, 'center');
    }
  }

  // "RATE UP" in slanted gold.
  ctx.save();
  ctx.translate(34, 352);
  ctx.transform(1, 0, -0.18, 1, 0, 0);
  ctx.font = font(68, { bold: true });
  const gold = ctx.createLinearGradient(0, -60, 0, 0);
  gold.addColorStop(0, '#FFF3B0');
  gold.addColorStop(0.5, '#FFC83D');
  gold.addColorStop(1, '#F08A24');
  ctx.shadowColor = 'rgba(255,160,40,0.55)';
  ctx.shadowBlur = 18;
  ctx.fillStyle = gold;
  ctx.fillText('RATE UP', 0, 0);
  ctx.shadowBlur = 0;
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = 'rgba(90,40,0,0.55)';
  ctx.strokeText('RATE UP', 0, 0);
  ctx.restore();

  const nameFit = fitText(b.name, W - 80, 26, 14, { bold: true });
  ctx.save();
  ctx.font = nameFit.font;
  shadowText(ctx, nameFit.text, 38, 392, TEXT, 6);
  ctx.restore();

  pill(ctx, `ENDS  ${fmtDateUtc(b.endsAt)}`, 38, 410, 26, 'rgba(255,255,255,0.1)', '#FFE38A', font(13, { bold: true }), 12);
  ctx.save();
  ctx.font = font(12, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.textAlign = 'right';
  ctx.fillText(k > 0 ? `${k} FEATURED` : 'LIMITED BANNER', W - 30, 430);
  ctx.restore();
  return canvas;
}

// ---- bounty board -------------------------------------------------------

const TIER_COLORS: Record<string, [string, string]> = {
  R: ['#C9CED6', '#6B7280'],
  SR: ['#F4B8F1', '#9B3F98'],
  SSR: ['#FFE38A', '#E0527A'],
  UR: ['#FFD86B', '#9E0F4A'],
};

/** Splits text into at most `maxLines` lines that fit `maxW`, the last one ellipsized. */
function wrapLines(ctx: Ctx, text: string, maxW: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = cur ? `${cur} ${w}` : w;
    if (ctx.measureText(next).width <= maxW || !cur) {
      cur = next;
    } else {
      lines.push(cur);
      cur = w;
      if (lines.length === maxLines - 1) {
        cur = words.slice(i).join(' ');
        break;
      }
    }
  }
  if (cur) lines.push(cur);
  return lines.map((l) => {
    if (ctx.measureText(l).width <= maxW) return l;
    const chars = Array.from(l);
    while (chars.length > 1 && ctx.measureText(`${chars.join('')}…`).width > maxW) chars.pop();
    return `${chars.join('').trimEnd()}…`;
  });
}

/** Bounty board, 960x470: three slot panels with tier, enemy power, reward and status. */
export async function drawBountyBoard(b: BountyBoardInput): Promise<Canvas> {
  const W = 960;
  const H = 470;
  const { canvas, ctx } = frameCanvas(W, H);
  background(ctx, W, H, 'rgba(255,160,60,0.12)', 'rgba(120,90,255,0.12)');
  title(ctx, 'BOUNTY BOARD', 28, 50, 28, '#FFB347', 420);

  // Keys, right side of the header.
  const keys = clamp(Math.trunc(b.keys) || 0, 0, 3);
  for (let i = 0; i < 3; i++) {
    const kx = W - 28 - (3 - i) * 34;
    ctx.save();
    ctx.beginPath();
    ctx.arc(kx + 14, 36, 15, 0, Math.PI * 2);
    ctx.fillStyle = i < keys ? 'rgba(255,200,61,0.18)' : 'rgba(255,255,255,0.05)';
    ctx.fill();
    ctx.restore();
    drawKey(ctx, kx + 3, 26, 22, i < keys ? '#FFC83D' : 'rgba(255,255,255,0.22)');
  }
  ctx.save();
  ctx.font = font(13, { bold: true });
  ctx.textAlign = 'right';
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(`KEYS ${keys}/3`, W - 28 - 3 * 34 - 10, 41);
  ctx.fillText(`Resets ${fmtDateUtc(b.resetsAt)}`, W - 28, 74);
  ctx.restore();

  const slots = b.slots.slice(0, 4);
  const n = Math.max(1, slots.length);
  const gap = 20;
  const pw = (W - 56 - gap * (n - 1)) / n;
  const py = 96;
  const ph = H - py - 24;
  slots.forEach((slot, i) => {
    const x = 28 + i * (pw + gap);
    const [c0, c1] = TIER_COLORS[slot.tier] ?? TIER_COLORS.R!;
    const done = slot.status !== 'AVAILABLE';
    panel(ctx, x, py, pw, ph, 16, 'rgba(255,255,255,0.055)');
    // Tier-coloured top edge glow.
    ctx.save();
    roundRectPath(ctx, x, py, pw, ph, 16);
    ctx.clip();
    radialGlow(ctx, x + pw / 2, py, pw * 0.7, `${c0}30`);
    const edge = ctx.createLinearGradient(x, 0, x + pw, 0);
    edge.addColorStop(0, c0);
    edge.addColorStop(1, c1);
    ctx.fillStyle = edge;
    ctx.fillRect(x, py, pw, 4);
    ctx.restore();

    const cx = x + pw / 2;
    // Tier emblem: a diamond with the tier letters.
    ctx.save();
    ctx.translate(cx, py + 74);
    ctx.rotate(Math.PI / 4);
    const eg = ctx.createLinearGradient(-38, -38, 38, 38);
    eg.addColorStop(0, c0);
    eg.addColorStop(1, c1);
    ctx.shadowColor = `${c1}AA`;
    ctx.shadowBlur = 16;
    roundRectPath(ctx, -36, -36, 72, 72, 12);
    ctx.fillStyle = eg;
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.lineWidth = 2;
    ctx.strokeStyle = 'rgba(255,255,255,0.6)';
    ctx.stroke();
    ctx.restore();
    ctx.save();
    ctx.font = font(slot.tier.length > 2 ? 26 : 30, { bold: true });
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#FFFFFF';
    ctx.shadowColor = 'rgba(0,0,0,0.5)';
    ctx.shadowBlur = 4;
    ctx.fillText(slot.tier, cx, py + 76);
    ctx.restore();

    ctx.save();
    ctx.textAlign = 'center';
    ctx.font = font(13, { bold: true });
    ctx.fillStyle = TEXT_DIM;
    ctx.fillText(`${slot.tier} BOUNTY · 5 ENEMIES`, cx, py + 150);
    ctx.font = font(30, { bold: true });
    const ptxt = fmtInt(slot.power);
    const ptw = ctx.measureText(ptxt).width;
    drawBolt(ctx, cx - ptw / 2 - 16, py + 164, 24);
    shadowText(ctx, ptxt, cx + 12, py + 190, TEXT, 5);
    ctx.font = font(11, { bold: true });
    ctx.fillStyle = TEXT_DIM;
    ctx.fillText('TEAM POWER', cx, py + 208);

    // Reward box.
    const rx = x + 16;
    const ry = py + 222;
    const rw = pw - 32;
    roundRectPath(ctx, rx, ry, rw, 62, 10);
    ctx.fillStyle = 'rgba(0,0,0,0.28)';
    ctx.fill();
    ctx.font = font(10.5, { bold: true });
    ctx.fillStyle = c0;
    ctx.fillText('REWARD', cx, ry + 17);
    ctx.font = font(14, { bold: true });
    ctx.fillStyle = TEXT;
    const lines = wrapLines(ctx, imageText(slot.reward), rw - 20, 2);
    lines.forEach((l, j) => ctx.fillText(l, cx, ry + (lines.length === 1 ? 44 : 36 + j * 18)));
    ctx.restore();

    // Status.
    const st = slot.status;
    const stColor = st === 'AVAILABLE' ? '#43D39E' : st === 'COMPLETED' ? '#FFC83D' : '#FF5C7A';
    const stText = st === 'AVAILABLE' ? 'AVAILABLE' : st === 'COMPLETED' ? '✓ COMPLETED' : '✗ FAILED';
    if (done) greyOut(ctx, x, py, pw, ph, 16);
    pill(ctx, stText, cx, py + ph - 44, 30, done ? `${stColor}33` : stColor, done ? stColor : '#0B0D14', font(14, { bold: true }), 16, 'center');
    if (done) {
      // Rubber stamp across the panel.
      ctx.save();
      ctx.translate(cx, py + 82);
      ctx.rotate(-0.22);
      ctx.font = font(34, { bold: true });
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const label = st === 'COMPLETED' ? 'CLEARED' : 'FAILED';
      const lw = ctx.measureText(label).width + 30;
      roundRectPath(ctx, -lw / 2, -26, lw, 52, 8);
      ctx.lineWidth = 4;
      ctx.strokeStyle = `${stColor}DD`;
      ctx.stroke();
      ctx.fillStyle = `${stColor}DD`;
      ctx.fillText(label, 0, 2);
      ctx.restore();
    }
  });
  if (slots.length === 0) {
    ctx.save();
    ctx.font = font(18, { bold: true });
    ctx.fillStyle = TEXT_DIM;
    ctx.textAlign = 'center';
    ctx.fillText('No bounties posted', W / 2, H / 2 + 20);
    ctx.restore();
  }
  return canvas;
}

// ---- raids -----------------------------------------------------------------

const PHASE_COLORS: [string, string][] = [
  ['#43D39E', '#1E9E73'],
  ['#FFB347', '#F0702A'],
  ['#FF5C7A', '#B3123F'],
  ['#C77DFF', '#6A1B9A'],
];

function phaseColors(phase: number): [string, string] {
  return PHASE_COLORS[clamp(Math.trunc(phase) - 1, 0, PHASE_COLORS.length - 1)]!;
}

/** The boss's portrait in a crimson-gold frame, with a "RAID BOSS" tag near its foot. */
function bossPortrait(ctx: Ctx, x: number, y: number, w: number, h: number, art: ArtImage | null, name: string, id: number, glow: string): void {
  ctx.save();
  ctx.shadowColor = `${glow}AA`;
  ctx.shadowBlur = 20;
  roundRectPath(ctx, x, y, w, h, 14);
  const fg = ctx.createLinearGradient(x, y, x + w, y + h);
  fg.addColorStop(0, '#FFD86B');
  fg.addColorStop(0.5, '#FF4D6D');
  fg.addColorStop(1, '#6A0F3A');
  ctx.fillStyle = fg;
  ctx.fill();
  ctx.restore();
  ctx.save();
  roundRectPath(ctx, x + 4, y + 4, w - 8, h - 8, 11);
  ctx.clip();
  drawCover(ctx, art ?? drawnPortrait(id, name, 'UR', w - 8, h - 8), x + 4, y + 4, w - 8, h - 8, 0.25);
  const sc = ctx.createLinearGradient(0, y + h * 0.6, 0, y + h);
  sc.addColorStop(0, 'rgba(0,0,0,0)');
  sc.addColorStop(1, 'rgba(0,0,0,0.6)');
  ctx.fillStyle = sc;
  ctx.fillRect(x, y + h * 0.6, w, h * 0.4);
  ctx.restore();
  pill(ctx, 'RAID BOSS', x + w / 2, y + h - 36, 24, 'rgba(10,12,20,0.8)', '#FFD86B', font(12, { bold: true }), 10, 'center');
}

/** Phase thresholds strictly inside (0, 1), highest first. */
function innerThresholds(thresholds: number[]): number[] {
  return thresholds.filter((t) => t > 0 && t < 1).sort((a, b) => b - a);
}

/**
 * An HP bar with phase markers. `frac` is what is left; `lostFrom`, when
 * given, is what was left before a hit: the part between is drawn as the
 * chunk the hit took.
 */
function hpBar(ctx: Ctx, bx: number, by: number, bw: number, bh: number, frac: number, phase: number, thresholds: number[], lostFrom?: number): void {
  const [pc0, pc1] = phaseColors(phase);
  ctx.save();
  roundRectPath(ctx, bx - 3, by - 3, bw + 6, bh + 6, (bh + 6) / 2);
  ctx.fillStyle = 'rgba(0,0,0,0.5)';
  ctx.fill();
  ctx.strokeStyle = 'rgba(255,255,255,0.15)';
  ctx.lineWidth = 1;
  ctx.stroke();
  roundRectPath(ctx, bx, by, bw, bh, bh / 2);
  ctx.clip();
  ctx.fillStyle = 'rgba(255,255,255,0.04)';
  ctx.fillRect(bx, by, bw, bh);
  if (lostFrom !== undefined && lostFrom > frac) {
    // The chunk this hit took: bright, hatched, fading towards the old edge.
    const x0 = bx + bw * frac;
    const x1 = bx + bw * lostFrom;
    const lg = ctx.createLinearGradient(x0, 0, x1, 0);
    lg.addColorStop(0, '#FFF3D6');
    lg.addColorStop(1, '#FF8A5C');
    ctx.fillStyle = lg;
    ctx.fillRect(x0, by, Math.max(4, x1 - x0), bh);
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, by, Math.max(4, x1 - x0), bh);
    ctx.clip();
    ctx.strokeStyle = 'rgba(180,40,20,0.35)';
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (let x = x0 - bh; x < x1 + bh; x += 10) {
      ctx.moveTo(x, by + bh);
      ctx.lineTo(x + bh, by);
    }
    ctx.stroke();
    ctx.restore();
  }
  if (frac > 0) {
    const hg = ctx.createLinearGradient(bx, 0, bx + bw * frac, 0);
    hg.addColorStop(0, pc1);
    hg.addColorStop(1, pc0);
    ctx.fillStyle = hg;
    roundRectPath(ctx, bx, by, Math.max(bh, bw * frac), bh, bh / 2);
    ctx.fill();
    // Gloss on the upper half.
    const gl = ctx.createLinearGradient(0, by, 0, by + bh);
    gl.addColorStop(0, 'rgba(255,255,255,0.35)');
    gl.addColorStop(0.5, 'rgba(255,255,255,0.05)');
    gl.addColorStop(0.51, 'rgba(0,0,0,0)');
    gl.addColorStop(1, 'rgba(0,0,0,0.18)');
    ctx.fillStyle = gl;
    roundRectPath(ctx, bx, by, Math.max(bh, bw * frac), bh, bh / 2); // a square gloss would show past the bar's round end
    ctx.fill();
  }
  ctx.restore();

  // Phase thresholds: markers on the bar with their percentages.
  innerThresholds(thresholds).forEach((t, j) => {
    const tx = bx + bw * t;
    ctx.save();
    ctx.fillStyle = 'rgba(255,255,255,0.8)';
    ctx.fillRect(tx - 1, by - 4, 2, bh + 8);
    ctx.beginPath();
    ctx.moveTo(tx - 6, by + bh + 12);
    ctx.lineTo(tx + 6, by + bh + 12);
    ctx.lineTo(tx, by + bh + 5);
    ctx.closePath();
    ctx.fill();
    ctx.font = font(12, { bold: true });
    ctx.textAlign = 'center';
    ctx.fillStyle = phaseColors(j + 2)[0];
    ctx.fillText(`P${j + 2} · ${Math.round(t * 100)}%`, tx, by + bh + 28);
    ctx.restore();
  });
}

function pctText(frac: number): string {
  return `${(frac * 100).toFixed(frac > 0 && frac < 0.001 ? 2 : 1)}%`;
}

/** Raid status, 1000x300: boss art, name, phase, HP bar with phase markers, end time. */
export async function drawRaidBar(r: RaidBarInput, art: ArtSource): Promise<Canvas> {
  const W = 1000;
  const H = 300;
  const bossArt = await art.load(r.artUrl ?? null);
  const { canvas, ctx } = frameCanvas(W, H);
  const phaseIdx = clamp(Math.trunc(r.phase) - 1, 0, PHASE_COLORS.length - 1);
  const [pc0, pc1] = phaseColors(r.phase);
  background(ctx, W, H, `${pc1}33`, 'rgba(120,90,255,0.12)');

  const ax = 24;
  const ay = 24;
  const aw = 200;
  const ah = H - 48;
  bossPortrait(ctx, ax, ay, aw, ah, bossArt, r.bossName, r.bossCharacterId ?? hashString(r.bossName), pc1);

  const x0 = ax + aw + 32;
  const right = W - 32;
  // Name and phase.
  const nf = fitText(r.bossName, right - x0 - 170, 34, 18, { bold: true });
  ctx.save();
  ctx.font = nf.font;
  shadowText(ctx, nf.text, x0, 62, TEXT, 8);
  ctx.restore();
  ctx.save();
  const pg = ctx.createLinearGradient(right - 150, 0, right, 0);
  pg.addColorStop(0, pc0);
  pg.addColorStop(1, pc1);
  ctx.shadowColor = `${pc1}99`;
  ctx.shadowBlur = 12;
  pill(ctx, `PHASE ${Math.max(1, Math.trunc(r.phase))}`, right, 30, 36, pg, '#0B0D14', font(18, { bold: true }), 18, 'right');
  ctx.restore();

  const maxHp = Math.max(1, r.maxHp);
  const hp = clamp(r.hp, 0, maxHp);
  const frac = hp / maxHp;

  const bx = x0;
  const by = 126;
  const bw = right - x0;
  hpBar(ctx, bx, by, bw, 42, frac, r.phase, r.phaseThresholds);

  // HP figures above the bar.
  ctx.save();
  ctx.font = font(12, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText('HP', bx + 2, by - 12);
  ctx.font = font(19, { bold: true });
  shadowText(ctx, `${fmtInt(hp)} / ${fmtInt(maxHp)}`, bx + 26, by - 12, '#FFFFFF', 4);
  ctx.textAlign = 'right';
  ctx.font = font(22, { bold: true });
  shadowText(ctx, pctText(frac), bx + bw, by - 12, pc0, 4);
  ctx.restore();

  // Footer: phase list and end time.
  const thresholds = innerThresholds(r.phaseThresholds);
  const fy = H - 44;
  let px = x0;
  const phases = thresholds.length + 1;
  for (let p = 0; p < phases; p++) {
    const label = p === 0 ? `P1  > ${Math.round((thresholds[0] ?? 0) * 100)}%` : `P${p + 1}  ≤ ${Math.round(thresholds[p - 1]! * 100)}%`;
    const active = p === phaseIdx;
    const col = phaseColors(p + 1)[0];
    px +=
      pill(
        ctx,
        phases === 1 ? 'P1' : label,
        px,
        fy,
        26,
        active ? `${col}` : 'rgba(255,255,255,0.07)',
        active ? '#0B0D14' : TEXT_DIM,
        font(12, { bold: true }),
        12,
      ) + 8;
  }
  ctx.save();
  ctx.font = font(14, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.textAlign = 'right';
  ctx.fillText(`Ends ${fmtDateUtc(r.endsAt)}`, right, fy + 18);
  ctx.restore();
  return canvas;
}

export const RAID_HIT_W = 1200;
export const RAID_HIT_H = 652;

/**
 * A raid hit, 1200x652: a damage view, not a battle (a raid hit has no
 * winner). The boss's portrait; the damage dealt; the HP bar with the chunk
 * this hit took (before → after) and the phase markers; the player's team as
 * it fought, in colour, with each unit's final power and any skill the phase
 * silenced. Only the units the team has are drawn, centred.
 */
export async function drawRaidHit(r: RaidHitInput, art: ArtSource): Promise<Canvas> {
  const W = RAID_HIT_W;
  const H = RAID_HIT_H;
  const team = r.team.slice(0, 5);
  const [bossArt, ...arts] = await Promise.all([art.load(r.artUrl ?? null), ...team.map((c) => art.load(c.imageUrl))]);
  const { canvas, ctx } = frameCanvas(W, H);
  const phaseAfter = Math.max(1, Math.trunc(r.phaseAfter ?? r.phase));
  const [pc0, pc1] = phaseColors(r.phase);
  background(ctx, W, H, `${pc1}30`, r.lastHit ? 'rgba(255,200,61,0.18)' : 'rgba(120,90,255,0.12)');

  // Header: what happened, and the phase fought.
  title(ctx, r.lastHit ? 'LAST HIT!' : 'RAID HIT', 28, 50, 28, r.lastHit ? '#FFC83D' : '#FF5C7A', 420);
  ctx.save();
  const pg = ctx.createLinearGradient(W - 360, 0, W - 28, 0);
  pg.addColorStop(0, pc0);
  pg.addColorStop(1, pc1);
  ctx.shadowColor = `${pc1}99`;
  ctx.shadowBlur = 12;
  const phaseLabel = fitText(`PHASE ${Math.max(1, Math.trunc(r.phase))} · ${r.phaseName.toUpperCase()}`, 560, 17, 11, { bold: true });
  pill(ctx, phaseLabel.text, W - 28, 22, 34, pg, '#0B0D14', phaseLabel.font, 16, 'right');
  ctx.restore();

  // Boss portrait down the left, its name over the portrait's foot.
  const ax = 28;
  const ay = 80;
  const aw = 290;
  const ah = H - ay - 28;
  bossPortrait(ctx, ax, ay, aw, ah, bossArt, r.bossName, r.bossCharacterId ?? hashString(r.bossName), pc1);
  ctx.save();
  const bn = fitText(r.bossName, aw - 32, 22, 12, { bold: true });
  ctx.font = bn.font;
  ctx.textAlign = 'center';
  shadowText(ctx, bn.text, ax + aw / 2, ay + ah - 50, TEXT, 8);
  ctx.restore();

  const x0 = ax + aw + 34;
  const right = W - 28;

  // Damage dealt.
  ctx.save();
  const who = fitText(`${r.playerName.trim() ? r.playerName.toUpperCase() : 'YOUR TEAM'} DEALT`, right - x0, 13, 10, { bold: true });
  ctx.font = who.font;
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(who.text, x0, 104);
  const dmg = fmtInt(r.applied);
  ctx.font = font(64, { bold: true });
  const gold = ctx.createLinearGradient(0, 112, 0, 170);
  gold.addColorStop(0, '#FFF3B0');
  gold.addColorStop(0.5, '#FFC83D');
  gold.addColorStop(1, '#F08A24');
  ctx.shadowColor = 'rgba(255,160,40,0.5)';
  ctx.shadowBlur = 16;
  ctx.fillStyle = gold;
  ctx.fillText(dmg, x0 - 3, 168);
  const dw = ctx.measureText(dmg).width;
  ctx.shadowBlur = 0;
  ctx.font = font(22, { bold: true });
  ctx.fillStyle = '#FFE38A';
  ctx.fillText('DAMAGE', x0 + dw + 12, 166);
  // How the damage came about: the team's total, the phase's reduction, overkill.
  const notes: string[] = [`Team total ${fmtInt(r.teamTotal)}`];
  if (r.damageTaken !== 1) notes.push(`the boss took ${Math.round(r.damageTaken * 100)}%`);
  if (r.damage > r.applied) notes.push(`${fmtInt(r.damage - r.applied)} overkill`);
  ctx.font = font(15, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(notes.join('  ·  '), x0, 196);
  ctx.restore();

  // HP before → after.
  const maxHp = Math.max(1, r.maxHp);
  const before = clamp(r.hpBefore, 0, maxHp);
  const after = clamp(r.hpAfter, 0, maxHp);
  const by = 252;
  ctx.save();
  ctx.font = font(12, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText('BOSS HP', x0 + 2, by - 14);
  ctx.font = font(18, { bold: true });
  const hpText = `${fmtInt(before)}  →  ${fmtInt(after)}`;
  shadowText(ctx, hpText, x0 + 68, by - 14, '#FFFFFF', 4);
  const hw = ctx.measureText(hpText).width;
  ctx.font = font(14, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText(`/ ${fmtInt(maxHp)}`, x0 + 76 + hw, by - 14);
  ctx.textAlign = 'right';
  ctx.font = font(20, { bold: true });
  shadowText(ctx, `${pctText(before / maxHp)} → ${pctText(after / maxHp)}`, right, by - 14, phaseColors(phaseAfter)[0], 4);
  ctx.restore();
  hpBar(ctx, x0, by, right - x0, 36, after / maxHp, phaseAfter, r.phaseThresholds, before / maxHp);
  if (after === 0) {
    ctx.save();
    ctx.font = font(20, { bold: true });
    ctx.textAlign = 'center';
    shadowText(ctx, 'DEFEATED', (x0 + right) / 2, by + 26, '#FFD86B', 6);
    ctx.restore();
    // A stamp across the boss's portrait.
    ctx.save();
    ctx.translate(ax + aw / 2, ay + ah * 0.42);
    ctx.rotate(-0.22);
    ctx.font = font(40, { bold: true });
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const lw = ctx.measureText('DEFEATED').width + 30;
    roundRectPath(ctx, -lw / 2, -30, lw, 60, 8);
    ctx.fillStyle = 'rgba(10,8,4,0.45)';
    ctx.fill();
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#FFC83DEE';
    ctx.stroke();
    ctx.fillStyle = '#FFC83DEE';
    ctx.fillText('DEFEATED', 0, 2);
    ctx.restore();
  }
  if (phaseAfter > r.phase && after > 0) {
    ctx.save();
    ctx.shadowColor = 'rgba(0,0,0,0.5)';
    ctx.shadowBlur = 8;
    const [n0] = phaseColors(phaseAfter);
    pill(ctx, `PHASE ${phaseAfter} BEGINS`, right, by + 46, 24, n0, '#0B0D14', font(12, { bold: true }), 12, 'right');
    ctx.restore();
  }

  // The team, as it fought.
  const ty = 352;
  ctx.save();
  ctx.font = font(13, { bold: true });
  ctx.fillStyle = TEXT_DIM;
  ctx.fillText('YOUR TEAM', x0, ty - 12);
  ctx.restore();
  const cw = 150;
  const ch = 225;
  const gap = 18;
  const rowW = team.length * cw + Math.max(0, team.length - 1) * gap;
  const left = x0 + (right - x0 - rowW) / 2;
  team.forEach((c, i) => {
    const x = left + i * (cw + gap);
    drawCard(ctx, x, ty, cw, ch, c, arts[i] ?? null);
    const fin = r.teamFinal[i];
    const fy = ty + ch + 26;
    if (fin !== undefined) {
      const delta = fin - c.power;
      ctx.save();
      const ft = fmtInt(fin);
      const dt = delta === 0 ? '' : `${delta > 0 ? '+' : ''}${fmtInt(delta)}`;
      ctx.font = font(12, { bold: true });
      const dwid = dt ? ctx.measureText(dt).width + 6 : 0;
      ctx.font = font(18, { bold: true });
      const fw = ctx.measureText(ft).width;
      const fx = x + cw / 2 - (fw + dwid) / 2;
      shadowText(ctx, ft, fx, fy, TEXT);
      if (dt) {
        ctx.font = font(12, { bold: true });
        ctx.fillStyle = delta > 0 ? '#43D39E' : '#FF7A90';
        ctx.fillText(dt, fx + fw + 6, fy);
      }
      ctx.restore();
    }
    const silenced = r.silenced?.[i];
    if (silenced) {
      const sf = fitText(`🔇 ${silenced}`, cw - 16, 12, 9, { bold: true, cond: true });
      pill(ctx, sf.text, x + cw / 2, fy + 10, 20, 'rgba(255,92,122,0.22)', '#FF9DB0', sf.font, 8, 'center');
    }
  });
  if (team.length === 0) {
    ctx.save();
    ctx.font = font(16, { bold: true });
    ctx.fillStyle = TEXT_DIM;
    ctx.textAlign = 'center';
    ctx.fillText('No team', (x0 + right) / 2, ty + ch / 2);
    ctx.restore();
  }
  return canvas;
}

// ---- encoded replies ------------------------------------------------------
// Each render is its drawing, encoded as the reply format (encode.ts). The
// draw* functions are exported for the golden tests (which compare the
// drawing itself, losslessly) and the bench's format comparison.

export async function renderCard(c: CardInfo, art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawCardImage(c, art));
}
export async function renderTenPull(cards: CardInfo[], art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawTenPull(cards, art));
}
export async function renderTeam(titleText: string, slots: (TeamSlot | null)[], totalPowerValue: number, art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawTeam(titleText, slots, totalPowerValue, art));
}
export async function renderBattle(b: BattleImageInput, art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawBattle(b, art));
}
export async function renderBanner(b: BannerImageInput, art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawBanner(b, art));
}
export async function renderBountyBoard(b: BountyBoardInput): Promise<Buffer> {
  return encodeImage(await drawBountyBoard(b));
}
export async function renderRaidBar(r: RaidBarInput, art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawRaidBar(r, art));
}
export async function renderRaidHit(r: RaidHitInput, art: ArtSource): Promise<Buffer> {
  return encodeImage(await drawRaidHit(r, art));
}
