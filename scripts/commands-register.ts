/**
 * Registers the slash commands now, without starting the bot:
 *
 *   npm run commands:register               # player commands globally, owner commands in OWNER_GUILD_IDS
 *   npm run commands:register -- --guild ID # every command in one server: shows up at once, for testing
 *
 * The bot also registers them by itself after it logs in, and only when the
 * definitions changed; this script always sends them (a bulk overwrite, which
 * Discord treats as the whole list for that scope).
 */
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import { loadCogs } from '../src/commands/loader.js';
import { CommandRegistry } from '../src/commands/registry.js';
import { loadConfigOrExit } from '../src/config.js';
import { openDb } from '../src/core/db/index.js';
import { migrate } from '../src/core/db/migrate.js';
import { createLogger } from '../src/log.js';
import { registerSlashCommands } from '../src/platform/discord/register.js';

function fail(message: string): never {
  console.error(`commands:register: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { guild: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run commands:register [-- --guild <server id>]');
    return;
  }
  if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) fail(`--guild must be a server id (digits), got "${values.guild}"`);
  const config = loadConfigOrExit();
  if (!config.discordToken) fail('DISCORD_TOKEN is not set (see docs/discord-setup.md).');
  const log = createLogger(config.logLevel);
  const registry = new CommandRegistry();
  for (const cog of (await loadCogs(log)).cogs) registry.add(cog);
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const app = (await rest.get(Routes.currentApplication())) as { id: string; name: string };
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1, statementTimeoutMs: config.databaseStatementTimeoutMs });
  try {
    await migrate(db);
    const done = await registerSlashCommands({
      rest,
      applicationId: app.id,
      db,
      registry,
      ownerGuildIds: config.ownerGuildIds,
      log,
      force: true,
      guildId: values.guild,
    });
    for (const r of done)
      console.log(
        `${app.name}: ${r.commands} slash command(s) registered ${r.scope === 'global' ? 'globally (may take a few minutes to show)' : `in server ${r.scope}`}`,
      );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
