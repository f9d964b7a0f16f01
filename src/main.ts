import 'dotenv/config';
import { type App, createApp } from './app.js';
import { bootWarnings, loadConfigOrExit, releaseShardVariables } from './config.js';
import { MigrationError } from './core/db/migrate.js';
import { BootError } from './core/errors.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  releaseShardVariables();
  const log = createLogger(config.logLevel);
  for (const warning of bootWarnings(config)) log.warn(warning);
  let app: App;
  try {
    app = await createApp({ config, log });
  } catch (err) {
    if (err instanceof MigrationError || err instanceof BootError) {
      log.fatal(`stardust: ${err.message}`);
      console.error(`stardust: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const port = await app.listen();
  const where = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log.info(`health on ${where}/health`);
  if (config.playground) log.info(`playground open on ${where} — type !starter to begin`);
  if (config.discordToken) {
    const { startDiscord } = await import('./platform/discord/adapter.js');
    app.transports.push(await startDiscord(app));
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing running commands, then closing`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  console.error('stardust: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
