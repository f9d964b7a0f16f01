import { arg } from '../../../src/commands/args.js';
import { Colors, type Reply, type View } from '../../../src/commands/reply.js';
import { defineCog, defineCommand } from '../../../src/commands/types.js';
import { PNG_A, PNG_B } from './harness.js';

/** A three-page view with an image per page, like the inventory or the banner. */
function page(ownerId: string, n: number, timeoutMs: number): Reply {
  const view: View = {
    ownerId,
    timeoutMs,
    async handle(use) {
      if (use.customId === 'pg:next') return { update: page(ownerId, Math.min(3, n + 1), timeoutMs) };
      if (use.customId === 'pg:prev') return { update: page(ownerId, Math.max(1, n - 1), timeoutMs) };
      if (use.customId === 'pg:pick')
        return { update: page(ownerId, Number(use.values[0] ?? 1), timeoutMs), followUps: [{ content: `You picked page ${use.values[0]}.` }] };
      return { done: true, ephemeral: { content: 'Closed.' } };
    },
  };
  return {
    embeds: [{ title: `Page ${n}/3`, description: `Things on page ${n}`, image: `attachment://page${n}.png`, color: Colors.info }],
    attachments: [{ name: `page${n}.png`, data: n % 2 ? PNG_A : PNG_B, contentType: 'image/png' }],
    components: [
      [
        { type: 'button', customId: 'pg:prev', label: 'Prev', emoji: '◀️', disabled: n === 1 },
        { type: 'button', customId: 'pg:next', label: 'Next', style: 'primary', disabled: n === 3 },
        { type: 'button', customId: 'pg:close', label: 'Close', style: 'danger' },
      ],
      [{ type: 'select', customId: 'pg:pick', placeholder: 'Jump to…', options: [1, 2, 3].map((i) => ({ label: `Page ${i}`, value: String(i) })) }],
    ],
    view,
  };
}

export const testCog = defineCog({
  name: 'discordtest',
  description: 'Commands used by the Discord adapter tests.',
  commands: [
    defineCommand({
      name: 'pages',
      description: 'A paginated view.',
      args: {},
      hidden: true,
      async run(ctx) {
        return page(ctx.author.id, 1, 60_000);
      },
    }),
    defineCommand({
      name: 'blink',
      description: 'A view that expires quickly.',
      args: {},
      hidden: true,
      async run(ctx) {
        return page(ctx.author.id, 1, 300);
      },
    }),
    defineCommand({
      name: 'slow',
      description: 'A button whose handler takes a while.',
      args: {},
      hidden: true,
      async run(ctx) {
        return {
          content: 'Press when ready.',
          components: [[{ type: 'button', customId: 'slow:go', label: 'Go', style: 'success' }]],
          view: {
            ownerId: ctx.author.id,
            timeoutMs: 60_000,
            async handle() {
              await new Promise((r) => setTimeout(r, 400));
              return { update: { content: 'Done after a long think.' }, done: true };
            },
          },
        };
      },
    }),
    defineCommand({
      name: 'whois',
      description: 'Resolves a member through the platform.',
      args: { member: arg.member() },
      hidden: true,
      async run(ctx, { member }) {
        const m = await ctx.resolveMember(member);
        return { content: m ? `${m.displayName}${m.bot ? ' (bot)' : ''}` : 'Not a member of this server.' };
      },
    }),
    defineCommand({
      name: 'serveronly',
      description: 'Needs a server.',
      args: {},
      guildOnly: true,
      hidden: true,
      async run() {
        return { content: 'in a server' };
      },
    }),
    defineCommand({
      name: 'shout',
      description: 'Echoes text (mention handling).',
      args: {},
      hidden: true,
      async run(ctx) {
        return { content: `<@${ctx.author.id}> @everyone hello` };
      },
    }),
  ],
});
