import { type REST, Routes } from 'discord.js';
import type { CommandRegistry } from '../../commands/registry.js';
import { definitionsHash, type SlashCommandJSON, slashDefinitions } from '../../commands/slash.js';
import type { Queryable } from '../../core/db/index.js';
import type { Logger } from '../../log.js';

export interface RegisterOptions {
  rest: REST;
  applicationId: string;
  db: Queryable;
  registry: CommandRegistry;
  /** Guilds where the owner commands are registered (config OWNER_GUILD_IDS). */
  ownerGuildIds: readonly string[];
  log: Logger;
  /** Register even when the stored hash says nothing changed (`npm run commands:register`). */
  force?: boolean;
  /** Register every command in this one guild only (appears at once; for testing a bot). */
  guildId?: string;
}

export interface Registration {
  scope: string;
  commands: number;
  changed: boolean;
}

async function storedHash(db: Queryable, applicationId: string, scope: string): Promise<string | null> {
  const r = await db.query<{ h: string }>('SELECT definitions_hash AS h FROM slash_registrations WHERE application_id = $1 AND scope = $2', [
    applicationId,
    scope,
  ]);
  return r.rows[0]?.h ?? null;
}

async function registerScope(o: RegisterOptions, scope: string, defs: SlashCommandJSON[]): Promise<Registration> {
  const hash = definitionsHash(defs);
  if (!o.force && (await storedHash(o.db, o.applicationId, scope)) === hash) return { scope, commands: defs.length, changed: false };
  const route = scope === 'global' ? Routes.applicationCommands(o.applicationId) : Routes.applicationGuildCommands(o.applicationId, scope);
  // One bulk overwrite: Discord replaces the scope's commands with exactly these.
  await o.rest.put(route, { body: defs });
  await o.db.query(
    `INSERT INTO slash_registrations (application_id, scope, definitions_hash, command_count, registered_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (application_id, scope) DO UPDATE SET definitions_hash = EXCLUDED.definitions_hash, command_count = EXCLUDED.command_count, registered_at = EXCLUDED.registered_at`,
    [o.applicationId, scope, hash, defs.length],
  );
  return { scope, commands: defs.length, changed: true };
}

/**
 * Registers the slash commands generated from the registry: the player
 * commands globally, the owner commands in the owners' guilds only (hidden
 * from members there too: default_member_permissions "0"). A scope whose
 * definitions hash is unchanged is skipped without an API call.
 */
export async function registerSlashCommands(o: RegisterOptions): Promise<Registration[]> {
  const defs = slashDefinitions(o.registry);
  const out: Registration[] = [];
  if (o.guildId) {
    out.push(await registerScope(o, o.guildId, [...defs.player, ...defs.owner]));
  } else {
    out.push(await registerScope(o, 'global', defs.player));
    for (const g of new Set(o.ownerGuildIds)) out.push(await registerScope(o, g, defs.owner));
  }
  for (const r of out) {
    o.log.info({ scope: r.scope, commands: r.commands }, r.changed ? 'slash commands registered' : 'slash commands unchanged; nothing to register');
  }
  return out;
}
