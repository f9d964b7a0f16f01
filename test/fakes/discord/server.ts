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
 *   await client.destroy(); await fake.stop();   // stop() throws if the bot broke a Discord limit
 *
 * Behaviour follows the Discord developer docs (github.com/discord/discord-api-docs, `developers/`);
 * where a behaviour is not obvious the doc section is named next to the code. See ./README.md for
 * the full API and the known gaps.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { buildCommandData, type CommandOptionInput, type OptionResolver } from './commands.js';
import { checkAutocompleteResult, checkCommand, checkCommandList, checkMessageBody, checkModal, countLimitProblem, FormErrors, Limits } from './limits.js';
import { BodyParseError, parseBody, pngSize } from './multipart.js';
import {
  applyOverwrites,
  basePermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  type GuildPermissionContext,
  type OverwriteBits,
  Perm,
  type PermInput,
  permNames,
  toBits,
} from './permissions.js';
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
  LateCallbackRecord,
  RecordedFile,
  RegisteredCommand,
  RequestRecord,
  SessionInfo,
  StoredInteraction,
  StoredMessage,
  ViolationRecord,
} from './types.js';

export { fakeClientOptions } from './client-options.js';
export type { CommandOptionInput, CommandOptionValue } from './commands.js';
export { FormErrors, Limits } from './limits.js';
export { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Perm, type PermInput, type PermName, permNames, toBits } from './permissions.js';
export { guildIdForShard, shardForGuild } from './snowflake.js';
export type * from './types.js';

// ---------------------------------------------------------------------------------------------
// Constants (Discord API v10)
// ---------------------------------------------------------------------------------------------

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildForum: 15,
  GuildMedia: 16,
} as const;

const THREAD_TYPES = new Set<number>([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);
/** Channels whose only content is threads ("Messages cannot be sent directly in forum channels", topics/threads "Forums"). */
const THREAD_ONLY_TYPES = new Set<number>([ChannelType.GuildForum, ChannelType.GuildMedia]);

const MessageFlags = { Ephemeral: 1 << 6, Loading: 1 << 7, IsComponentsV2: 1 << 15 } as const;
const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, ApplicationCommandAutocomplete: 4, ModalSubmit: 5 } as const;
const CallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** Discord JSON error codes used by the fake (topics/opcodes-and-status-codes, "JSON Error Codes"). */
export const ErrorCode = {
  General: 0,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownRole: 10011,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  MaxAttachments: 30015,
  MaxApplicationCommands: 30032,
  InteractionAlreadyAcknowledged: 40060,
  RequestEntityTooLarge: 40005,
  MissingAccess: 50001,
  CannotEditOtherUsersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  CannotSendInNonTextChannel: 50008,
  MissingPermissions: 50013,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  InvalidJson: 50109,
  CannotReplyWithoutReadHistory: 160002,
} as const;

/** Gateway close codes the fake uses (topics/opcodes-and-status-codes, "Gateway Close Event Codes"). */
export const CloseCode = {
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidShard: 4010,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

/** Default per-file upload limit (reference "Uploading Files": "The default limit is 10 MiB"). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** "The maximum request size when sending a message is 25 MiB" (resources/message, Create Message). */
const MAX_REQUEST_BYTES = 25 * 1024 * 1024;
const REPLAY_BUFFER = 2000;
/** "you must send an initial response within 3 seconds" (receiving-and-responding, Interaction Callback). */
const DEFAULT_ACK_MS = 3000;
/** "Interaction tokens are valid for 15 minutes" (receiving-and-responding, Followup Messages). */
const DEFAULT_TOKEN_MS = 15 * 60 * 1000;

/** What `app_permissions` carries in a DM (receiving-and-responding, Interaction Structure, note ***). */
const DM_PERMISSIONS =
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.ReadMessageHistory |
  Perm.AddReactions |
  Perm.AttachFiles |
  Perm.EmbedLinks |
  Perm.MentionEveryone |
  Perm.UseExternalEmojis;

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
  /**
   * Which privileged intents the application is allowed (Developer Portal toggles / approval).
   * Default: all allowed. IDENTIFY asking for a disallowed one is closed with 4014.
   */
  privilegedIntents?: { messageContent?: boolean; guildMembers?: boolean; guildPresences?: boolean };
  /** How long an interaction waits for its first callback before the token dies (default 3000 ms). */
  interactionAckMs?: number;
  /** How long an acknowledged interaction's token works for edits and follow-ups (default 15 min). */
  interactionTokenMs?: number;
  /** `stop()` throws when a payload broke Discord's limits (default true). See `expectViolations()`. */
  failOnViolations?: boolean;
}

export type OverwriteInput = { id: string; type: 'role' | 'member' | 0 | 1; allow?: PermInput; deny?: PermInput };

export interface ChannelInput {
  id: string;
  name: string;
  topic?: string;
  /** 0 text (default), 4 category, 5 announcement, 15 forum, 16 media. Threads: `addThread`. */
  type?: 0 | 4 | 5 | 15 | 16;
  parentId?: string;
  overwrites?: OverwriteInput[];
}

export interface RoleInput {
  id: string;
  name: string;
  permissions?: PermInput;
  position?: number;
}

export interface AddGuildInput {
  id: string;
  name: string;
  ownerId?: string;
  channels: ChannelInput[];
  members: Array<{ id: string; username: string; bot?: boolean; nick?: string; roles?: string[] }>;
  /** Extra roles (the @everyone role, id = guild id, always exists). */
  roles?: RoleInput[];
  /** Permissions of @everyone (default `DEFAULT_EVERYONE_PERMISSIONS`). */
  everyonePermissions?: PermInput;
  /** Gives the bot its managed integration role with these permissions (like the invite link's permissions). */
  botPermissions?: PermInput;
  /** Extra role ids for the bot's member. */
  botRoles?: string[];
}

export interface AddThreadInput {
  /** A text/announcement channel (or forum, for posts — see `addForumPost`). */
  parentId: string;
  id?: string;
  name: string;
  /** 11 public (default), 12 private, 10 announcement thread. */
  type?: 10 | 11 | 12;
  /** Who started the thread (default: the guild owner). */
  ownerId?: string;
  /** Users who joined the thread. The bot is a member by default; pass `botMember: false` to leave it out. */
  members?: string[];
  botMember?: boolean;
}

export interface AddForumPostInput {
  forumId: string;
  id?: string;
  name: string;
  authorId: string;
  /** The starter message (its id is the thread's id). */
  content: string;
  embeds?: Json[];
  botMember?: boolean;
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
  /** A reply pings (mentions) the replied-to author unless the user turned it off (default true). */
  mentionRepliedUser?: boolean;
}

export interface ClickInput {
  messageId: string;
  customId: string;
  userId: string;
  /** For select menus: the selected values. */
  values?: string[];
}

export interface InvokeCommandInput {
  /** The command as a user types it: `'pull'`, `'raid join'` (subcommand) or `'team slot set'` (group + subcommand). */
  name: string;
  channelId: string;
  userId: string;
  guildId?: string;
  /** Options of the (sub)command, checked against the registered definition. Plain values are typed from the definition. */
  options?: Record<string, CommandOptionInput>;
}

export interface AutocompleteInput extends InvokeCommandInput {
  /** The option the user is typing in (must have `autocomplete: true`). Its value is sent as the typed string. */
  focused: string;
  /** How long to wait for the bot's type-8 answer (default: the ack window + 500 ms). */
  timeoutMs?: number;
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

interface RoleState {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
  botId?: string;
}

interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  channelIds: string[];
  threadIds: string[];
  members: Map<string, ApiMember>;
  roles: Map<string, RoleState>;
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
    /** Set when the request broke one of Discord's documented limits: recorded in `violations`. */
    readonly problems?: string[],
  ) {
    super(message);
  }
}

