import { z } from 'zod';
import { ArgumentError } from './errors.js';

/**
 * Positional arguments. A command declares an ordered record of argument
 * specs; each spec turns raw tokens into a typed value through a zod schema,
 * and the handler's argument type is inferred from the record, so parser and
 * handler can't disagree. Parsing is pure and returns values or throws an
 * ArgumentError with a sentence a player can act on.
 *
 * Each spec also says how it reads as slash-command options (`slash`): the
 * slash surface is generated from these (src/commands/slash.ts), and a slash
 * command's option values are turned back into the tokens a player would
 * have typed, so both surfaces share one parser and one set of messages.
 */
export interface ArgSpec<T> {
  /** How the argument appears in the usage line, e.g. `<amount>`. */
  label: string;
  /** 'one' takes a token; 'rest' takes all remaining tokens as a list; 'text' joins them. */
  take: 'one' | 'rest' | 'text';
  isOptional: boolean;
  parse(tokens: string[]): T;
  /** The argument as slash-command options. */
  slash: SlashArg;
}

/** What a slash option's autocomplete offers. */
export type Completion = 'unit' | 'character' | 'skill' | 'boss' | 'preset' | 'command' | 'stage';

/** One slash-command option, in the game's terms (src/commands/slash.ts turns it into Discord's JSON). */
export interface SlashOption {
  type: 'string' | 'integer' | 'user';
  /** Lowercase, ≤ 32 characters. */
  name: string;
  /** ≤ 100 characters. */
  description: string;
  required: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  choices?: readonly string[];
  complete?: Completion;
}

/** Option values as received (user options as user ids). */
export type SlashValues = Readonly<Record<string, string | number | boolean | undefined>>;

export interface SlashArg {
  options: SlashOption[];
  /** The tokens a player would have typed for these option values. */
  toTokens(values: SlashValues): string[];
}

type Parser<T> = (token: string, label: string) => T;

/** `pull id` → `pull_id`: Discord's option names are lowercase words. */
export function optionName(label: string): string {
  const n = label
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  return n || 'value';
}

function one(option: Omit<SlashOption, 'name'> & { name?: string }, label: string): SlashArg {
  const o: SlashOption = { ...option, name: option.name ?? optionName(label) };
  return {
    options: [o],
    toTokens: (v) => {
      const x = v[o.name];
      if (x === undefined || x === '') return [];
      return [o.type === 'user' ? `<@${x}>` : String(x)];
    },
  };
}

function optionalSlash(s: SlashArg): SlashArg {
  return { ...s, options: s.options.map((o) => ({ ...o, required: false })) };
}

function spec<T>(
  label: string,
  parseOne: Parser<T>,
  slash: Omit<SlashOption, 'name' | 'required'> & { name?: string },
): ArgSpec<T> & {
  optional(): ArgSpec<T | undefined>;
  default(v: T): ArgSpec<T>;
} {
  const base: ArgSpec<T> = {
    label: `<${label}>`,
    take: 'one',
    isOptional: false,
    parse: (tokens) => {
      if (tokens.length === 0 || tokens[0] === undefined) throw new ArgumentError(`Missing \`${label}\`.`);
      return parseOne(tokens[0], label);
    },
    slash: one({ ...slash, required: true }, label),
  };
  return {
    ...base,
    optional: () => ({
      ...base,
      label: `[${label}]`,
      isOptional: true,
      parse: (tokens) => (tokens.length === 0 ? undefined : parseOne(tokens[0]!, label)),
      slash: optionalSlash(base.slash),
    }),
    default: (v: T) => ({
      ...base,
      label: `[${label}]`,
      isOptional: true,
      parse: (tokens) => (tokens.length === 0 ? v : parseOne(tokens[0]!, label)),
      slash: optionalSlash(base.slash),
    }),
  };
}

const fmt = (x: number) => x.toLocaleString('en-US');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const clip100 = (s: string) => (s.length <= 100 ? s : `${s.slice(0, 99)}…`);

const INTEGER = /^[+-]?\d{1,16}$/;

