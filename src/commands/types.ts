import type { Config } from '../config.js';
import type { AniListClient } from '../core/anilist/index.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../core/db/index.js';
import type { GuildPrefixCache } from '../core/guilds.js';
import type { ArtCache, Pictures } from '../core/images/index.js';
import type { Rng } from '../core/rng.js';
import type { Text } from '../core/text.js';
import type { Logger } from '../log.js';
import type { ArgsShape, InferArgs, SlashOption } from './args.js';
import type { CommandRegistry } from './registry.js';
import type { Reply } from './reply.js';
import type { Voice } from './voice.js';

/** What every command can use; passed in, never imported as a global. */
export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  /** A new seeded RNG for one battle/pull; deterministic when STARDUST_SEED is set. */
  rng(): Rng;
  /** Character art for pictures (memory and disk caches, shared downloads). */
  art: ArtCache;
  /** Where replies' pictures are drawn: worker threads, or the event loop (src/core/images/pictures.ts). */
  pictures: Pictures;
  /** The process's one AniList client: lookups, syncs and the boot sync share its request budget. */
  anilist: AniListClient;
  /** Per-server prefixes (`!prefix`), read by every transport before dispatching. */
  prefixes: GuildPrefixCache;
  /** Whether this process can post in a channel (with several shard processes, each serves its own servers). */
  canPost(channelId: string): boolean;
  /** Posts a message in a channel outside a command's reply (announcements). */
  announce(channelId: string, reply: Reply): Promise<void>;
  /** Jobs and hooks other parts register (achievement checks, etc.). */
  hooks: Hooks;
}

export interface AfterCommandInfo {
  ctx: CommandContext;
  command: Command;
  ok: boolean;
}

export interface Hooks {
  /** Run after every command for the player who ran it; their replies are appended (e.g. achievements). */
  afterCommand: Array<(info: AfterCommandInfo) => Promise<Reply[]>>;
  /** Run once when the bot stops (timers started by cogs). */
  shutdown: Array<() => Promise<void> | void>;
}

export interface Author {
  id: string;
  username: string;
  bot?: boolean;
}

export interface MemberInfo {
  id: string;
  displayName: string;
  bot: boolean;
}

export interface CommandContext {
  services: Services;
  author: Author;
  channelId: string;
  guildId: string | null;
  platform: 'discord' | 'playground';
  /** How this player invoked the bot; everything that names a command renders through it. */
  voice: Voice;
  isOwner: boolean;
  /** All commands (for `!help`). */
  registry: CommandRegistry;
  /** Looks up a member of this server (or a known player in the playground); null when unknown. */
  resolveMember(userId: string): Promise<MemberInfo | null>;
  /** Permission checks the platform can answer (Discord: Manage Server). */
  hasManageGuild(): Promise<boolean>;
}

export interface Command<S extends ArgsShape = ArgsShape> {
  name: string;
  aliases?: string[];
  /** One line for `!help` (and the slash command's description). */
  description: string | Text;
  /** Longer help for `!help <command>`. */
  details?: string | Text;
  args: S;
  /** Hand-written usage where the args shape can't say it (sub-commands). */
  usage?: string;
  ownerOnly?: boolean;
  guildOnly?: boolean;
  /** Hidden from `!help` listings (still reachable). */
  hidden?: boolean;
  /**
   * A command whose first argument is an action reads better as slash
   * subcommands (`/raid attack`): each becomes the first token, its options
   * the tokens after it. Without this the slash options come from `args`.
   */
  slash?: { subcommands: SlashSubcommand[] };
  run(ctx: CommandContext, args: InferArgs<S>): Promise<Reply | Reply[]>;
}

export interface SlashSubcommand {
  name: string;
  description: string;
  options?: SlashOption[];
  /** Only the bot's owners may run it (the handler refuses others too). */
  ownerOnly?: boolean;
}

export interface Cog {
  name: string;
  description: string;
  commands: Command[];
  /** Called once at boot with the services (register hooks, jobs). */
  setup?(services: Services): Promise<void> | void;
}

/** Identity helpers that keep the inferred argument types. */
export function defineCommand<S extends ArgsShape>(c: Command<S>): Command {
  return c as unknown as Command;
}

export function defineCog(c: Cog): Cog {
  return c;
}
