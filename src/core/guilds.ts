import { LRUCache } from 'lru-cache';
import type { Queryable } from './db/index.js';
import { UserError } from './errors.js';

/**
 * Per-server settings (today: the command prefix, `!prefix`). A guild lives
 * on exactly one shard, so a small per-process cache is safe: the shard that
 * changes a prefix is the one that reads it; the TTL bounds staleness if a
 * guild moves between shards after a resharding.
 */

export const MAX_PREFIX_LENGTH = 5;

/**
 * Characters a player can't see: controls, format characters (zero-width
 * space and joiners, direction marks, the BOM, tags), every space and
 * whitespace-like code point, Unicode's default-ignorables, and the blanks
 * that are letters or symbols on paper (Hangul fillers, the braille blank).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\p{White_Space}\p{Default_Ignorable_Code_Point}\u115F\u1160\u2800\u3164\uFFA0]/u;
/** An emoji presentation selector after a visible character (`❤️`) is part of what the player sees. */
const EMOJI_SELECTOR_AFTER_VISIBLE = /(?<=[^\p{Cc}\p{Cf}\p{Z}\p{White_Space}\p{Default_Ignorable_Code_Point}])[\uFE0E\uFE0F]/gu;

/** `U+200B` */
function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Checks a prefix a server admin typed; returns it or throws a UserError that says why not. */
export function validatePrefix(raw: string): string {
  const p = raw.trim();
  if (!p) throw new UserError('Give the new prefix, like `?` or `s!`.');
  if (p.length > MAX_PREFIX_LENGTH) throw new UserError(`A prefix can be at most ${MAX_PREFIX_LENGTH} characters.`);
  if (/[ \t\r\n]/.test(p)) throw new UserError('A prefix cannot contain spaces.');
  const hidden = INVISIBLE.exec(p.replace(EMOJI_SELECTOR_AFTER_VISIBLE, ''));
  if (hidden)
    throw new UserError(
      `A prefix cannot contain invisible characters (zero-width spaces and joiners, direction marks, unusual spaces, blank fillers): players couldn't see it or type it. This one has ${codePointName(hidden[0])}.`,
    );
  if (/^\p{M}/u.test(p)) throw new UserError("A prefix cannot start with a combining mark — it has nothing to sit on and players couldn't type it.");
  if (/[`\\]/.test(p)) throw new UserError('A prefix cannot contain backticks or backslashes (they break how commands are shown).');
  if (/^[<@#:]/.test(p)) throw new UserError('A prefix cannot start with `<`, `@`, `#` or `:` (those are mentions and emoji).');
  if (/[\p{L}\p{N}]$/u.test(p) && p.length === 1)
    throw new UserError('A one-character prefix must be a symbol like `?`, `$` or `.` — a letter or digit would turn ordinary chat into commands.');
  return p;
}

export async function getGuildPrefix(db: Queryable, guildId: string): Promise<string | null> {
  const r = await db.query<{ prefix: string | null }>('SELECT prefix FROM guild_settings WHERE guild_id = $1', [guildId]);
  return r.rows[0]?.prefix ?? null;
}

/** Sets (or with null, clears) a guild's prefix. */
export async function setGuildPrefix(db: Queryable, guildId: string, prefix: string | null, by: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO guild_settings (guild_id, prefix, updated_by, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (guild_id) DO UPDATE SET prefix = EXCLUDED.prefix, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [guildId, prefix, by, at],
  );
}

/**
 * Guild prefixes for the dispatcher's synchronous `guildPrefix` lookup:
 * `load()` (awaited by the transport before dispatching) fills the cache,
 * `peek()` reads it. Unknown guilds cache as "no custom prefix" too, so
 * chatter costs one query per guild per TTL.
 */
export class GuildPrefixCache {
  /** guild id → its prefix, or '' for "the default" (lru-cache stores no null). */
  private readonly entries: LRUCache<string, string>;
  private readonly inflight = new Map<string, Promise<string | null>>();

  constructor(
    private readonly db: Queryable,
    ttlMs = 5 * 60_000,
    maxEntries = 10_000,
  ) {
    // allowStale: between the TTL and the next load, peek still answers with the last known prefix.
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs, allowStale: true });
  }

  peek(guildId: string): string | undefined {
    return this.entries.get(guildId, { allowStale: true }) || undefined;
  }

  async load(guildId: string): Promise<string | null> {
    if (this.entries.has(guildId)) return this.entries.get(guildId) || null;
    const pending = this.inflight.get(guildId);
    if (pending) return pending;
    const p = getGuildPrefix(this.db, guildId)
      .then((prefix) => {
        this.remember(guildId, prefix);
        return prefix;
      })
      .finally(() => this.inflight.delete(guildId));
    this.inflight.set(guildId, p);
    return p;
  }

  /** Writes through: the next message in that guild uses the new prefix. */
  async set(guildId: string, prefix: string | null, by: string, at: Date): Promise<void> {
    await setGuildPrefix(this.db, guildId, prefix, by, at);
    this.remember(guildId, prefix);
  }

  private remember(guildId: string, prefix: string | null): void {
    this.entries.set(guildId, prefix ?? '');
  }
}
