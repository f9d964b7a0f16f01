import { arg } from '../commands/args.js';
import { errorId, UserError } from '../commands/errors.js';
import { gems, n, plural } from '../commands/format.js';
import { Colors, type EmbedField, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import { listAdminActions, recordAdminAction } from '../core/audit.js';
import { addSkillToCharacter, characterById, overrideCharacter } from '../core/catalog/repo.js';
import { type SyncProgress, syncCatalog } from '../core/catalog/sync.js';
import { type SyncLease, takeSyncLease } from '../core/catalog/sync-lease.js';
import { formatDuration } from '../core/clock.js';
import { payMany } from '../core/economy.js';
import { allPlayerIds } from '../core/players.js';
import { RARITIES } from '../core/power.js';
import { findSkill, SKILL_NAMES } from '../core/skills/registry.js';

/** Base power an owner may set: a wide margin over the strongest SSR (~13,000), far from INT overflow. */
const MAX_OVERRIDE_POWER = 1_000_000;
const MAX_APOLOGEMS = 1_000_000;
const CONFIRM_MS = 15_000;
/** At most one progress message this often (plus start and end). */
const SYNC_PROGRESS_EVERY_MS = 15_000;

function ok(title: string, description: string, fields?: EmbedField[]): Reply {
  return { embeds: [{ title, description, fields, color: Colors.success }] };
}

function info(description: string): Reply {
  return { embeds: [{ description, color: Colors.info }] };
}

async function announceSafe(ctx: CommandContext, reply: Reply): Promise<void> {
  try {
    await ctx.services.announce(ctx.channelId, reply);
  } catch (err) {
    ctx.services.log.warn({ err, channelId: ctx.channelId }, 'catalog sync announcement failed');
  }
}

/** Runs the sync after the command has replied; progress and the outcome are announced in the channel. */
async function runSyncInBackground(ctx: CommandContext, limit: number, lease: SyncLease): Promise<void> {
  const { db, clock, log, anilist } = ctx.services;
  let lastAnnounce = Date.now();
  let lastQuarter = 0;
  try {
    const result = await syncCatalog(db, anilist, {
      limit,
      onProgress: (p: SyncProgress) => {
        void lease.renew(new Date()).catch((err: unknown) => log.warn({ err }, 'could not renew the sync lease'));
        // A message each quarter of the way, and at least every 15 s on a slow (rate-limited) run.
        const quarter = Math.floor((p.page * 4) / p.pages);
        if (p.page >= p.pages || (quarter <= lastQuarter && Date.now() - lastAnnounce < SYNC_PROGRESS_EVERY_MS)) return;
        lastAnnounce = Date.now();
        lastQuarter = quarter;
        void announceSafe(
          ctx,
          info(
            `📥 Catalog sync: page ${n(p.page)}/${n(p.pages)}, ${n(p.saved)} characters saved (${p.rate.toFixed(1)}/s, about ${formatDuration(p.etaSeconds * 1000)} left).`,
          ),
        );
      },
    });
    await recordAdminAction(db, ctx.author.id, 'catalog_sync_done', { limit, saved: result.saved, pages: result.pages, status: result.status }, clock.now());
    await announceSafe(
      ctx,
      ok(
        '📥 Catalog sync complete',
        `${n(result.savedThisRun)} characters saved in this run (${n(result.saved)} of the top ${n(limit)} in all, ${plural(result.pages, 'page')}${result.startPage > 1 ? `, resumed at page ${result.startPage}` : ''}). Overridden characters kept their rarity and power.`,
      ),
    );
  } catch (err) {
    const id = errorId();
    log.error({ err, errorId: id, limit }, 'catalog sync failed');
    await announceSafe(ctx, {
      embeds: [
        {
          title: '📥 Catalog sync stopped',
          description: `The sync couldn't finish (error id \`${id}\`). What was saved stays; run ${ctx.voice.cmd('catalog_sync')} again to resume where it stopped.`,
          color: Colors.error,
        },
      ],
    });
  } finally {
    await lease.release().catch((err: unknown) => log.warn({ err }, 'could not release the sync lease'));
  }
}

export default defineCog({
  name: 'admin',
  description: 'Owner tools: the catalog, gems for everyone, the audit log.',
  commands: [
    defineCommand({
      name: 'add_skill',
      description: 'Adds a skill to a character (Anchor also sets squash resistance 0.4 and recomputes power).',
      ownerOnly: true,
      args: { characterId: arg.int('character id', { min: 1, max: 2_147_483_647 }), skill: arg.text('skill name', { maxLength: 60, complete: 'skill' }) },
      async run(ctx, { characterId, skill }) {
        const def = findSkill(skill);
        if (!def) throw new UserError(`There is no skill called \`${skill.slice(0, 40)}\`. Skills: ${SKILL_NAMES.map((s) => `\`${s}\``).join(', ')}.`);
        const before = await characterById(ctx.services.db, characterId);
        if (!before) throw new UserError(`There is no character with id ${characterId} in the catalog.`);
        const c = await addSkillToCharacter(ctx.services.db, characterId, def.name);
        if (!c) throw new UserError(`There is no character with id ${characterId} in the catalog.`);
        await recordAdminAction(
          ctx.services.db,
          ctx.author.id,
          'add_skill',
          { characterId, skill: def.name, powerBefore: before.basePower, powerAfter: c.basePower },
          ctx.services.clock.now(),
        );
        const already = before.skills.some((s) => s.toLowerCase() === def.name.toLowerCase());
        return ok(`✨ ${c.name} (${c.id})`, already ? `${c.name} already had **${def.name}**.` : `Added **${def.name}**.`, [
          { name: 'Skills', value: c.skills.join(', ') || '—', inline: false },
          { name: 'Base power', value: before.basePower === c.basePower ? n(c.basePower) : `${n(before.basePower)} → ${n(c.basePower)}`, inline: true },
          { name: 'Squash resistance', value: String(c.squashResistance), inline: true },
        ]);
      },
    }),
    defineCommand({
      name: 'override_unit',
      aliases: ['ou'],
      description: "Sets a character's rarity and base power and marks it overridden (syncs won't change it).",
      ownerOnly: true,
      args: {
        characterId: arg.int('character id', { min: 1, max: 2_147_483_647 }),
        rarity: arg.choice('rarity', RARITIES),
        power: arg.int('power', { min: 0, max: MAX_OVERRIDE_POWER }),
      },
      async run(ctx, { characterId, rarity, power }) {
        const before = await characterById(ctx.services.db, characterId);
        if (!before) throw new UserError(`There is no character with id ${characterId} in the catalog.`);
        const c = await overrideCharacter(ctx.services.db, characterId, rarity, power);
        if (!c) throw new UserError(`There is no character with id ${characterId} in the catalog.`);
        await recordAdminAction(
          ctx.services.db,
          ctx.author.id,
          'override_unit',
          { characterId, rarity, power, before: { rarity: before.rarity, power: before.basePower } },
          ctx.services.clock.now(),
        );
        return ok(
          `🛠️ ${c.name} (${c.id}) overridden`,
          `${before.rarity} ${n(before.basePower)} → **${c.rarity} ${n(c.basePower)}**. Catalog syncs will keep this.`,
        );
      },
    }),
    defineCommand({
      name: 'apologems',
      description: 'Gives every player n gems (after you type `confirm` within 15 s).',
      ownerOnly: true,
      args: { amount: arg.int('gems', { min: 1, max: MAX_APOLOGEMS }), reason: arg.text('reason', { maxLength: 200, optional: true }) },
      async run(ctx, { amount, reason }) {
        const cfg = ctx.services.config;
        const db = ctx.services.db;
        const count = (await allPlayerIds(db)).length;
        return {
          embeds: [
            {
              title: '🎁 Apologems',
              description: `Send **${gems(cfg, amount)}** to every player (${plural(count, 'player')} now, ${gems(cfg, amount * count)} in all)${reason ? ` for: ${reason}` : ''}?\nType \`confirm\` within 15 s to send, anything else to cancel.`,
              color: Colors.warning,
            },
          ],
          prompt: {
            userId: ctx.author.id,
            timeoutMs: CONFIRM_MS,
            onTimeout: info('No `confirm` within 15 s — no apologems were sent.'),
            async handle(text) {
              if (text.trim().toLowerCase() !== 'confirm') return [info('Cancelled — no apologems were sent.')];
              const now = ctx.services.clock.now();
              const reached = await db.transaction(async (tx) => {
                const ids = await allPlayerIds(tx);
                const paid = await payMany(
                  tx,
                  ids.map((playerId) => ({ playerId, gems: amount })),
                  'apologems',
                  reason ? reason.slice(0, 200) : null,
                );
                await recordAdminAction(tx, ctx.author.id, 'apologems', { gems: amount, reason: reason || null, players: paid, total: paid * amount }, now);
                return paid;
              });
              return [
                ok(
                  '🎁 Apologems sent',
                  `${plural(reached, 'player')} got ${gems(cfg, amount)} each — ${gems(cfg, reached * amount)} in all.${reason ? `\nReason: ${reason}` : ''}`,
                ),
              ];
            },
          },
        };
      },
    }),
    defineCommand({
      name: 'catalog_sync',
      description: 'Reads the top characters from AniList into the catalog, in the background, with progress messages.',
      ownerOnly: true,
      args: { limit: arg.int('limit', { min: 1, max: 10_000 }).default(10_000) },
      async run(ctx, { limit }) {
        const { db, config, clock } = ctx.services;
        if (config.offline) throw new UserError('This bot runs offline (STARDUST_OFFLINE), so it never calls AniList — the catalog sync is off.');
        // The same lease as the boot sync takes: both write the catalog_sync progress row.
        const lease = await takeSyncLease(db, new Date());
        if (!lease)
          throw new UserError(
            'A catalog sync is already running — wait for it to finish (a boot sync logs its progress; an owner’s is posted where it started).',
          );
        try {
          await recordAdminAction(db, ctx.author.id, 'catalog_sync', { limit }, clock.now());
        } catch (err) {
          await lease.release();
          throw err;
        }
        void runSyncInBackground(ctx, limit, lease);
        return info(
          `📥 Catalog sync started: the top ${n(limit)} characters from AniList (${plural(Math.ceil(limit / 50), 'page')}). Progress will be posted here.`,
        );
      },
    }),
    defineCommand({
      name: 'audit',
      description: 'Recent owner actions, newest first.',
      ownerOnly: true,
      args: { page: arg.int('page', { min: 1, max: 100_000 }).default(1) },
      async run(ctx, { page }) {
        const { actions, total } = await listAdminActions(ctx.services.db, page, 10);
        const pages = Math.max(1, Math.ceil(total / 10));
        if (page > pages) throw new UserError(`There ${pages === 1 ? 'is only 1 page' : `are only ${pages} pages`} of audit entries.`);
        const lines = actions.map((a) => {
          const details = JSON.stringify(a.details);
          return `\`#${a.id}\` ${a.createdAt.toISOString().slice(0, 16).replace('T', ' ')} — <@${a.actorId}> **${a.action}** ${details.length > 120 ? `${details.slice(0, 119)}…` : details}`;
        });
        return {
          embeds: [
            {
              title: '📒 Admin audit',
              description: lines.join('\n') || 'No owner actions yet.',
              footer: `Page ${page}/${pages} · ${plural(total, 'entry', 'entries')}`,
              color: Colors.info,
            },
          ],
        };
      },
    }),
  ],
});