function parseInteger(token: string, label: string, min: number, max: number): number {
  const cleaned = token.replace(/[,_]/g, '').replace(/^#/, '');
  if (!INTEGER.test(cleaned)) throw new ArgumentError(`\`${label}\` must be a whole number (got \`${truncate(token)}\`).`);
  const schema = z.number().int().min(min).max(max);
  const r = schema.safeParse(Number(cleaned));
  if (!r.success)
    throw new ArgumentError(`\`${label}\` must be from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got \`${truncate(token)}\`).`);
  return r.data;
}

const MENTION = /^<@!?([\w.:-]{1,64})>$/;
const SNOWFLAKE = /^\d{5,25}$/;

export function truncate(s: string, n = 40): string {
  const clean = s.replace(/[\u0000-\u001f\u007f`]/g, '');
  return clean.length > n ? `${clean.slice(0, n - 1)}…` : clean;
}

export const arg = {
  /** A whole number in [min, max]. Accepts "1,000" and "#12" (inventory ids); rejects 1e9, 1.5, abc. */
  int: (label: string, opts: { min: number; max: number }) =>
    spec(label, (t, l) => parseInteger(t, l, opts.min, opts.max), {
      type: 'integer',
      description: `${capital(label)}: a whole number from ${fmt(opts.min)} to ${fmt(opts.max)}`.slice(0, 100),
      min: opts.min,
      max: opts.max,
    }),

  /** An inventory unit id as players type it: `12` or `#12`. On the slash surface, autocompleted from the player's units. */
  unitId: (label = 'id') =>
    spec(label, (t, l) => parseInteger(t, l, 1, Number.MAX_SAFE_INTEGER), {
      type: 'integer',
      name: label === 'id' ? 'unit' : optionName(label),
      description: 'One of your units: type a name or an id',
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      complete: 'unit',
    }),

  /** One of a fixed set of words (case-insensitive); returns the canonical word. */
  choice: <const T extends string>(label: string, values: readonly T[]) =>
    spec<T>(
      label,
      (t, l) => {
        const hit = values.find((v) => v.toLowerCase() === t.toLowerCase());
        if (!hit) throw new ArgumentError(`\`${l}\` must be one of ${values.map((v) => `\`${v}\``).join(', ')} (got \`${truncate(t)}\`).`);
        return hit;
      },
      { type: 'string', description: clip100(`${capital(label)}: ${values.join(', ')}`), choices: values },
    ),

  /** A member: a mention `<@id>` or a raw user id. Returns the user id. */
  member: (label = 'member') =>
    spec(
      label,
      (t, l) => {
        const m = MENTION.exec(t);
        if (m) return m[1]!;
        if (SNOWFLAKE.test(t)) return t;
        throw new ArgumentError(`\`${l}\` must mention a member, like @someone (got \`${truncate(t)}\`).`);
      },
      { type: 'user', description: 'A member of this server' },
    ),

  /** A single word (bounded length). */
  word: (label: string, maxLength = 100, complete?: Completion) =>
    spec(
      label,
      (t, l) => {
        if (t.length > maxLength) throw new ArgumentError(`\`${l}\` can be at most ${maxLength} characters.`);
        return t;
      },
      { type: 'string', description: capital(label), maxLength, complete },
    ),

  /** Everything left, joined by spaces. */
  text: (label: string, opts: { maxLength?: number; optional?: boolean; complete?: Completion } = {}): ArgSpec<string> => ({
    label: opts.optional ? `[${label}]` : `<${label}>`,
    take: 'text',
    isOptional: !!opts.optional,
    parse: (tokens) => {
      const s = tokens.join(' ').trim();
      if (!s && !opts.optional) throw new ArgumentError(`Missing \`${label}\`.`);
      const max = opts.maxLength ?? 200;
      if (s.length > max) throw new ArgumentError(`\`${label}\` can be at most ${max} characters.`);
      return s;
    },
    slash: one({ type: 'string', description: capital(label), required: !opts.optional, maxLength: opts.maxLength ?? 200, complete: opts.complete }, label),
  }),

  /**
   * The remaining tokens, each parsed by `each`, with a count range. On the
   * slash surface: one option per item (`unit1` … `unit5`), the first `min`
   * of them required.
   */
  list: <T>(
    label: string,
    each: Parser<T>,
    opts: { min: number; max: number; slash?: Omit<SlashOption, 'name' | 'required' | 'description'> },
  ): ArgSpec<T[]> => {
    const item = opts.slash ?? { type: 'string' as const };
    const base = optionName(label === 'id' ? 'unit' : label);
    const options: SlashOption[] = Array.from({ length: Math.min(opts.max, 25) }, (_, i) => ({
      ...item,
      name: `${base}${i + 1}`,
      description: `${label === 'id' ? 'Unit' : capital(label)} ${i + 1}${i < opts.min ? '' : ' (optional)'}`,
      required: i < opts.min,
    }));
    return {
      label: opts.min === 0 ? `[${label}…]` : `<${label}…>`,
      take: 'rest',
      isOptional: opts.min === 0,
      parse: (tokens) => {
        if (tokens.length < opts.min) throw new ArgumentError(opts.min === 1 ? `Give at least one \`${label}\`.` : `Give at least ${opts.min} \`${label}\`.`);
        if (tokens.length > opts.max) throw new ArgumentError(`At most ${opts.max} \`${label}\` (got ${tokens.length}).`);
        return tokens.map((t) => each(t, label));
      },
      slash: {
        options,
        toTokens: (v) =>
          options
            .map((o) => v[o.name])
            .filter((x) => x !== undefined && x !== '')
            .map(String),
      },
    };
  },

  /**
   * Raw remaining tokens (commands with their own mini-syntax, e.g. `!gift … ! …`).
   * On the slash surface one text option, split back into tokens — unless `slash` describes it better.
   */
  tokens: (label: string, slash?: SlashArg): ArgSpec<string[]> => ({
    label: `[${label}…]`,
    take: 'rest',
    isOptional: true,
    parse: (tokens) => tokens,
    slash: slash ?? {
      options: [{ type: 'string', name: optionName(label), description: capital(label), required: false, maxLength: 200 }],
      toTokens: (v) => tokenize(String(v[optionName(label)] ?? '')),
    },
  }),
};

export const parsers = {
  unitId: ((t: string, l: string) => parseInteger(t, l, 1, Number.MAX_SAFE_INTEGER)) as Parser<number>,
  /** A unit id list item as a slash option: autocompleted from the player's units. */
  unitSlash: { type: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER, complete: 'unit' } as const,
  int:
    (min: number, max: number): Parser<number> =>
    (t, l) =>
      parseInteger(t, l, min, max),
};

export type ArgsShape = Record<string, ArgSpec<unknown>>;
export type InferArgs<S extends ArgsShape> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

/**
 * Splits a message body into tokens: whitespace-separated, with "double"
 * (or “curly”) quotes grouping words — single quotes are left alone so names
 * like Kyo's stay one word. An unclosed quote takes the rest.
 */
export function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of input) {
    if (quote) {
      if (ch === quote) {
        quote = null;
      } else cur += ch;
    } else if (ch === '"' || ch === '“' || ch === '”') {
      quote = ch === '“' ? '”' : '"';
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) tokens.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur) tokens.push(cur);
  return tokens;
}

/** Applies an args shape to tokens. Extra tokens after the last argument are an error. */
export function parseArgs<S extends ArgsShape>(shape: S, tokens: string[]): InferArgs<S> {
  const out: Record<string, unknown> = {};
  let i = 0;
  const entries = Object.entries(shape);
  for (const [name, s] of entries) {
    if (s.take === 'one') {
      out[name] = s.parse(i < tokens.length ? [tokens[i]!] : []);
      if (i < tokens.length) i++;
    } else {
      out[name] = s.parse(tokens.slice(i));
      i = tokens.length;
    }
  }
  if (i < tokens.length) throw new ArgumentError(`Unexpected \`${truncate(tokens[i]!)}\`.`);
  return out as InferArgs<S>;
}

export function usageOf(shape: ArgsShape): string {
  return Object.values(shape)
    .map((s) => s.label)
    .join(' ');
}
