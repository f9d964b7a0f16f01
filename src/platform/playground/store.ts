import { randomBytes } from 'node:crypto';
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
 * 500 events, all channels together their last 2,000. Sent images: the last
 * 16 MB for as long as they are the last; beyond that an image is kept for
 * 30 s (a page fetches an image as soon as it shows the message, but under
 * load its request can come well after dozens of other images were sent),
 * and never more than 64 MB in all. A page reloaded later gets a 404 for
 * images that are gone.
 */
const MAX_EVENTS_PER_CHANNEL = 500;
const MAX_EVENTS = 2_000;
const KEPT_ATTACHMENT_BYTES = 16 * 1024 * 1024;
const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;
const ATTACHMENT_GRACE_MS = 30_000;

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
  private readonly files = new Map<string, Attachment & { at: number }>();
  private fileBytes = 0;
  private eventCount = 0;

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

  file(id: string): Attachment | undefined {
    return this.files.get(id);
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

  /** `now` is the clock images age by (tests move it). */
  constructor(private readonly now: () => number = Date.now) {
    // Images sent under a load go soon after it, even if nothing is sent after them.
    setInterval(() => this.pruneFiles(), 10_000).unref();
  }

  private storeFile(a: Attachment): string {
    // Random, not sequential: <img> tags can't send the playground token, so an image URL must not be guessable.
    const id = randomBytes(16).toString('hex');
    this.files.set(id, { ...a, at: this.now() });
    this.fileBytes += a.data.length;
    this.pruneFiles();
    return `/api/attachments/${id}/${encodeURIComponent(a.name)}`;
  }

  /** Drops the oldest images past 64 MB, and those older than 30 s past 16 MB. */
  pruneFiles(): void {
    const expired = this.now() - ATTACHMENT_GRACE_MS;
    for (const [k, f] of this.files) {
      if (this.fileBytes <= KEPT_ATTACHMENT_BYTES || (this.fileBytes <= MAX_ATTACHMENT_BYTES && f.at > expired)) break;
      this.files.delete(k);
      this.fileBytes -= f.data.length;
    }
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
