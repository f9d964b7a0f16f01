import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { ArtCache } from '../../../src/core/images/art.js';
import { cardLayout } from '../../../src/core/images/card.js';
import { font } from '../../../src/core/images/fonts.js';
import { imageText } from '../../../src/core/images/gfx.js';
import {
  type CardInfo,
  drawnPortrait,
  dupeDisplay,
  fitCardName,
  hasCjkFont,
  hasEmojiFont,
  initialsOf,
  measureTextWidth,
  renderBanner,
  renderBattle,
  renderBountyBoard,
  renderCard,
  renderRaidBar,
  renderRaidHit,
  renderTeam,
  renderTenPull,
} from '../../../src/core/images/index.js';
import { Rng } from '../../../src/core/rng.js';

/** Art for the renders: these inputs have no art URLs, so nothing is fetched. */
const testArt = new ArtCache();

const base: CardInfo = { characterId: 1, name: 'Test', rarity: 'R', power: 4000, dupeLevel: 0, imageUrl: null };

describe('name bar fitting', () => {
  const rng = new Rng(7);
  const alphabets = ['abcdefghijklmnopqrstuvwxyz ', 'WMWMWMQQ@', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '涼宮ハルヒの憂鬱鬼滅の刃進撃の巨人', 'Ñéüßçøå -'];
  for (const width of [200, 170, 160, 300]) {
    it(`names of 1-80 characters fit a ${width}px card`, () => {
      for (const alpha of alphabets) {
        const chars = Array.from(alpha);
        for (let len = 1; len <= 80; len++) {
          let name = '';
          for (let i = 0; i < len; i++) name += chars[rng.int(0, chars.length - 1)];
          const f = fitCardName(name, width);
          expect(f.width, `${JSON.stringify(name)} at ${width}`).toBeLessThanOrEqual(f.maxWidth + 0.01);
          // The width the fitter reports is the width the canvas measures.
          expect(Math.abs(measureTextWidth(f.text, f.font) - f.width)).toBeLessThan(0.01);
        }
      }
    });
  }

  it('short names keep the full size and are not cut', () => {
    const f = fitCardName('Coco');
    expect(f.text).toBe('Coco');
    expect(f.size).toBe(cardLayout(200, 300).nameMaxSize);
  });

  it('long names shrink first, then get an ellipsis', () => {
    const mid = fitCardName('Mikasa Ackerman the Brave');
    expect(mid.text).toBe('Mikasa Ackerman the Brave');
    expect(mid.size).toBeLessThan(17);
    const long = fitCardName('x'.repeat(80));
    expect(long.text.endsWith('…')).toBe(true);
    expect(long.size).toBe(10);
  });

  it('CJK glyphs come from a real font (not boxes) when the font package is present', () => {
    if (!hasCjkFont()) return; // optional package: names still fit, shown as boxes
    const glyph = (ch: string) => {
      const c = createCanvas(40, 40);
      const ctx = c.getContext('2d');
      ctx.font = font(30, { bold: true }, ch);
      ctx.fillStyle = '#fff';
      ctx.fillText(ch, 2, 32);
      return Buffer.from(ctx.getImageData(0, 0, 40, 40).data);
    };
    expect(fitCardName('涼宮ハルヒ').font).toContain('SDJP');
    expect(fitCardName('Haruhi').font).not.toContain('SDJP');
    // Missing glyphs all draw the same box; real ones differ.
    expect(glyph('涼').equals(glyph('宮'))).toBe(false);
    expect(glyph('ハ').equals(glyph('ル'))).toBe(false);
  });
});

describe('emoji', () => {
  it('draw in colour from the bundled emoji font, not as boxes', () => {
    expect(hasEmojiFont()).toBe(true);
    const draw = (text: string) => {
      const c = createCanvas(60, 60);
      const ctx = c.getContext('2d');
      ctx.font = font(40, { bold: true }, text);
      ctx.fillStyle = '#ffffff'; // a missing glyph's box would be drawn in this white
      ctx.fillText(text, 5, 48);
      return ctx.getImageData(0, 0, 60, 60).data;
    };
    // Opaque pixels not in the fill colour: a colour font paints its own; a
    // missing glyph (a box) or a plain glyph is painted in the fill, white.
    const ownColours = (data: Uint8ClampedArray) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 200 && Math.min(data[i]!, data[i + 1]!, data[i + 2]!) < 180) n++;
      return n;
    };
    // The bounty items' emoji and the currency ones.
    for (const e of ['🧪', '⚗️', '💖', '💠', '🎫', '💎', '🪙', '🔑']) expect(ownColours(draw(e)), e).toBeGreaterThan(100);
    // Latin text stays white.
    expect(ownColours(draw('Ab'))).toBe(0);
  });

  it('custom Discord emoji (configurable for gems and coins) are shown by name, not as markup', () => {
    expect(imageText('1 💠 Essence + 5,000 <:gem:1234567890> + 50 <a:coin:42>')).toBe('1 💠 Essence + 5,000 :gem: + 50 :coin:');
    expect(imageText('no <markup> here: <:x:>')).toBe('no <markup> here: <:x:>');
  });
});

