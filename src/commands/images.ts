import type { Attachment, Embed, Reply } from './reply.js';
import type { Services } from './types.js';

/**
 * Images are a garnish: when a render fails the reply still goes out as text
 * (the game change it shows is already committed), and the failure is logged.
 */
export async function tryRender(s: Services, what: string, fn: () => Promise<Buffer>): Promise<Buffer | null> {
  try {
    return await fn();
  } catch (err) {
    s.log.error({ err, what }, 'image render failed; replying with text');
    return null;
  }
}

export function withImage(reply: Reply, embed: Embed, name: string, png: Buffer | null): Reply {
  if (!png) return reply;
  embed.image = `attachment://${name}`;
  const a: Attachment = { name, data: png, contentType: 'image/png' };
  return { ...reply, attachments: [...(reply.attachments ?? []), a] };
}
