/**
 * Shapes used by the fake Discord. These are deliberately loose mirrors of the
 * Discord API v10 objects (snake_case, as on the wire); only the fields the fake
 * produces or reads are typed.
 */

export type Json = Record<string, unknown>;

export interface ApiUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  flags?: number;
  public_flags?: number;
  [key: string]: unknown;
}

export interface ApiMember {
  user: ApiUser;
  nick: string | null;
  roles: string[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  avatar: string | null;
  communication_disabled_until: string | null;
}

export interface ApiOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface ApiChannel {
  id: string;
  type: number;
  name?: string;
  guild_id?: string;
  position?: number;
  permission_overwrites?: ApiOverwrite[];
  parent_id?: string | null;
  topic?: string | null;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  last_message_id: string | null;
  recipients?: ApiUser[];
  flags?: number;
  [key: string]: unknown;
}

export interface ApiAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  description?: string;
  width?: number;
  height?: number;
  ephemeral?: boolean;
}

export interface ApiMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: ApiUser;
  member?: Omit<ApiMember, 'user'>;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: ApiUser[];
  mention_roles: string[];
  attachments: ApiAttachment[];
  embeds: Json[];
  components: Json[];
  pinned: boolean;
  type: number;
  flags: number;
  nonce?: string | number;
  message_reference?: Json;
  referenced_message?: ApiMessage | null;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Json;
  channel_type?: number;
  [key: string]: unknown;
}

/** One uploaded file, as received in a multipart body. */
export interface RecordedFile {
  /** Multipart field name, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

/** A message stored by the fake (sent by users via the test API, or by the bot over REST/interactions). */
export interface StoredMessage {
  /** The API object as last returned / dispatched. */
  data: ApiMessage;
  /** Raw attachment bytes, in `data.attachments` order (keyed by attachment id). */
  files: Map<string, RecordedFile>;
  /** How the message came to exist. */
  source: 'user' | 'rest' | 'interaction' | 'followup';
  interactionId?: string;
  ephemeral: boolean;
  deleted: boolean;
  /** Embeds the bot sent that Discord dropped because the bot lacked Embed Links in the channel. */
  droppedEmbeds?: Json[];
}

export interface EditRecord {
  messageId: string;
  channelId: string;
  via: 'rest' | 'interaction' | 'webhook';
  interactionId?: string;
  before: ApiMessage;
  after: ApiMessage;
  /** Newly uploaded files in this edit. */
  files: RecordedFile[];
  at: number;
}

export interface InteractionResponseRecord {
  interactionId: string;
  token: string;
  /** Interaction callback type: 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number;
  data: Json | undefined;
  files: RecordedFile[];
  ephemeral: boolean;
  /** Message created (4/5) or updated (7) by this response, if any. */
  messageId?: string;
  at: number;
  /** ms between the INTERACTION_CREATE dispatch and this response. */
  delayMs: number;
}

export interface RequestRecord {
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/1/messages`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  files: RecordedFile[];
  status: number;
  at: number;
}

export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  /** RESUME attempts answered with INVALID_SESSION. */
  failedResumes: number;
  heartbeats: number;
  dispatches: number;
}

export interface DispatchRecord {
  sessionId: string;
  shard: [number, number];
  t: string;
  s: number;
  d: unknown;
  /** false when the socket was down and the event was only buffered for replay. */
  delivered: boolean;
}

export interface SessionInfo {
  sessionId: string;
  shard: [number, number];
  intents: number;
  seq: number;
  connected: boolean;
}

export interface StoredInteraction {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId?: string;
  userId: string;
  /** For component interactions: the message the component lives on. */
  messageId?: string;
  responded: boolean;
  responseType?: number;
  /** Message created by a type 4/5 response. */
  originalMessageId?: string;
  payload: Json;
  /** When INTERACTION_CREATE was dispatched (ms epoch). */
  createdAt: number;
  /** When the first callback was accepted. */
  acknowledgedAt?: number;
  /** Not acknowledged within the ack window: the token is dead (callbacks 10062, webhooks 10015). */
  expired: boolean;
}

/** A payload that broke one of Discord's documented limits (answered 400, as Discord does). */
export interface ViolationRecord {
  method: string;
  /** Path after `/api/v10`. */
  path: string;
  status: number;
  /** Discord JSON error code (50035 Invalid Form Body, 30015, 30032 …). */
  code: number;
  message: string;
  /** Discord's nested `errors` tree, when there is one. */
  errors?: Json;
  /** One line per broken rule: `embeds.0.title: Must be 256 or fewer in length. [BASE_TYPE_MAX_LENGTH]`. */
  problems: string[];
  at: number;
}

/** An interaction callback that came after the ack window (answered 404 10062 Unknown interaction). */
export interface LateCallbackRecord {
  interactionId: string;
  /** Callback type the bot tried to send. */
  type: number;
  /** ms after INTERACTION_CREATE. */
  delayMs: number;
  at: number;
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  description: string;
  type: number;
  options?: Json[];
  version: string;
  [key: string]: unknown;
}
