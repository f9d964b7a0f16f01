// Font registration. We never rely on system fonts: every family used in a
// drawing is registered here from npm packages under our own alias, so the
// pixels are the same on any machine (golden tests depend on this).

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

/** Regular/bold sans (DejaVu Sans). */
export const SANS = 'SDSans';
/** Condensed sans for names and tight labels (DejaVu Sans Condensed). */
export const COND = 'SDCond';
/** CJK fallback (Noto Sans JP from @fontsource/noto-sans-jp, woff2 subsets). */
export const CJK = 'SDJP';
/**
 * Colour emoji, the last fallback (Twemoji, Discord's own emoji design, as a
 * COLR/CPAL font from twemoji-colr-font: one 0.5 MB file, ~4 MB in memory;
 * Skia draws COLR in colour. Noto Color Emoji was also tried: it drew every
 * sequence but added ~50 MB of memory on its first emoji.)
 */
export const EMOJI = 'SDEmoji';

let registered = false;
let cjkAvailable = false;
let emojiAvailable = false;

const require = createRequire(import.meta.url);

function packageDir(pkg: string): string | null {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

/** Registers all fonts once; cheap after the first call. */
export function ensureFonts(): void {
  if (registered) return;
  registered = true;
  const dejavu = packageDir('dejavu-fonts-ttf');
  if (dejavu) {
    const ttf = path.join(dejavu, 'ttf');
    const reg = (file: string, alias: string) => {
      const p = path.join(ttf, file);
      if (existsSync(p)) GlobalFonts.registerFromPath(p, alias);
    };
    reg('DejaVuSans.ttf', SANS);
    reg('DejaVuSans-Bold.ttf', SANS);
    reg('DejaVuSansCondensed.ttf', COND);
    reg('DejaVuSansCondensed-Bold.ttf', COND);
  }
  // Fontsource splits Noto Sans JP into ~125 unicode-range subsets; registering
  // every bold subset under one alias lets Skia pick the file holding a glyph.
  // Optional: without the package CJK names draw as boxes but still fit.
  const jp = packageDir('@fontsource/noto-sans-jp');
  if (jp) {
    const dir = path.join(jp, 'files');
    try {
      for (const f of readdirSync(dir)) {
        if (f.endsWith('-700-normal.woff2') && GlobalFonts.registerFromPath(path.join(dir, f), CJK)) {
          cjkAvailable = true;
        }
      }
    } catch {
      /* package present but unreadable: no CJK */
    }
  }
  const twemoji = packageDir('twemoji-colr-font');
  if (twemoji) emojiAvailable = GlobalFonts.registerFromPath(path.join(twemoji, 'twemoji.woff2'), EMOJI) !== null;
}

export function hasCjkFont(): boolean {
  ensureFonts();
  return cjkAvailable;
}

export function hasEmojiFont(): boolean {
  ensureFonts();
  return emojiAvailable;
}

// Ideographs, kana, Hangul, CJK punctuation and full-width forms: the
// characters DejaVu lacks and Noto Sans JP has.
const CJK_RE = /[\u2E80-\u9FFF\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]|[\u{20000}-\u{3FFFF}]/u;

export function needsCjk(text: string): boolean {
  return CJK_RE.test(text);
}

/**
 * CSS font string. The CJK family is added only when `text` needs it: with
 * ~125 subset files behind it, having it in the list makes every measureText
 * ~30x slower even for Latin text. The emoji font is always last: one file,
 * and measured no slower for Latin text with it in the list.
 */
export function font(size: number, opts: { bold?: boolean; cond?: boolean } = {}, text?: string): string {
  const fam = opts.cond ? COND : SANS;
  const cjk = text !== undefined && needsCjk(text) ? `, ${CJK}` : '';
  return `${opts.bold ? 'bold ' : ''}${Math.round(size * 10) / 10}px ${fam}${cjk}, ${EMOJI}`;
}
