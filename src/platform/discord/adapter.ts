import {
  ActivityType,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Guild,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type SendableChannels,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { App, Transport } from '../../app.js';
import { suggest } from '../../commands/complete.js';
import type { Reply } from '../../commands/reply.js';
import { focusedOption, tokensFromOptions } from '../../commands/slash.js';
import type { MemberInfo } from '../../commands/types.js';
import { every, hourKey, pruneJobRuns, type Repeating, runOnce } from '../../core/jobs.js';
import type { Logger } from '../../log.js';
import { GatewayHealth, type GatewayState } from './health.js';
import { type Registration, registerSlashCommands } from './register.js';
import {
  ALLOWED_MENTIONS,
  clip,
  filesSignature,
  isEmptyReply,
  Limits,
  renderComponents,
  renderEmbeds,
  renderFiles,
  toCreateOptions,
  toEditOptions,
  toPlainText,
} from './render.js';

export interface StartDiscordOptions {
  /** Extra discord.js client options (tests: `fakeClientOptions(urls)`); `rest` and `ws` are merged, not replaced. */
  clientOptions?: Partial<ClientOptions>;
  /** Shard ids this process runs. Default: from the ShardingManager, else every shard of config.shardCount (or 'auto'). */
  shards?: number[] | 'auto';
  /** Total shards across all processes (with explicit `shards`). */
  shardCount?: number;
  /** Default: config.discordToken. */
  token?: string;
  /** A component press still being handled after this long is acknowledged with deferUpdate (Discord allows 3 s). */
  deferAfterMs?: number;
  /** How long startDiscord waits for the gateway to be ready before returning anyway (health shows "connecting"). */
  readyTimeoutMs?: number;
  /** Ask for the Message Content intent: `auto` (default: ask, and carry on without it if Discord refuses), `on`, `off`. */
  messageContent?: MessageContentMode;
  /** Register slash commands after login (default: when this process runs shard 0). */
  registerCommands?: boolean;
}

export type MessageContentMode = 'auto' | 'on' | 'off';

/** Discord refused an intent the bot asked for (close code 4014). */
class DisallowedIntents extends Error {}

function isDisallowedIntents(err: unknown): boolean {
  return err instanceof Error && /disallowed intents/i.test(err.message);
}

const PERMISSION_CODES = new Set<number>([RESTJSONErrorCodes.MissingPermissions, RESTJSONErrorCodes.MissingAccess]);
const GONE_CODES = new Set<number>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.UnknownMessage]);
/** "Cannot reply without permission to read message history" (a reply reference needs Read Message History). */
const CANNOT_REPLY_WITHOUT_HISTORY = 160002;
const NO_SUCH_USER = new Set<number>([RESTJSONErrorCodes.UnknownMember, RESTJSONErrorCodes.UnknownUser, RESTJSONErrorCodes.InvalidFormBodyOrContentType]);

function apiCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

/** Don't DM the same player about the same channel more often than this. */
const DM_NOTICE_INTERVAL_MS = 10 * 60_000;
const MAX_REMEMBERED_MESSAGES = 5_000;

/**
 * The Discord transport: one discord.js Client (one or several shards)
 * driving the platform-neutral dispatcher. Message commands in, Replies out as
 * message replies; buttons and selects through interactions; expired views
 * edited to disabled. Discord errors are logged and answered where possible,
 * never thrown out of an event handler.
 *
 * Commands commit their game changes before the reply is sent. If sending
 * fails (missing permissions, a deleted channel), the change stands and the
 * player sees its result with their next command — the reply is lost, the
 * state is never half-done.
 */
export class DiscordTransport implements Transport {
  readonly name = 'discord';
  /** The live client (replaced once if Discord refuses the Message Content intent). */
  client: Client;
  private readonly log: Logger;
  private readonly health: GatewayHealth;
  private readonly deferAfterMs: number;
  private readonly mode: MessageContentMode;
  /** Whether the gateway session asks for message content (prefix commands); mentions, DMs and slash commands work either way. */
  private messageContent: boolean;
  /** message id → signature of the files it carries, so edits re-upload only changed images. */
  private readonly sentFiles = new Map<string, string>();
  private readonly dmNotices = new Map<string, number>();
  private readonly jobs: Repeating[] = [];
  /** Sends whose message ids aren't known yet: a press can arrive before our REST call returns. */
  private readonly inflight = new Set<Promise<unknown>>();
  private token = '';
  private stopped = false;
  private fallingBack: Promise<void> | null = null;
  /** The background slash-command registration after the first login (tests await it). */
  registration: Promise<Registration[]> | null = null;

