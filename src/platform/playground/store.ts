import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment, Component, Embed, Reply } from '../../commands/reply.js';

/** A message as the playground page and its JSON API show it. */
export interface PlaygroundMessage {
  id: string;
  channelId: string;
  author: { id: string; username: string; bot: boolean };
  content: string;
  embeds: Array<Omit<Embed, 'fields'> & { fields: NonNullable<Embed['fields']> }>;
  attachments: Array<{ name: string; url: string; contentType: string }>;
  components: Array<PlaygroundComponent>;
  ephemeral: boolean;
  /** Only this user sees it (ephemeral replies). */
  visibleTo?: string;
  createdAt: string;
  editedAt?: string;
}

export type PlaygroundComponent = (
  | { type: 'button'; customId: string; label: string; style: string; emoji?: string }
  | {
      type: 'select';
      customId: string;
      placeholder?: string;
      options: Array<{ label: string; value: string; description?: string; emoji?: string }>;
      minValues: number;
      maxValues: number;
    }
) & { disabled: boolean; row: number };

export interface ChannelEvent {
  seq: number;
  kind: 'create' | 'update';
  message: PlaygroundMessage;
}

/*
 * Memory (the bot's budget is a 512 MB instance, and a busy playground must
 * not go on holding what a minute ago's load sent): a channel keeps its last
 * 500 events, all channels together their last 2,000. Sent pictures go to a
 * folder of their own in the system's temp folder as soon as they are sent,
 * and are served from there; only those not yet written are in memory (at
 * most 32 MB: under a burst the oldest unwritten go first). Kept on disk: the
 * newest 256 MB. A page reloaded later gets a 404 for pictures that are gone.
 * (Kept in memory, a load's last 64 MB of ~100 KB pictures stayed in the
 * process's heap long after the load: glibc can't hand such a heap back.)
 */
const MAX_EVENTS_PER_CHANNEL = 500;
const MAX_EVENTS = 2_000;
const MAX_UNWRITTEN_BYTES = 32 * 1024 * 1024;
const MAX_KEPT_BYTES = 256 * 1024 * 1024;

/** A sent picture: its bytes until they are written to `path`. */
export interface KeptFile {
  name: string;
  contentType: string;
  size: number;
  data?: Buffer;
  path?: string;
}

export interface PlaygroundStoreOptions {
  /** Where the folder of sent pictures is made (default: the system's temp folder). */
  parentDir?: string;
  maxKeptBytes?: number;
  maxUnwrittenBytes?: number;
  /** Told once if pictures can't be written (they are then kept in memory only, within its bound). */
  onWriteError?: (err: unknown) => void;
}

/**
 * The playground's channels: messages, their pictures and a per-channel event
 * feed the page polls (so edits from expired views and announcements show up).
 * Bounded: old events and attachments are dropped first.
 */
export class PlaygroundStore {
  private seq = 0;
  private nextId = BigInt(Date.now()) << 22n;
  private readonly messages = new Map<string, PlaygroundMessage>();
  private readonly events = new Map<string, ChannelEvent[]>();
  /** Oldest first. */
  private readonly files = new Map<string, KeptFile>();
  private keptBytes = 0;
  private unwrittenBytes = 0;
  private folder?: Promise<string>;
  private writeFailed = false;
  private readonly parentDir: string;
  private readonly maxKeptBytes: number;
  private readonly maxUnwrittenBytes: number;
  private eventCount = 0;

  constructor(private readonly opts: PlaygroundStoreOptions = {}) {
    this.parentDir = opts.parentDir ?? tmpdir();
    this.maxKeptBytes = opts.maxKeptBytes ?? MAX_KEPT_BYTES;
    this.maxUnwrittenBytes = opts.maxUnwrittenBytes ?? MAX_UNWRITTEN_BYTES;
  }

  newId(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }

  owns(channelId: string): boolean {
    return this.events.has(channelId);
  }

  touchChannel(channelId: string): void {
    if (!this.events.has(channelId)) this.events.set(channelId, []);
  }

  get(messageId: string): PlaygroundMessage | undefined {
    return this.messages.get(messageId);
  }

  /** A sent picture: its bytes if not yet written, else the file they are in. */
  file(id: string): KeptFile | undefined {
    return this.files.get(id);
  }

  /** Bytes of pictures held in memory (sent, not yet written). */
  get memoryBytes(): number {
    return this.unwrittenBytes;
  }

  /** Deletes the folder of sent pictures (the bot is stopping). */
  async close(): Promise<void> {
    const folder = await this.folder?.catch(() => undefined);
    this.folder = undefined;
    this.files.clear();
    this.keptBytes = this.unwrittenBytes = 0;
    if (folder) await rm(folder, { recursive: true, force: true });
  }

  /** Stores a user's message in the feed. */
  addUserMessage(channelId: string, author: { id: string; username: string }, content: string): PlaygroundMessage {
    const msg: PlaygroundMessage = {
      id: this.newId(),
      channelId,
      author: { ...author, bot: false },
      content,
      embeds: [],
      attachments: [],
      components: [],
      ephemeral: false,
      createdAt: new Date().toISOString(),
    };
    this.record(msg, 'create');
    return msg;
  }

  addBotMessage(channelId: string, reply: Reply, visibleTo?: string): PlaygroundMessage {
    const id = this.newId();
    const msg = this.render(id, channelId, reply, visibleTo);
    this.record(msg, 'create');
    return msg;
  }

