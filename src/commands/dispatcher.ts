import { LRUCache } from 'lru-cache';
import { DatabaseBusy } from '../core/db/index.js';
import { ensurePlayer } from '../core/players.js';
import type { Logger } from '../log.js';
import { parseArgs, tokenize, truncate, usageOf } from './args.js';
import { ArgumentError, errorId, UserError } from './errors.js';
import { drawImages, hasImages } from './images.js';
import type { CommandRegistry } from './registry.js';
import type { ComponentUse, Reply, View, ViewResult } from './reply.js';
import { Colors } from './reply.js';
import { CommandScheduler, type RefusalReason, type RunOptions, SchedulerRefusal } from './scheduler.js';
import type { Author, Command, CommandContext, MemberInfo, Services } from './types.js';
import { ViewRegistry } from './views.js';
import { type Surface, Voice } from './voice.js';

export const MAX_MESSAGE_LENGTH = 2000;

/** Commands running at once per pooled database connection (the rest wait their turn, round-robin). */
const SLOTS_PER_CONNECTION = 4;

export interface IncomingMessage {
  author: Author;
  channelId: string;
  guildId: string | null;
  content: string;
  platform: CommandContext['platform'];
  /** The bot's own user id, for mention-as-prefix. */
  botUserId?: string;
  /** The bot's name, to name commands after a mention (`@Stardust pull`). */
  botName?: string;
  resolveMember(userId: string): Promise<MemberInfo | null>;
  hasManageGuild?(): Promise<boolean>;
}

/** A slash command as a transport received it: the options already turned back into tokens. */
export interface IncomingSlash extends Omit<IncomingMessage, 'content' | 'botUserId' | 'botName'> {
  /** The slash command's name (a command's canonical name). */
  command: string;
  /** The options in argument order, as a player would have typed them after a prefix. */
  tokens: string[];
}

/** What a transport may ask of a dispatch. */
export interface DispatchOptions {
  /**
   * Called once, before pictures are drawn, when a reply has image jobs — a
   * slash command defers its answer here (drawing may take longer than the
   * 3 s Discord allows for the first answer).
   */
  beforeImages?(): Promise<void>;
}

interface PendingPrompt {
  handle(text: string): Promise<Reply[]>;
  voice: Voice;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

/** Per-user token bucket: `burst` commands at once, refilled at `ratePerSecond`. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly burst: number,
    private readonly ratePerSecond: number,
  ) {}
  take(userId: string, now: number): boolean {
    if (this.burst <= 0) return true; // disabled
    const b = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(userId, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(userId, b);
    if (this.buckets.size > 50_000) this.buckets.clear(); // bound memory; worst case a burst is forgiven
    return true;
  }
}

/**
 * Turns a message or a slash command into a command run and its replies.
 * Everything a player can get wrong is answered here in one voice — the
 * invoking surface's, so replies name commands as the player typed them;
 * unexpected errors are logged with an id that the player is shown instead
 * of the error. Pictures are drawn last, under one policy (images.ts).
 */
export class Dispatcher {
  readonly views: ViewRegistry;
  private readonly prompts = new Map<string, PendingPrompt>();
  /** The command run that opened each view, so presses run the after-command hooks (achievements) too. */
  private readonly viewOrigins = new WeakMap<View, { ctx: CommandContext; command: Command }>();
  private readonly limiter: RateLimiter;
  private readonly log: Logger;
  private running = 0;
  private accepting = true;
  private idleWaiters: Array<() => void> = [];
  // [capacity] Per-player queues and a bounded, round-robin number of actions at once (scheduler.ts).
  readonly scheduler: CommandScheduler;
  /**
   * [capacity] Pictures, drawn after their command's turn (images.ts): two at a time, each
   * player's one after another, players in turn, so one player's burst of pulls doesn't put
   * eight drawings ahead of everyone else's.
   */
  private readonly drawing = new CommandScheduler({ slots: 2, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0 });
  /** [capacity] `messageId:userId` of presses waiting or running: a second press meanwhile is dropped. */
  private readonly pressing = new Set<string>();
  /**
   * [capacity] Commands that have replied with pictures: under shedding they join the pictures'
   * backlog, so they are turned away when drawings are late; the others are not held up by it.
   */
  private readonly drawingCommands = new Set<string>();
  /** [capacity] The same for presses, by the kind of control (`bounty:fight`; see `pressKind`). */
  private readonly drawingPresses = new Set<string>();
  /** [capacity] Players answered in the last minute: under shedding they make room for newcomers. */
  private readonly regulars = new LRUCache<string, true>({ max: 100_000, ttl: 60_000 });