  constructor(
    private readonly app: App,
    private readonly opts: StartDiscordOptions = {},
  ) {
    this.log = app.services.log.child({ transport: 'discord' });
    this.health = new GatewayHealth(app.config.gatewayGraceSeconds * 1000);
    this.deferAfterMs = opts.deferAfterMs ?? 1500;
    this.mode = opts.messageContent ?? app.config.discordMessageContent;
    this.messageContent = this.mode !== 'off';
    this.client = this.makeClient();
  }

  private makeClient(): Client {
    const c = new Client(this.clientOptions());
    c.on(
      Events.MessageCreate,
      (m) => void this.onMessage(m).catch((err: unknown) => this.log.error({ err, channelId: m.channelId }, 'message handling failed')),
    );
    c.on(
      Events.InteractionCreate,
      (i) => void this.onInteraction(i).catch((err: unknown) => this.log.error({ err, interactionId: i.id }, 'interaction handling failed')),
    );
    c.on(Events.ShardReady, (id) => {
      this.health.up(id);
      this.log.info({ shard: id }, 'gateway ready');
    });
    c.on(Events.ShardResume, (id, replayed) => {
      this.health.up(id);
      this.log.info({ shard: id, replayed }, 'gateway resumed');
    });
    c.on(Events.ShardReconnecting, (id) => {
      this.health.down(id);
      this.log.warn({ shard: id }, 'gateway connection lost; reconnecting');
    });
    c.on(Events.ShardDisconnect, (ev, id) => {
      this.health.down(id);
      if (ev.code === 4014) return; // handled as a refused intent (ShardError below)
      this.log.error({ shard: id, code: ev.code }, 'gateway closed and will not reconnect');
    });
    // Without listeners these would be thrown as unhandled 'error' events.
    c.on(Events.ShardError, (err, id) => {
      if (isDisallowedIntents(err)) {
        // Refused while running (the portal setting was turned off): carry on without it.
        if (c === this.client && this.started) void this.withoutMessageContent();
        return;
      }
      this.log.warn({ err, shard: id }, 'gateway error');
    });
    c.on(Events.Error, (err) => this.log.error({ err }, 'discord client error'));
    c.on(Events.Warn, (msg) => this.log.warn(msg));
    c.once(Events.ClientReady, () => this.afterFirstReady());
    return c;
  }

  private started = false;

