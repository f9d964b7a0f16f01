import { errorId } from '../core/errors.js';
import { IMAGE_FORMAT } from '../core/images/index.js';
import type { Logger } from '../log.js';
import type { Attachment, Embed, ImageJob, Reply } from './reply.js';

/** A reply's picture, drawn after the command's changes are committed. */
export function image(name: string, what: string, render: () => Promise<Buffer>, embed = 0): ImageJob {
  return { name, what, render, embed };
}

export function hasImages(replies: readonly Reply[]): boolean {
  return replies.some((r) => r.images?.length);
}

/**
 * The one image policy. Each picture is drawn through `draw` (the
 * dispatcher's picture queue: two at a time, players in turn), on a picture
 * worker or the event loop (src/core/images/pictures.ts); two in flight keep
 * one drawing while the other is encoded, and bound the pixel buffers in
 * memory at once. Images are a garnish: a reply's changes are already
 * committed when its pictures are drawn, so a picture that fails to draw
 * never turns the reply into an error. The reply goes out with a line that
 * says what happened — the picture is missing, nothing else is — and the
 * failure is logged with the id the line shows.
 */
export async function drawImages(reply: Reply, log: Logger, draw: (render: () => Promise<Buffer>) => Promise<Buffer> = (r) => r()): Promise<Reply> {
  const jobs = reply.images;
  if (!jobs?.length) return reply;
  const results = await Promise.allSettled(jobs.map((j) => draw(() => j.render())));
  const embeds: Embed[] = (reply.embeds ?? []).map((e) => ({ ...e }));
  const attachments: Attachment[] = [...(reply.attachments ?? [])];
  const missing: string[] = [];
  results.forEach((r, i) => {
    const job = jobs[i]!;
    const target = embeds[job.embed ?? 0];
    if (r.status === 'fulfilled') {
      const name = `${job.name}.${IMAGE_FORMAT.ext}`;
      attachments.push({ name, data: r.value, contentType: IMAGE_FORMAT.contentType });
      if (target) target.image = `attachment://${name}`;
      return;
    }
    const id = errorId();
    log.error({ err: r.reason, errorId: id, image: job.name }, 'image render failed; replying without it');
    missing.push(`🖼️ ${capitalise(job.what)} couldn't be drawn this time (error id \`${id}\`) — everything above still happened.`);
  });
  const out: Reply = { ...reply, embeds, attachments, images: undefined };
  if (missing.length) {
    const target = embeds[0];
    if (target) target.description = [target.description, ...missing].filter(Boolean).join('\n');
    else out.content = [reply.content, ...missing].filter(Boolean).join('\n');
  }
  if (!attachments.length) out.attachments = undefined;
  return out;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
