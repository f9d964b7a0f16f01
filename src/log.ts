import pino, { type Logger } from 'pino';

export type { Logger };

/** Pretty lines in a terminal, JSON lines otherwise (hosting platforms, CI). */
export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY && level !== 'silent';
  return pino({
    level,
    redact: { paths: ['token', '*.token', 'config.discordToken', 'databaseUrl', '*.databaseUrl'], censor: '***' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss' } } } : {}),
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