/** 400 50035 Invalid Form Body with Discord's `errors` tree, recorded as a violation. */
function formError(e: FormErrors): HttpError {
  return new HttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', e.tree, e.problems);
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
  /** Set by a handler to answer with another status than 200 (e.g. 201 Created). */
  status?: number;
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

function isThread(channel: ApiChannel | undefined): boolean {
  return channel !== undefined && THREAD_TYPES.has(channel.type);
}

// ---------------------------------------------------------------------------------------------
// FakeDiscord
// ---------------------------------------------------------------------------------------------

export class FakeDiscord {
  readonly botUser: ApiUser;
  readonly applicationId: string;

  private readonly opts: {
    heartbeatIntervalMs: number;
    recommendedShards: number;
    maxConcurrency: number;
    echoBotMessages: boolean;
    privilegedIntents: { messageContent: boolean; guildMembers: boolean; guildPresences: boolean };
    interactionAckMs: number;
    interactionTokenMs: number;
    failOnViolations: boolean;
    token?: string;
  };
  private readonly snowflakes = new SnowflakeGenerator();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private urls: FakeDiscordUrls | null = null;
  private readonly routes: Route[] = [];

  private readonly users = new Map<string, ApiUser>();
  private readonly guilds = new Map<string, GuildState>();
  private readonly channels = new Map<string, ApiChannel>();
  private readonly threadMembers = new Map<string, Map<string, string>>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly interactions = new Map<string, StoredInteraction>();
  private readonly commandStore = new Map<string, RegisteredCommand>();
  private readonly sessions = new Map<string, Session>();
  private readonly conns = new Set<Conn>();
  private forcedRateLimits: Array<{ retryAfter: number; global: boolean }> = [];
  private ackHeartbeats = true;
  private readonly violationLog: ViolationRecord[] = [];
  private violationsExpected = false;
  private reportedViolations = 0;

  // ---- records for assertions ----
  readonly edits: EditRecord[] = [];
  readonly interactionResponses: InteractionResponseRecord[] = [];
  /** Callbacks that came after the ack window (answered 404 10062). */
  readonly lateCallbacks: LateCallbackRecord[] = [];
  readonly requests: RequestRecord[] = [];
  readonly typing: Array<{ channelId: string; at: number }> = [];
  readonly reactions: Array<{ channelId: string; messageId: string; emoji: string; at: number }> = [];
  readonly presenceUpdates: Json[] = [];
  readonly identifyPayloads: Json[] = [];
  /** IDENTIFYs closed with 4014 because they asked for a privileged intent the app is not allowed. */
  readonly disallowedIdentifies: Array<{ intents: number; disallowed: string[]; at: number }> = [];
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
      privilegedIntents: {
        messageContent: options.privilegedIntents?.messageContent ?? true,
        guildMembers: options.privilegedIntents?.guildMembers ?? true,
        guildPresences: options.privilegedIntents?.guildPresences ?? true,
      },
      interactionAckMs: options.interactionAckMs ?? DEFAULT_ACK_MS,
      interactionTokenMs: options.interactionTokenMs ?? DEFAULT_TOKEN_MS,
      failOnViolations: options.failOnViolations ?? true,
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

  /**
   * Closes sockets and the HTTP server. Then, unless the test opted out (`expectViolations()`,
   * `failOnViolations: false`), throws if any payload broke Discord's limits since the last report,
   * naming each one — so every test that uses the fake checks every call the bot made.
   */
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
    const unreported = this.violationLog.slice(this.reportedViolations);
    this.reportedViolations = this.violationLog.length;
    if (unreported.length && this.opts.failOnViolations && !this.violationsExpected) {
      const lines = unreported.map((v) => `  ${v.method} ${v.path} → ${v.status} ${v.code} ${v.message}\n${v.problems.map((p) => `      ${p}`).join('\n')}`);
      throw new Error(
        `FakeDiscord: the bot sent ${unreported.length} payload(s) that break Discord's documented limits:\n${lines.join('\n')}\n` +
          '(A test that sends a bad payload on purpose should call fake.takeViolations() or fake.expectViolations().)',
      );
    }
  }

  get url(): FakeDiscordUrls {
    if (!this.urls) throw new Error('FakeDiscord not started');
    return this.urls;
  }

  /** Every payload so far that broke a Discord limit (each was answered with Discord's 400). */
  get violations(): readonly ViolationRecord[] {
    return this.violationLog;
  }

  /** Returns the recorded violations and forgets them, so `stop()` won't fail on them. */
  takeViolations(): ViolationRecord[] {
    const out = this.violationLog.splice(0);
    this.reportedViolations = 0;
    return out;
  }

  /** Opt out of `stop()` failing on violations (for a test that sends bad payloads on purpose). */
  expectViolations(expected = true): void {
    this.violationsExpected = expected;
  }

  // =============================================================================================
  // Test-facing state API
  // =============================================================================================

  /** Adds (or replaces) a guild. The bot is added as a member automatically. Dispatches GUILD_CREATE to connected shards. */
  addGuild(input: AddGuildInput): void {
    const createdAt = new Date().toISOString();
    const members = new Map<string, ApiMember>();
    const roles = new Map<string, RoleState>();
    roles.set(input.id, {
      id: input.id,
      name: '@everyone',
      permissions: input.everyonePermissions === undefined ? DEFAULT_EVERYONE_PERMISSIONS : toBits(input.everyonePermissions),
      position: 0,
      managed: false,
    });
    for (const [i, r] of (input.roles ?? []).entries()) {
      roles.set(r.id, { id: r.id, name: r.name, permissions: toBits(r.permissions), position: r.position ?? i + 1, managed: false });
    }
    const botRoleIds = [...(input.botRoles ?? [])];
    if (input.botPermissions !== undefined) {
      // The role Discord creates when a bot joins with permissions in its invite link.
      const id = this.snowflakes.next();
      roles.set(id, {
        id,
        name: this.botUser.username,
        permissions: toBits(input.botPermissions),
        position: roles.size,
        managed: true,
        botId: this.botUser.id,
      });
      botRoleIds.unshift(id);
    }
    const addMember = (user: ApiUser, nick: string | null = null, roleIds: string[] = []): void => {
      for (const r of roleIds) if (!roles.has(r)) throw new Error(`addGuild: member ${user.id} has unknown role ${r}`);
      members.set(user.id, {
        user,
        nick,
        roles: roleIds,
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
    addMember(this.botUser, null, botRoleIds);
    for (const m of input.members) addMember(this.upsertUser(m.id, m.username, m.bot), m.nick ?? null, m.roles ?? []);
    const guild: GuildState = {
      id: input.id,
      name: input.name,
      ownerId: input.ownerId ?? input.members[0]?.id ?? this.botUser.id,
      channelIds: [],
      threadIds: [],
      members,
      roles,
      createdAt,
    };
    input.channels.forEach((c, position) => {
      this.channels.set(c.id, {
        id: c.id,
        type: c.type ?? ChannelType.GuildText,
        guild_id: input.id,
        name: c.name,
        position,
        permission_overwrites: (c.overwrites ?? []).map((o) => this.overwriteJson(o)),
        parent_id: c.parentId ?? null,
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
      if (session.intents & Intents.Guilds) this.dispatch(session, 'GUILD_CREATE', this.guildCreatePayload(guild, session));
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

  // ---- permissions ----

  /**
   * The permissions `userId` (default: the bot) has in a channel, computed as Discord documents it
   * (topics/permissions, "Permission Overwrites"): @everyone, the member's roles, then the channel's
   * @everyone / role / member overwrites; owner and Administrator get everything. Threads use their
   * parent's ("Inherited Permissions (Threads)"). This is the `app_permissions` of interactions there.
   */
  computePermissions(channelId: string, userId: string = this.botUser.id): bigint {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`computePermissions: unknown channel ${channelId}`);
    if (!channel.guild_id) return DM_PERMISSIONS;
    const guild = this.guilds.get(channel.guild_id);
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    const subject = { userId, roleIds: member.roles };
    const base = basePermissions(this.permissionContext(guild), subject);
    const target = isThread(channel) ? this.channels.get(String(channel.parent_id)) : channel;
    return applyOverwrites(base, guild.id, subject, this.overwriteBits(target));
  }

  /** Guild-level permissions of a member (no channel overwrites). */
  guildPermissions(guildId: string, userId: string = this.botUser.id): bigint {
    const guild = this.guildOrThrow(guildId);
    const member = guild.members.get(userId);
    if (!member) return 0n;
    return basePermissions(this.permissionContext(guild), { userId, roleIds: member.roles });
  }

  /**
   * Sets (or with `null`, removes) the bot's member overwrite on a channel, like an admin editing the
   * channel's permissions for the bot. Dispatches CHANNEL_UPDATE. Threads have no overwrites of their
   * own: change the parent channel.
   */
  setBotPermissions(channelId: string, change: { allow?: PermInput; deny?: PermInput } | null): void {
    if (change === null) this.removeOverwrite(channelId, this.botUser.id);
    else this.setOverwrite(channelId, { id: this.botUser.id, type: 'member', ...change });
  }

  /** Adds or replaces one permission overwrite on a guild channel. Dispatches CHANNEL_UPDATE. */
  setOverwrite(channelId: string, overwrite: OverwriteInput): void {
    const channel = this.overwritableChannel(channelId);
    const others = (channel.permission_overwrites ?? []).filter((o) => o.id !== overwrite.id);
    channel.permission_overwrites = [...others, this.overwriteJson(overwrite)];
    this.dispatchGuild(String(channel.guild_id), 'CHANNEL_UPDATE', clone(channel));
  }

  removeOverwrite(channelId: string, id: string): void {
    const channel = this.overwritableChannel(channelId);
    channel.permission_overwrites = (channel.permission_overwrites ?? []).filter((o) => o.id !== id);
    this.dispatchGuild(String(channel.guild_id), 'CHANNEL_UPDATE', clone(channel));
  }

  /** Adds a role (GUILD_ROLE_CREATE). */
  addRole(guildId: string, role: RoleInput): void {
    const guild = this.guildOrThrow(guildId);
    const state: RoleState = {
      id: role.id,
      name: role.name,
      permissions: toBits(role.permissions),
      position: role.position ?? guild.roles.size,
      managed: false,
    };
    guild.roles.set(role.id, state);
    this.dispatchGuild(guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: this.roleJson(state) });
  }

  /** Changes a role's guild-level permissions (the @everyone role's id is the guild id). Dispatches GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: PermInput): void {
    const guild = this.guildOrThrow(guildId);
    const role = guild.roles.get(roleId);
    if (!role) throw new Error(`setRolePermissions: unknown role ${roleId}`);
    role.permissions = toBits(permissions);
    this.dispatchGuild(guildId, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: this.roleJson(role) });
  }

  /** Replaces a member's roles. Dispatches GUILD_MEMBER_UPDATE (always for the bot itself; otherwise with GUILD_MEMBERS). */
  setMemberRoles(guildId: string, userId: string, roleIds: string[]): void {
    const guild = this.guildOrThrow(guildId);
    const member = guild.members.get(userId);
    if (!member) throw new Error(`setMemberRoles: ${userId} is not a member of ${guildId}`);
    for (const r of roleIds) if (!guild.roles.has(r)) throw new Error(`setMemberRoles: unknown role ${r}`);
    member.roles = [...roleIds];
    // gateway "Caveats": Guild Member Update is sent for current-user updates regardless of GUILD_MEMBERS.
    const needed = userId === this.botUser.id ? 0 : Intents.GuildMembers;
    for (const s of this.sessionsForGuild(guildId)) {
      if (needed === 0 || s.intents & needed) this.dispatch(s, 'GUILD_MEMBER_UPDATE', { guild_id: guildId, ...clone(member) });
    }
  }

  /**
   * Makes the bot lack permissions in a channel, on top of the computed model: a member overwrite
   * for the bot denying Send Messages (+ in threads, Embed Links, Attach Files) → sends/typing get
   * 403 50013; with `code: 50001`, denying View Channel → 403 50001 Missing Access (and, as on
   * Discord, the bot stops receiving that channel's messages). `missing = false` removes the overwrite.
   */
  setMissingPermissions(channelId: string, missing = true, code: 50013 | 50001 = ErrorCode.MissingPermissions): void {
    if (!missing) {
      this.setBotPermissions(channelId, null);
      return;
    }
    const deny = code === ErrorCode.MissingAccess ? Perm.ViewChannel : Perm.SendMessages | Perm.SendMessagesInThreads | Perm.EmbedLinks | Perm.AttachFiles;
    this.setBotPermissions(channelId, { deny });
  }

  // ---- threads ----

  /**
   * Adds an active thread under a text (or announcement) channel and dispatches THREAD_CREATE
   * (`newly_created: true`) to shards that can see it (topics/threads: "Clients will not be informed
   * of a thread through the gateway if they do not have permission to view that thread").
   */
  addThread(input: AddThreadInput): ApiChannel {
    const parent = this.channels.get(input.parentId);
    if (!parent?.guild_id) throw new Error(`addThread: unknown guild channel ${input.parentId}`);
    const type = input.type ?? ChannelType.PublicThread;
    if (THREAD_ONLY_TYPES.has(parent.type)) {
      if (type !== ChannelType.PublicThread) throw new Error('addThread: forum/media posts are public threads (type 11); use addForumPost');
    } else if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
      throw new Error(`addThread: channel ${parent.id} (type ${parent.type}) cannot have threads`);
    }
    // "Private threads … can only be created in GUILD_TEXT channels"; announcement channels make announcement threads.
    if (type === ChannelType.PrivateThread && parent.type !== ChannelType.GuildText)
      throw new Error('addThread: private threads only exist under text channels');
    const guild = this.guildOrThrow(parent.guild_id);
    const id = input.id ?? this.snowflakes.next();
    const now = new Date().toISOString();
    const ownerId = input.ownerId ?? guild.ownerId;
    const thread: ApiChannel = {
      id,
      type,
      guild_id: guild.id,
      parent_id: parent.id,
      owner_id: ownerId,
      name: input.name,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
      message_count: 0,
      total_message_sent: 0,
      member_count: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(type === ChannelType.PrivateThread ? { invitable: true } : {}),
      },
    };
    this.channels.set(id, thread);
    guild.threadIds.push(id);
    const members = new Map<string, string>();
    for (const u of input.members ?? [ownerId]) members.set(u, now);
    if (input.botMember !== false) members.set(this.botUser.id, now);
    this.threadMembers.set(id, members);
    thread.member_count = Math.min(members.size, 50);
    for (const s of this.sessionsForGuild(guild.id)) {
      if (s.intents & Intents.Guilds && this.botCanView(thread)) this.dispatch(s, 'THREAD_CREATE', { ...this.threadPayload(thread), newly_created: true });
    }
    return clone(thread);
  }

  /**
   * A user creates a post in a forum (or media) channel: a public thread whose starter message has
   * the thread's id (topics/threads, "Creating Threads in Forum and Media Channels"). Dispatches
   * THREAD_CREATE, then MESSAGE_CREATE for the starter message.
   */
  addForumPost(input: AddForumPostInput): { thread: ApiChannel; message: ApiMessage } {
    const forum = this.channels.get(input.forumId);
    if (!forum || !THREAD_ONLY_TYPES.has(forum.type)) throw new Error(`addForumPost: ${input.forumId} is not a forum or media channel`);
    const thread = this.addThread({
      parentId: forum.id,
      name: input.name,
      ownerId: input.authorId,
      members: [input.authorId],
      ...(input.id !== undefined ? { id: input.id } : {}),
      ...(input.botMember !== undefined ? { botMember: input.botMember } : {}),
    });
    forum.last_message_id = thread.id;
    const message = this.userMessage(
      { channelId: thread.id, authorId: input.authorId, content: input.content, ...(input.embeds ? { embeds: input.embeds } : {}) },
      thread.id,
    );
    return { thread: clone(this.channels.get(thread.id) as ApiChannel), message };
  }

  /** Adds users to a thread's member list (for private threads: who can see it). */
  addThreadMembers(threadId: string, userIds: string[]): void {
    const thread = this.channels.get(threadId);
    const members = this.threadMembers.get(threadId);
    if (!thread || !members) throw new Error(`addThreadMembers: unknown thread ${threadId}`);
    const now = new Date().toISOString();
    const botAdded = !members.has(this.botUser.id) && userIds.includes(this.botUser.id);
    for (const u of userIds) members.set(u, now);
    thread.member_count = Math.min(members.size, 50);
    // topics/threads "Gaining Access to Private Threads": being added sends THREAD_CREATE with the thread member.
    if (botAdded && thread.guild_id) {
      for (const s of this.sessionsForGuild(thread.guild_id)) if (s.intents & Intents.Guilds) this.dispatch(s, 'THREAD_CREATE', this.threadPayload(thread));
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

  /** Interactions nobody acknowledged (yet); each one is a user staring at "This interaction failed" after the ack window. */
  get unansweredInteractions(): StoredInteraction[] {
    return [...this.interactions.values()].filter((i) => !i.responded);
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

  /** Every REST call to the application-command routes (GET/PUT/POST/PATCH/DELETE), with its status — e.g. "no PUT on an unchanged reboot". */
  get commandRequests(): RequestRecord[] {
    return this.requests.filter((r) => /^\/applications\/[^/]+\/(guilds\/[^/]+\/)?commands(\/|$)/.test(r.path));
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

  /**
   * A user posts a message. Dispatches MESSAGE_CREATE to the shard owning the guild (DMs: shard 0),
   * if the bot can view the channel. Threads: pass the thread id as `channelId`.
   */
  sendMessage(input: SendMessageInput): ApiMessage {
    return this.userMessage(input);
  }

  private userMessage(input: SendMessageInput, forcedId?: string): ApiMessage {
    const channel = this.channels.get(input.channelId);
    if (!channel) throw new Error(`sendMessage: unknown channel ${input.channelId}`);
    if (THREAD_ONLY_TYPES.has(channel.type))
      throw new Error(`sendMessage: ${channel.id} is a forum/media channel; post with addForumPost, or write in one of its threads`);
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
    const id = forcedId ?? this.snowflakes.next();
    const mentionIds = new Set([...(input.mentions ?? []), ...parseMentions(input.content)]);
    // A reply mentions the replied-to author unless the user switched the ping off (resources/message, message_reference).
    if (ref && input.mentionRepliedUser !== false && ref.data.author.id !== author.id) mentionIds.add(ref.data.author.id);
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
    this.countMessage(channel, id);
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
    if (componentType === 3 && input.values) {
      const allowed = Array.isArray(component.options) ? component.options.filter(isObj).map((o) => o.value) : [];
      const bad = input.values.filter((v) => !allowed.includes(v));
      if (bad.length) throw new Error(`clickButton: select "${input.customId}" has no option(s) ${bad.join(', ')}`);
      const min = typeof component.min_values === 'number' ? component.min_values : 1;
      const max = typeof component.max_values === 'number' ? component.max_values : 1;
      if (input.values.length < min || input.values.length > max) throw new Error(`clickButton: select "${input.customId}" takes ${min}-${max} values`);
    }
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

  /**
   * A user runs a slash command. The interaction `data` is built from the registered definition
   * (subcommands, typed options, `resolved` users/members/channels/roles); anything a Discord user
   * could not send throws — an unregistered command, an unknown option, a wrong type, a value
   * outside choices or min/max, a missing required option, a member without the command's
   * `default_member_permissions`, a guild command used elsewhere. Returns the interaction id.
   */
  invokeCommand(input: InvokeCommandInput): string {
    const { channel, cmd, path } = this.commandFor(input, 'invokeCommand');
    const data = buildCommandData(cmd, { path, options: input.options ?? {}, resolver: this.optionResolver(channel, input.userId) });
    return this.createInteraction({ type: InteractionType.ApplicationCommand, channelId: channel.id, userId: input.userId, data });
  }

  /**
   * A user types in an option with `autocomplete: true`: dispatches an APPLICATION_COMMAND_AUTOCOMPLETE
   * interaction (type 4) with that option `focused` and its typed text as value, waits for the bot's
   * type-8 callback and returns its choices (also recorded in `interactionResponses`).
   */
  async autocomplete(input: AutocompleteInput): Promise<Array<{ name: string; value: string | number }>> {
    const { channel, cmd, path } = this.commandFor(input, 'autocomplete');
    const data = buildCommandData(cmd, { path, options: input.options ?? {}, resolver: this.optionResolver(channel, input.userId), focused: input.focused });
    const id = this.createInteraction({ type: InteractionType.ApplicationCommandAutocomplete, channelId: channel.id, userId: input.userId, data });
    await this.waitFor(
      () => this.interactionResponses.some((r) => r.interactionId === id) || this.lateCallbacks.some((r) => r.interactionId === id),
      input.timeoutMs ?? this.opts.interactionAckMs + 500,
      `the bot's autocomplete answer for /${input.name} ${input.focused}`,
    );
    const response = this.interactionResponses.find((r) => r.interactionId === id);
    if (!response) {
      const late = this.lateCallbacks.find((r) => r.interactionId === id);
      throw new Error(`autocomplete: the bot answered /${input.name} after the ack window (${late?.delayMs} ms)`);
    }
    if (response.type !== CallbackType.AutocompleteResult) throw new Error(`autocomplete: the bot answered with callback type ${response.type}, not 8`);
    const choices = response.data?.choices;
    return Array.isArray(choices) ? (clone(choices) as Array<{ name: string; value: string | number }>) : [];
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

  /** Finds the registered CHAT_INPUT command for an invocation and checks the user may use it there. */
  private commandFor(input: InvokeCommandInput, what: string): { channel: ApiChannel; cmd: RegisteredCommand; path: string[] } {
    const channel = this.channels.get(input.channelId);
    if (!channel) throw new Error(`${what}: unknown channel ${input.channelId}`);
    const guildId = input.guildId ?? channel.guild_id;
    const [name = '', ...path] = input.name.trim().split(/\s+/);
    const candidates = [...this.commandStore.values()].filter((c) => c.type === 1 && c.name === name);
    // A guild command and a global one may share a name; in a guild, take the guild's.
    const cmd = candidates.find((c) => guildId !== undefined && c.guild_id === guildId) ?? candidates.find((c) => c.guild_id === undefined);
    if (!cmd) {
      const elsewhere = candidates.length ? ` (it is registered only in guild ${candidates.map((c) => c.guild_id).join(', ')})` : '';
      throw new Error(`${what}: /${name} is not registered for this channel${elsewhere}; registered: ${this.commands.map((c) => c.name).join(', ') || 'none'}`);
    }
    const contexts = Array.isArray(cmd.contexts) ? (cmd.contexts as number[]) : undefined;
    if (!guildId) {
      // application-commands "Interaction Contexts": BOT_DM (1); dm_permission is the deprecated switch.
      if (contexts ? !contexts.includes(1) : cmd.dm_permission === false) throw new Error(`${what}: /${name} is not available in DMs`);
      return { channel, cmd, path };
    }
    if (contexts && !contexts.includes(0)) throw new Error(`${what}: /${name} is not available in servers (contexts ${JSON.stringify(contexts)})`);
    const guild = this.guildOrThrow(guildId);
    if (!guild.members.has(input.userId)) throw new Error(`${what}: user ${input.userId} is not a member of guild ${guildId}`);
    const dmp = cmd.default_member_permissions;
    if (typeof dmp === 'string') {
      // "Setting it to "0" will prohibit anyone in a guild from using the command unless … the user has admin permissions."
      const perms = this.guildPermissions(guildId, input.userId);
      const need = BigInt(dmp);
      const admin = (perms & Perm.Administrator) === Perm.Administrator;
      if (!admin && (need === 0n || (perms & need) !== need)) {
        throw new Error(`${what}: user ${input.userId} cannot see /${name} (default_member_permissions ${permNames(need).join(', ') || '0 (admins only)'})`);
      }
    }
    const inChannel = this.computePermissions(channel.id, input.userId);
    if ((inChannel & (Perm.ViewChannel | Perm.UseApplicationCommands)) !== (Perm.ViewChannel | Perm.UseApplicationCommands)) {
      throw new Error(`${what}: user ${input.userId} lacks View Channel / Use Application Commands in ${channel.id}`);
    }
    return { channel, cmd, path };
  }

  private optionResolver(channel: ApiChannel, invokerId: string): OptionResolver {
    const guild = channel.guild_id ? this.guilds.get(channel.guild_id) : undefined;
    return {
      user: (id) => {
        const u = this.users.get(id);
        return u ? clone(u) : undefined;
      },
      member: (id) => {
        const m = guild?.members.get(id);
        if (!m) return undefined;
        // resolved "Partial Member objects are missing user, deaf and mute fields" and carry permissions.
        const { user: _u, deaf: _d, mute: _m, ...partial } = clone(m);
        return { ...partial, permissions: String(this.computePermissions(channel.id, id)) };
      },
      channel: (id) => {
        const c = this.channels.get(id);
        if (!c || c.guild_id !== channel.guild_id) return undefined;
        // resolved "Partial Channel objects only have id, name, type, permissions, …" — permissions of the invoking user.
        const keep = [
          'id',
          'name',
          'type',
          'last_message_id',
          'nsfw',
          'parent_id',
          'guild_id',
          'flags',
          'rate_limit_per_user',
          'topic',
          'position',
          'thread_metadata',
        ];
        const partial: Json = Object.fromEntries(Object.entries(clone(c)).filter(([k]) => keep.includes(k)));
        return { ...partial, permissions: String(this.computePermissions(id, invokerId)) };
      },
      role: (id) => {
        const r = guild?.roles.get(id);
        return r ? this.roleJson(r) : undefined;
      },
    };
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
      this.closeConn(conn, CloseCode.InvalidApiVersion, 'Invalid API version');
      return;
    }
    if (query.encoding !== undefined && query.encoding !== 'json') {
      this.closeConn(conn, CloseCode.DecodeError, 'Only encoding=json is supported by FakeDiscord');
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
      this.closeConn(conn, CloseCode.DecodeError, 'Binary payloads are not supported');
      return;
    }
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(rawToString(raw)) as { op?: unknown; d?: unknown };
    } catch {
      this.closeConn(conn, CloseCode.DecodeError, 'Error while decoding payload');
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
          this.closeConn(conn, CloseCode.NotAuthenticated, 'Not authenticated');
          return;
        }
        if (payload.op === 3 && isObj(d)) this.presenceUpdates.push(d);
        if (payload.op === 8 && isObj(d)) this.onRequestGuildMembers(conn.session, d);
        return;
      default:
        this.closeConn(conn, CloseCode.UnknownOpcode, 'Unknown opcode');
    }
  }

  private onIdentify(conn: Conn, d: Json): void {
    if (conn.session) {
      this.closeConn(conn, CloseCode.AlreadyAuthenticated, 'Already authenticated');
      return;
    }
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot /, '') : '';
    if (!token || (this.opts.token !== undefined && token !== this.opts.token)) {
      this.closeConn(conn, CloseCode.AuthenticationFailed, 'Authentication failed');
      return;
    }
    if (typeof d.intents !== 'number') {
      this.closeConn(conn, CloseCode.InvalidIntents, 'Invalid intent(s)');
      return;
    }
    // events/gateway "Gateway Restrictions": "If you pass a privileged intent in the intents parameter without
    // configuring it in your app's settings, or being approved for it during verification, your Gateway
    // connection will be closed with a 4014 close code."
    const allowed = this.opts.privilegedIntents;
    const disallowed = [
      ...(d.intents & Intents.MessageContent && !allowed.messageContent ? ['MESSAGE_CONTENT'] : []),
      ...(d.intents & Intents.GuildMembers && !allowed.guildMembers ? ['GUILD_MEMBERS'] : []),
      ...(d.intents & Intents.GuildPresences && !allowed.guildPresences ? ['GUILD_PRESENCES'] : []),
    ];
    if (disallowed.length) {
      this.disallowedIdentifies.push({ intents: d.intents, disallowed, at: Date.now() });
      this.closeConn(conn, CloseCode.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    let shard: [number, number] = [0, 1];
    const shardSpecified = Array.isArray(d.shard);
    if (Array.isArray(d.shard)) {
      const [id, count] = d.shard as unknown[];
      if (typeof id !== 'number' || typeof count !== 'number' || count < 1 || id < 0 || id >= count) {
        this.closeConn(conn, CloseCode.InvalidShard, 'Invalid shard');
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
      for (const g of guilds) this.dispatch(session, 'GUILD_CREATE', this.guildCreatePayload(g, session));
    }
  }

  private onResume(conn: Conn, d: Json): void {
    if (conn.session) {
      this.closeConn(conn, CloseCode.AlreadyAuthenticated, 'Already authenticated');
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

  /** A GUILDS-intent event (CHANNEL_*, GUILD_ROLE_*, THREAD_*) to the shards of a guild. */
  private dispatchGuild(guildId: string, t: string, d: unknown): void {
    for (const s of this.sessionsForGuild(guildId)) if (s.intents & Intents.Guilds) this.dispatch(s, t, d);
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

  /**
   * Whether the bot can see a channel, and so gets its events: View Channel (on the parent, for a
   * thread); private threads also need the bot to be a member or to have Manage Threads
   * (topics/threads "Public & Private Threads", "Permissions").
   */
  private botCanView(channel: ApiChannel): boolean {
    if (!channel.guild_id) return true;
    const perms = this.computePermissions(channel.id);
    if ((perms & Perm.ViewChannel) === 0n) return false;
    if (channel.type === ChannelType.PrivateThread) {
      return this.threadMembers.get(channel.id)?.has(this.botUser.id) === true || (perms & Perm.ManageThreads) !== 0n;
    }
    return true;
  }

  /**
   * Message content visibility (events/gateway "Message Content Intent"): without the intent, apps
   * get empty `content`, `embeds`, `attachments`, `components` and `poll`, except in messages the app
   * sends, DMs with the app, and messages that mention it.
   */
  private contentVisible(message: ApiMessage, hasIntent: boolean): boolean {
    if (hasIntent || message.author.id === this.botUser.id) return true;
    if (this.channels.get(message.channel_id)?.type === ChannelType.DM) return true;
    return message.mentions.some((u) => u.id === this.botUser.id);
  }

  private withContentRule(message: ApiMessage, hasIntent: boolean): ApiMessage {
    const strip = (m: ApiMessage): ApiMessage => {
      if (this.contentVisible(m, hasIntent)) return m;
      const { poll: _p, ...rest } = m;
      return { ...rest, content: '', embeds: [], attachments: [], components: [] };
    };
    const out = strip(message);
    if (out.referenced_message) return { ...out, referenced_message: strip(out.referenced_message) };
    return out;
  }

  /** MESSAGE_CREATE / MESSAGE_UPDATE with intent filtering, channel visibility and the content rule. */
  private dispatchMessageEvent(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: ApiMessage): void {
    const channel = this.channels.get(message.channel_id);
    if (!channel) return;
    const isDM = channel.type === ChannelType.DM;
    // The gateway only sends a guild channel's messages to users who can view it.
    if (!isDM && !this.botCanView(channel)) return;
    for (const session of this.sessionsForChannel(channel)) {
      const needed = isDM ? Intents.DirectMessages : Intents.GuildMessages;
      if (!(session.intents & needed)) continue;
      const payload: ApiMessage = this.withContentRule(clone(message), (session.intents & Intents.MessageContent) !== 0);
      payload.channel_type = channel.type;
      this.dispatch(session, t, payload);
    }
  }

  /** Thread as sent in GUILD_CREATE / THREAD_CREATE / GET: with the bot's thread member object if it joined. */
  private threadPayload(thread: ApiChannel): Json {
    const joined = this.threadMembers.get(thread.id)?.get(this.botUser.id);
    return {
      ...clone(thread),
      ...(joined ? { member: { id: thread.id, user_id: this.botUser.id, join_timestamp: joined, flags: 0 } } : {}),
    };
  }

  private guildCreatePayload(g: GuildState, session?: Session): Json {
    // events/gateway-events "Guild Create": "If your bot does not have the GUILD_PRESENCES Gateway Intent …, members
    // and presences returned in this event will only contain your bot and users in voice channels."
    const members = [...g.members.values()].filter((m) => !session || session.intents & Intents.GuildPresences || m.user.id === this.botUser.id);
    const channels = g.channelIds.map((id) => this.channels.get(id)).filter((c): c is ApiChannel => c !== undefined);
    // "threads: All active threads in the guild that current user has permission to view".
    const threads = g.threadIds
      .map((id) => this.channels.get(id))
      .filter((c): c is ApiChannel => c !== undefined && this.botCanView(c))
      .map((t) => this.threadPayload(t));
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
      roles: [...g.roles.values()].map((r) => this.roleJson(r)),
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
      members: clone(members),
      channels: clone(channels).map(({ guild_id: _gid, ...c }) => c),
      threads,
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private roleJson(role: RoleState): Json {
    return {
      id: role.id,
      name: role.name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: role.position,
      permissions: String(role.permissions),
      managed: role.managed,
      mentionable: false,
      flags: 0,
      ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
    };
  }

  private createInteraction(args: { type: number; channelId: string; userId: string; data: Json; message?: ApiMessage }): string {
    const channel = this.channels.get(args.channelId);
    if (!channel) throw new Error(`unknown channel ${args.channelId}`);
    const user = this.users.get(args.userId) ?? this.upsertUser(args.userId, `user${args.userId.slice(-4)}`);
    const guild = channel.guild_id ? this.guilds.get(channel.guild_id) : undefined;
    const id = this.snowflakes.next();
    const token = `fake-interaction-token.${id}.${randomBytes(12).toString('hex')}`;
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type: args.type,
      data: args.data,
      channel_id: channel.id,
      channel: clone(channel),
      token,
      version: 1,
      // "app_permissions: Bitwise set of permissions the app has in the source location of the interaction"
      app_permissions: String(this.computePermissions(channel.id)),
      locale: 'en-US',
      entitlements: [],
      attachment_size_limit: MAX_FILE_BYTES,
      ...(args.message ? { message: clone(args.message) } : {}),
    };
    if (guild) {
      const member = guild.members.get(user.id);
      if (!member) throw new Error(`user ${user.id} is not a member of guild ${guild.id}`);
      payload.guild_id = guild.id;
      payload.guild = { id: guild.id, locale: 'en-US', features: [] };
      payload.guild_locale = 'en-US';
      // "member: Guild member data for the invoking user, including permissions" (in this channel).
      payload.member = { ...clone(member), permissions: String(this.computePermissions(channel.id, user.id)) };
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
      createdAt: Date.now(),
      expired: false,
    });
    // Interactions arrive whether or not the bot can view the channel (app_permissions tells it what it may do).
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
      if (raw.length > MAX_REQUEST_BYTES + 1024 * 1024) throw new HttpError(413, ErrorCode.RequestEntityTooLarge, 'Request entity too large');
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
      const ctx: Ctx = {
        method,
        path,
        params,
        query: url.searchParams,
        body: isObj(parsed.json) ? parsed.json : {},
        rawJson: parsed.json,
        files: parsed.files,
      };
      const result = await route.handler(ctx);
      if (result === NO_CONTENT) status = 204;
      else {
        body = result;
        status = ctx.status ?? 200;
      }
    } catch (e) {
      if (e instanceof HttpError) {
        status = e.status;
        body = { message: e.message, code: e.code, ...(e.errors ? { errors: e.errors } : {}) };
        if (e.problems) {
          this.violationLog.push({
            method,
            path,
            status,
            code: e.code,
            message: e.message,
            ...(e.errors ? { errors: e.errors } : {}),
            problems: e.problems,
            at: Date.now(),
          });
        }
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
      // resources/application "Application Flags": GATEWAY_PRESENCE (1<<12), GATEWAY_GUILD_MEMBERS (1<<14),
      // GATEWAY_MESSAGE_CONTENT (1<<18) — the privileged intents the (verified) app is approved for.
      flags:
        (this.opts.privilegedIntents.guildPresences ? 1 << 12 : 0) |
        (this.opts.privilegedIntents.guildMembers ? 1 << 14 : 0) |
        (this.opts.privilegedIntents.messageContent ? 1 << 18 : 0),
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
    // List Guild Channels "Does not include threads".
    this.route('GET', '/guilds/:guildId/channels', ({ params }) => guildOr404(params.guildId).channelIds.map((id) => clone(this.channels.get(id))));
    this.route('GET', '/guilds/:guildId/threads/active', ({ params }) => {
      const g = guildOr404(params.guildId);
      const threads = g.threadIds.map((id) => this.channels.get(id)).filter((c): c is ApiChannel => c !== undefined && this.botCanView(c));
      return {
        threads: threads.map((t) => clone(t)),
        members: threads
          .filter((t) => this.threadMembers.get(t.id)?.has(this.botUser.id))
          .map((t) => ({ id: t.id, user_id: this.botUser.id, join_timestamp: this.threadMembers.get(t.id)?.get(this.botUser.id), flags: 0 })),
      };
    });
    this.route('GET', '/guilds/:guildId/roles', ({ params }) => [...guildOr404(params.guildId).roles.values()].map((r) => this.roleJson(r)));
    this.route('GET', '/guilds/:guildId/members', ({ params, query }) => {
      const g = guildOr404(params.guildId);
      // events/gateway "HTTP Restrictions": "to use the List Guild Members endpoint, your app must enable the GUILD_MEMBERS
      // intent"; without it Discord answers 403 50001 Missing Access (bwmarrin/discordgo#820, discord-net/Discord.Net#1908).
      if (!this.opts.privilegedIntents.guildMembers) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
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
    this.route('GET', '/channels/:channelId', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      if (channel.guild_id && !this.botCanView(channel)) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
      return isThread(channel) ? this.threadPayload(channel) : clone(channel);
    });
    this.route('POST', '/channels/:channelId/typing', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      this.guardChannelWrite(channel, {}, [], 'typing');
      this.typing.push({ channelId: channel.id, at: Date.now() });
      return NO_CONTENT;
    });
    this.route('GET', '/channels/:channelId/messages', ({ params, query }) => {
      const channel = this.channelOr404(params.channelId);
      if (channel.guild_id) {
        if (!this.botCanView(channel)) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
        // Get Channel Messages: "If the current user is missing the READ_MESSAGE_HISTORY permission in the channel, then no messages will be returned."
        if ((this.computePermissions(channel.id) & Perm.ReadMessageHistory) === 0n) return [];
      }
      const limit = Math.min(Number(query.get('limit') ?? '50'), 100);
      return [...this.messages.values()]
        .filter((m) => m.data.channel_id === channel.id && !m.deleted && !m.ephemeral)
        .map((m) => this.restMessage(m))
        .reverse()
        .slice(0, limit);
    });
    this.route('POST', '/channels/:channelId/messages', ({ params, body, files }) => {
      const channel = this.channelOr404(params.channelId);
      this.checkLimits(body, files, []);
      const { body: allowed, dropped } = this.guardChannelWrite(channel, body, files, 'create');
      const stored = this.createBotMessage(channel, allowed, files, { source: 'rest', ...(dropped ? { droppedEmbeds: dropped } : {}) });
      return clone(stored.data);
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      if (channel.guild_id) {
        if (!this.botCanView(channel)) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
        // Get Channel Message "requires the current user to have the VIEW_CHANNEL and READ_MESSAGE_HISTORY permissions".
        if ((this.computePermissions(channel.id) & Perm.ReadMessageHistory) === 0n)
          throw new HttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
      }
      return this.restMessage(this.messageOr404(channel.id, params.messageId));
    });
    this.route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
      const channel = this.channelOr404(params.channelId);
      const stored = this.messageOr404(channel.id, params.messageId);
      if (stored.data.author.id !== this.botUser.id) {
        throw new HttpError(403, ErrorCode.CannotEditOtherUsersMessage, 'Cannot edit a message authored by another user');
      }
      this.checkLimits(body, files, []);
      const { body: allowed, dropped } = this.guardChannelWrite(channel, body, files, 'edit');
      if (dropped) stored.droppedEmbeds = dropped;
      this.editMessage(stored, allowed, files, { via: 'rest' });
      return clone(stored.data);
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      const stored = this.messageOr404(channel.id, params.messageId);
      if (channel.guild_id) {
        if (!this.botCanView(channel)) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
        if (stored.data.author.id !== this.botUser.id && (this.computePermissions(channel.id) & Perm.ManageMessages) === 0n) {
          throw new HttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
        }
      }
      this.deleteMessage(stored);
      return NO_CONTENT;
    });
    this.route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }) => {
      const channel = this.channelOr404(params.channelId);
      const msg = this.messageOr404(channel.id, params.messageId);
      if (channel.guild_id) {
        if (!this.botCanView(channel)) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
        // Create Reaction "requires the READ_MESSAGE_HISTORY permission … Additionally, if nobody else has reacted … ADD_REACTIONS".
        const need = Perm.ReadMessageHistory | Perm.AddReactions;
        if ((this.computePermissions(channel.id) & need) !== need) throw new HttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
      }
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
        this.checkLimits(body, files, []);
        const channel = this.channelOr404(interaction.channelId);
        const original = interaction.originalMessageId ? this.messages.get(interaction.originalMessageId) : undefined;
        if (
          interaction.responseType === CallbackType.DeferredChannelMessageWithSource &&
          original &&
          !original.deleted &&
          (original.data.flags & MessageFlags.Loading) !== 0
        ) {
          // Create Followup Message: "When using this endpoint directly after responding to an interaction with
          // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, this endpoint will function as Edit Original Interaction Response
          // … The ephemeral flag will be ignored".
          const { flags: _f, ...rest } = body;
          this.editMessage(original, rest, files, { via: 'webhook', interactionId: interaction.id });
          return query.get('wait') === 'true' ? clone(original.data) : NO_CONTENT;
        }
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
        this.checkLimits(body, files, []);
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
        if (params.appId !== this.applicationId) throw new HttpError(404, ErrorCode.UnknownApplication, 'Unknown Application');
        if (guildScoped) return guildOr404(params.guildId).id;
        return undefined;
      };
      const list = (guildId: string | undefined): RegisteredCommand[] => [...this.commandStore.values()].filter((c) => c.guild_id === guildId);
      const one = (guildId: string | undefined, id: string | undefined): RegisteredCommand => {
        const cmd = id ? this.commandStore.get(id) : undefined;
        if (!cmd || cmd.guild_id !== guildId) throw new HttpError(404, ErrorCode.UnknownApplicationCommand, 'Unknown application command');
        return cmd;
      };
      const validate = (check: (e: FormErrors) => void): void => {
        const e = new FormErrors();
        check(e);
        if (!e.empty) throw formError(e);
      };
      this.route('GET', base, ({ params }) => clone(list(scope(params))));
      this.route('GET', `${base}/:commandId`, ({ params }) => clone(one(scope(params), params.commandId)));
      // Bulk Overwrite: "Takes a list of application commands, overwriting the existing command list".
      this.route('PUT', base, ({ params, rawJson }) => {
        const guildId = scope(params);
        validate((e) => checkCommandList(e, rawJson));
        const arr = (rawJson as unknown[]).filter(isObj);
        const previous = list(guildId);
        for (const c of previous) this.commandStore.delete(c.id);
        const out = arr.map((b) => {
          const existing = previous.find((c) => c.name === b.name && c.type === (b.type ?? 1));
          const cmd = this.storeCommand(guildId, b, existing);
          return cmd;
        });
        return clone(out);
      });
      this.route('POST', base, (ctx) => {
        const guildId = scope(ctx.params);
        validate((e) => checkCommand(e, ctx.body));
        // "Creating a command with the same name as an existing command for your application will overwrite the old command."
        const existing = list(guildId).find((c) => c.name === ctx.body.name && c.type === (ctx.body.type ?? 1));
        if (!existing) {
          const tooMany = countLimitProblem([...list(guildId), ctx.body]);
          if (tooMany)
            throw new HttpError(
              400,
              ErrorCode.MaxApplicationCommands,
              `Maximum number of application commands reached (${Limits.globalChatInput})`,
              undefined,
              [tooMany],
            );
        }
        ctx.status = existing ? 200 : 201;
        return clone(this.storeCommand(guildId, ctx.body, existing));
      });
      this.route('PATCH', `${base}/:commandId`, ({ params, body }) => {
        const guildId = scope(params);
        const existing = one(guildId, params.commandId);
        const { id: _i, application_id: _a, version: _v, guild_id: _g, ...current } = existing;
        const merged: Json = { ...current, ...body, type: existing.type };
        validate((e) => checkCommand(e, merged));
        return clone(this.storeCommand(guildId, merged, existing));
      });
      this.route('DELETE', `${base}/:commandId`, ({ params }) => {
        const guildId = scope(params);
        this.commandStore.delete(one(guildId, params.commandId).id);
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

  /**
   * A message as the HTTP API returns it. Privileged intents also restrict the HTTP API, independently
   * of what was passed to IDENTIFY (events/gateway "HTTP Restrictions"), so an app not allowed Message
   * Content gets other users' messages without content here too.
   */
  private restMessage(stored: StoredMessage): ApiMessage {
    return this.withContentRule(clone(stored.data), this.opts.privilegedIntents.messageContent);
  }

  /** Every limit of a message body (create or edit, any route); 400 and a recorded violation when broken. */
  private checkLimits(body: Json, files: RecordedFile[], path: Array<string | number>): void {
    const e = new FormErrors();
    checkMessageBody(e, body, path);
    if (!e.empty) throw formError(e);
    const listed = Array.isArray(body.attachments) ? body.attachments.length : 0;
    if (files.length > Limits.attachments || listed > Limits.attachments) {
      throw new HttpError(400, ErrorCode.MaxAttachments, `Maximum number of attachments in a message reached (${Limits.attachments})`, undefined, [
        `${files.length} file(s) uploaded, ${listed} attachment(s) listed: at most ${Limits.attachments}`,
      ]);
    }
    // reference "Uploading Files": the upload limit "applies to each file in a request".
    if (files.some((f) => f.data.length > MAX_FILE_BYTES)) throw new HttpError(413, ErrorCode.RequestEntityTooLarge, 'Request entity too large');
  }

  /**
   * The bot's permission checks for writing to a guild channel over REST, in Discord's order.
   * Interaction responses and follow-ups do not come through here: they are webhooks and do not
   * need the bot's channel permissions (change-log 2022-06-29: only MENTION_EVERYONE,
   * SEND_TTS_MESSAGES and USE_EXTERNAL_EMOJIS follow the bot's permissions there; "ATTACH_FILES and
   * EMBED_LINKS … no longer the case").
   */
  private guardChannelWrite(channel: ApiChannel, body: Json, files: RecordedFile[], kind: 'create' | 'edit' | 'typing'): { body: Json; dropped?: Json[] } {
    if (!channel.guild_id) return { body };
    if (kind !== 'edit' && (THREAD_ONLY_TYPES.has(channel.type) || channel.type === ChannelType.GuildCategory)) {
      // topics/threads "Forums": "Messages cannot be sent directly in forum channels."
      throw new HttpError(400, ErrorCode.CannotSendInNonTextChannel, 'Cannot send messages in a non-text channel');
    }
    if (!this.botCanView(channel)) throw new HttpError(403, ErrorCode.MissingAccess, 'Missing Access');
    const perms = this.computePermissions(channel.id);
    const has = (p: bigint): boolean => (perms & p) === p;
    if (kind !== 'edit') {
      // topics/permissions "Inherited Permissions (Threads)": "The SEND_MESSAGES permission is not inherited;
      // users must have SEND_MESSAGES_IN_THREADS to send a message in a thread".
      const send = isThread(channel) ? Perm.SendMessagesInThreads : Perm.SendMessages;
      if (!has(send)) throw new HttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
    }
    if (kind === 'typing') return { body };
    // Create Message "Limitations": "When creating a message as a reply to another message, the current user must
    // have the READ_MESSAGE_HISTORY permission." Discord answers 403 with code 160002 (the status is from bots that hit
    // it, e.g. Voxel-Fox-Ltd/Flower#63 "403 Forbidden (error code: 160002)").
    const ref = body.message_reference;
    if (kind === 'create' && isObj(ref) && (ref.type ?? 0) === 0 && !has(Perm.ReadMessageHistory)) {
      throw new HttpError(403, ErrorCode.CannotReplyWithoutReadHistory, 'Cannot reply without permission to read message history');
    }
    // ATTACH_FILES "Allows for uploading images and files"; uploads without it are refused with 403 50013
    // (discord-api-docs PR #7 documented Upload File as requiring SEND_MESSAGES and ATTACH_FILES; bots report
    // "403 Forbidden (error code: 50013): Missing Permissions" from send_files, e.g. Kilvoctu/aiyabot#182).
    if (files.length > 0 && !has(Perm.AttachFiles)) throw new HttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
    // Without EMBED_LINKS Discord accepts the message and silently drops its embeds; with nothing else left it
    // is an empty message (discord-api-docs#5648: the embed "Ignores embed and calls it 'empty' if you have no
    // content"; Spoffy/EcoDiscordPlugin#47: "the embed would simply not be shown").
    if (Array.isArray(body.embeds) && body.embeds.length > 0 && !has(Perm.EmbedLinks)) {
      return { body: { ...body, embeds: [] }, dropped: clone(body.embeds.filter(isObj)) };
    }
    return { body };
  }

  private interactionForWebhook(appId: string | undefined, token: string | undefined): StoredInteraction {
    const interaction = [...this.interactions.values()].find((i) => i.token === token);
    if (!interaction || appId !== this.applicationId) throw new HttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    // After the 15 minutes Discord answers 401 50027; before that, a token whose interaction was never
    // acknowledged (or timed out) is 404 Unknown Webhook (discord-api-docs#6851, discord.py#9578).
    if (Date.now() - interaction.createdAt > this.opts.interactionTokenMs) throw new HttpError(401, ErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
    if (!interaction.responded) throw new HttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
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
    const type = typeof body.type === 'number' ? body.type : -1;
    const now = Date.now();
    const delayMs = now - interaction.createdAt;
    // "you must send an initial response within 3 seconds of receiving the event. If the 3 second deadline is
    // exceeded, the token will be invalidated." — the late callback gets 404 10062 Unknown interaction.
    if (!interaction.responded && (interaction.expired || delayMs > this.opts.interactionAckMs)) {
      interaction.expired = true;
      this.lateCallbacks.push({ interactionId: id, type, delayMs, at: now });
      throw new HttpError(404, ErrorCode.UnknownInteraction, 'Unknown interaction');
    }
    if (interaction.responded) {
      throw new HttpError(400, ErrorCode.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged.');
    }
    const data = isObj(body.data) ? body.data : undefined;
    const flags = typeof data?.flags === 'number' ? data.flags : 0;
    const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
    const channel = this.channelOr404(interaction.channelId);
    const isComponent = interaction.type === InteractionType.MessageComponent || (interaction.type === InteractionType.ModalSubmit && !!interaction.messageId);
    const isAutocomplete = interaction.type === InteractionType.ApplicationCommandAutocomplete;
    const invalid = (msg: string): HttpError => {
      const e = new FormErrors();
      e.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', msg);
      return formError(e);
    };
    // receiving-and-responding "Interaction Callback Type": 8 answers autocomplete only; 6/7 components only;
    // an autocomplete interaction can only be answered with 8; a modal cannot answer a modal submit or autocomplete.
    if (isAutocomplete && type !== CallbackType.AutocompleteResult)
      throw invalid('An autocomplete interaction can only be answered with APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (8)');
    if (!isAutocomplete && type === CallbackType.AutocompleteResult)
      throw invalid('APPLICATION_COMMAND_AUTOCOMPLETE_RESULT is only valid for autocomplete interactions');
    if (type === CallbackType.Modal && interaction.type === InteractionType.ModalSubmit) throw invalid('A modal submit cannot be answered with another modal');
    const e = new FormErrors();
    if (type === CallbackType.AutocompleteResult) checkAutocompleteResult(e, data);
    if (type === CallbackType.Modal) checkModal(e, data);
    if (!e.empty) throw formError(e);
    if (type === CallbackType.ChannelMessageWithSource || type === CallbackType.UpdateMessage) this.checkLimits(data ?? {}, files, ['data']);

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
    interaction.acknowledgedAt = now;
    this.interactionResponses.push({
      interactionId: id,
      token,
      type,
      data: data ? clone(data) : undefined,
      files,
      ephemeral,
      ...(messageId ? { messageId } : {}),
      at: now,
      delayMs,
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

  /** Stores a validated command definition as Discord returns it; `version` changes only when the definition does. */
  private storeCommand(guildId: string | undefined, body: Json, existing: RegisteredCommand | undefined): RegisteredCommand {
    const { id: _i, application_id: _a, version: _v, guild_id: _g, ...def } = body;
    const cmd: RegisteredCommand = {
      ...def,
      id: existing?.id ?? this.snowflakes.next(),
      application_id: this.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      name: String(body.name),
      description: typeof body.description === 'string' ? body.description : '',
      type: typeof body.type === 'number' ? body.type : 1,
      default_member_permissions: typeof body.default_member_permissions === 'string' ? body.default_member_permissions : null,
      nsfw: body.nsfw === true,
      version: '',
    };
    const same = existing !== undefined && stableJson(definitionOf(existing)) === stableJson(definitionOf(cmd));
    cmd.version = same ? existing.version : this.snowflakes.next();
    this.commandStore.set(cmd.id, cmd);
    return cmd;
  }

  /** "At least one of content, embeds, sticker_ids, components, files[n], poll … is required." */
  private checkNotEmpty(body: Json, files: RecordedFile[]): void {
    const hasContent = typeof body.content === 'string' && body.content.trim() !== '';
    const hasEmbeds = Array.isArray(body.embeds) && body.embeds.length > 0;
    const hasComponents = Array.isArray(body.components) && body.components.length > 0;
    const hasStickers = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
    if (!hasContent && !hasEmbeds && !hasComponents && !hasStickers && files.length === 0 && !isObj(body.poll)) {
      throw new HttpError(400, ErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
    }
  }

  private createBotMessage(
    channel: ApiChannel,
    body: Json,
    files: RecordedFile[],
    ctx: { source: StoredMessage['source']; interaction?: StoredInteraction; allowEmpty?: boolean; droppedEmbeds?: Json[] },
  ): StoredMessage {
    if (!ctx.allowEmpty) this.checkNotEmpty(body, files);
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
      ...(ctx.droppedEmbeds ? { droppedEmbeds: ctx.droppedEmbeds } : {}),
    };
    this.messages.set(id, stored);
    if (!ephemeral) {
      this.countMessage(channel, id);
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
    if (isThread(channel) && typeof channel.message_count === 'number') channel.message_count = Math.max(0, channel.message_count - 1);
    if (channel.guild_id && !this.botCanView(channel)) return;
    const d = { id: stored.data.id, channel_id: channel.id, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) };
    const needed = channel.guild_id ? Intents.GuildMessages : Intents.DirectMessages;
    for (const s of this.sessionsForChannel(channel)) if (s.intents & needed) this.dispatch(s, 'MESSAGE_DELETE', d);
  }

  /** A new message in a channel: last_message_id, and the thread counters (topics/threads "Thread Fields"). */
  private countMessage(channel: ApiChannel, messageId: string): void {
    channel.last_message_id = messageId;
    if (isThread(channel)) {
      channel.message_count = (typeof channel.message_count === 'number' ? channel.message_count : 0) + 1;
      channel.total_message_sent = (typeof channel.total_message_sent === 'number' ? channel.total_message_sent : 0) + 1;
    }
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

  // ---- permission plumbing ----

  private guildOrThrow(guildId: string): GuildState {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`unknown guild ${guildId}`);
    return guild;
  }

  private permissionContext(guild: GuildState): GuildPermissionContext {
    return {
      guildId: guild.id,
      ownerId: guild.ownerId,
      rolePermissions: new Map([...guild.roles.values()].map((r) => [r.id, r.permissions])),
    };
  }

  private overwriteBits(channel: ApiChannel | undefined): OverwriteBits[] {
    return (channel?.permission_overwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
  }

  private overwriteJson(o: OverwriteInput): ApiOverwrite {
    const type = o.type === 'member' || o.type === 1 ? 1 : 0;
    return { id: o.id, type, allow: String(toBits(o.allow)), deny: String(toBits(o.deny)) };
  }

  private overwritableChannel(channelId: string): ApiChannel {
    const channel = this.channels.get(channelId);
    if (!channel?.guild_id) throw new Error(`unknown guild channel ${channelId}`);
    if (isThread(channel)) throw new Error(`channel ${channelId} is a thread: threads take their permissions from the parent (${String(channel.parent_id)})`);
    return channel;
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

/** The part of a command that defines it (what a bulk overwrite compares). */
function definitionOf(cmd: RegisteredCommand): Json {
  const { id: _i, application_id: _a, version: _v, guild_id: _g, ...def } = cmd;
  return def;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