  private clientOptions(): ClientOptions {
    const extra = this.opts.clientOptions ?? {};
    const cfg = this.app.config;
    const base: ClientOptions = {
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.DirectMessages,
        ...(this.messageContent ? [GatewayIntentBits.MessageContent] : []),
      ],
      // DM channels arrive uncached; without this partial, DM messages are dropped.
      partials: [Partials.Channel],
      allowedMentions: ALLOWED_MENTIONS,
      presence: { activities: [{ name: this.messageContent ? `${cfg.prefix}help` : '/help', type: ActivityType.Listening }] },
      ...extra,
      // DISCORD_API_URL: Discord itself unless pointed at a proxy or a test server.
      rest: { api: cfg.discordApiUrl, ...extra.rest },
      ws: { ...extra.ws },
    };
    if (this.opts.shards !== undefined) {
      base.shards = this.opts.shards;
      if (this.opts.shardCount !== undefined) base.shardCount = this.opts.shardCount;
    } else if (!process.env.SHARDING_MANAGER) {
      // Not under the ShardingManager (which passes SHARDS / SHARD_COUNT itself):
      // run exactly the configured shards — SHARD_IDS of SHARD_COUNT, all of
      // SHARD_COUNT, or Discord's recommendation for auto. main.ts keeps the
      // operator's SHARD_COUNT out of discord.js's environment lookup.
      if (cfg.shardIds && typeof cfg.shardCount === 'number') {
        base.shards = cfg.shardIds;
        base.shardCount = cfg.shardCount;
      } else if (cfg.shardCount === 'auto') base.shards = 'auto';
      else {
        const count = cfg.shardCount ?? 1;
        base.shards = Array.from({ length: count }, (_, i) => i);
        base.shardCount = count;
      }
    }
    return base;
  }

  /**
   * Logs in and waits (up to readyTimeoutMs) for every shard to be ready.
   * When Discord refuses the Message Content intent (4014) and the mode is
   * `auto`, logs one warning and logs in again without it.
   */
  async start(token: string): Promise<void> {
    this.token = token;
    try {
      await this.connect();
    } catch (err) {
      if (!(err instanceof DisallowedIntents && this.mode === 'auto' && this.messageContent)) {
        await this.client.destroy().catch(() => {});
        throw err instanceof DisallowedIntents ? new Error(closeCodeHint(4014)) : err;
      }
      await this.withoutMessageContent();
    }
    this.started = true;
    const c = this.client;
    this.log.info(
      { user: c.user?.tag, guilds: c.guilds.cache.size, shards: [...c.ws.shards.keys()], messageContent: this.messageContent },
      'connected to Discord',
    );

    // Maintenance that must run once per hour across all shards.
    const db = this.app.services.db;
    this.jobs.push(
      every(
        60 * 60_000,
        () =>
          runOnce(
            db,
            'prune-job-runs',
            hourKey(this.app.clock.now()),
            (tx) => pruneJobRuns(tx, new Date(this.app.clock.now().getTime() - 30 * 86_400_000)),
            this.app.clock.now(),
          ),
        { name: 'prune-job-runs', log: this.log, immediately: true },
      ),
    );
  }

  /** One login of the current client; rejects with DisallowedIntents on 4014, with a one-line hint on other refusals. */
  private async connect(): Promise<void> {
    const c = this.client;
    let settle: (err?: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log.warn('the Discord gateway is not ready yet; carrying on (see /health)');
        resolve();
      }, this.opts.readyTimeoutMs ?? 90_000);
      timer.unref();
      settle = (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      c.once(Events.ClientReady, () => settle());
      c.on(Events.ShardError, (err) => {
        if (isDisallowedIntents(err)) settle(new DisallowedIntents(err.message));
      });
      c.once(Events.ShardDisconnect, (ev) => settle(ev.code === 4014 ? new DisallowedIntents('4014') : new Error(closeCodeHint(ev.code))));
    });
    // A refused intent can make login itself hang or fail: whichever comes first decides.
    const login = c.login(this.token).then(
      () => {},
      (err: unknown) => settle(isDisallowedIntents(err) ? new DisallowedIntents(String(err)) : new Error(loginHint(err), { cause: err })),
    );
    try {
      await Promise.race([ready, login.then(() => ready)]);
    } catch (err) {
      if (!(err instanceof DisallowedIntents)) await c.destroy().catch(() => {});
      throw err;
    }
  }

  /** Discord refused Message Content: say so once, and carry on with mentions, DMs and slash commands. */
  private withoutMessageContent(): Promise<void> {
    this.fallingBack ??= (async () => {
      this.log.warn(
        'Discord refused the Message Content intent (close code 4014). Carrying on without it: slash commands, mentions (@bot pull 10) and DMs work; ' +
          'prefix commands like !pull need "Message Content Intent" turned on under Bot → Privileged Gateway Intents in the Discord developer portal ' +
          "(and, in 100 or more servers, Discord's approval). Set DISCORD_MESSAGE_CONTENT=off to stop asking for it.",
      );
      this.messageContent = false;
      const old = this.client;
      this.client = this.makeClient();
      await old.destroy().catch(() => {});
      await this.connect();
    })();
    return this.fallingBack;
  }

  /** After the first login: register the slash commands in the background (never blocks boot). */
  private afterFirstReady(): void {
    const shards = [...this.client.ws.shards.keys()];
    const wanted = this.opts.registerCommands ?? (shards.length === 0 || shards.includes(0));
    if (!wanted || this.registration || !this.client.application) return;
    this.registration = registerSlashCommands({
      rest: this.client.rest,
      applicationId: this.client.application.id,
      db: this.app.services.db,
      registry: this.app.registry,
      ownerGuildIds: this.app.config.ownerGuildIds,
      log: this.log,
    }).catch((err: unknown) => {
      this.log.error({ err }, 'could not register the slash commands (the bot works; retry with npm run commands:register)');
      return [];
    });
  }

  // ------------------------------------------------------------------ health

  private shardViews() {
    return [...this.client.ws.shards.values()].map((s) => ({ id: s.id, status: s.status, ping: s.ping }));
  }

  gatewayState(): GatewayState {
    return this.health.state(this.shardViews());
  }

  status(): Record<string, unknown> {
    const shards = this.shardViews();
    return {
      gateway: this.health.state(shards),
      shards: this.health.report(shards),
      shardCount: this.client.options.shardCount ?? null,
      ping: shards.length && this.client.ws.ping >= 0 ? Math.round(this.client.ws.ping) : null,
      guilds: this.client.guilds.cache.size,
      messageContent: this.messageContent,
    };
  }

  healthy(): boolean {
    return this.health.healthy(this.shardViews());
  }

  // --------------------------------------------------------------- channels

  owns(channelId: string): boolean {
    return this.client.channels.cache.has(channelId);
  }

  private async sendable(channelId: string): Promise<SendableChannels | null> {
    let ch = this.client.channels.cache.get(channelId) ?? null;
    if (!ch) {
      try {
        ch = await this.client.channels.fetch(channelId);
      } catch (err) {
        const code = apiCode(err);
        if (code !== undefined && (GONE_CODES.has(code) || PERMISSION_CODES.has(code))) {
          this.log.warn({ channelId, code }, 'cannot reach that channel');
          return null;
        }
        throw err;
      }
    }
    return ch?.isSendable() ? ch : null;
  }

  async send(channelId: string, reply: Reply): Promise<void> {
    const ch = await this.sendable(channelId);
    if (!ch) {
      this.log.warn({ channelId }, 'announcement for a channel the bot cannot post in');
      return;
    }
    await this.deliver(ch, reply, {});
  }

  async edit(channelId: string, messageId: string, reply: Reply): Promise<void> {
    const ch = await this.sendable(channelId);
    if (!ch) return;
    const files = this.editFiles(messageId, reply);
    try {
      await ch.messages.edit(messageId, toEditOptions(reply, files.keep));
      files.sent();
    } catch (err) {
      const code = apiCode(err);
      if (code !== undefined && (GONE_CODES.has(code) || PERMISSION_CODES.has(code))) {
        this.log.warn({ channelId, messageId, code }, 'could not edit a message');
        return;
      }
      throw err;
    }
  }

  /**
   * How an edit of `messageId` treats its files: kept as they are when the reply says so (a view's
   * expiry edit) or carries the same files the message already has; `sent()` remembers the new ones.
   */
  private editFiles(messageId: string, reply: Reply): { keep: boolean; sent(): void } {
    const sig = filesSignature(reply.attachments);
    return {
      keep: !!reply.keepFiles || this.sentFiles.get(messageId) === sig,
      sent: () => {
        if (!reply.keepFiles) this.rememberFiles(messageId, sig);
      },
    };
  }

  private rememberFiles(messageId: string, sig: string): void {
    if (this.sentFiles.size >= MAX_REMEMBERED_MESSAGES) {
      const oldest = this.sentFiles.keys().next().value;
      if (oldest !== undefined) this.sentFiles.delete(oldest);
    }
    this.sentFiles.set(messageId, sig);
  }

  /**
   * What the bot may do in a channel, from its cached roles and overwrites
   * (null when unknown — a DM, or a guild not cached: then just try).
   * Discord accepts a message whose embeds it may not show and silently drops
   * them, so this is checked before sending, not learnt from an error.
   */
  private channelPermissions(ch: SendableChannels): { send: boolean; embed: boolean; attach: boolean; history: boolean } | null {
    if (!('guild' in ch) || !ch.guild) return null;
    const me = ch.guild.members.me;
    const p = me ? ch.permissionsFor(me) : null;
    if (!p) return null;
    const F = PermissionFlagsBits;
    return {
      send: p.has(F.ViewChannel) && p.has(ch.isThread() ? F.SendMessagesInThreads : F.SendMessages),
      embed: p.has(F.EmbedLinks),
      attach: p.has(F.AttachFiles),
      history: p.has(F.ReadMessageHistory),
    };
  }

  /**
   * A reply as this channel allows it: the plain-text rendering where Embed
   * Links is missing, no files where Attach Files is missing (each with a note
   * saying which permission would show more), no reply reference where Read
   * Message History is missing (Discord refuses those with 160002).
   */
  private fitToChannel(reply: Reply, can: NonNullable<ReturnType<DiscordTransport['channelPermissions']>>): Reply {
    const notes: string[] = [];
    let out = reply;
    if (!can.embed && reply.embeds?.length) notes.push('**Embed Links**');
    if (!can.attach && reply.attachments?.length) notes.push('**Attach Files**');
    if (!notes.length) return out;
    const note = `-# I need the ${notes.join(' and ')} permission${notes.length > 1 ? 's' : ''} here to show this properly.`;
    out = {
      ...reply,
      content: can.embed ? [reply.content, note].filter(Boolean).join('\n') : toPlainText(reply, note),
      embeds: can.embed ? reply.embeds?.map((e) => (can.attach ? e : { ...e, image: undefined, thumbnail: undefined })) : undefined,
      attachments: can.attach ? reply.attachments : undefined,
    };
    return out;
  }

  /**
   * Sends one reply and arms its view. It first fits the reply to what the
   * bot may do in the channel (see fitToChannel); with no right to post at
   * all it DMs the player why they got no answer. Errors Discord still
   * returns are handled as it documents them. Returns the sent message or null.
   */
  private async deliver(ch: SendableChannels, reply: Reply, ctx: { replyTo?: string; authorId?: string }): Promise<Message | null> {
    if (isEmptyReply(reply)) return null;
    const can = this.channelPermissions(ch);
    if (can && !can.send) {
      this.log.warn({ channelId: ch.id }, 'no permission to post in this channel');
      if (ctx.authorId) await this.dmNotice(ctx.authorId, ch);
      return null;
    }
    const fitted = can ? this.fitToChannel(reply, can) : reply;
    const replyTo = can && !can.history ? undefined : ctx.replyTo;
    const sending = ch.send(toCreateOptions(fitted, replyTo));
    if (reply.view) {
      this.inflight.add(sending);
      void sending.catch(() => {}).finally(() => this.inflight.delete(sending));
    }
    try {
      return this.sent(await sending, fitted);
    } catch (err) {
      const code = apiCode(err);
      const rich = !!(fitted.embeds?.length || fitted.attachments?.length);
      if (code === CANNOT_REPLY_WITHOUT_HISTORY && replyTo) {
        this.log.warn({ channelId: ch.id }, 'cannot reply without Read Message History; sending without the reference');
        return this.deliver(ch, reply, { ...ctx, replyTo: undefined });
      }
      if (code !== undefined && PERMISSION_CODES.has(code)) {
        this.log.warn({ channelId: ch.id, code }, 'missing permissions to post a reply');
        if (rich) {
          const text = toPlainText(fitted, '-# I need the **Embed Links** and **Attach Files** permissions here to show this properly.');
          try {
            return this.sent(await ch.send({ ...toCreateOptions({ content: text, components: fitted.components }, replyTo) }), {
              ...fitted,
              attachments: undefined,
            });
          } catch (err2) {
            if (!PERMISSION_CODES.has(apiCode(err2) ?? -1)) throw err2;
          }
        }
        if (ctx.authorId) await this.dmNotice(ctx.authorId, ch);
        return null;
      }
      if (code === RESTJSONErrorCodes.RequestEntityTooLarge && fitted.attachments?.length) {
        this.log.warn({ channelId: ch.id }, 'attachments too large; sending without them');
        const { attachments: _a, ...rest } = fitted;
        return this.deliver(
          ch,
          {
            ...rest,
            embeds: rest.embeds?.map((e) => ({ ...e, image: undefined, thumbnail: undefined })),
            content: [rest.content, '-# (the image was too large to upload)'].filter(Boolean).join('\n'),
          },
          { ...ctx, replyTo },
        );
      }
      if (code !== undefined && GONE_CODES.has(code)) {
        this.log.warn({ channelId: ch.id, code }, 'the channel is gone; reply dropped');
        return null;
      }
      if (code === RESTJSONErrorCodes.InvalidFormBodyOrContentType && rich) {
        // A reply we rendered badly: log it for us, still answer the player.
        this.log.error({ err, channelId: ch.id }, 'Discord rejected a rendered reply; sending it as text');
        return this.sent(await ch.send(toCreateOptions({ content: toPlainText(fitted) }, replyTo)), { content: '' });
      }
      throw err;
    }
  }

  private sent(msg: Message, reply: Reply): Message {
    this.rememberFiles(msg.id, filesSignature(reply.attachments));
    if (reply.view) this.app.dispatcher.views.attach(msg.id, msg.channelId, reply);
    return msg;
  }

  /** Tells a player in DM that their answer couldn't be posted (rate-limited per channel). */
  private async dmNotice(userId: string, ch: SendableChannels): Promise<void> {
    const key = `${userId}:${ch.id}`;
    const last = this.dmNotices.get(key);
    if (last !== undefined && Date.now() - last < DM_NOTICE_INTERVAL_MS) return;
    if (this.dmNotices.size > 10_000) this.dmNotices.clear();
    this.dmNotices.set(key, Date.now());
    const where = 'guildId' in ch && ch.guildId ? `<#${ch.id}>` : 'that channel';
    try {
      await this.client.users.send(userId, {
        content: `I can't post in ${where} — a server admin needs to give me **View Channel**, **Send Messages**, **Embed Links** and **Attach Files** there. Your command still went through; you'll see its result with your next command in a channel where I can talk.`,
        allowedMentions: { parse: [] },
      });
    } catch (err) {
      this.log.info({ userId, code: apiCode(err) }, 'could not DM the player either');
    }
  }

  // ---------------------------------------------------------------- messages

  private async onMessage(message: Message): Promise<void> {
    if (this.stopped) return;
    // Bots (ourselves included), webhooks and system messages are never commands.
    if (message.author.bot || message.webhookId || message.system) return;
    const guild = message.guild;
    if (guild) {
      // If the database is down, carry on with the default prefix: the command then
      // fails with an error id the player can report, instead of silence.
      await this.app.services.prefixes.load(guild.id).catch((err: unknown) => this.log.warn({ err, guildId: guild.id }, 'could not load the server prefix'));
    }

    const typingTimer = setTimeout(() => {
      if (message.channel.isSendable()) void message.channel.sendTyping().catch(() => {});
    }, 1000);
    typingTimer.unref();
    let replies: Reply[];
    try {
      replies = await this.app.dispatcher.handleMessage({
        author: { id: message.author.id, username: message.author.displayName, bot: message.author.bot },
        channelId: message.channelId,
        guildId: message.guildId,
        content: message.content,
        platform: 'discord',
        botUserId: this.client.user?.id,
        botName: this.client.user?.displayName,
        resolveMember: (id) => this.resolveMember(message.guild, id),
        hasManageGuild: async () => {
          if (!message.inGuild()) return false;
          const member = message.member ?? (await message.guild.members.fetch(message.author.id));
          return member.permissions.has(PermissionFlagsBits.ManageGuild);
        },
      });
    } finally {
      clearTimeout(typingTimer);
    }
    if (replies.length === 0) return;
    const ch = message.channel.isSendable() ? message.channel : await this.sendable(message.channelId);
    if (!ch) return;
    for (const reply of replies) await this.deliver(ch, reply, { replyTo: message.id, authorId: message.author.id });
  }

  private async resolveMember(guild: Guild | null, userId: string): Promise<MemberInfo | null> {
    try {
      if (guild) {
        const m = await guild.members.fetch(userId);
        return { id: m.id, displayName: m.displayName, bot: m.user.bot };
      }
      const u = await this.client.users.fetch(userId);
      return { id: u.id, displayName: u.displayName, bot: u.bot };
    } catch (err) {
      if (NO_SUCH_USER.has(apiCode(err) ?? -1)) return null;
      throw err;
    }
  }

  // ------------------------------------------------------------ interactions

  private async onInteraction(i: Interaction): Promise<void> {
    if (this.stopped) return;
    if (i.isChatInputCommand()) await this.onSlash(i);
    else if (i.isAutocomplete()) await this.onAutocomplete(i);
    else if (i.isButton() || i.isStringSelectMenu()) await this.onComponent(i);
  }

  /**
   * A slash command: its options become the tokens a typed command would
   * have, and it runs through the same dispatcher, named with `/`. The
   * answer is deferred before pictures are drawn, or when nothing is ready
   * after deferAfterMs (Discord drops an interaction not answered in 3 s).
   * Errors and refusals are ephemeral.
   */
  private async onSlash(i: ChatInputCommandInteraction): Promise<void> {
    const command = this.app.registry.get(i.commandName);
    let deferring: Promise<unknown> | null = null;
    const defer = () => {
      deferring ??= i.deferReply().catch((err: unknown) => this.interactionFailed(err, i, 'deferReply'));
      return deferring.then(() => {});
    };
    const timer = setTimeout(() => void defer(), this.deferAfterMs);
    let replies: Reply[];
    try {
      replies = await this.app.dispatcher.handleSlash(
        {
          author: { id: i.user.id, username: i.user.displayName, bot: i.user.bot },
          channelId: i.channelId,
          guildId: i.guildId,
          command: i.commandName,
          tokens: command ? tokensFromOptions(command, i.options.data) : [],
          platform: 'discord',
          resolveMember: (id) => this.resolveMember(i.guild, id),
          hasManageGuild: async () => !!i.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
        },
        { beforeImages: defer },
      );
    } finally {
      clearTimeout(timer);
    }
    if (deferring) await deferring;
    try {
      await this.answerSlash(i, replies);
    } catch (err) {
      this.interactionFailed(err, i, 'respond');
    }
  }

  private async answerSlash(i: ChatInputCommandInteraction, replies: Reply[]): Promise<void> {
    const list = replies.filter((r) => !isEmptyReply(r));
    if (list.length === 0) list.push({ content: '✅', error: true });
    for (const [k, r] of list.entries()) {
      const ephemeral = !!(r.error || r.ephemeral);
      const sending = (async (): Promise<Message | null> => {
        if (k > 0) return i.followUp(interactionReply(r, ephemeral));
        if (i.deferred && ephemeral) {
          // The deferred answer is public; an error belongs to the player alone.
          await i.deleteReply().catch((err: unknown) => this.interactionFailed(err, i, 'deleteReply'));
          return i.followUp(interactionReply(r, true));
        }
        if (i.deferred) return i.editReply(editReply(r));
        return (await i.reply({ ...interactionReply(r, ephemeral), withResponse: true })).resource?.message ?? null;
      })();
      // A press can arrive before this call returns: component handling waits for in-flight answers that carry views.
      if (r.view) {
        this.inflight.add(sending);
        void sending.catch(() => {}).finally(() => this.inflight.delete(sending));
      }
      const msg = await sending;
      if (msg) this.sent(msg, r);
    }
  }

  /** Suggestions as the player types an option: their units, characters, skills, bosses… (at most 25, always answered). */
  private async onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const command = this.app.registry.get(i.commandName);
    const focused = command ? focusedOption(command, i.options.data) : null;
    let choices: Array<{ name: string; value: string | number }> = [];
    if (focused?.option.complete) {
      try {
        choices = await suggest(focused.option.complete, focused.value, {
          services: this.app.services,
          registry: this.app.registry,
          userId: i.user.id,
          isOwner: this.app.config.ownerIds.includes(i.user.id),
        });
      } catch (err) {
        this.log.warn({ err, command: i.commandName }, 'autocomplete failed; offering nothing');
      }
    }
    await i.respond(choices.slice(0, 25)).catch((err: unknown) => this.interactionFailed(err, i, 'autocomplete'));
  }

  private async onComponent(i: ButtonInteraction | StringSelectMenuInteraction): Promise<void> {
    const messageId = i.message.id;
    // Discord drops an interaction not acknowledged within 3 s: a slow handler gets a deferUpdate first.
    let ack: Promise<unknown> | null = null;
    const timer = setTimeout(() => {
      ack = i.deferUpdate().catch((err: unknown) => this.interactionFailed(err, i, 'deferUpdate'));
    }, this.deferAfterMs);
    let res: Awaited<ReturnType<App['dispatcher']['handleComponent']>>;
    try {
      // Discord can deliver the message to a player before our send() returns and arms its view.
      if (!this.app.dispatcher.views.has(messageId) && this.inflight.size > 0) {
        await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 2000).unref())]);
      }
      res = await this.app.dispatcher.handleComponent(
        messageId,
        { userId: i.user.id, username: i.user.displayName, customId: i.customId, values: i.isStringSelectMenu() ? i.values : [] },
        {
          beforeImages: async () => {
            ack ??= i.deferUpdate().catch((err: unknown) => this.interactionFailed(err, i, 'deferUpdate'));
            await ack;
          },
        },
      );
    } finally {
      clearTimeout(timer);
    }
    if (ack) await ack;
    try {
      let ephemeralDone = false;
      if (res.update) {
        const files = this.editFiles(messageId, res.update);
        const opts = toEditOptions(res.update, files.keep);
        if (i.deferred || i.replied) await i.editReply(opts);
        else await i.update(opts);
        files.sent();
      } else if (!i.deferred && !i.replied) {
        if (res.ephemeral) {
          await i.reply(interactionReply(res.ephemeral, true));
          ephemeralDone = true;
        } else {
          await i.deferUpdate(); // a dropped double press: acknowledge silently
        }
      }
      if (res.ephemeral && !ephemeralDone) await i.followUp(interactionReply(res.ephemeral, true));
      for (const f of res.followUps) {
        if (isEmptyReply(f)) continue;
        const msg = await i.followUp(interactionReply(f, !!f.ephemeral));
        this.sent(msg, f);
      }
    } catch (err) {
      this.interactionFailed(err, i, 'respond');
    }
  }

  private interactionFailed(err: unknown, i: Interaction, step: string): void {
    const code = apiCode(err);
    if (code === RESTJSONErrorCodes.UnknownInteraction || code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged) {
      this.log.warn({ interactionId: i.id, code, step }, 'interaction expired or already answered');
      return;
    }
    this.log.error({ err, interactionId: i.id, step }, 'could not answer an interaction');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.health.markStopped();
    await Promise.all(this.jobs.map((j) => j.stop()));
    await this.client.destroy();
  }
}

