import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * SQL is parameterised everywhere: a template literal that looks like SQL may
 * only splice in constants (UPPER_CASE names, e.g. column lists and limits
 * defined in code) — never a value that could come from a player.
 */
const SQL_START = /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE)\s/;
const CONSTANT = /^[A-Z][A-Z0-9_]*(\.[A-Za-z0-9_]+)*(\[[A-Za-z.]+\])?$/;
/**
 * Code that builds SQL from literal fragments: the builder's name, its option
 * keys, and boolean switches choosing between literal fragments. Anything
 * else spliced into SQL fails the test.
 */
const FRAGMENT_WORDS = new Set(['balanceChangeCtes', 'name', 'playerId', 'gems', 'coins', 'reason', 'ref', 'alsoSet', 'alsoWhere', 'many', 'withSpark']);

function onlyLiterals(part: string): boolean {
  const rest = part.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, ' ');
  const words = rest.match(/[A-Za-z_$][\w$]*(\.[\w$]+)*/g) ?? [];
  return words.every((w) => CONSTANT.test(w) || FRAGMENT_WORDS.has(w));
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Template literals (no nesting awareness needed for SQL) with their `${…}` parts. */
function templates(src: string): Array<{ text: string; parts: string[]; line: number }> {
  const found: Array<{ text: string; parts: string[]; line: number }> = [];
  const re = /`((?:[^`\\]|\\.)*)`/gs;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const text = m[1]!;
    const parts: string[] = [];
    let depth = 0;
    let start = -1;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '$' && text[i + 1] === '{' && depth === 0) {
        depth = 1;
        start = i + 2;
        i++;
      } else if (depth > 0 && text[i] === '{') depth++;
      else if (depth > 0 && text[i] === '}') {
        depth--;
        if (depth === 0) parts.push(text.slice(start, i).trim());
      }
    }
    found.push({ text, parts, line: src.slice(0, m.index).split('\n').length });
  }
  return found;
}

describe('SQL safety', () => {
  it('no SQL string splices in anything but code constants', async () => {
    const root = path.resolve(__dirname, '../../src');
    const offenders: string[] = [];
    for (const file of await sourceFiles(root)) {
      const src = await readFile(file, 'utf8');
      for (const t of templates(src)) {
        if (!SQL_START.test(t.text)) continue;
        for (const part of t.parts) {
          if (!CONSTANT.test(part) && !onlyLiterals(part)) offenders.push(`${path.relative(root, file)}:${t.line}: \${${part}}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
