import type { ComponentUse, Reply, View, ViewResult } from './reply.js';
import { disableComponents } from './reply.js';

export type ViewOutcome =
  | { kind: 'handled'; result: ViewResult; view: View; next: View | undefined }
  | { kind: 'not-yours' }
  | { kind: 'busy' }
  | { kind: 'expired' };

interface Entry {
  view: View;
  channelId: string;
  reply: Reply;
  busy: boolean;
  timer: NodeJS.Timeout;
}

/**
 * Live interactive views by message id, shared by both platforms. Presses
 * from anyone but the owner are refused, a press while another is being
 * handled is dropped, and idle views expire: `onExpire` gets the message with
 * its components disabled so the platform can edit it.
 */
export class ViewRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onExpire: (channelId: string, messageId: string, reply: Reply) => void) {}

  attach(messageId: string, channelId: string, reply: Reply): void {
    if (!reply.view) return;
    this.detach(messageId);
    const entry: Entry = { view: reply.view, channelId, reply: withoutFileData(reply), busy: false, timer: this.arm(messageId, reply.view.timeoutMs) };
    this.entries.set(messageId, entry);
  }

  /** The live view on a message, if any. */
  viewOf(messageId: string): View | undefined {
    return this.entries.get(messageId)?.view;
  }

  has(messageId: string): boolean {
    return this.entries.has(messageId);
  }

  private arm(messageId: string, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => this.expire(messageId), ms);
    t.unref();
    return t;
  }

  private expire(messageId: string): void {
    const e = this.entries.get(messageId);
    if (!e) return;
    this.entries.delete(messageId);
    this.onExpire(e.channelId, messageId, disableComponents(e.reply));
  }

  detach(messageId: string): void {
    const e = this.entries.get(messageId);
    if (e) clearTimeout(e.timer);
    this.entries.delete(messageId);
  }

  async use(messageId: string, use: ComponentUse): Promise<ViewOutcome> {
    const e = this.entries.get(messageId);
    if (!e) return { kind: 'expired' };
    if (use.userId !== e.view.ownerId) return { kind: 'not-yours' };
    if (e.busy) return { kind: 'busy' };
    e.busy = true;
    const used = e.view;
    try {
      const result = await used.handle(use);
      clearTimeout(e.timer);
      if (result.update) {
        // The update may carry a new view (next page) or none (finished).
        const next = result.update.view ?? (result.done ? undefined : e.view);
        e.reply = withoutFileData({ ...result.update, view: next });
        if (next) e.view = next;
      }
      if (result.done) {
        this.entries.delete(messageId);
        if (result.update) result.update = disableComponents(result.update);
        else result.update = disableComponents(e.reply);
      } else {
        e.timer = this.arm(messageId, e.view.timeoutMs);
      }
      return { kind: 'handled', result, view: used, next: this.entries.get(messageId)?.view };
    } finally {
      e.busy = false;
    }
  }

  /** Stops all timers (shutdown, tests). */
  clear(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.entries.clear();
  }
}

/**
 * The reply as a view keeps it: its pictures' bytes are let go (a 10-pull is ~200 KB, and a view
 * lives up to 15 minutes), and a later edit from it keeps the message's files as they are.
 */
function withoutFileData(reply: Reply): Reply {
  if (!reply.attachments?.length) return reply;
  const { attachments: _files, ...rest } = reply;
  return { ...rest, keepFiles: true };
}
