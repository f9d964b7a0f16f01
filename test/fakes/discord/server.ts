/**
 * FakeDiscord: a local, in-process imitation of the Discord API v10 (REST + JSON gateway)
 * that the real discord.js v14 client can log in to through its normal code path.
 *
 *   const fake = new FakeDiscord();
 *   const urls = await fake.start();
 *   fake.addGuild({ id, name, channels: [{ id, name }], members: [{ id, username }] });
 *   const client = new Client({ intents, ...fakeClientOptions(urls) });
 *   await client.login('any-token');
 *   ...
 *   await client.destroy(); await fake.stop();
 *
 * See ./README.md for the full API and the known protocol gaps.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { BodyParseError, parseBody, pngSize } from './multipart.js';
import { SnowflakeGenerator, shardForGuild } from './snowflake.js';
import type {
  ApiAttachment,
  ApiChannel,
  ApiMember,
  ApiMessage,
  ApiOverwrite,
  ApiUser,
  DispatchRecord,
  EditRecord,
  GatewayStats,
  InteractionResponseRecord,
  Json,
  RecordedFile,
  RegisteredCommand,
  RequestRecord,
  SessionInfo,
  StoredInteraction,
  StoredMessage,
} from './types.js';

export { fakeClientOptions } from './client-options.js';
export { guildIdForShard, shardForGuild } from './snowflake.js';
export type * from './types.js';

// ---------------------------------------------------------------------------------------------
// Constants (Discord API v10)
// ---------------------------------------------------------------------------------------------

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export const Perm = {
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseExternalEmojis: 1n << 18n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;

const EVERYONE_PERMS = Object.values(Perm).reduce((a, b) => a | b, 0n);

const ChannelType = { GuildText: 0, DM: 1 } as const;
const MessageFlags = { Ephemeral: 1 << 6, Loading: 1 << 7, IsComponentsV2: 1 << 15 } as const;
const InteractionType = { ApplicationCommand: 2, MessageComponent: 3 } as const;
const CallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** Discord JSON error codes used by the fake. */
export const ErrorCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  InteractionAlreadyAcknowledged: 40060,
  RequestEntityTooLarge: 40005,
  MissingAccess: 50001,
  CannotEditOtherUsersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
  InvalidJson: 50109,
} as const;

const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const REPLAY_BUFFER = 2000;

// ---------------------------------------------------------------------------------------------
// Public input types
// ---------------------------------------------------------------------------------------------

export interface FakeDiscordOptions {
  bot?: { id?: string; username?: string };
  /** Application id (defaults to the bot user id, as for real bots). */
  applicationId?: string;
  /** When set, REST `Authorization: Bot <token>` and gateway IDENTIFY/RESUME must use this token. */
  token?: string;
  /** HELLO heartbeat_interval in ms (default 41250). */
  heartbeatIntervalMs?: number;
  /** `shards` returned by GET /gateway/bot (used by discord.js when `shards: 'auto'`). Default 1. */
  recommendedShards?: number;
  /** session_start_limit.max_concurrency (default 16, so shards identify without the 5s throttle). */
  maxConcurrency?: number;
  /** Dispatch MESSAGE_CREATE/UPDATE for the bot's own messages, like Discord does (default true). */
  echoBotMessages?: boolean;
}

export interface AddGuildInput {
  id: string;
  name: string;
  ownerId?: string;
  channels: Array<{ id: string; name: string; topic?: string }>;
  members: Array<{ id: string; username: string; bot?: boolean; nick?: string; roles?: string[] }>;
}

export interface SendMessageInput {
  /** Optional; inferred from the channel. */
  guildId?: string;
  channelId: string;
  authorId: string;
  content: string;
  /** Extra mentioned user ids (`<@id>` in content is parsed automatically). */
  mentions?: string[];
  embeds?: Json[];
  /** Reply to this message id. */
  replyTo?: string;
}

export interface ClickInput {
  messageId: string;
  customId: string;
  userId: string;
  /** For select menus: the selected values. */
  values?: string[];
}

export type CommandOptionInput = string | number | boolean | { type: number; value: string | number | boolean };

export interface InvokeCommandInput {
  name: string;
  channelId: string;
  userId: string;
  guildId?: string;
  /** Top-level options. Type is inferred for primitives (3 string, 4 integer, 10 number, 5 boolean); 6 = user. */
  options?: Record<string, CommandOptionInput>;
}

export interface FakeDiscordUrls {
  /** Pass as discord.js `rest.api` — @discordjs/rest appends `/v10`. */
  restUrl: string;
  /** What GET /gateway/bot returns (discord.js appends `?v=10&encoding=json`). */
  gatewayUrl: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
}

// ---------------------------------------------------------------------------------------------
// Internal state types
// ---------------------------------------------------------------------------------------------

interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  channelIds: string[];
  members: Map<string, ApiMember>;
  createdAt: string;
}

interface Session {
  id: string;
  token: string;
  shard: [number, number];
  shardSpecified: boolean;
  intents: number;
  seq: number;
  log: Array<{ s: number; raw: string }>;
  socket: WebSocket | null;
}

interface Conn {
  ws: WebSocket;
  session: Session | null;
  serverClosed: boolean;
  path: string;
  query: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Json,
  ) {
    super(message);
  }
}

interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  /** Parsed JSON body as-is (arrays included). */
  rawJson: unknown;
  files: RecordedFile[];
}

type Handler = (ctx: Ctx) => Promise<unknown> | unknown;
/** Sentinel: respond 204 No Content. */
const NO_CONTENT = Symbol('no-content');

interface Route {
  method: string;
  pattern: RegExp;
  template: string;
  auth: boolean;
  handler: Handler;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

// ---------------------------------------------------------------------------------------------
// FakeDiscord
// ---------------------------------------------------------------------------------------------

export class FakeDiscord {
  readonly botUser: ApiUser;
  readonly applicationId: string;

  private readonly opts: Required<Omit<FakeDiscordOptions, 'bot' | 'applicationId' | 'token'>> & { token?: string };
  private readonly snowflakes = new SnowflakeGenerator();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private urls: FakeDiscordUrls | null = null;
  private readonly routes: Route[] = [];

  private readonly users = new Map<string, ApiUser>();
  private readonly guilds = new Map<string, GuildState>();
  private readonly channels = new Map<string, ApiChannel>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly interactions = new Map<string, StoredInteraction>();
  private readonly commandStore = new Map<string, RegisteredCommand>();
  private readonly deniedChannels = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly conns = new Set<Conn>();
  private forcedRateLimits: Array<{ retryAfter: number; global: boolean }> = [];
  private ackHeartbeats = true;

  // ---- records for assertions ----
  readonly edits: EditRecord[] = [];
  readonly interactionResponses: InteractionResponseRecord[] = [];
  readonly requests: RequestRecord[] = [];
  readonly typing: Array<{ channelId: string; at: number }> = [];
  readonly reactions: Array<{ channelId: string; messageId: string; emoji: string; at: number }> = [];
  readonly presenceUpdates: Json[] = [];
  readonly identifyPayloads: Json[] = [];
  readonly dispatches: DispatchRecord[] = [];
  readonly gatewayConnections: Array<{ path: string; query: Record<string, string> }> = [];
  readonly stats: GatewayStats = {
    connections: 0,
    identifies: 0,
    resumes: 0,
    failedResumes: 0,
    heartbeats: 0,
    dispatches: 0,
  };

  constructor(options: FakeDiscordOptions = {}) {
    const botId = options.bot?.id ?? this.snowflakes.next(Date.now() - 86_400_000);
    this.botUser = {
      id: botId,
      username: options.bot?.username ?? 'Stardust',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      flags: 0,
      public_flags: 0,
      verified: true,
      mfa_enabled: false,
      email: null,
    };
    this.users.set(botId, this.botUser);
    this.applicationId = options.applicationId ?? botId;
    this.opts = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      recommendedShards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 16,
      echoBotMessages: options.echoBotMessages ?? true,
      ...(options.token !== undefined ? { token: options.token } : {}),
    };
    this.registerRoutes();
  }