function editReply(reply: Reply): InteractionEditReplyOptions {
  return {
    content: reply.content ? clip(reply.content, Limits.content) : null,
    embeds: renderEmbeds(reply.embeds),
    components: renderComponents(reply.components),
    files: renderFiles(reply.attachments),
    allowedMentions: ALLOWED_MENTIONS,
  };
}

function interactionReply(reply: Reply, ephemeral: boolean): InteractionReplyOptions {
  const opts: InteractionReplyOptions = { allowedMentions: ALLOWED_MENTIONS };
  if (reply.content) opts.content = clip(reply.content, Limits.content);
  if (reply.embeds?.length) opts.embeds = renderEmbeds(reply.embeds);
  if (reply.components?.length) opts.components = renderComponents(reply.components);
  if (reply.attachments?.length) opts.files = renderFiles(reply.attachments);
  if (ephemeral) opts.flags = MessageFlags.Ephemeral;
  return opts;
}

function loginHint(err: unknown): string {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code === 'TokenInvalid' || apiCode(err) === 0 || (err instanceof DiscordAPIError && err.status === 401)) {
    return 'Discord rejected DISCORD_TOKEN (invalid token). Copy the bot token again from the developer portal — see docs/discord-setup.md.';
  }
  if (/disallowed intents/i.test(String((err as Error)?.message))) return closeCodeHint(4014);
  return `Could not connect to Discord: ${(err as Error)?.message ?? String(err)}`;
}

function closeCodeHint(code: number): string {
  if (code === 4014) {
    return 'Discord refused the Message Content intent. Enable "Message Content Intent" under Bot → Privileged Gateway Intents in the developer portal (docs/discord-setup.md).';
  }
  if (code === 4004) return 'Discord rejected DISCORD_TOKEN (authentication failed). Copy the bot token again from the developer portal.';
  return `The Discord gateway closed the connection with code ${code} and will not reconnect.`;
}

/**
 * Connects the bot to Discord (main.ts calls this when DISCORD_TOKEN is set).
 * Resolves once the gateway is ready; rejects with a one-line explanation
 * when the token or intents are refused.
 */
export async function startDiscord(app: App, opts: StartDiscordOptions = {}): Promise<DiscordTransport> {
  const token = opts.token ?? app.config.discordToken;
  if (!token) throw new Error('DISCORD_TOKEN is not set.');
  const transport = new DiscordTransport(app, opts);
  await transport.start(token);
  return transport;
}
