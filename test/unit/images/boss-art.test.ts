import type { Canvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { BOSS_ART_H, BOSS_ART_W, bossArtKeys, bossArtUrl } from '../../../src/core/images/boss-art.js';
import { ArtCache } from '../../../src/core/images/index.js';

const artCache = new ArtCache();
const loadArt = (url: string | null) => artCache.load(url);

import { RAID_BOSSES } from '../../../src/core/raid/bosses.js';
import { diffFraction, type Pixels } from './pixels.js';

async function pixelsOfArt(url: string | null): Promise<Pixels | null> {
  const art = await loadArt(url);
  if (!art) return null;
  const canvas = art as Canvas; // drawn portraits are canvases
  return { w: canvas.width, h: canvas.height, data: canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data };
}

describe('raid boss portraits', () => {
  it('every boss has a drawn portrait, and its card in battles shows it', async () => {
    for (const boss of RAID_BOSSES) {
      expect(boss.artUrl, boss.key).toBe(bossArtUrl(boss.key));
      const p = await pixelsOfArt(boss.artUrl);
      expect(p, boss.key).not.toBeNull();
      expect([p!.w, p!.h]).toEqual([BOSS_ART_W, BOSS_ART_H]);
      for (const phase of boss.phases) {
        const bossUnit = phase.defenders.find((d) => d.characterId === boss.artId);
        expect(bossUnit?.imageUrl, `${boss.key} phase ${phase.number}`).toBe(boss.artUrl);
      }
    }
  });

  it('the portraits are distinct pictures', async () => {
    const pics = await Promise.all(bossArtKeys().map((k) => pixelsOfArt(bossArtUrl(k))));
    expect(pics.length).toBe(3);
    for (let i = 0; i < pics.length; i++) {
      for (let j = i + 1; j < pics.length; j++) expect(diffFraction(pics[i]!, pics[j]!)).toBeGreaterThan(0.5);
    }
  });

  it('are drawn once and the same each time', async () => {
    expect(await loadArt(bossArtUrl('gloomfang'))).toBe(await loadArt(bossArtUrl('gloomfang')));
  });

  it('an unknown drawn key has no art (the image falls back to a placeholder portrait)', async () => {
    expect(await loadArt('drawn:boss/nobody')).toBeNull();
    expect(await loadArt('drawn:boss/toString')).toBeNull();
  });
});