describe('dupe stars', () => {
  it('shows 1-5 yellow stars and the count above 5 in red', () => {
    expect(dupeDisplay(0)).toEqual({ yellow: 0, red: 0 });
    expect(dupeDisplay(3)).toEqual({ yellow: 3, red: 0 });
    expect(dupeDisplay(5)).toEqual({ yellow: 5, red: 0 });
    expect(dupeDisplay(6)).toEqual({ yellow: 5, red: 1 });
    expect(dupeDisplay(10)).toEqual({ yellow: 5, red: 5 });
    expect(dupeDisplay(99)).toEqual({ yellow: 5, red: 5 });
    expect(dupeDisplay(-1)).toEqual({ yellow: 0, red: 0 });
  });

  it('draws them: yellow pixels grow with dupes to 5, red appears from 6', async () => {
    const L = cardLayout(300, 450);
    const counts: { yellow: number; red: number }[] = [];
    for (let d = 0; d <= 10; d++) {
      const img = await loadImage(await renderCard({ ...base, dupeLevel: d }, testArt));
      const c = createCanvas(300, 450);
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const y0 = Math.round(L.starsCy - 12);
      const data = ctx.getImageData(0, y0, 300, 24).data;
      let yellow = 0;
      let red = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (r > 220 && g > 180 && b < 120) yellow++;
        if (r > 190 && g < 90 && b < 90) red++;
      }
      counts.push({ yellow, red });
    }
    expect(counts[0]!.yellow).toBeLessThan(5);
    for (let d = 1; d <= 5; d++) expect(counts[d]!.yellow).toBeGreaterThan(counts[d - 1]!.yellow + 20);
    for (let d = 0; d <= 5; d++) expect(counts[d]!.red, `dupe ${d}`).toBeLessThan(5);
    for (let d = 6; d <= 10; d++) {
      expect(counts[d]!.red, `dupe ${d}`).toBeGreaterThan(50);
      expect(Math.abs(counts[d]!.yellow - counts[5]!.yellow)).toBeLessThan(counts[5]!.yellow * 0.1);
    }
  });
});

describe('portraits', () => {
  it('initials', () => {
    expect(initialsOf('Frieren')).toBe('F');
    expect(initialsOf('Kyo Sohma')).toBe('KS');
    expect(initialsOf('Monkey D. Luffy')).toBe('ML');
    expect(initialsOf('涼宮ハルヒ')).toBe('涼宮');
    expect(initialsOf('  ')).toBe('?');
  });

  it('are deterministic per character and differ between characters', () => {
    const px = (id: number) => Buffer.from(drawnPortrait(id, 'Same Name', 'SR', 60, 90).getContext('2d').getImageData(0, 0, 60, 90).data);
    expect(px(5).equals(px(5))).toBe(true);
    expect(px(5).equals(px(6))).toBe(false);
  });
});

describe('edge inputs never throw', () => {
  it('empty and odd inputs', async () => {
    const weird: CardInfo = { characterId: -3, name: '', rarity: 'R', power: -5, dupeLevel: 42, imageUrl: 'not a url' };
    await expect(renderCard(weird, testArt)).resolves.toBeInstanceOf(Buffer);
    await expect(renderTenPull([], testArt)).resolves.toBeInstanceOf(Buffer);
    await expect(renderTeam('', [], 0, testArt)).resolves.toBeInstanceOf(Buffer);
    await expect(
      renderBattle(
        {
          attackerName: '',
          defenderName: '',
          attacker: [],
          defender: [base],
          attackerFinal: [],
          defenderFinal: [1],
          attackerTotal: 0,
          defenderTotal: 1,
          outcome: 'LOSS',
        },
        testArt,
      ),
    ).resolves.toBeInstanceOf(Buffer);
    await expect(renderBanner({ name: 'x'.repeat(200), endsAt: new Date(NaN), featured: [] }, testArt)).resolves.toBeInstanceOf(Buffer);
    await expect(renderBountyBoard({ slots: [], resetsAt: new Date(0), keys: 9 })).resolves.toBeInstanceOf(Buffer);
    await expect(renderRaidBar({ bossName: 'B', hp: -1, maxHp: 0, phase: 9, phaseThresholds: [], endsAt: new Date(0) }, testArt)).resolves.toBeInstanceOf(
      Buffer,
    );
    await expect(
      renderRaidHit(
        {
          playerName: '',
          bossName: '',
          phase: 0,
          phaseName: '',
          phaseThresholds: [2, -1],
          team: [],
          teamFinal: [],
          teamTotal: 0,
          damageTaken: 0,
          damage: -5,
          applied: 0,
          hpBefore: -1,
          hpAfter: 5,
          maxHp: 0,
          lastHit: true,
        },
        testArt,
      ),
    ).resolves.toBeInstanceOf(Buffer);
  });
});
