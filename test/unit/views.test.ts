import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/commands/reply.js';
import { ViewRegistry } from '../../src/commands/views.js';

const image = { name: 'pull.jpg', data: Buffer.alloc(200_000, 7), contentType: 'image/jpeg' };

function viewReply(timeoutMs: number): Reply {
  return {
    embeds: [{ title: 'Summon', image: 'attachment://pull.jpg' }],
    attachments: [image],
    components: [[{ type: 'button', customId: 'go', label: 'Go', style: 'primary' }]],
    view: { ownerId: 'alice', timeoutMs, handle: async () => ({ update: { content: 'done' }, done: false }) },
  };
}

describe('ViewRegistry', () => {
  it("lets go of a reply's image bytes and expires into an edit that keeps the message's files", async () => {
    const expired: Reply[] = [];
    const views = new ViewRegistry((_c, _m, reply) => expired.push(reply));
    views.attach('m1', 'c1', viewReply(20));
    await new Promise((r) => setTimeout(r, 60));
    expect(expired).toHaveLength(1);
    expect(expired[0]!.attachments).toBeUndefined();
    expect(expired[0]!.keepFiles).toBe(true);
    expect(expired[0]!.embeds?.[0]?.image).toBe('attachment://pull.jpg');
    expect(expired[0]!.components?.flat().every((c) => c.disabled)).toBe(true);
    views.clear();
  });

  it('a reply without files is kept as it is', async () => {
    const expired: Reply[] = [];
    const views = new ViewRegistry((_c, _m, reply) => expired.push(reply));
    views.attach('m2', 'c1', { ...viewReply(20), attachments: undefined });
    await new Promise((r) => setTimeout(r, 60));
    expect(expired[0]!.keepFiles).toBeUndefined();
    views.clear();
  });
});
