import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { validatePrefix } from '../../../src/core/guilds.js';

const refusal = (p: string) => {
  try {
    validatePrefix(p);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
};

describe('validatePrefix', () => {
  it('accepts visible prefixes, emoji with their presentation selector included', () => {
    for (const p of ['?', 's!', '$', '.', '>>', '❤️', '✨', 'ß!', '¿']) expect(validatePrefix(p)).toBe(p);
    expect(validatePrefix('  ?  ')).toBe('?');
  });

  it.each([
    ['zero-width space', '!\u200B', 'U+200B'],
    ['zero-width space alone', '\u200B', 'U+200B'],
    ['zero-width non-joiner', '?\u200C!', 'U+200C'],
    ['zero-width joiner', 'a\u200Dz', 'U+200D'],
    ['word joiner', '!\u2060', 'U+2060'],
    ['byte order mark inside', '!\uFEFF?', 'U+FEFF'],
    ['soft hyphen', '!\u00AD', 'U+00AD'],
    ['left-to-right mark', '\u200E!', 'U+200E'],
    ['right-to-left override', '?\u202E', 'U+202E'],
    ['Mongolian vowel separator', '!\u180E', 'U+180E'],
    ['a tag character', '!\u{E0041}', 'U+E0041'],
    ['no-break space inside', '!\u00A0!', 'U+00A0'],
    ['ideographic space inside', '!\u3000!', 'U+3000'],
    ['em space inside', '!\u2003!', 'U+2003'],
    ['line separator inside', '!\u2028!', 'U+2028'],
    ['Hangul filler', '?\u3164', 'U+3164'],
    ['halfwidth Hangul filler', '\uFFA0', 'U+FFA0'],
    ['Hangul choseong filler', '!\u115F', 'U+115F'],
    ['braille blank', '\u2800', 'U+2800'],
    ['combining grapheme joiner', '!\u034F', 'U+034F'],
    ['a lone variation selector', '\uFE0F', 'U+FE0F'],
    ['a control character', '!\u0007', 'U+0007'],
  ])('refuses a prefix with an invisible character: %s', (_what, p, code) => {
    const m = refusal(p);
    expect(m).toMatch(/cannot contain invisible characters/);
    expect(m).toContain(code);
  });

  it('refuses spaces, a leading combining mark, and the other rules as before', () => {
    expect(refusal('$ $')).toMatch(/cannot contain spaces/);
    expect(refusal('\u0301!')).toMatch(/cannot start with a combining mark/);
    expect(refusal('toolong')).toMatch(/at most 5 characters/);
    expect(refusal('s')).toMatch(/must be a symbol/);
    expect(refusal('<@1>')).toMatch(/cannot start with/);
    expect(refusal('`')).toMatch(/backticks/);
  });
});
