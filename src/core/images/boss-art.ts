// Raid boss portraits, drawn in code (no image files to ship or fetch): each
// boss has its own painter, seeded so it looks the same every time. A boss's
// art URL is `drawn:boss/<key>`; loadArt (art.ts) answers it from here, so
// wherever a boss's art URL or a boss unit's image URL is drawn (the raid
// status image, the raid hit image, a boss card in a battle) the portrait
// appears. Drawn once per process at 360x540 (2:3, like character art) and
// scaled from there.
import type { Canvas } from '@napi-rs/canvas';
import { type Ctx, newCanvas, radialGlow, seeded } from './gfx.js';

export const BOSS_ART_W = 360;
export const BOSS_ART_H = 540;

const PREFIX = 'drawn:boss/';

type Painter = (ctx: Ctx, w: number, h: number) => void;

/** Stars scattered over a rectangle (deterministic). */
function stars(ctx: Ctx, rnd: () => number, x: number, y: number, w: number, h: number, count: number, maxR: number, color = '255,255,255'): void {
  for (let i = 0; i < count; i++) {
    const r = maxR * (0.25 + rnd() * rnd() * 0.75);
    const a = 0.35 + rnd() * 0.65;
    const sx = x + rnd() * w;
    const sy = y + rnd() * h;
    if (r > maxR * 0.7) radialGlow(ctx, sx, sy, r * 4, `rgba(${color},${(a * 0.25).toFixed(3)})`);
    ctx.fillStyle = `rgba(${color},${a.toFixed(3)})`;
    ctx.beginPath();
    ctx.arc(sx, sy, r, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** A four-pointed glint. */
function glint(ctx: Ctx, x: number, y: number, r: number, color: string): void {
  ctx.save();
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.quadraticCurveTo(x, y, x + r * 0.7, y);
  ctx.quadraticCurveTo(x, y, x, y + r);
  ctx.quadraticCurveTo(x, y, x - r * 0.7, y);
  ctx.quadraticCurveTo(x, y, x, y - r);
  ctx.fill();
  ctx.restore();
}

// ---- Gloomfang, the Hollow Wolf ----------------------------------------------
// "A wolf made of the dark between stars": a front-facing wolf's head cut out
// of the night, full of stars and traced as a constellation, with ice-blue
// eyes, in front of a blood moon.

/** Right half of the head, from the top of the forehead round to the chin, in head units (x 0..1, y 0..1.52). */
const WOLF_HEAD: [number, number][] = [
  [0, 0.3],
  [0.16, 0.26],
  [0.24, 0.2],
  [0.4, -0.06],
  [0.6, 0.28],
  [0.72, 0.42],
  [0.93, 0.6],
  [0.8, 0.66],
  [0.92, 0.8],
  [0.74, 0.82],
  [0.8, 0.96],
  [0.58, 0.94],
  [0.44, 1.06],
  [0.28, 1.2],
  [0.22, 1.38],
  [0.12, 1.5],
  [0, 1.52],
];

/** Right half of the neck and chest fur behind the head, down past the bottom edge. */
const WOLF_CHEST: [number, number][] = [
  [0, 0.9],
  [0.66, 0.9],
  [0.9, 1.1],
  [0.84, 1.16],
  [1.02, 1.3],
  [0.95, 1.35],
  [1.16, 1.52],
  [1.1, 1.58],
  [1.34, 1.86],
  [1.5, 2.4],
  [1.6, 3.6],
  [0, 3.6],
];

function mirrored(half: [number, number][]): [number, number][] {
  const left = half
    .slice(1, -1)
    .reverse()
    .map(([x, y]) => [-x, y] as [number, number]);
  return [...half, ...left];
}

const paintGloomfang: Painter = (ctx, w, h) => {
  const rnd = seeded(8_880_001);
  const sky = ctx.createLinearGradient(0, 0, 0, h);
  sky.addColorStop(0, '#05060F');
  sky.addColorStop(0.55, '#12112B');
  sky.addColorStop(1, '#1E0B1E');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, w, h);
  stars(ctx, rnd, 0, 0, w, h, 90, w * 0.006);

  // Blood moon behind the head.
  const mx = w * 0.5;
  const my = h * 0.33;
  const mr = w * 0.4;
  radialGlow(ctx, mx, my, mr * 1.9, 'rgba(200,30,50,0.35)');
  const moon = ctx.createRadialGradient(mx - mr * 0.3, my - mr * 0.3, mr * 0.1, mx, my, mr);
  moon.addColorStop(0, '#FF8A6A');
  moon.addColorStop(0.6, '#C2253A');
  moon.addColorStop(1, '#6E0B22');
  ctx.fillStyle = moon;
  ctx.beginPath();
  ctx.arc(mx, my, mr, 0, Math.PI * 2);
  ctx.fill();
  // Craters.
  ctx.fillStyle = 'rgba(80,5,20,0.35)';
  for (const [cx, cy, cr] of [
    [-0.35, -0.2, 0.16],
    [0.3, 0.25, 0.12],
    [0.1, -0.45, 0.08],
    [-0.15, 0.4, 0.1],
  ] as const) {
    ctx.beginPath();
    ctx.arc(mx + cx * mr, my + cy * mr, cr * mr, 0, Math.PI * 2);
    ctx.fill();
  }

  // The head and the chest behind it, in canvas pixels.
  const unit = w * 0.42;
  const ox = w * 0.5;
  const oy = h * 0.1;
  const toPx = (pts: [number, number][]) => pts.map(([x, y]) => [ox + x * unit, oy + y * unit] as [number, number]);
  const pts = toPx(mirrored(WOLF_HEAD));
  const chest = toPx(mirrored(WOLF_CHEST));
  const pathOf = (poly: [number, number][]) => {
    ctx.beginPath();
    poly.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.closePath();
  };
  const path = () => pathOf(pts);

  // The chest: the same night inside, a shade darker, its fur edge traced faintly.
  ctx.save();
  ctx.shadowColor = 'rgba(120,200,255,0.5)';
  ctx.shadowBlur = w * 0.04;
  pathOf(chest);
  ctx.fillStyle = '#03040B';
  ctx.fill();
  ctx.restore();
  ctx.save();
  pathOf(chest);
  ctx.clip();
  const deep = ctx.createLinearGradient(0, oy + unit, 0, h);
  deep.addColorStop(0, '#070A22');
  deep.addColorStop(1, '#020208');
  ctx.fillStyle = deep;
  ctx.fillRect(0, 0, w, h);
  radialGlow(ctx, ox + unit * 0.5, oy + unit * 1.7, unit * 0.6, 'rgba(90,60,200,0.25)');
  stars(ctx, rnd, ox - unit * 1.3, oy + unit * 0.9, unit * 2.6, h, 90, w * 0.006, '200,225,255');
  ctx.restore();
  ctx.save();
  ctx.strokeStyle = 'rgba(170,210,255,0.3)';
  ctx.lineWidth = Math.max(1, w * 0.003);
  pathOf(chest);
  ctx.stroke();
  ctx.restore();

  // Rim light: the head's edge catches the moon.
  ctx.save();
  ctx.shadowColor = 'rgba(120,200,255,0.8)';
  ctx.shadowBlur = w * 0.05;
  path();
  ctx.fillStyle = '#03040B';
  ctx.fill();
  ctx.restore();

  // Inside: deep space with its own nebula and stars.
  ctx.save();
  path();
  ctx.clip();
  const inner = ctx.createLinearGradient(0, oy, 0, oy + unit * 1.52);
  inner.addColorStop(0, '#0A0F2E');
  inner.addColorStop(1, '#04040C');
  ctx.fillStyle = inner;
  ctx.fillRect(0, 0, w, h);
  radialGlow(ctx, ox - unit * 0.35, oy + unit * 0.5, unit * 0.6, 'rgba(90,60,200,0.35)');
  radialGlow(ctx, ox + unit * 0.4, oy + unit * 1.0, unit * 0.5, 'rgba(40,140,220,0.25)');
  stars(ctx, rnd, ox - unit, oy - unit * 0.1, unit * 2, unit * 1.65, 140, w * 0.007, '200,225,255');
  // Muzzle bridge and inner ears, a shade lighter.
  ctx.fillStyle = 'rgba(120,150,255,0.09)';
  ctx.beginPath();
  ctx.moveTo(ox - unit * 0.1, oy + unit * 0.36);
  ctx.lineTo(ox + unit * 0.1, oy + unit * 0.36);
  ctx.lineTo(ox + unit * 0.17, oy + unit * 1.4);
  ctx.lineTo(ox - unit * 0.17, oy + unit * 1.4);
  ctx.closePath();
  ctx.fill();
  for (const s of [1, -1]) {
    ctx.beginPath();
    ctx.moveTo(ox + s * unit * 0.28, oy + unit * 0.22);
    ctx.lineTo(ox + s * unit * 0.41, oy + unit * 0.04);
    ctx.lineTo(ox + s * unit * 0.54, oy + unit * 0.3);
    ctx.closePath();
    ctx.fillStyle = 'rgba(180,40,80,0.25)';
    ctx.fill();
  }
  ctx.restore();

  // Constellation: the outline's corners are stars joined by faint lines.
  ctx.save();
  ctx.strokeStyle = 'rgba(170,210,255,0.55)';
  ctx.lineWidth = Math.max(1, w * 0.004);
  ctx.lineJoin = 'round';
  path();
  ctx.stroke();
  ctx.strokeStyle = 'rgba(170,210,255,0.3)';
  ctx.beginPath();
  for (const s of [1, -1]) {
    ctx.moveTo(ox + s * unit * 0.16, oy + unit * 0.26);
    ctx.lineTo(ox + s * unit * 0.27, oy + unit * 0.66);
    ctx.lineTo(ox + s * unit * 0.17, oy + unit * 1.4);
    ctx.moveTo(ox + s * unit * 0.27, oy + unit * 0.66);
    ctx.lineTo(ox + s * unit * 0.72, oy + unit * 0.42);
    ctx.moveTo(ox + s * unit * 0.27, oy + unit * 0.66);
    ctx.lineTo(ox + s * unit * 0.58, oy + unit * 0.94);
  }
  ctx.stroke();
  for (const [x, y] of pts) {
    radialGlow(ctx, x, y, w * 0.02, 'rgba(190,225,255,0.6)');
    ctx.fillStyle = '#EAF4FF';
    ctx.beginPath();
    ctx.arc(x, y, w * 0.006, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();

  // Eyes: slanted, ice-blue, glowing.
  for (const s of [1, -1]) {
    const ex = ox + s * unit * 0.27;
    const ey = oy + unit * 0.66;
    radialGlow(ctx, ex, ey, unit * 0.3, 'rgba(90,200,255,0.45)');
    ctx.save();
    ctx.translate(ex, ey);
    ctx.rotate(s * 0.35);
    ctx.beginPath();
    ctx.ellipse(0, 0, unit * 0.12, unit * 0.045, 0, 0, Math.PI * 2);
    const eg = ctx.createLinearGradient(-unit * 0.12, 0, unit * 0.12, 0);
    eg.addColorStop(0, '#BFF3FF');
    eg.addColorStop(0.5, '#FFFFFF');
    eg.addColorStop(1, '#6FD6FF');
    ctx.fillStyle = eg;
    ctx.shadowColor = '#5BD3FF';
    ctx.shadowBlur = unit * 0.08;
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.fillStyle = '#0A1030';
    ctx.beginPath();
    ctx.ellipse(0, 0, unit * 0.022, unit * 0.045, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.restore();
  }

  // Nose and fangs.
  const ny = oy + unit * 1.4;
  ctx.fillStyle = '#0B0B18';
  ctx.strokeStyle = 'rgba(170,210,255,0.6)';
  ctx.lineWidth = Math.max(1, w * 0.003);
  ctx.beginPath();
  ctx.moveTo(ox - unit * 0.1, ny - unit * 0.04);
  ctx.quadraticCurveTo(ox, ny - unit * 0.08, ox + unit * 0.1, ny - unit * 0.04);
  ctx.lineTo(ox, ny + unit * 0.06);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = '#F4F7FF';
  for (const s of [1, -1]) {
    ctx.beginPath();
    ctx.moveTo(ox + s * unit * 0.05, oy + unit * 1.5);
    ctx.lineTo(ox + s * unit * 0.12, oy + unit * 1.47);
    ctx.lineTo(ox + s * unit * 0.08, oy + unit * 1.64);
    ctx.closePath();
    ctx.fill();
  }

  // Mist rising from below.
  const mist = ctx.createLinearGradient(0, h * 0.72, 0, h);
  mist.addColorStop(0, 'rgba(40,20,60,0)');
  mist.addColorStop(1, 'rgba(60,25,70,0.85)');
  ctx.fillStyle = mist;
  ctx.fillRect(0, h * 0.72, w, h * 0.28);
  for (let i = 0; i < 8; i++) radialGlow(ctx, rnd() * w, h * (0.85 + rnd() * 0.15), w * (0.15 + rnd() * 0.15), 'rgba(120,80,160,0.18)');
};

// ---- Seraphine, Tide-Crystal Empress ---------------------------------------
// "Queen of a drowned glass city": a figure under the sea, crowned with tall
// crystals, hair flowing like the tide, light falling from the surface.

const paintSeraphine: Painter = (ctx, w, h) => {
  const rnd = seeded(8_880_002);
  const sea = ctx.createLinearGradient(0, 0, 0, h);
  sea.addColorStop(0, '#3FD6E6');
  sea.addColorStop(0.35, '#0F6E93');
  sea.addColorStop(1, '#061B3A');
  ctx.fillStyle = sea;
  ctx.fillRect(0, 0, w, h);

  // Light shafts from the surface.
  ctx.save();
  ctx.globalCompositeOperation = 'screen';
  for (let i = 0; i < 6; i++) {
    const x = w * (0.05 + rnd() * 0.9);
    const spread = w * (0.05 + rnd() * 0.08);
    const g = ctx.createLinearGradient(0, 0, 0, h * 0.8);
    g.addColorStop(0, `rgba(200,255,255,${(0.18 + rnd() * 0.15).toFixed(3)})`);
    g.addColorStop(1, 'rgba(200,255,255,0)');
    ctx.fillStyle = g;
    ctx.beginPath();
    ctx.moveTo(x - spread * 0.4, 0);
    ctx.lineTo(x + spread * 0.4, 0);
    ctx.lineTo(x + spread * 2 + w * 0.1, h * 0.8);
    ctx.lineTo(x - spread * 2 + w * 0.1, h * 0.8);
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();

  // The drowned city: glass spires in the distance.
  ctx.save();
  for (let i = 0; i < 9; i++) {
    const x = w * (i / 8) + (rnd() - 0.5) * w * 0.06;
    const top = h * (0.5 + rnd() * 0.18);
    const bw = w * (0.03 + rnd() * 0.04);
    const g = ctx.createLinearGradient(0, top, 0, h);
    g.addColorStop(0, 'rgba(140,240,255,0.35)');
    g.addColorStop(1, 'rgba(20,80,120,0.1)');
    ctx.fillStyle = g;
    ctx.beginPath();
    ctx.moveTo(x, top - bw * 1.6);
    ctx.lineTo(x + bw, top);
    ctx.lineTo(x + bw, h);
    ctx.lineTo(x - bw, h);
    ctx.lineTo(x - bw, top);
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();

  const cx = w * 0.5;
  const headY = h * 0.4;
  const headR = w * 0.13;

  // Hair flowing out like the tide, behind the figure.
  ctx.save();
  for (let i = 0; i < 14; i++) {
    const s = i % 2 === 0 ? 1 : -1;
    const k = Math.floor(i / 2) / 7;
    const g = ctx.createLinearGradient(cx, headY, cx + s * w * 0.5, h);
    g.addColorStop(0, 'rgba(120,250,240,0.55)');
    g.addColorStop(1, 'rgba(40,120,200,0)');
    ctx.strokeStyle = g;
    ctx.lineWidth = w * (0.05 - k * 0.03);
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(cx + s * headR * 0.6, headY - headR * 0.3);
    ctx.bezierCurveTo(
      cx + s * w * (0.3 + k * 0.2),
      headY + h * 0.05,
      cx + s * w * (0.05 + k * 0.25),
      headY + h * 0.25,
      cx + s * w * (0.32 + k * 0.18),
      headY + h * (0.42 + k * 0.1),
    );
    ctx.stroke();
  }
  ctx.restore();

  // Shoulders and gown.
  ctx.save();
  const gown = ctx.createLinearGradient(0, headY + headR, 0, h);
  gown.addColorStop(0, '#0B3A5C');
  gown.addColorStop(1, '#04132A');
  ctx.fillStyle = gown;
  ctx.beginPath();
  ctx.moveTo(cx - headR * 0.4, headY + headR * 0.9);
  ctx.lineTo(cx + headR * 0.4, headY + headR * 0.9);
  ctx.quadraticCurveTo(cx + headR * 0.5, headY + headR * 1.45, cx + w * 0.24, headY + headR * 1.75);
  ctx.quadraticCurveTo(cx + w * 0.36, headY + headR * 1.95, cx + w * 0.37, headY + headR * 2.7);
  ctx.quadraticCurveTo(cx + w * 0.42, h * 0.85, cx + w * 0.46, h);
  ctx.lineTo(cx - w * 0.46, h);
  ctx.quadraticCurveTo(cx - w * 0.42, h * 0.85, cx - w * 0.37, headY + headR * 2.7);
  ctx.quadraticCurveTo(cx - w * 0.36, headY + headR * 1.95, cx - w * 0.24, headY + headR * 1.75);
  ctx.quadraticCurveTo(cx - headR * 0.5, headY + headR * 1.45, cx - headR * 0.4, headY + headR * 0.9);
  ctx.closePath();
  ctx.fill();
  // Crystal collar: a fan of small shards.
  for (let i = -4; i <= 4; i++) {
    const a = Math.PI / 2 + i * 0.22;
    const x0 = cx + Math.cos(a) * headR * 1.1;
    const y0 = headY + headR * 1.55 + Math.sin(a) * headR * 0.2;
    const len = headR * (0.55 + (4 - Math.abs(i)) * 0.08);
    crystal(ctx, x0, y0, len * 0.22, len, Math.PI / 2 - a + Math.PI, 'rgba(170,250,255,0.9)', 'rgba(60,170,220,0.9)');
  }
  ctx.restore();

  // Hair framing the face, falling to the shoulders.
  ctx.save();
  const hair = ctx.createLinearGradient(0, headY - headR, 0, headY + headR * 2.4);
  hair.addColorStop(0, '#7FF2EC');
  hair.addColorStop(0.5, '#2AA6C4');
  hair.addColorStop(1, 'rgba(20,90,150,0.2)');
  ctx.fillStyle = hair;
  for (const s of [1, -1]) {
    ctx.beginPath();
    ctx.moveTo(cx, headY - headR * 1.08);
    ctx.bezierCurveTo(cx + s * headR * 1.2, headY - headR * 1.05, cx + s * headR * 1.3, headY + headR * 0.4, cx + s * headR * 1.55, headY + headR * 2.4);
    ctx.quadraticCurveTo(cx + s * headR * 1.1, headY + headR * 2.0, cx + s * headR * 0.62, headY + headR * 1.2);
    ctx.quadraticCurveTo(cx + s * headR * 0.75, headY, cx, headY - headR * 0.6);
    ctx.closePath();
    ctx.fill();
  }
  // Strands of light in the hair.
  ctx.strokeStyle = 'rgba(220,255,255,0.35)';
  ctx.lineWidth = Math.max(1, w * 0.004);
  for (const s of [1, -1]) {
    for (let i = 0; i < 3; i++) {
      ctx.beginPath();
      ctx.moveTo(cx + s * headR * (0.5 + i * 0.2), headY - headR * (0.9 - i * 0.1));
      ctx.quadraticCurveTo(cx + s * headR * (1.0 + i * 0.12), headY + headR * 0.5, cx + s * headR * (1.2 + i * 0.1), headY + headR * (1.9 + i * 0.1));
      ctx.stroke();
    }
  }
  ctx.restore();

  // Head: a pale silhouette turned to the light.
  ctx.save();
  const face = ctx.createRadialGradient(cx - headR * 0.3, headY - headR * 0.3, headR * 0.1, cx, headY, headR * 1.1);
  face.addColorStop(0, '#E8FFFF');
  face.addColorStop(0.6, '#8FD9E8');
  face.addColorStop(1, '#3C8FB0');
  ctx.fillStyle = face;
  ctx.shadowColor = 'rgba(160,255,255,0.7)';
  ctx.shadowBlur = w * 0.05;
  ctx.beginPath();
  ctx.ellipse(cx, headY, headR * 0.82, headR, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.shadowBlur = 0;
  // Neck.
  ctx.fillStyle = '#5FB3CC';
  ctx.fillRect(cx - headR * 0.3, headY + headR * 0.7, headR * 0.6, headR * 0.6);
  // Closed eyes with long lashes: she is dreaming the sea.
  ctx.strokeStyle = 'rgba(10,50,80,0.8)';
  ctx.lineWidth = Math.max(1.5, w * 0.006);
  ctx.lineCap = 'round';
  for (const s of [1, -1]) {
    const ex = cx + s * headR * 0.33;
    const ey = headY + headR * 0.08;
    ctx.beginPath();
    ctx.arc(ex, ey - headR * 0.1, headR * 0.17, 0.2 * Math.PI, 0.8 * Math.PI);
    ctx.stroke();
    for (let k = 0; k < 3; k++) {
      const a = (0.3 + k * 0.2) * Math.PI;
      ctx.beginPath();
      ctx.moveTo(ex + Math.cos(a) * headR * 0.17, ey - headR * 0.1 + Math.sin(a) * headR * 0.17);
      ctx.lineTo(ex + Math.cos(a) * headR * 0.25, ey - headR * 0.1 + Math.sin(a) * headR * 0.25);
      ctx.stroke();
    }
  }
  // Lips, faint.
  ctx.fillStyle = 'rgba(40,120,160,0.6)';
  ctx.beginPath();
  ctx.ellipse(cx, headY + headR * 0.55, headR * 0.1, headR * 0.035, 0, 0, Math.PI * 2);
  ctx.fill();
  // Tear-drop gem on the brow.
  ctx.fillStyle = '#FFFFFF';
  ctx.shadowColor = '#7FF6FF';
  ctx.shadowBlur = w * 0.03;
  ctx.beginPath();
  ctx.moveTo(cx, headY - headR * 0.5);
  ctx.quadraticCurveTo(cx + headR * 0.1, headY - headR * 0.32, cx, headY - headR * 0.25);
  ctx.quadraticCurveTo(cx - headR * 0.1, headY - headR * 0.32, cx, headY - headR * 0.5);
  ctx.fill();
  ctx.restore();

  // Crown: tall crystals fanning out above the head.
  const crown: [number, number, number][] = [
    [0, 1.45, 0.3],
    [0.3, 1.15, 0.26],
    [-0.3, 1.15, 0.26],
    [0.58, 0.85, 0.22],
    [-0.58, 0.85, 0.22],
    [0.8, 0.55, 0.18],
    [-0.8, 0.55, 0.18],
  ];
  for (const [tilt, len, wid] of crown) {
    const bx = cx + Math.sin(tilt) * headR * 0.7;
    const by = headY - Math.cos(tilt) * headR * 0.85;
    crystal(ctx, bx, by, headR * wid, headR * len, tilt, 'rgba(235,255,255,0.95)', 'rgba(70,190,235,0.95)');
  }
  glint(ctx, cx + headR * 0.25, headY - headR * 2.2, headR * 0.35, 'rgba(255,255,255,0.9)');

  // Bubbles.
  for (let i = 0; i < 22; i++) {
    const x = rnd() * w;
    const y = rnd() * h;
    const r = w * (0.004 + rnd() * 0.014);
    ctx.strokeStyle = `rgba(220,255,255,${(0.3 + rnd() * 0.4).toFixed(3)})`;
    ctx.lineWidth = Math.max(1, r * 0.25);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.stroke();
  }

  // Waves breaking across the bottom.
  for (let k = 0; k < 3; k++) {
    const y0 = h * (0.82 + k * 0.06);
    ctx.fillStyle = `rgba(${20 + k * 10},${90 + k * 20},${150 + k * 20},${(0.5 + k * 0.15).toFixed(2)})`;
    ctx.beginPath();
    ctx.moveTo(0, h);
    ctx.lineTo(0, y0);
    const waves = 4;
    for (let i = 0; i < waves; i++) {
      const x0 = (w / waves) * i;
      const x1 = x0 + w / waves;
      ctx.quadraticCurveTo((x0 + x1) / 2, y0 - h * 0.035 * (k % 2 ? -1 : 1), x1, y0);
    }
    ctx.lineTo(w, h);
    ctx.closePath();
    ctx.fill();
  }
};

/** A long hexagonal crystal standing on (x, y), leaning by `tilt` radians. */
function crystal(ctx: Ctx, x: number, y: number, width: number, length: number, tilt: number, light: string, dark: string): void {
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(tilt);
  const g = ctx.createLinearGradient(-width, 0, width, 0);
  g.addColorStop(0, dark);
  g.addColorStop(0.45, light);
  g.addColorStop(1, dark);
  ctx.fillStyle = g;
  ctx.shadowColor = 'rgba(140,240,255,0.8)';
  ctx.shadowBlur = width * 1.2;
  ctx.beginPath();
  ctx.moveTo(-width, 0);
  ctx.lineTo(-width, -length * 0.75);
  ctx.lineTo(0, -length);
  ctx.lineTo(width, -length * 0.75);
  ctx.lineTo(width, 0);
  ctx.closePath();
  ctx.fill();
  ctx.shadowBlur = 0;
  ctx.strokeStyle = 'rgba(255,255,255,0.8)';
  ctx.lineWidth = Math.max(1, width * 0.12);
  ctx.beginPath();
  ctx.moveTo(0, -length);
  ctx.lineTo(0, 0);
  ctx.stroke();
  ctx.restore();
}

// ---- NULL, the Star-Eater --------------------------------------------------
// "Where it passes, the sky has fewer stars": a black hole with a burning
// accretion disk, stars stretched into streaks as they fall in.

const paintNull: Painter = (ctx, w, h) => {
  const rnd = seeded(8_880_003);
  ctx.fillStyle = '#020208';
  ctx.fillRect(0, 0, w, h);
  radialGlow(ctx, w * 0.2, h * 0.15, w * 0.6, 'rgba(90,30,140,0.35)');
  radialGlow(ctx, w * 0.85, h * 0.8, w * 0.6, 'rgba(30,40,140,0.3)');

  const cx = w * 0.5;
  const cy = h * 0.42;
  const r = w * 0.2;

  // Stars: fewer the closer to the hole; those near it are stretched round it.
  for (let i = 0; i < 220; i++) {
    const x = rnd() * w;
    const y = rnd() * h;
    const d = Math.hypot(x - cx, y - cy) / r;
    if (d < 1.3 || rnd() > Math.min(1, (d - 1.2) / 2.5)) continue;
    const size = w * (0.0015 + rnd() * rnd() * 0.006);
    if (d < 3.2) {
      // A streak along the circle it orbits.
      const a = Math.atan2(y - cy, x - cx);
      const span = (0.5 / d) * (0.5 + rnd());
      ctx.strokeStyle = `rgba(255,230,200,${(0.4 + rnd() * 0.5).toFixed(3)})`;
      ctx.lineWidth = size * 1.4;
      ctx.lineCap = 'round';
      ctx.beginPath();
      ctx.arc(cx, cy, d * r, a, a + span);
      ctx.stroke();
    } else {
      ctx.fillStyle = `rgba(255,255,255,${(0.4 + rnd() * 0.6).toFixed(3)})`;
      ctx.beginPath();
      ctx.arc(x, y, size, 0, Math.PI * 2);
      ctx.fill();
    }
  }

  const disk = (front: boolean) => {
    // The accretion disk, tilted: drawn as many thin ellipses from hot inner to cool outer.
    ctx.save();
    ctx.translate(cx, cy);
    ctx.rotate(-0.18);
    ctx.beginPath();
    if (front) ctx.rect(-w, 0, w * 2, h);
    else ctx.rect(-w, -h, w * 2, h);
    ctx.clip();
    ctx.globalCompositeOperation = 'lighter';
    for (let i = 0; i < 26; i++) {
      const t = i / 25;
      const rx = r * (1.25 + t * 1.35);
      const ry = rx * 0.24;
      const col = t < 0.2 ? '255,250,230' : t < 0.5 ? '255,190,90' : t < 0.8 ? '240,90,60' : '150,40,120';
      ctx.strokeStyle = `rgba(${col},${(0.2 * (1 - t) + 0.04).toFixed(3)})`;
      ctx.lineWidth = r * 0.1;
      ctx.beginPath();
      ctx.ellipse(0, 0, rx, ry, 0, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.restore();
  };

  // Back half of the disk, then the hole, then the lensed arc and the front half.
  disk(false);
  radialGlow(ctx, cx, cy, r * 2.2, 'rgba(255,140,60,0.25)');
  // Photon ring.
  ctx.save();
  ctx.shadowColor = 'rgba(255,200,120,0.95)';
  ctx.shadowBlur = r * 0.35;
  ctx.strokeStyle = '#FFE3B0';
  ctx.lineWidth = r * 0.06;
  ctx.beginPath();
  ctx.arc(cx, cy, r * 1.04, 0, Math.PI * 2);
  ctx.stroke();
  ctx.restore();
  // The hole.
  const hole = ctx.createRadialGradient(cx, cy, r * 0.6, cx, cy, r);
  hole.addColorStop(0, '#000000');
  hole.addColorStop(1, '#07030A');
  ctx.fillStyle = hole;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fill();
  // Light bent over the top of the hole.
  ctx.save();
  ctx.globalCompositeOperation = 'lighter';
  for (let i = 0; i < 6; i++) {
    ctx.strokeStyle = `rgba(255,${180 + i * 10},${100 + i * 20},${(0.25 - i * 0.03).toFixed(3)})`;
    ctx.lineWidth = r * (0.16 - i * 0.02);
    ctx.beginPath();
    ctx.ellipse(cx, cy - r * 0.05, r * (1.22 + i * 0.04), r * (1.12 + i * 0.05), -0.18, Math.PI * 1.05, Math.PI * 1.95);
    ctx.stroke();
  }
  ctx.restore();
  disk(true);

  // Two cold points of light inside the dark, like eyes that have seen every star go out.
  for (const s of [1, -1]) {
    radialGlow(ctx, cx + s * r * 0.32, cy - r * 0.05, r * 0.22, 'rgba(200,120,255,0.55)');
    ctx.fillStyle = '#F3DDFF';
    ctx.beginPath();
    ctx.ellipse(cx + s * r * 0.32, cy - r * 0.05, r * 0.09, r * 0.025, s * 0.2, 0, Math.PI * 2);
    ctx.fill();
  }

  // A last star being swallowed.
  const sx = cx + r * 1.9;
  const sy = cy - r * 1.5;
  radialGlow(ctx, sx, sy, r * 0.5, 'rgba(180,220,255,0.5)');
  glint(ctx, sx, sy, r * 0.28, '#FFFFFF');
  ctx.strokeStyle = 'rgba(200,230,255,0.5)';
  ctx.lineWidth = r * 0.03;
  ctx.beginPath();
  ctx.moveTo(sx, sy);
  ctx.quadraticCurveTo(cx + r * 1.9, cy - r * 0.2, cx + r * 1.1, cy + r * 0.1);
  ctx.stroke();
};

const PAINTERS: Record<string, Painter> = {
  gloomfang: paintGloomfang,
  seraphine: paintSeraphine,
  null: paintNull,
};

/** The art URL of a drawn boss portrait. */
export function bossArtUrl(key: string): string {
  return `${PREFIX}${key}`;
}

/** Boss keys that have a drawn portrait. */
export function bossArtKeys(): string[] {
  return Object.keys(PAINTERS);
}

const drawn = new Map<string, Canvas>();

/** The portrait for a `drawn:boss/<key>` URL; null for any other URL or an unknown key. */
export function bossArt(url: string): Canvas | null {
  if (!url.startsWith(PREFIX)) return null;
  const key = url.slice(PREFIX.length);
  const painter = Object.hasOwn(PAINTERS, key) ? PAINTERS[key] : undefined;
  if (!painter) return null;
  let canvas = drawn.get(key);
  if (!canvas) {
    const made = newCanvas(BOSS_ART_W, BOSS_ART_H);
    painter(made.ctx, BOSS_ART_W, BOSS_ART_H);
    canvas = made.canvas;
    drawn.set(key, canvas);
  }
  return canvas;
}