  editBotMessage(messageId: string, reply: Reply): PlaygroundMessage | undefined {
    const old = this.messages.get(messageId);
    if (!old) return undefined;
    const msg = this.render(messageId, old.channelId, reply, old.visibleTo);
    // An edit without new files keeps the old ones (as Discord does).
    if (!reply.attachments) {
      msg.attachments = old.attachments;
      msg.embeds = msg.embeds.map((e, i) => ({ ...e, image: e.image ?? old.embeds[i]?.image }));
    }
    msg.createdAt = old.createdAt;
    msg.editedAt = new Date().toISOString();
    this.record(msg, 'update');
    return msg;
  }

  eventsAfter(channelId: string, after: number, viewer?: string): { events: ChannelEvent[]; seq: number } {
    const list = this.events.get(channelId) ?? [];
    return {
      events: list.filter((e) => e.seq > after && (!e.message.visibleTo || e.message.visibleTo === viewer)),
      seq: this.seq,
    };
  }

  private record(msg: PlaygroundMessage, kind: ChannelEvent['kind']): void {
    this.messages.set(msg.id, msg);
    this.touchChannel(msg.channelId);
    const list = this.events.get(msg.channelId)!;
    list.push({ seq: ++this.seq, kind, message: msg });
    this.eventCount++;
    if (list.length > MAX_EVENTS_PER_CHANNEL) this.dropOldest(list, list.length - MAX_EVENTS_PER_CHANNEL);
    while (this.eventCount > MAX_EVENTS) {
      // The oldest event of all is the oldest of some channel's.
      let oldest: ChannelEvent[] | undefined;
      for (const l of this.events.values()) if (l.length && (!oldest || l[0]!.seq < oldest[0]!.seq)) oldest = l;
      this.dropOldest(oldest!, 1);
    }
  }

  /**
   * Drops a channel's `n` oldest events, and the messages no kept event shows
   * any more — unless they still have controls to press (a live view: a
   * player may press minutes later, as on Discord; when the view expires its
   * message is edited, and goes with that event).
   */
  private dropOldest(list: ChannelEvent[], n: number): void {
    for (const dropped of list.splice(0, n)) {
      this.eventCount--;
      const id = dropped.message.id;
      const msg = this.messages.get(id);
      if (msg && !msg.components.some((c) => !c.disabled) && !list.some((e) => e.message.id === id)) this.messages.delete(id);
    }
  }

  private storeFile(a: Attachment): string {
    // Random, not sequential: <img> tags can't send the playground token, so an image URL must not be guessable.
    const id = randomBytes(16).toString('hex');
    const file: KeptFile = { name: a.name, contentType: a.contentType, size: a.data.length, data: a.data };
    this.files.set(id, file);
    this.keptBytes += file.size;
    this.unwrittenBytes += file.size;
    this.prune();
    if (!this.writeFailed) void this.write(id, file);
    return `/api/attachments/${id}/${encodeURIComponent(a.name)}`;
  }

  private async write(id: string, file: KeptFile): Promise<void> {
    let path: string | undefined;
    try {
      this.folder ??= mkdtemp(join(this.parentDir, 'stardust-playground-'));
      const folder = await this.folder;
      path = join(folder, id);
      await writeFile(path, file.data!);
    } catch (err) {
      if (this.files.get(id) !== file) return; // dropped, or the store closed, meanwhile
      if (!this.writeFailed) this.opts.onWriteError?.(err);
      this.writeFailed = true;
      return;
    }
    if (this.files.get(id) !== file) {
      // Dropped while it was being written.
      await rm(path, { force: true }).catch(() => {});
      return;
    }
    file.path = path;
    file.data = undefined;
    this.unwrittenBytes -= file.size;
  }

  /** Drops the oldest pictures past the kept bytes, and the oldest unwritten ones past the memory bound. */
  private prune(): void {
    for (const [id, f] of this.files) {
      if (this.keptBytes <= this.maxKeptBytes) break;
      this.drop(id, f);
    }
    for (const [id, f] of this.files) {
      if (this.unwrittenBytes <= this.maxUnwrittenBytes) break;
      if (f.data) this.drop(id, f);
    }
  }

  private drop(id: string, f: KeptFile): void {
    this.files.delete(id);
    this.keptBytes -= f.size;
    if (f.data) this.unwrittenBytes -= f.size;
    if (f.path) void rm(f.path, { force: true }).catch(() => {});
  }

  private render(id: string, channelId: string, reply: Reply, visibleTo?: string): PlaygroundMessage {
    const urls = new Map<string, string>();
    const attachments = (reply.attachments ?? []).map((a) => {
      const url = this.storeFile(a);
      urls.set(a.name, url);
      return { name: a.name, url, contentType: a.contentType };
    });
    const resolve = (u?: string) => (u?.startsWith('attachment://') ? urls.get(u.slice('attachment://'.length)) : u);
    const components: PlaygroundComponent[] = [];
    (reply.components ?? []).forEach((row, r) => row.forEach((c) => components.push(toComponent(c, r))));
    return {
      id,
      channelId,
      author: { id: 'stardust', username: 'Stardust', bot: true },
      content: reply.content ?? '',
      embeds: (reply.embeds ?? []).map((e) => ({ ...e, fields: e.fields ?? [], image: resolve(e.image), thumbnail: resolve(e.thumbnail) })),
      attachments,
      components,
      ephemeral: !!reply.ephemeral || !!visibleTo,
      visibleTo,
      createdAt: new Date().toISOString(),
    };
  }
}

function toComponent(c: Component, row: number): PlaygroundComponent {
  if (c.type === 'button') {
    return { type: 'button', customId: c.customId, label: c.label, style: c.style ?? 'secondary', emoji: c.emoji, disabled: !!c.disabled, row };
  }
  return {
    type: 'select',
    customId: c.customId,
    placeholder: c.placeholder,
    options: c.options,
    minValues: c.minValues ?? 1,
    maxValues: c.maxValues ?? 1,
    disabled: !!c.disabled,
    row,
  };
}
