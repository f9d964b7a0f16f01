import { type Dispatcher, warn } from '../../commands/dispatcher.js';
import type { Reply } from '../../commands/reply.js';
import { optionsFromText, SlashInputError, tokensFromOptions } from '../../commands/slash.js';
import type { MemberInfo } from '../../commands/types.js';
import { type PlaygroundMessage, PlaygroundStore } from './store.js';

export interface PostMessageInput {
  userId: string;
  username: string;
  channelId: string;
  guildId: string | null;
  content: string;
}

export interface InteractionInput {
  userId: string;
  username?: string;
  messageId: string;
  customId: string;
  values?: string[];
}

/**
 * The playground as a transport: the same dispatcher and views as Discord,
 * with messages kept in memory and served to the page and the JSON API.
 */
export class PlaygroundTransport {
  readonly store: PlaygroundStore;

  constructor(private readonly dispatcher: Dispatcher) {
    this.store = new PlaygroundStore({
      onWriteError: (err) =>
        dispatcher.services.log.warn({ err }, 'the playground cannot write sent pictures to the temp folder; it keeps the newest 32 MB of them in memory'),
    });
  }

  owns(channelId: string): boolean {
    return this.store.owns(channelId);
  }

  private async resolveMember(userId: string): Promise<MemberInfo | null> {
    const r = await this.dispatcher.services.db.query<{ id: string; username: string }>('SELECT id, username FROM players WHERE id = $1', [userId]);
    const row = r.rows[0];
    return row ? { id: row.id, displayName: row.username || row.id, bot: false } : null;
  }

  /** "@Name" of a known player becomes a mention, so people can type names in the page. */
  private async expandMentions(content: string): Promise<string> {
    const names = [...content.matchAll(/(^|\s)@([\p{L}\p{N}_.-]{1,32})/gu)].map((m) => m[2]!);
    if (names.length === 0) return content;
    const r = await this.dispatcher.services.db.query<{ id: string; username: string }>(
      'SELECT id, username FROM players WHERE lower(username) = ANY($1::text[]) OR id = ANY($2::text[])',
      [names.map((n) => n.toLowerCase()), names],
    );
    let out = content;
    for (const name of names) {
      const hit = r.rows.find((p) => p.username.toLowerCase() === name.toLowerCase()) ?? r.rows.find((p) => p.id === name);
      if (hit) out = out.replace(new RegExp(`(^|\\s)@${escapeRegExp(name)}(?=\\s|$)`, 'u'), `$1<@${hit.id}>`);
    }
    return out;
  }

  async postMessage(input: PostMessageInput): Promise<PlaygroundMessage[]> {
    this.store.addUserMessage(input.channelId, { id: input.userId, username: input.username }, input.content);
    if (input.content.trimStart().startsWith('/')) return this.postSlash(input);
    if (input.guildId) await this.dispatcher.services.prefixes.load(input.guildId);
    const content = await this.expandMentions(input.content);
    const replies = await this.dispatcher.handleMessage({
      author: { id: input.userId, username: input.username },
      channelId: input.channelId,
      guildId: input.guildId,
      content,
      platform: 'playground',
      botUserId: 'stardust',
      resolveMember: (id) => this.resolveMember(id),
      // In the playground everyone manages their own test server.
      hasManageGuild: async () => true,
    });
    return replies.map((r) => this.send(input.channelId, r, r.ephemeral ? input.userId : undefined));
  }

  /**
   * `/pull 10` typed in the page runs the slash path, as Discord's command box
   * would: the line becomes the options Discord would send (refused like
   * Discord refuses them), then the same tokens and dispatcher; replies name
   * commands with `/` and errors are shown to the player only.
   */
  private async postSlash(input: PostMessageInput): Promise<PlaygroundMessage[]> {
    const line = input.content.trim().slice(1);
    const name = (line.split(/\s+/, 1)[0] ?? '').toLowerCase();
    const registry = this.dispatcher.registry;
    const command = registry.get(name);
    const only = (r: Reply) => [this.send(input.channelId, r, input.userId)];
    if (!command || command.name !== name) {
      const close = command?.name ?? registry.closest(name, (c) => !c.hidden);
      return only(warn(`There is no slash command \`/${name.slice(0, 32)}\`.${close ? ` Did you mean \`/${registry.get(close)?.name ?? close}\`?` : ''}`));
    }
    let tokens: string[];
    try {
      tokens = tokensFromOptions(command, optionsFromText(command, line.slice(name.length)));
    } catch (err) {
      if (err instanceof SlashInputError) return only(warn(err.message));
      throw err;
    }
    const replies = await this.dispatcher.handleSlash({
      author: { id: input.userId, username: input.username },
      channelId: input.channelId,
      guildId: input.guildId,
      command: command.name,
      tokens,
      platform: 'playground',
      resolveMember: (id) => this.resolveMember(id),
      hasManageGuild: async () => true,
    });
    return replies.map((r) => this.send(input.channelId, r, r.ephemeral || r.error ? input.userId : undefined));
  }

  /** Sends a bot message (command replies and announcements) and arms its view. */
  send(channelId: string, reply: Reply, visibleTo?: string): PlaygroundMessage {
    const msg = this.store.addBotMessage(channelId, reply, visibleTo);
    if (reply.view) this.dispatcher.views.attach(msg.id, channelId, reply);
    return msg;
  }

  edit(messageId: string, reply: Reply): PlaygroundMessage | undefined {
    return this.store.editBotMessage(messageId, reply);
  }

  async interact(input: InteractionInput): Promise<{ replies: PlaygroundMessage[]; edits: PlaygroundMessage[] }> {
    const msg = this.store.get(input.messageId);
    if (!msg) throw new PlaygroundInputError(404, 'No such message.');
    const component = msg.components.find((c) => c.customId === input.customId);
    if (!component) throw new PlaygroundInputError(400, 'That message has no such button or menu.');
    if (component.disabled) return { replies: [this.send(msg.channelId, { content: '⚠️ That control is disabled.' }, input.userId)], edits: [] };
    const res = await this.dispatcher.handleComponent(input.messageId, {
      userId: input.userId,
      username: input.username ?? input.userId,
      customId: input.customId,
      values: input.values ?? [],
    });
    const edits: PlaygroundMessage[] = [];
    if (res.update) {
      const edited = this.edit(input.messageId, res.update);
      if (edited) edits.push(edited);
    }
    const replies = res.followUps.map((r) => this.send(msg.channelId, r));
    if (res.ephemeral) replies.push(this.send(msg.channelId, res.ephemeral, input.userId));
    return { replies, edits };
  }
}

export class PlaygroundInputError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