  constructor(
    readonly services: Services,
    readonly registry: CommandRegistry,
    onViewExpire: (channelId: string, messageId: string, reply: Reply) => void = () => {},
  ) {
    this.views = new ViewRegistry(onViewExpire);
    this.limiter = new RateLimiter(services.config.commandBurst, services.config.commandRatePerSecond);
    this.log = services.log;
    // [capacity] Slots per pooled connection: a running command holds a connection only for its few
    // short statements; its pictures are drawn after its turn (scheduled below).
    this.scheduler = new CommandScheduler({
      slots: SLOTS_PER_CONNECTION * services.config.databasePoolSize,
      perPlayer: services.config.commandQueuePerPlayer,
      maxWaiting: services.config.commandQueueMax,
      maxWaitMs: services.config.commandQueueWaitMs,
      shedAfterMs: services.config.commandQueueShedMs,
    });
  }

  /** Stops taking new commands and resolves when running ones have finished. */
  async drain(): Promise<void> {
    this.accepting = false;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  prefixFor(guildId: string | null): string {
    return (guildId && this.services.prefixes.peek(guildId)) || this.services.config.prefix;
  }

  /** How replies name commands in a channel, outside any command (announcements): with that server's prefix. */
  voiceFor(guildId: string | null): Voice {
    return new Voice({ kind: 'prefix', prefix: this.prefixFor(guildId) }, this.registry);
  }

  /** The command body after a prefix or a mention of the bot, or null when the message isn't for us. */
  stripPrefix(msg: IncomingMessage): { body: string; voice: Voice } | null {
    const text = msg.content.trimStart();
    const prefix = this.prefixFor(msg.guildId);
    if (text.startsWith(prefix)) return { body: text.slice(prefix.length), voice: new Voice({ kind: 'prefix', prefix }, this.registry) };
    if (msg.botUserId) {
      const m = new RegExp(`^<@!?${msg.botUserId}>\\s*`).exec(text);
      if (m) {
        const surface: Surface = msg.botName ? { kind: 'mention', botName: msg.botName } : { kind: 'prefix', prefix };
        return { body: text.slice(m[0].length), voice: new Voice(surface, this.registry) };
      }
    }
    return null;
  }

  async handleMessage(msg: IncomingMessage, opts: DispatchOptions = {}): Promise<Reply[]> {
    if (msg.author.bot) return [];
    const promptKey = `${msg.channelId}:${msg.author.id}`;
    const prompt = this.prompts.get(promptKey);
    if (prompt) {
      this.prompts.delete(promptKey);
      clearTimeout(prompt.timer);
      // [capacity] scheduled like a command
      if (Date.now() <= prompt.expiresAt) {
        return this.scheduled(
          msg.author.id,
          () => this.guard(() => prompt.handle(msg.content.trim()), msg.author.id, 'prompt', prompt.voice),
          opts,
          this.runOptions(msg.author.id, true),
        );
      }
    }
    const stripped = this.stripPrefix(msg);
    if (!stripped) return [];
    const { voice } = stripped;
    if (!this.accepting) return [warn('The bot is restarting — try again in a moment.')];
    if (msg.content.length > MAX_MESSAGE_LENGTH)
      return [warn(`That message is too long for a command (${msg.content.length} characters; the limit is ${MAX_MESSAGE_LENGTH}).`)];

    const tokens = tokenize(stripped.body);
    const name = tokens.shift();
    if (!name) return [];
    const command = this.registry.get(name);
    if (!command) {
      const isOwner = this.services.config.ownerIds.includes(msg.author.id);
      const close = this.registry.closest(name, (c) => !c.hidden && (!c.ownerOnly || isOwner));
      const hint = close ? ` Did you mean ${voice.cmd(close)}?` : '';
      const typed = voice.surface.kind === 'prefix' ? `${voice.surface.prefix}${truncate(name, 30)}` : truncate(name, 30);
      return [warn(`Unknown command \`${typed}\`.${hint} Type ${voice.cmd('help')} for the list.`)];
    }
    return this.invoke(command, tokens, msg, voice, opts);
  }

  /** A slash command: the same checks, parsing and run as a typed command, named with `/`. */
  async handleSlash(input: IncomingSlash, opts: DispatchOptions = {}): Promise<Reply[]> {
    if (input.author.bot) return [];
    const voice = new Voice({ kind: 'slash' }, this.registry);
    if (!this.accepting) return [warn('The bot is restarting — try again in a moment.')];
    const command = this.registry.get(input.command);
    if (!command || command.name !== input.command.toLowerCase()) {
      return [warn(`I don't know \`/${truncate(input.command, 32)}\` any more — Discord may still show an old list. Try ${voice.cmd('help')}.`)];
    }
    return this.invoke(command, input.tokens, input, voice, opts);
  }

  private async invoke(command: Command, tokens: string[], from: Omit<IncomingMessage, 'content'>, voice: Voice, opts: DispatchOptions): Promise<Reply[]> {
    const isOwner = this.services.config.ownerIds.includes(from.author.id);
    if (command.ownerOnly && !isOwner) return [warn(`${voice.cmd(command.name)} is for the bot's owners only.`)];
    if (command.guildOnly && !from.guildId) return [warn(`${voice.cmd(command.name)} works in a server channel, not in DMs.`)];
    if (!this.limiter.take(from.author.id, Date.now())) return [warn('Slow down a little — you are sending commands too fast.')];

    let args: unknown;
    try {
      args = parseArgs(command.args, tokens);
    } catch (err) {
      if (err instanceof ArgumentError) return [warn(`${voice.render(err.text)}\nUsage: \`${usageLine(command, voice)}\``)];
      throw err;
    }

    const ctx: CommandContext = {
      services: this.services,
      author: from.author,
      channelId: from.channelId,
      guildId: from.guildId,
      platform: from.platform,
      voice,
      isOwner,
      registry: this.registry,
      resolveMember: from.resolveMember,
      hasManageGuild: from.hasManageGuild ?? (async () => false),
    };
    return this.runCommand(command, ctx, args, opts);
  }

  /** Draws a player's replies' pictures (the one image policy), after telling the transport they're coming. */
  private async finish(userId: string, replies: Reply[], opts: DispatchOptions): Promise<Reply[]> {
    if (!hasImages(replies)) return replies;
    await opts.beforeImages?.().catch((err: unknown) => this.log.warn({ err }, 'could not prepare for pictures'));
    return Promise.all(replies.map((r) => drawImages(r, this.log, (render) => this.drawing.run(userId, render))));
  }

  private async runCommand(command: Command, ctx: CommandContext, args: unknown, opts: DispatchOptions): Promise<Reply[]> {
    this.running++;
    try {
      // [capacity] ensurePlayer, the command and its hooks wait their turn in the player's queue.
      return await this.scheduled(
        ctx.author.id,
        async () => {
          let ok = false;
          const replies = await this.guard(
            async () => {
              await ensurePlayer(this.services.db, ctx.author.id, ctx.author.username);
              const out = await command.run(ctx, args as never);
              ok = true;
              return Array.isArray(out) ? out : [out];
            },
            ctx.author.id,
            command.name,
            ctx.voice,
          );
          for (const r of replies) {
            if (r.prompt) this.addPrompt(ctx.channelId, r.prompt, ctx.voice);
            if (r.view) this.viewOrigins.set(r.view, { ctx, command });
          }
          replies.push(...(await this.runHooks(ctx, command, ok)));
          if (hasImages(replies)) this.drawingCommands.add(command.name);
          return replies;
        },
        opts,
        this.runOptions(ctx.author.id, this.drawingCommands.has(command.name)),
      );
    } finally {
      this.running--;
      if (this.running === 0 && this.idleWaiters.length) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async runHooks(ctx: CommandContext, command: Command, ok: boolean): Promise<Reply[]> {
    const out: Reply[] = [];
    for (const hook of this.services.hooks.afterCommand) {
      try {
        out.push(...(await hook({ ctx, command, ok })));
      } catch (err) {
        // [capacity] a full pool is load, not a failure
        if (err instanceof DatabaseBusy) this.log.warn({ command: command.name }, 'after-command hook skipped: database busy');
        else this.log.error({ err, command: command.name }, 'after-command hook failed');
      }
    }
    return out;
  }

  /**
   * [capacity] Runs a player action in its turn (scheduler.ts), then draws its
   * pictures; a refusal becomes its short answer.
   */
  private async scheduled(userId: string, fn: () => Promise<Reply[]>, opts: DispatchOptions, run: RunOptions): Promise<Reply[]> {
    let replies: Reply[];
    try {
      replies = await this.scheduler.run(userId, fn, run);
      this.regulars.set(userId, true);
    } catch (err) {
      if (err instanceof SchedulerRefusal) return [warn(refusalMessage(err.reason))];
      throw err;
    }
    return this.finish(userId, replies, opts);
  }

  /**
   * [capacity] How a player's action queues: a newcomer (nothing answered in the last minute) or a
   * regular, and for an action that may draw, how late the pictures are and how late is too late.
   * Under shedding a regular is turned away ("busy") once pictures are the shed time behind; a
   * newcomer waits up to the longest wait for a turn, so a crowd of newcomers' !starter all get
   * their turn while regulars' pulls make room.
   */
  private runOptions(userId: string, draws: boolean): RunOptions {
    const newcomer = !this.regulars.has(userId);
    if (!draws) return { newcomer };
    const { commandQueueShedMs: shed, commandQueueWaitMs: wait } = this.services.config;
    return { newcomer, backlog: { ms: this.drawing.backlogMs(), limitMs: shed > 0 && !newcomer ? shed : wait } };
  }

  /** Runs a player action: UserErrors become their message, anything else an apology with an id. */
  async guard(fn: () => Promise<Reply[]>, userId: string, what: string, voice: Voice = this.voiceFor(null)): Promise<Reply[]> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UserError) return [warn(voice.render(err.text))];
      // [capacity] Load is not a bug: no connection came free in time, nothing ran.
      if (err instanceof DatabaseBusy) {
        this.log.warn({ userId, command: what }, 'database busy: no connection in time');
        return [warn(refusalMessage('busy'))];
      }
      const id = errorId();
      this.log.error({ err, errorId: id, userId, command: what }, 'command failed');
      return [
        {
          embeds: [
            {
              title: 'Something went wrong',
              description: `That didn't work on our side, and nothing was changed. If it keeps happening, tell an admin the error id \`${id}\`.`,
              color: Colors.error,
            },
          ],
          error: true,
        },
      ];
    }
  }

