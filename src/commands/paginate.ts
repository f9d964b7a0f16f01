import type { Reply, View } from './reply.js';

/**
 * A Previous/Next view over pages rendered on demand. `render(page)` returns
 * the page's reply (without components); the pager adds the buttons and a
 * "page x of y" footer. Pages are 0-based inside, shown 1-based.
 */
export function paginated(opts: {
  ownerId: string;
  pageCount: number;
  render: (page: number) => Promise<Reply> | Reply;
  start?: number;
  timeoutMs?: number;
  /** Distinguishes several pagers in one message. */
  idPrefix?: string;
}): Promise<Reply> {
  const id = opts.idPrefix ?? 'page';
  const count = Math.max(1, opts.pageCount);
  const build = async (page: number): Promise<Reply> => {
    const base = await opts.render(page);
    const embeds = base.embeds?.map((e, i) =>
      i === base.embeds!.length - 1 ? { ...e, footer: [e.footer, `Page ${page + 1} of ${count}`].filter(Boolean).join(' · ') } : e,
    );
    if (count <= 1) return { ...base, embeds };
    const view: View = {
      ownerId: opts.ownerId,
      timeoutMs: opts.timeoutMs ?? 120_000,
      async handle(use) {
        const next = use.customId === `${id}:prev` ? page - 1 : use.customId === `${id}:next` ? page + 1 : page;
        return { update: await build(Math.min(count - 1, Math.max(0, next))) };
      },
    };
    return {
      ...base,
      embeds,
      components: [
        ...(base.components ?? []),
        [
          { type: 'button', customId: `${id}:prev`, label: 'Previous', emoji: '◀', style: 'secondary', disabled: page === 0 },
          { type: 'button', customId: `${id}:next`, label: 'Next', emoji: '▶', style: 'secondary', disabled: page >= count - 1 },
        ],
      ],
      view,
    };
  };
  return build(Math.min(count - 1, Math.max(0, opts.start ?? 0)));
}