  // =============================================================================================
  // Lifecycle
  // =============================================================================================

  async start(): Promise<FakeDiscordUrls> {
    if (this.urls) return this.urls;
    const server = createServer((req, res) => void this.handleHttp(req, res));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => this.onConnection(ws, req));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.server = server;
    this.wss = wss;
    const baseUrl = `http://127.0.0.1:${port}`;
    this.urls = { baseUrl, restUrl: `${baseUrl}/api`, gatewayUrl: `ws://127.0.0.1:${port}` };
    return this.urls;
  }

  async stop(): Promise<void> {
    for (const conn of this.conns) conn.ws.terminate();
    this.conns.clear();
    if (this.wss) await new Promise<void>((resolve) => this.wss?.close(() => resolve()));
    if (this.server) {
      const server = this.server;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.server = null;
    this.wss = null;
    this.urls = null;
    this.sessions.clear();
  }

  get url(): FakeDiscordUrls {
    if (!this.urls) throw new Error('FakeDiscord not started');
    return this.urls;
  }

  // =============================================================================================
  // Test-facing state API
  // =============================================================================================

  /** Adds (or replaces) a guild. The bot is added as a member automatically. Dispatches GUILD_CREATE to connected shards. */
  addGuild(input: AddGuildInput): void {
    const createdAt = new Date().toISOString();
    const members = new Map<string, ApiMember>();
    const addMember = (user: ApiUser, nick: string | null = null, roles: string[] = []): void => {
      members.set(user.id, {
        user,
        nick,
        roles,
        joined_at: createdAt,
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        avatar: null,
        communication_disabled_until: null,
      });
    };
    addMember(this.botUser);
    for (const m of input.members) addMember(this.upsertUser(m.id, m.username, m.bot), m.nick ?? null, m.roles ?? []);
    const guild: GuildState = {
      id: input.id,
      name: input.name,
      ownerId: input.ownerId ?? input.members[0]?.id ?? this.botUser.id,
      channelIds: [],
      members,
      createdAt,
    };
    input.channels.forEach((c, position) => {
      this.channels.set(c.id, {
        id: c.id,
        type: ChannelType.GuildText,
        guild_id: input.id,
        name: c.name,
        position,
        permission_overwrites: [],
        parent_id: null,
        topic: c.topic ?? null,
        nsfw: false,
        rate_limit_per_user: 0,
        last_message_id: null,
        flags: 0,
      });
      guild.channelIds.push(c.id);
    });
    this.guilds.set(input.id, guild);
    for (const session of this.sessionsForGuild(input.id)) {
      if (session.intents & Intents.Guilds) this.dispatch(session, 'GUILD_CREATE', this.guildCreatePayload(guild));
    }
  }

  /** Adds a user known to the fake (for DMs / users not in a guild). */
  addUser(input: { id: string; username: string; bot?: boolean }): ApiUser {
    return this.upsertUser(input.id, input.username, input.bot);
  }

  /** Creates (or returns) the DM channel between the bot and `userId`. */
  openDM(userId: string): ApiChannel {
    const existing = [...this.channels.values()].find((c) => c.type === ChannelType.DM && c.recipients?.some((r) => r.id === userId));
    if (existing) return existing;
    const user = this.users.get(userId) ?? this.upsertUser(userId, `user${userId.slice(-4)}`);
    const channel: ApiChannel = {
      id: this.snowflakes.next(),
      type: ChannelType.DM,
      last_message_id: null,
      recipients: [user],
      flags: 0,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /**
   * Makes the bot lack permissions in a channel: sends/typing there answer 403 code 50013
   * (or 50001 Missing Access with `code: 50001`). Also adds a deny overwrite for @everyone and
   * dispatches CHANNEL_UPDATE, like revoking a permission in the Discord UI would.
   */
  setMissingPermissions(channelId: string, missing = true, code: 50013 | 50001 = ErrorCode.MissingPermissions): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`unknown channel ${channelId}`);
    if (missing) this.deniedChannels.set(channelId, code);
    else this.deniedChannels.delete(channelId);
    if (channel.guild_id) {
      const guildId = channel.guild_id;
      const others = (channel.permission_overwrites ?? []).filter((o) => o.id !== guildId);
      const deny: ApiOverwrite[] = missing ? [{ id: guildId, type: 0, allow: '0', deny: String(Perm.SendMessages | Perm.AttachFiles | Perm.EmbedLinks) }] : [];
      channel.permission_overwrites = [...others, ...deny];
      for (const session of this.sessionsForGuild(guildId)) {
        if (session.intents & Intents.Guilds) this.dispatch(session, 'CHANNEL_UPDATE', clone(channel));
      }
    }
  }

  /** Answer the next `count` REST requests with 429 (discord.js waits `retryAfterSec` and retries). */
  rateLimitNext(count = 1, retryAfterSec = 0.05, global = false): void {
    for (let i = 0; i < count; i++) this.forcedRateLimits.push({ retryAfter: retryAfterSec, global });
  }

  /** Stop (or resume) answering heartbeats — the client will then treat the connection as zombied. */
  setHeartbeatAck(ack: boolean): void {
    this.ackHeartbeats = ack;
  }

  getChannel(channelId: string): ApiChannel | undefined {
    return this.channels.get(channelId);
  }

  getMessage(messageId: string): StoredMessage | undefined {
    return this.messages.get(messageId);
  }

  getInteraction(interactionId: string): StoredInteraction | undefined {
    return this.interactions.get(interactionId);
  }

  /** Messages the bot created in a channel (REST sends, interaction replies, follow-ups), oldest first. Includes ephemeral and deleted ones (see flags). */
  sentMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.data.channel_id === channelId && m.data.author.id === this.botUser.id);
  }

  /** Every message the bot created, in every channel. */
  allSentMessages(): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.data.author.id === this.botUser.id);
  }

  /** Registered application commands (global and guild). */
  get commands(): RegisteredCommand[] {
    return [...this.commandStore.values()];
  }

  sessionInfo(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.id,
      shard: s.shard,
      intents: s.intents,
      seq: s.seq,
      connected: s.socket !== null && s.socket.readyState === WebSocket.OPEN,
    }));
  }

  /** Number of currently open gateway sockets that have identified or resumed. */
  get connectedSessions(): number {
    return this.sessionInfo().filter((s) => s.connected).length;
  }

  /** Polls `predicate` until it returns a truthy value (which is returned) or the timeout elapses. */
  async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 2000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`FakeDiscord.waitFor timed out after ${timeoutMs}ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  // =============================================================================================
  // Test-facing gateway actions
  // =============================================================================================

  /** A user posts a message. Dispatches MESSAGE_CREATE to the shard owning the guild (DMs: shard 0). */
  sendMessage(input: SendMessageInput): ApiMessage {
    const channel = this.channels.get(input.channelId);
    if (!channel) throw new Error(`sendMessage: unknown channel ${input.channelId}`);
    const guildId = input.guildId ?? channel.guild_id;
    if (guildId && channel.guild_id !== guildId) throw new Error(`channel ${channel.id} is not in guild ${guildId}`);
    const author = this.users.get(input.authorId) ?? this.upsertUser(input.authorId, `user${input.authorId.slice(-4)}`);
    const guild = guildId ? this.guilds.get(guildId) : undefined;
    if (guildId && !guild) throw new Error(`unknown guild ${guildId}`);
    if (!guild && channel.type === ChannelType.DM && !channel.recipients?.some((r) => r.id === author.id)) {
      throw new Error(`user ${author.id} is not a recipient of DM ${channel.id}`);
    }
    const ref = input.replyTo ? this.messages.get(input.replyTo) : undefined;
    if (input.replyTo && !ref) throw new Error(`replyTo: unknown message ${input.replyTo}`);
    const id = this.snowflakes.next();
    const mentionIds = new Set([...(input.mentions ?? []), ...parseMentions(input.content)]);
    const message: ApiMessage = {
      id,
      channel_id: channel.id,
      author,
      content: input.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [...mentionIds].map((m) => this.users.get(m)).filter((u): u is ApiUser => u !== undefined),
      mention_roles: [],
      attachments: [],
      embeds: input.embeds ?? [],
      components: [],
      pinned: false,
      type: ref ? 19 : 0,
      flags: 0,
      ...(ref
        ? {
            message_reference: { type: 0, message_id: ref.data.id, channel_id: channel.id, guild_id: guildId },
            referenced_message: clone(ref.data),
          }
        : {}),
    };
    if (guild) {
      message.guild_id = guild.id;
      const member = guild.members.get(author.id);
      if (member) {
        const { user: _user, ...partial } = member;
        message.member = partial;
      }
    }
    channel.last_message_id = id;
    this.messages.set(id, { data: message, files: new Map(), source: 'user', ephemeral: false, deleted: false });
    this.dispatchMessageEvent('MESSAGE_CREATE', message);
    return clone(message);
  }

  /**
   * A user clicks a button / picks select-menu values on a message. Dispatches INTERACTION_CREATE
   * (type 3) and returns the interaction id. Throws if the component isn't on the message or is disabled.
   */
  clickButton(input: ClickInput): string {
    const stored = this.messages.get(input.messageId);
    if (!stored || stored.deleted) throw new Error(`clickButton: unknown message ${input.messageId}`);
    const component = findComponent(stored.data.components, input.customId);
    if (!component) {
      throw new Error(`clickButton: no component with custom_id "${input.customId}" on message ${input.messageId}`);
    }
    if (component.disabled === true) throw new Error(`clickButton: component "${input.customId}" is disabled`);
    const componentType = typeof component.type === 'number' ? component.type : 2;
    if (componentType !== 2 && !input.values) throw new Error('clickButton: select menus need `values`');
    const data: Json = { custom_id: input.customId, component_type: componentType };
    if (componentType !== 2) data.values = input.values ?? [];
    return this.createInteraction({
      type: InteractionType.MessageComponent,
      channelId: stored.data.channel_id,
      userId: input.userId,
      data,
      message: stored.data,
    });
  }

  /** A user runs a slash command. Dispatches INTERACTION_CREATE (type 2) and returns the interaction id. */
  invokeCommand(input: InvokeCommandInput): string {
    const channel = this.channels.get(input.channelId);
    if (!channel) throw new Error(`invokeCommand: unknown channel ${input.channelId}`);
    const guildId = input.guildId ?? channel.guild_id;
    const registered = [...this.commandStore.values()].find((c) => c.name === input.name && (c.guild_id === undefined || c.guild_id === guildId));
    const options: Json[] = [];
    const resolvedUsers: Record<string, ApiUser> = {};
    const resolvedMembers: Record<string, Json> = {};
    for (const [name, raw] of Object.entries(input.options ?? {})) {
      const opt =
        typeof raw === 'object' ? raw : { type: typeof raw === 'boolean' ? 5 : typeof raw === 'number' ? (Number.isInteger(raw) ? 4 : 10) : 3, value: raw };
      options.push({ name, type: opt.type, value: opt.value });
      if (opt.type === 6) {
        const user = this.users.get(String(opt.value));
        if (user) {
          resolvedUsers[user.id] = user;
          const member = guildId ? this.guilds.get(guildId)?.members.get(user.id) : undefined;
          if (member) {
            const { user: _u, ...partial } = member;
            resolvedMembers[user.id] = { ...partial, permissions: String(EVERYONE_PERMS) };
          }
        }
      }
    }
    const data: Json = {
      id: registered?.id ?? this.snowflakes.next(),
      name: input.name,
      type: 1,
      options,
      ...(guildId && registered?.guild_id ? { guild_id: guildId } : {}),
      ...(Object.keys(resolvedUsers).length
        ? { resolved: { users: resolvedUsers, ...(Object.keys(resolvedMembers).length ? { members: resolvedMembers } : {}) } }
        : {}),
    };
    return this.createInteraction({
      type: InteractionType.ApplicationCommand,
      channelId: channel.id,
      userId: input.userId,
      data,
    });
  }

  /**
   * Closes every gateway socket. Without `code` the TCP connection is destroyed (client sees 1006);
   * with a code a close frame is sent. Sessions are kept, so the client can RESUME (unless code is 1000,
   * for which discord.js re-identifies). Events dispatched while disconnected are replayed on RESUME.
   */
  dropConnections(options: { code?: number; reason?: string } = {}): void {
    for (const conn of this.conns) {
      conn.serverClosed = true;
      if (options.code === undefined) conn.ws.terminate();
      else conn.ws.close(options.code, options.reason ?? 'FakeDiscord dropConnections');
    }
  }

  /** Sends op 7 RECONNECT to every socket (client should reconnect and resume). */
  requestReconnect(): void {
    for (const conn of this.conns) if (conn.session) this.sendRaw(conn.ws, { op: 7, d: null, s: null, t: null });
  }

  /** Forgets all sessions so the next RESUME gets op 9 INVALID_SESSION (d=false) and the client must IDENTIFY. */
  invalidateSessions(): void {
    this.sessions.clear();
  }

  /** Dispatches an arbitrary event to the sessions responsible for `guildId` (or all sessions). */
  dispatchRaw(t: string, d: unknown, guildId?: string): void {
    const targets = guildId ? this.sessionsForGuild(guildId) : [...this.sessions.values()];
    for (const s of targets) this.dispatch(s, t, d);
  }

  // =============================================================================================
  // Gateway
  // =============================================================================================

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const conn: Conn = { ws, session: null, serverClosed: false, path: url.pathname, query };
    this.conns.add(conn);
    this.stats.connections++;
    this.gatewayConnections.push({ path: url.pathname, query });
    ws.on('error', () => undefined);
    ws.on('close', (code) => this.onSocketClose(conn, code));
    if (query.v !== undefined && query.v !== '10') {
      this.closeConn(conn, 4012, 'Invalid API version');
      return;
    }
    if (query.encoding !== undefined && query.encoding !== 'json') {
      this.closeConn(conn, 4002, 'Only encoding=json is supported by FakeDiscord');
      return;
    }
    // Note: `compress=zlib-stream` is accepted but ignored; payloads go out as text frames,
    // which @discordjs/ws parses as plain JSON regardless of the compression setting.
    this.sendRaw(ws, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['fake-discord'] }, s: null, t: null });
    ws.on('message', (raw, isBinary) => this.onSocketMessage(conn, raw, isBinary));
  }

  private onSocketClose(conn: Conn, code: number): void {
    this.conns.delete(conn);
    const session = conn.session;
    if (!session) return;
    if (session.socket === conn.ws) session.socket = null;
    // A clean close by the client (1000/1001) ends the session; anything else (4200 "resuming",
    // abnormal drops, server-initiated closes) leaves it resumable, as on Discord.
    if (!conn.serverClosed && (code === 1000 || code === 1001)) this.sessions.delete(session.id);
  }

  private closeConn(conn: Conn, code: number, reason: string): void {
    conn.serverClosed = true;
    conn.ws.close(code, reason);
  }

  private onSocketMessage(conn: Conn, raw: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.closeConn(conn, 4002, 'Binary payloads are not supported');
      return;
    }
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(rawToString(raw)) as { op?: unknown; d?: unknown };
    } catch {
      this.closeConn(conn, 4002, 'Error while decoding payload');
      return;
    }
    const d = payload.d;
    switch (payload.op) {
      case 1:
        this.stats.heartbeats++;
        if (this.ackHeartbeats) this.sendRaw(conn.ws, { op: 11, d: null, s: null, t: null });
        return;
      case 2:
        this.onIdentify(conn, isObj(d) ? d : {});
        return;
      case 6:
        this.onResume(conn, isObj(d) ? d : {});
        return;
      case 3:
      case 4:
      case 8:
        if (!conn.session) {
          this.closeConn(conn, 4003, 'Not authenticated');
          return;
        }
        if (payload.op === 3 && isObj(d)) this.presenceUpdates.push(d);
        if (payload.op === 8 && isObj(d)) this.onRequestGuildMembers(conn.session, d);
        return;
      default:
        this.closeConn(conn, 4001, 'Unknown opcode');
    }
  }

  private onIdentify(conn: Conn, d: Json): void {
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated');
      return;
    }
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot /, '') : '';
    if (!token || (this.opts.token !== undefined && token !== this.opts.token)) {
      this.closeConn(conn, 4004, 'Authentication failed');
      return;
    }
    if (typeof d.intents !== 'number') {
      this.closeConn(conn, 4013, 'Invalid intent(s)');
      return;
    }
    let shard: [number, number] = [0, 1];
    const shardSpecified = Array.isArray(d.shard);
    if (Array.isArray(d.shard)) {
      const [id, count] = d.shard as unknown[];
      if (typeof id !== 'number' || typeof count !== 'number' || count < 1 || id < 0 || id >= count) {
        this.closeConn(conn, 4010, 'Invalid shard');
        return;
      }
      shard = [id, count];
    }
    this.stats.identifies++;
    this.identifyPayloads.push({ ...d, token: '<redacted>' });
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      token,
      shard,
      shardSpecified,
      intents: d.intents,
      seq: 0,
      log: [],
      socket: conn.ws,
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    const guilds = [...this.guilds.values()].filter((g) => shardForGuild(g.id, shard[1]) === shard[0]);
    this.dispatch(session, 'READY', {
      v: 10,
      user: clone(this.botUser),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.url.gatewayUrl}/resume`,
      ...(shardSpecified ? { shard } : {}),
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
      _trace: ['fake-discord'],
    });
    if (session.intents & Intents.Guilds) {
      for (const g of guilds) this.dispatch(session, 'GUILD_CREATE', this.guildCreatePayload(g));
    }
  }

  private onResume(conn: Conn, d: Json): void {
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated');
      return;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot /, '') : '';
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const oldest = session?.log[0]?.s ?? (session ? session.seq + 1 : 0);
    if (!session || session.token !== token || seq > session.seq || (seq + 1 < oldest && seq < session.seq)) {
      this.stats.failedResumes++;
      // Discord waits 1-5s before INVALID_SESSION; the client then re-identifies.
      this.sendRaw(conn.ws, { op: 9, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== conn.ws && session.socket.readyState === WebSocket.OPEN) {
      const old = [...this.conns].find((c) => c.ws === session.socket);
      if (old) this.closeConn(old, 4000, 'Session resumed elsewhere');
    }
    this.stats.resumes++;
    conn.session = session;
    session.socket = conn.ws;
    for (const entry of session.log) {
      if (entry.s > seq) conn.ws.send(entry.raw);
    }
    this.dispatch(session, 'RESUMED', { _trace: ['fake-discord'] });
  }

  private onRequestGuildMembers(session: Session, d: Json): void {
    const guildIds = Array.isArray(d.guild_id) ? d.guild_id.map(String) : [String(d.guild_id)];
    for (const guildId of guildIds) {
      const guild = this.guilds.get(guildId);
      if (!guild || shardForGuild(guildId, session.shard[1]) !== session.shard[0]) continue;
      let members = [...guild.members.values()];
      const userIds = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === 'string' ? [d.user_ids] : null;
      if (userIds) members = members.filter((m) => userIds.includes(m.user.id));
      else if (typeof d.query === 'string' && d.query !== '') {
        const q = d.query.toLowerCase();
        members = members.filter((m) => m.user.username.toLowerCase().startsWith(q));
      }
      if (typeof d.limit === 'number' && d.limit > 0) members = members.slice(0, d.limit);
      const notFound = userIds ? userIds.filter((id) => !guild.members.has(id)) : [];
      this.dispatch(session, 'GUILD_MEMBERS_CHUNK', {
        guild_id: guildId,
        members: clone(members),
        chunk_index: 0,
        chunk_count: 1,
        ...(notFound.length ? { not_found: notFound } : {}),
        ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
      });
    }
  }

  private dispatch(session: Session, t: string, d: unknown): void {
    session.seq++;
    const raw = JSON.stringify({ op: 0, t, s: session.seq, d });
    session.log.push({ s: session.seq, raw });
    if (session.log.length > REPLAY_BUFFER) session.log.shift();
    const open = session.socket !== null && session.socket.readyState === WebSocket.OPEN;
    if (open) session.socket?.send(raw);
    this.stats.dispatches++;
    this.dispatches.push({ sessionId: session.id, shard: session.shard, t, s: session.seq, d, delivered: open });
  }

  private sendRaw(ws: WebSocket, payload: Json): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
  }

  private sessionsForGuild(guildId: string): Session[] {
    return [...this.sessions.values()].filter((s) => shardForGuild(guildId, s.shard[1]) === s.shard[0]);
  }

  private sessionsForChannel(channel: ApiChannel): Session[] {
    if (channel.guild_id) return this.sessionsForGuild(channel.guild_id);
    return [...this.sessions.values()].filter((s) => s.shard[0] === 0);
  }

  /** MESSAGE_CREATE / MESSAGE_UPDATE with intent filtering and MESSAGE_CONTENT redaction. */
  private dispatchMessageEvent(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: ApiMessage): void {
    const channel = this.channels.get(message.channel_id);
    if (!channel) return;
    const isDM = channel.type === ChannelType.DM;
    for (const session of this.sessionsForChannel(channel)) {
      const needed = isDM ? Intents.DirectMessages : Intents.GuildMessages;
      if (!(session.intents & needed)) continue;
      let payload: ApiMessage = clone(message);
      if (isDM) payload.channel_type = ChannelType.DM;
      else payload.channel_type = channel.type;
      const privileged =
        (session.intents & Intents.MessageContent) !== 0 ||
        isDM ||
        message.author.id === this.botUser.id ||
        message.mentions.some((u) => u.id === this.botUser.id);
      if (!privileged) payload = { ...payload, content: '', embeds: [], attachments: [], components: [] };
      this.dispatch(session, t, payload);
    }
  }

  private guildCreatePayload(g: GuildState): Json {
    const channels = g.channelIds.map((id) => this.channels.get(id)).filter((c): c is ApiChannel => c !== undefined);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      preferred_locale: 'en-US',
      features: [],
      roles: [this.everyoneRole(g.id)],
      emojis: [],
      stickers: [],
      application_id: null,
      max_members: 500000,
      max_video_channel_users: 25,
      // GUILD_CREATE extras
      joined_at: g.createdAt,
      large: false,
      unavailable: false,
      member_count: g.members.size,
      voice_states: [],
      members: clone([...g.members.values()]),
      channels: clone(channels).map(({ guild_id: _gid, ...c }) => c),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private everyoneRole(guildId: string): Json {
    return {
      id: guildId,
      name: '@everyone',
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: String(EVERYONE_PERMS),
      managed: false,
      mentionable: false,
      flags: 0,
    };
  }

  private createInteraction(args: { type: number; channelId: string; userId: string; data: Json; message?: ApiMessage }): string {
    const channel = this.channels.get(args.channelId);
    if (!channel) throw new Error(`unknown channel ${args.channelId}`);
    const user = this.users.get(args.userId) ?? this.upsertUser(args.userId, `user${args.userId.slice(-4)}`);
    const guild = channel.guild_id ? this.guilds.get(channel.guild_id) : undefined;
    const id = this.snowflakes.next();
    const token = `fake-interaction-token.${id}.${randomBytes(12).toString('hex')}`;
    const denied = this.deniedChannels.has(channel.id) ? Perm.SendMessages | Perm.AttachFiles | Perm.EmbedLinks : 0n;
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type: args.type,
      data: args.data,
      channel_id: channel.id,
      channel: clone(channel),
      token,
      version: 1,
      app_permissions: String(EVERYONE_PERMS & ~denied),
      locale: 'en-US',
      entitlements: [],
      attachment_size_limit: MAX_UPLOAD_BYTES,
      ...(args.message ? { message: clone(args.message) } : {}),
    };
    if (guild) {
      const member = guild.members.get(user.id);
      if (!member) throw new Error(`user ${user.id} is not a member of guild ${guild.id}`);
      payload.guild_id = guild.id;
      payload.guild = { id: guild.id, locale: 'en-US', features: [] };
      payload.guild_locale = 'en-US';
      payload.member = { ...clone(member), permissions: String(EVERYONE_PERMS & ~denied) };
      payload.authorizing_integration_owners = { '0': guild.id };
      payload.context = 0;
    } else {
      payload.user = clone(user);
      payload.authorizing_integration_owners = { '0': '0' };
      payload.context = 1;
    }
    this.interactions.set(id, {
      id,
      token,
      type: args.type,
      channelId: channel.id,
      ...(guild ? { guildId: guild.id } : {}),
      userId: user.id,
      ...(args.message ? { messageId: args.message.id } : {}),
      responded: false,
      payload,
    });
    for (const session of this.sessionsForChannel(channel)) this.dispatch(session, 'INTERACTION_CREATE', payload);
    return id;
  }

  // =============================================================================================
  // REST
  // =============================================================================================

  private route(method: string, template: string, handler: Handler, auth = true): void {
    const pattern = new RegExp(`^${template.replace(/:(\w+)/g, (_m, name: string) => `(?<${name}>[^/]+)`)}/?$`);
    this.routes.push({ method, pattern, template, auth, handler });
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);

    // Attachment "CDN"
    const att = /^\/attachments\/(\d+)\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (att && method === 'GET') {
      const file = this.findAttachmentFile(att[1] ?? '', att[2] ?? '');
      if (!file) return this.send(res, 404, { message: '404: Not Found', code: 0 });
      res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.data.length });
      res.end(file.data);
      return;
    }

    const m = /^\/api(?:\/v(\d+))?(\/.*)$/.exec(url.pathname);
    if (!m || (m[1] !== undefined && m[1] !== '10')) {
      return this.send(res, 404, { message: '404: Not Found', code: 0 });
    }
    const path = m[2] ?? '/';
    const record: RequestRecord = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: undefined,
      files: [],
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);

    let status = 200;
    let body: unknown;
    let bucket = 'global';
    try {
      const candidates = this.routes.filter((r) => r.pattern.test(path));
      if (candidates.length === 0) throw new HttpError(404, 0, '404: Not Found');
      const route = candidates.find((r) => r.method === method);
      if (!route) throw new HttpError(405, 0, '405: Method Not Allowed');
      bucket = createHash('sha1').update(`${method} ${route.template}`).digest('hex').slice(0, 16);

      const forced = this.forcedRateLimits.shift();
      if (forced) {
        record.status = 429;
        this.send(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: forced.retryAfter, global: forced.global, code: 0 },
          {
            'Retry-After': String(forced.retryAfter),
            'X-RateLimit-Scope': forced.global ? 'global' : 'user',
            ...(forced.global ? { 'X-RateLimit-Global': 'true' } : this.rateLimitHeaders(bucket, 0, forced.retryAfter)),
          },
        );
        return;
      }

      if (route.auth) {
        const auth = req.headers.authorization ?? '';
        const token = /^Bot (.+)$/.exec(auth)?.[1];
        if (!token || (this.opts.token !== undefined && token !== this.opts.token)) {
          throw new HttpError(401, 0, '401: Unauthorized');
        }
      }
      if (raw.length > MAX_UPLOAD_BYTES + 1024 * 1024) throw new HttpError(413, ErrorCode.RequestEntityTooLarge, 'Request entity too large');
      let parsed: Awaited<ReturnType<typeof parseBody>>;
      try {
        parsed = await parseBody(req.headers['content-type'], raw);
      } catch (e) {
        if (e instanceof BodyParseError) throw new HttpError(400, ErrorCode.InvalidJson, e.message);
        throw e;
      }
      record.body = parsed.json;
      record.files = parsed.files;
      const match = route.pattern.exec(path);
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(match?.groups ?? {})) params[k] = decodeURIComponent(v);
      const result = await route.handler({
        method,
        path,
        params,
        query: url.searchParams,
        body: isObj(parsed.json) ? parsed.json : {},
        rawJson: parsed.json,
        files: parsed.files,
      });
      if (result === NO_CONTENT) status = 204;
      else body = result;
    } catch (e) {
      if (e instanceof HttpError) {
        status = e.status;
        body = { message: e.message, code: e.code, ...(e.errors ? { errors: e.errors } : {}) };
      } else {
        status = 500;
        body = { message: `500: Internal Server Error (${e instanceof Error ? e.message : String(e)})`, code: 0 };
      }
    }
    record.status = status;
    this.send(res, status, status === 204 ? undefined : body, this.rateLimitHeaders(bucket, 4));
  }

  private rateLimitHeaders(bucket: string, remaining: number, resetAfterSec = 1): Record<string, string> {
    return {
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': ((Date.now() + resetAfterSec * 1000) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfterSec.toFixed(3),
      'X-RateLimit-Bucket': bucket,
    };
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) {
      res.writeHead(status, { ...headers, Via: '1.1 google' });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      Via: '1.1 google',
    });
    res.end(text);
  }

  private registerRoutes(): void {
    // ---- gateway / application / users ----
    this.route('GET', '/gateway', () => ({ url: this.url.gatewayUrl }), false);
    this.route('GET', '/gateway/bot', () => ({
      url: this.url.gatewayUrl,
      shards: this.opts.recommendedShards,
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 14_400_000,
        max_concurrency: this.opts.maxConcurrency,
      },
    }));
    const application = (): Json => ({
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: '',
      bot_public: true,
      bot_require_code_grant: false,
      bot: clone(this.botUser),
      flags: 0,
      verify_key: '0'.repeat(64),
      team: null,
      owner: clone(this.botUser),
    });
    this.route('GET', '/applications/@me', application);
    this.route('GET', '/oauth2/applications/@me', application);
    this.route('GET', '/users/@me', () => clone(this.botUser));
    this.route('GET', '/users/:userId', ({ params }) => {
      const user = this.users.get(params.userId ?? '');
      if (!user) throw new HttpError(404, ErrorCode.UnknownUser, 'Unknown User');
      return clone(user);
    });
    this.route('POST', '/users/@me/channels', ({ body }) => {
      const recipient = typeof body.recipient_id === 'string' ? body.recipient_id : '';
      if (!this.users.has(recipient)) throw new HttpError(404, ErrorCode.UnknownUser, 'Unknown User');
      return clone(this.openDM(recipient));
    });

    // ---- guilds ----
    const guildOr404 = (id: string | undefined): GuildState => {
      const g = id ? this.guilds.get(id) : undefined;
      if (!g) throw new HttpError(404, ErrorCode.UnknownGuild, 'Unknown Guild');
      return g;
    };
    this.route('GET', '/guilds/:guildId', ({ params, query }) => {
      const g = guildOr404(params.guildId);
      const {
        members: _m,
        channels: _c,
        threads: _t,
        presences: _p,
        voice_states: _v,
        joined_at: _j,
        large: _l,
        unavailable: _u,
        member_count: _mc,
        stage_instances: _s,
        guild_scheduled_events: _e,
        soundboard_sounds: _ss,
        ...rest
      } = this.guildCreatePayload(g);
      return query.get('with_counts') === 'true' ? { ...rest, approximate_member_count: g.members.size, approximate_presence_count: 0 } : rest;
    });
    this.route('GET', '/guilds/:guildId/channels', ({ params }) => guildOr404(params.guildId).channelIds.map((id) => clone(this.channels.get(id))));
    this.route('GET', '/guilds/:guildId/roles', ({ params }) => [this.everyoneRole(guildOr404(params.guildId).id)]);
    this.route('GET', '/guilds/:guildId/members', ({ params, query }) => {
      const g = guildOr404(params.guildId);
      const limit = Number(query.get('limit') ?? '1');
      const after = query.get('after') ?? '0';
      return clone(
        [...g.members.values()]
          .filter((m) => BigInt(m.user.id) > BigInt(after))
          .sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
          .slice(0, limit),
      );
    });
    this.route('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      const g = guildOr404(params.guildId);
      const member = g.members.get(params.userId ?? '');
      if (!member) throw new HttpError(404, ErrorCode.UnknownMember, 'Unknown Member');
      return clone(member);
    });

    // ---- channels & messages ----
    this.route('GET', '/channels/:channelId', ({ params }) => clone(this.channelOr404(params.channelId)));
    this.route('POST', '/channels/:channelId/typing', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      this.checkCanSend(channel);
      this.typing.push({ channelId: channel.id, at: Date.now() });
      return NO_CONTENT;
    });
    this.route('GET', '/channels/:channelId/messages', ({ params, query }) => {
      const channel = this.channelOr404(params.channelId);
      const limit = Math.min(Number(query.get('limit') ?? '50'), 100);
      return [...this.messages.values()]
        .filter((m) => m.data.channel_id === channel.id && !m.deleted && !m.ephemeral)
        .map((m) => clone(m.data))
        .reverse()
        .slice(0, limit);
    });
    this.route('POST', '/channels/:channelId/messages', ({ params, body, files }) => {
      const channel = this.channelOr404(params.channelId);
      this.checkCanSend(channel);
      const stored = this.createBotMessage(channel, body, files, { source: 'rest' });
      return clone(stored.data);
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      return clone(this.messageOr404(channel.id, params.messageId).data);
    });
    this.route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
      const channel = this.channelOr404(params.channelId);
      const stored = this.messageOr404(channel.id, params.messageId);
      if (stored.data.author.id !== this.botUser.id) {
        throw new HttpError(403, ErrorCode.CannotEditOtherUsersMessage, 'Cannot edit a message authored by another user');
      }
      this.editMessage(stored, body, files, { via: 'rest' });
      return clone(stored.data);
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      this.deleteMessage(this.messageOr404(channel.id, params.messageId));
      return NO_CONTENT;
    });
    this.route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      const msg = this.messageOr404(channel.id, params.messageId);
      this.reactions.push({ channelId: channel.id, messageId: msg.data.id, emoji: params.emoji ?? '', at: Date.now() });
      return NO_CONTENT;
    });

    // ---- interactions ----
    this.route(
      'POST',
      '/interactions/:interactionId/:token/callback',
      ({ params, body, files, query }) => this.onInteractionCallback(params.interactionId ?? '', params.token ?? '', body, files, query),
      false,
    );

    // ---- webhooks (interaction follow-ups) ----
    this.route(
      'POST',
      '/webhooks/:appId/:token',
      ({ params, body, files, query }) => {
        const interaction = this.interactionForWebhook(params.appId, params.token);
        if (!interaction.responded) throw new HttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
        const channel = this.channelOr404(interaction.channelId);
        const stored = this.createBotMessage(channel, body, files, { source: 'followup', interaction });
        return query.get('wait') === 'true' ? clone(stored.data) : NO_CONTENT;
      },
      false,
    );
    this.route(
      'GET',
      '/webhooks/:appId/:token/messages/:messageId',
      ({ params }) => {
        const interaction = this.interactionForWebhook(params.appId, params.token);
        return clone(this.webhookMessage(interaction, params.messageId ?? '').data);
      },
      false,
    );
    this.route(
      'PATCH',
      '/webhooks/:appId/:token/messages/:messageId',
      ({ params, body, files }) => {
        const interaction = this.interactionForWebhook(params.appId, params.token);
        const stored = this.webhookMessage(interaction, params.messageId ?? '');
        this.editMessage(stored, body, files, { via: 'webhook', interactionId: interaction.id });
        return clone(stored.data);
      },
      false,
    );
    this.route(
      'DELETE',
      '/webhooks/:appId/:token/messages/:messageId',
      ({ params }) => {
        const interaction = this.interactionForWebhook(params.appId, params.token);
        this.deleteMessage(this.webhookMessage(interaction, params.messageId ?? ''));
        return NO_CONTENT;
      },
      false,
    );

    // ---- application commands ----
    const commandRoutes = (base: string, guildScoped: boolean): void => {
      const scope = (params: Record<string, string>): string | undefined => {
        if (params.appId !== this.applicationId) throw new HttpError(404, 10002, 'Unknown Application');
        if (guildScoped) return guildOr404(params.guildId).id;
        return undefined;
      };
      const list = (guildId: string | undefined): RegisteredCommand[] => [...this.commandStore.values()].filter((c) => c.guild_id === guildId);
      const make = (guildId: string | undefined, body: Json, id?: string): RegisteredCommand => {
        if (typeof body.name !== 'string' || body.name === '') {
          throw new HttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', {
            name: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] },
          });
        }
        return {
          ...body,
          id: id ?? this.snowflakes.next(),
          application_id: this.applicationId,
          ...(guildId ? { guild_id: guildId } : {}),
          name: body.name,
          description: typeof body.description === 'string' ? body.description : '',
          type: typeof body.type === 'number' ? body.type : 1,
          version: this.snowflakes.next(),
          default_member_permissions: body.default_member_permissions ?? null,
          nsfw: false,
        };
      };
      this.route('GET', base, ({ params }) => clone(list(scope(params))));
      this.route('PUT', base, ({ params, rawJson }) => {
        const guildId = scope(params);
        const arr: unknown[] = Array.isArray(rawJson) ? rawJson : [];
        for (const c of list(guildId)) this.commandStore.delete(c.id);
        const out = arr.filter(isObj).map((b) => {
          const existing = [...this.commandStore.values()].find((c) => c.name === b.name && c.guild_id === guildId);
          const cmd = make(guildId, b, existing?.id);
          this.commandStore.set(cmd.id, cmd);
          return cmd;
        });
        return clone(out);
      });
      this.route('POST', base, ({ params, body }) => {
        const guildId = scope(params);
        const existing = list(guildId).find((c) => c.name === body.name);
        const cmd = make(guildId, body, existing?.id);
        this.commandStore.set(cmd.id, cmd);
        return clone(cmd);
      });
      this.route('DELETE', `${base}/:commandId`, ({ params }) => {
        scope(params);
        if (!this.commandStore.delete(params.commandId ?? '')) {
          throw new HttpError(404, ErrorCode.UnknownApplicationCommand, 'Unknown application command');
        }
        return NO_CONTENT;
      });
    };
    commandRoutes('/applications/:appId/commands', false);
    commandRoutes('/applications/:appId/guilds/:guildId/commands', true);
  }

  // ---- REST helpers ----

  private channelOr404(id: string | undefined): ApiChannel {
    const channel = id ? this.channels.get(id) : undefined;
    if (!channel) throw new HttpError(404, ErrorCode.UnknownChannel, 'Unknown Channel');
    return channel;
  }

  private messageOr404(channelId: string, messageId: string | undefined): StoredMessage {
    const stored = messageId ? this.messages.get(messageId) : undefined;
    if (!stored || stored.deleted || stored.data.channel_id !== channelId) {
      throw new HttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    }
    return stored;
  }

  private checkCanSend(channel: ApiChannel): void {
    const code = this.deniedChannels.get(channel.id);
    if (code === ErrorCode.MissingAccess) throw new HttpError(403, code, 'Missing Access');
    if (code !== undefined) throw new HttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
  }

  private interactionForWebhook(appId: string | undefined, token: string | undefined): StoredInteraction {
    const interaction = [...this.interactions.values()].find((i) => i.token === token);
    if (!interaction || appId !== this.applicationId) throw new HttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    return interaction;
  }

  private webhookMessage(interaction: StoredInteraction, messageId: string): StoredMessage {
    let id: string | undefined = messageId;
    if (messageId === '@original') {
      id =
        interaction.originalMessageId ??
        (interaction.responseType === CallbackType.DeferredUpdateMessage || interaction.responseType === CallbackType.UpdateMessage
          ? interaction.messageId
          : undefined);
    }
    const stored = id ? this.messages.get(id) : undefined;
    if (!stored || stored.deleted) throw new HttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    const belongs = stored.interactionId === interaction.id || (messageId === '@original' && stored.data.id === interaction.messageId);
    if (!belongs) throw new HttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    return stored;
  }

  private onInteractionCallback(id: string, token: string, body: Json, files: RecordedFile[], query: URLSearchParams): unknown {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) {
      throw new HttpError(404, ErrorCode.UnknownInteraction, 'Unknown interaction');
    }
    if (interaction.responded) {
      throw new HttpError(400, ErrorCode.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged.');
    }
    const type = typeof body.type === 'number' ? body.type : -1;
    const data = isObj(body.data) ? body.data : undefined;
    const flags = typeof data?.flags === 'number' ? data.flags : 0;
    const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
    const channel = this.channelOr404(interaction.channelId);
    const isComponent = interaction.type === InteractionType.MessageComponent;
    const invalid = (msg: string): HttpError =>
      new HttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: msg }] } });

    let messageId: string | undefined;
    let resourceMessage: ApiMessage | undefined;
    switch (type) {
      case CallbackType.ChannelMessageWithSource: {
        const stored = this.createBotMessage(channel, data ?? {}, files, { source: 'interaction', interaction });
        interaction.originalMessageId = stored.data.id;
        messageId = stored.data.id;
        resourceMessage = stored.data;
        break;
      }
      case CallbackType.DeferredChannelMessageWithSource: {
        const stored = this.createBotMessage(channel, { content: '', flags: (flags & MessageFlags.Ephemeral) | MessageFlags.Loading }, [], {
          source: 'interaction',
          interaction,
          allowEmpty: true,
        });
        interaction.originalMessageId = stored.data.id;
        messageId = stored.data.id;
        break;
      }
      case CallbackType.DeferredUpdateMessage:
        if (!isComponent) throw invalid('DEFERRED_UPDATE_MESSAGE is only valid for component interactions');
        messageId = interaction.messageId;
        break;
      case CallbackType.UpdateMessage: {
        if (!isComponent || !interaction.messageId) throw invalid('UPDATE_MESSAGE is only valid for component interactions');
        const stored = this.messages.get(interaction.messageId);
        if (!stored || stored.deleted) throw new HttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
        this.editMessage(stored, data ?? {}, files, { via: 'interaction', interactionId: interaction.id });
        messageId = stored.data.id;
        resourceMessage = stored.data;
        break;
      }
      case CallbackType.AutocompleteResult:
      case CallbackType.Modal:
        break;
      default:
        throw invalid(`Unsupported interaction callback type ${type}`);
    }
    interaction.responded = true;
    interaction.responseType = type;
    this.interactionResponses.push({
      interactionId: id,
      token,
      type,
      data: data ? clone(data) : undefined,
      files,
      ephemeral,
      ...(messageId ? { messageId } : {}),
      at: Date.now(),
    });
    if (query.get('with_response') !== 'true') return NO_CONTENT;
    return {
      interaction: {
        id,
        type: interaction.type,
        ...(messageId ? { response_message_id: messageId } : {}),
        response_message_loading: type === CallbackType.DeferredChannelMessageWithSource,
        response_message_ephemeral: ephemeral,
      },
      resource: { type, ...(resourceMessage ? { message: clone(resourceMessage) } : {}) },
    };
  }

  /** Validates a message create/edit body like Discord does (the subset that commonly bites bots). */
  private validateMessageBody(body: Json, files: RecordedFile[], mode: 'create' | 'edit'): void {
    const errors: Json = {};
    const err = (key: string, code: string, message: string): void => {
      errors[key] = { _errors: [{ code, message }] };
    };
    const flags = typeof body.flags === 'number' ? body.flags : 0;
    const v2 = (flags & MessageFlags.IsComponentsV2) !== 0;
    if (typeof body.content === 'string' && body.content.length > 2000) {
      err('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
    }
    if (Array.isArray(body.embeds) && body.embeds.length > 10) {
      err('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
    }
    if (Array.isArray(body.components)) {
      if (!v2 && body.components.length > 5) err('components', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
      const ids = collectCustomIds(body.components);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined) err('components', 'COMPONENT_CUSTOM_ID_DUPLICATED', `Component custom id "${dup}" cannot be duplicated`);
    }
    if (v2 && ((typeof body.content === 'string' && body.content !== '') || (Array.isArray(body.embeds) && body.embeds.length > 0))) {
      err(
        'content',
        'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
        "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
      );
    }
    if (Object.keys(errors).length) throw new HttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', errors);
    const total = files.reduce((n, f) => n + f.data.length, 0);
    if (total > MAX_UPLOAD_BYTES) throw new HttpError(413, ErrorCode.RequestEntityTooLarge, 'Request entity too large');
    if (mode === 'create') {
      const hasContent = typeof body.content === 'string' && body.content.trim() !== '';
      const hasEmbeds = Array.isArray(body.embeds) && body.embeds.length > 0;
      const hasComponents = Array.isArray(body.components) && body.components.length > 0;
      const hasStickers = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
      if (!hasContent && !hasEmbeds && !hasComponents && !hasStickers && files.length === 0 && !isObj(body.poll)) {
        throw new HttpError(400, ErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
      }
    }
  }

  private createBotMessage(
    channel: ApiChannel,
    body: Json,
    files: RecordedFile[],
    ctx: { source: StoredMessage['source']; interaction?: StoredInteraction; allowEmpty?: boolean },
  ): StoredMessage {
    if (!ctx.allowEmpty) this.validateMessageBody(body, files, 'create');
    const id = this.snowflakes.next();
    let referenced: StoredMessage | undefined;
    if (isObj(body.message_reference) && body.message_reference.message_id !== undefined) {
      const refId = String(body.message_reference.message_id);
      referenced = this.messages.get(refId);
      if ((!referenced || referenced.deleted) && body.message_reference.fail_if_not_exists !== false) {
        throw new HttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', {
          message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] },
        });
      }
    }
    const flags = typeof body.flags === 'number' ? body.flags : 0;
    const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
    const fileMap = new Map<string, RecordedFile>();
    const attachments = this.buildAttachments(channel.id, body, files, [], fileMap, new Map());
    const content = typeof body.content === 'string' ? body.content : '';
    const interaction = ctx.interaction;
    const message: ApiMessage = {
      id,
      channel_id: channel.id,
      author: clone(this.botUser),
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: this.resolveMentions(content, body, referenced),
      mention_roles: [],
      attachments,
      embeds: this.normalizeEmbeds(body.embeds, attachments),
      components: Array.isArray(body.components) ? clone(body.components as Json[]) : [],
      pinned: false,
      // 20 CHAT_INPUT_COMMAND for a slash-command response, 19 REPLY for replies, else 0 DEFAULT.
      type: interaction?.type === InteractionType.ApplicationCommand && ctx.source === 'interaction' ? 20 : referenced ? 19 : 0,
      flags,
      ...(body.nonce !== undefined ? { nonce: body.nonce as string | number } : {}),
    };
    if (referenced) {
      message.message_reference = {
        type: 0,
        message_id: referenced.data.id,
        channel_id: referenced.data.channel_id,
        ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      };
      message.referenced_message = clone(referenced.data);
    }
    if (interaction) {
      message.webhook_id = this.applicationId;
      message.application_id = this.applicationId;
      message.interaction_metadata = {
        id: interaction.id,
        type: interaction.type,
        user: clone(this.users.get(interaction.userId)),
        authorizing_integration_owners: interaction.payload.authorizing_integration_owners,
        ...(interaction.messageId ? { interacted_message_id: interaction.messageId } : {}),
        ...(ctx.source === 'followup' && interaction.originalMessageId ? { original_response_message_id: interaction.originalMessageId } : {}),
      };
    }
    const stored: StoredMessage = {
      data: message,
      files: fileMap,
      source: ctx.source,
      ...(interaction ? { interactionId: interaction.id } : {}),
      ephemeral,
      deleted: false,
    };
    this.messages.set(id, stored);
    if (!ephemeral) {
      channel.last_message_id = id;
      if (this.opts.echoBotMessages) {
        const event: ApiMessage = channel.guild_id ? { ...message, guild_id: channel.guild_id } : message;
        if (channel.guild_id) {
          const me = this.guilds.get(channel.guild_id)?.members.get(this.botUser.id);
          if (me) {
            const { user: _u, ...partial } = me;
            event.member = partial;
          }
        }
        this.dispatchMessageEvent('MESSAGE_CREATE', event);
      }
    }
    return stored;
  }

  private editMessage(stored: StoredMessage, body: Json, files: RecordedFile[], ctx: { via: EditRecord['via']; interactionId?: string }): void {
    this.validateMessageBody(body, files, 'edit');
    const before = clone(stored.data);
    const msg = stored.data;
    if ('content' in body) msg.content = typeof body.content === 'string' ? body.content : '';
    if ('components' in body) msg.components = Array.isArray(body.components) ? clone(body.components as Json[]) : [];
    if ('flags' in body && typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS/IS_COMPONENTS_V2 are editable; keep ephemeral, drop LOADING.
      msg.flags = (msg.flags & MessageFlags.Ephemeral) | (body.flags & ~(MessageFlags.Ephemeral | MessageFlags.Loading));
    }
    msg.flags &= ~MessageFlags.Loading;
    if ('attachments' in body || files.length > 0) {
      const newFiles = new Map<string, RecordedFile>();
      msg.attachments = this.buildAttachments(msg.channel_id, body, files, msg.attachments, newFiles, stored.files);
      stored.files = newFiles;
    }
    if ('embeds' in body) msg.embeds = this.normalizeEmbeds(body.embeds, msg.attachments);
    if ('content' in body) msg.mentions = this.resolveMentions(msg.content, body, undefined);
    msg.edited_timestamp = new Date().toISOString();
    this.edits.push({
      messageId: msg.id,
      channelId: msg.channel_id,
      via: ctx.via,
      ...(ctx.interactionId ? { interactionId: ctx.interactionId } : {}),
      before,
      after: clone(msg),
      files,
      at: Date.now(),
    });
    if (!stored.ephemeral && this.opts.echoBotMessages) {
      const channel = this.channels.get(msg.channel_id);
      this.dispatchMessageEvent('MESSAGE_UPDATE', channel?.guild_id ? { ...msg, guild_id: channel.guild_id } : msg);
    }
  }

  private deleteMessage(stored: StoredMessage): void {
    stored.deleted = true;
    const channel = this.channels.get(stored.data.channel_id);
    if (!channel || stored.ephemeral) return;
    const d = { id: stored.data.id, channel_id: channel.id, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) };
    const needed = channel.guild_id ? Intents.GuildMessages : Intents.DirectMessages;
    for (const s of this.sessionsForChannel(channel)) if (s.intents & needed) this.dispatch(s, 'MESSAGE_DELETE', d);
  }

  /**
   * Builds the attachment list from `body.attachments` + uploaded `files[n]`:
   * entries whose id is `n` refer to the upload `files[n]`; snowflake ids keep an existing attachment.
   * Uploads not mentioned in `body.attachments` are appended. Without `body.attachments`, existing ones are kept.
   */
  private buildAttachments(
    channelId: string,
    body: Json,
    files: RecordedFile[],
    existing: ApiAttachment[],
    outFiles: Map<string, RecordedFile>,
    existingFiles: Map<string, RecordedFile>,
  ): ApiAttachment[] {
    const used = new Set<RecordedFile>();
    const out: ApiAttachment[] = [];
    const make = (file: RecordedFile, meta: Json | undefined): ApiAttachment => {
      const id = this.snowflakes.next();
      const filename = (typeof meta?.filename === 'string' ? meta.filename : file.name).replace(/[^\w.-]/g, '_');
      const url = `${this.url.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      const size = pngSize(file.data);
      outFiles.set(id, file);
      return {
        id,
        filename,
        size: file.data.length,
        url,
        proxy_url: url,
        content_type: file.contentType,
        ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
        ...(size ?? {}),
      };
    };
    const keep = (a: ApiAttachment): void => {
      out.push(a);
      const f = existingFiles.get(a.id);
      if (f) outFiles.set(a.id, f);
    };
    if (Array.isArray(body.attachments)) {
      for (const meta of body.attachments.filter(isObj)) {
        const idStr = String(meta.id);
        const file = files.find((f) => f.field === `files[${idStr}]`);
        if (file) {
          used.add(file);
          out.push(make(file, meta));
          continue;
        }
        const old = existing.find((a) => a.id === idStr);
        if (old) keep(old);
      }
    } else {
      existing.forEach(keep);
    }
    for (const f of files) if (!used.has(f)) out.push(make(f, undefined));
    return out;
  }

  private normalizeEmbeds(embeds: unknown, attachments: ApiAttachment[]): Json[] {
    if (!Array.isArray(embeds)) return [];
    const resolve = (media: unknown): unknown => {
      if (!isObj(media) || typeof media.url !== 'string' || !media.url.startsWith('attachment://')) return media;
      const name = media.url.slice('attachment://'.length);
      const att = attachments.find((a) => a.filename === name);
      if (!att) return media;
      return { ...media, url: att.url, proxy_url: att.proxy_url, ...(att.width ? { width: att.width, height: att.height } : {}) };
    };
    return embeds.filter(isObj).map((e) => {
      const out: Json = { type: 'rich', ...clone(e) };
      for (const key of ['image', 'thumbnail']) if (key in out) out[key] = resolve(out[key]);
      if (isObj(out.author) && typeof out.author.icon_url === 'string') out.author = { ...out.author };
      return out;
    });
  }

  private resolveMentions(content: string, body: Json, referenced: StoredMessage | undefined): ApiUser[] {
    const allowed = isObj(body.allowed_mentions) ? body.allowed_mentions : undefined;
    const parse = Array.isArray(allowed?.parse) ? (allowed.parse as unknown[]) : undefined;
    const allowedUsers = Array.isArray(allowed?.users) ? (allowed.users as unknown[]).map(String) : undefined;
    const ids = new Set<string>();
    for (const id of parseMentions(content)) {
      if (!allowed || parse?.includes('users') || allowedUsers?.includes(id)) ids.add(id);
    }
    if (referenced && referenced.data.author.id !== this.botUser.id && allowed?.replied_user !== false) {
      ids.add(referenced.data.author.id);
    }
    return [...ids]
      .map((id) => this.users.get(id))
      .filter((u): u is ApiUser => u !== undefined)
      .map((u) => clone(u));
  }

  private findAttachmentFile(channelId: string, attachmentId: string): RecordedFile | undefined {
    for (const m of this.messages.values()) {
      if (m.data.channel_id !== channelId) continue;
      const f = m.files.get(attachmentId);
      if (f) return f;
    }
    return undefined;
  }

  private upsertUser(id: string, username: string, bot?: boolean): ApiUser {
    const existing = this.users.get(id);
    if (existing) {
      existing.username = username;
      if (bot !== undefined) existing.bot = bot;
      return existing;
    }
    const user: ApiUser = {
      id,
      username,
      discriminator: '0',
      global_name: null,
      avatar: null,
      public_flags: 0,
      ...(bot ? { bot: true } : {}),
    };
    this.users.set(id, user);
    return user;
  }
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

function rawToString(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}

function parseMentions(content: string): string[] {
  return [...content.matchAll(/<@!?(\d{15,25})>/g)].map((m) => m[1] ?? '').filter(Boolean);
}

function findComponent(components: unknown, customId: string): Json | undefined {
  if (!Array.isArray(components)) return undefined;
  for (const c of components) {
    if (!isObj(c)) continue;
    if (c.custom_id === customId) return c;
    const nested = findComponent(c.components, customId) ?? (isObj(c.accessory) ? findComponent([c.accessory], customId) : undefined);
    if (nested) return nested;
  }
  return undefined;
}

function collectCustomIds(components: unknown[]): string[] {
  const out: string[] = [];
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (!isObj(c)) continue;
      if (typeof c.custom_id === 'string') out.push(c.custom_id);
      walk(c.components);
      if (isObj(c.accessory)) walk([c.accessory]);
    }
  };
  walk(components);
  return out;
}