  private addPrompt(channelId: string, p: NonNullable<Reply['prompt']>, voice: Voice): void {
    const key = `${channelId}:${p.userId}`;
    const old = this.prompts.get(key);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => {
      if (this.prompts.get(key)?.timer === timer) this.prompts.delete(key);
      if (p.onTimeout) void this.services.announce(channelId, p.onTimeout).catch(() => {});
    }, p.timeoutMs);
    timer.unref();
    this.prompts.set(key, { handle: p.handle, voice, expiresAt: Date.now() + p.timeoutMs, timer });
  }

  /** A button or select press on a message that carries a view. */
  async handleComponent(messageId: string, use: ComponentUse, opts: DispatchOptions = {}): Promise<{ update?: Reply; followUps: Reply[]; ephemeral?: Reply }> {
    // [capacity] A press waits in the presser's queue like a command. A second press on the same
    // message while one waits or runs is dropped, as the view drops one while it is handled.
    const key = `${messageId}:${use.userId}`;
    if (this.pressing.has(key)) return { followUps: [] };
    this.pressing.add(key);
    let handled: { update?: Reply; followUps: Reply[]; ephemeral?: Reply };
    const kind = pressKind(use.customId);
    try {
      handled = await this.scheduler.run(use.userId, () => this.handlePress(messageId, use), this.runOptions(use.userId, this.drawingPresses.has(kind)));
      this.regulars.set(use.userId, true);
    } catch (err) {
      if (err instanceof SchedulerRefusal) return { followUps: [], ephemeral: warn(refusalMessage(err.reason)) };
      throw err;
    } finally {
      this.pressing.delete(key);
    }
    // Pictures are drawn after the press's turn, outside the database slot.
    const replies = [handled.update ?? {}, ...handled.followUps, handled.ephemeral ?? {}];
    if (hasImages(replies)) this.drawingPresses.add(kind);
    const [update, ...rest] = await this.finish(use.userId, replies, opts);
    const ephemeral = rest.pop();
    return { update: handled.update ? update : undefined, followUps: rest, ephemeral: handled.ephemeral ? ephemeral : undefined };
  }

  private async handlePress(messageId: string, use: ComponentUse): Promise<{ update?: Reply; followUps: Reply[]; ephemeral?: Reply }> {
    const pressed = this.views.viewOf(messageId);
    const voice = (pressed && this.viewOrigins.get(pressed)?.ctx.voice) ?? this.voiceFor(null);
    const outcome = await this.views.use(messageId, use).catch(async (err: unknown) => {
      const [apology] = await this.guard(() => Promise.reject(err), use.userId, `component ${use.customId}`, voice);
      return { kind: 'handled' as const, result: { ephemeral: apology } as ViewResult, view: undefined, next: undefined };
    });
    switch (outcome.kind) {
      case 'not-yours':
        return { followUps: [], ephemeral: warn('These buttons belong to someone else — run the command yourself to get your own.') };
      case 'busy':
        return { followUps: [] };
      case 'expired':
        return { followUps: [], ephemeral: warn('This menu has expired — run the command again.') };
      case 'handled': {
        const r = outcome.result;
        const followUps = [...(r.followUps ?? [])];
        const origin = outcome.view ? this.viewOrigins.get(outcome.view) : undefined;
        if (origin) {
          // A press finishes what the command started (a purchase, a fight): check achievements as after a command.
          if (outcome.next && outcome.next !== outcome.view) this.viewOrigins.set(outcome.next, origin);
          for (const f of followUps) if (f.view) this.viewOrigins.set(f.view, origin);
          followUps.push(...(await this.runHooks(origin.ctx, origin.command, true)));
        }
        return { update: r.update, followUps, ephemeral: r.ephemeral };
      }
    }
  }

  shutdown(): void {
    this.views.clear();
    for (const p of this.prompts.values()) clearTimeout(p.timer);
    this.prompts.clear();
  }
}

/**
 * [capacity] The kind of control a custom id belongs to: its first two parts (`spark:one:123` →
 * `spark:one`), what a press does whatever the item it carries.
 */
function pressKind(customId: string): string {
  return customId.split(':', 2).join(':');
}

/** [capacity] What a player reads when the scheduler or the database turns an action away (nothing ran). */
export function refusalMessage(reason: RefusalReason): string {
  return reason === 'queue-full'
    ? 'Still working on your last commands — wait for their replies, then try again.'
    : 'The bot is busy right now — try again in a moment.';
}

export function warn(message: string): Reply {
  return { embeds: [{ description: `⚠️ ${message}`, color: Colors.warning }], error: true };
}

/** `!name <args>` as the player would type it on their surface (no code formatting). */
export function usageLine(command: Command, voice: Voice): string {
  return voice.plain(command.name, command.usage ?? usageOf(command.args));
}
