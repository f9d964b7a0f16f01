import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Secrets never reach a log line, wherever they sit in a logged object. */
const REDACT = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'discordToken',
  '*.discordToken',
  'playgroundToken',
  '*.playgroundToken',
  'databaseUrl',
  '*.databaseUrl',
  '*.unbelievaboat.token',
  'password',
  '*.password',
];

/** Pretty lines in a terminal, JSON lines otherwise (hosting platforms, CI). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '***' } };
  if (destination) return pino(options, destination);
  const pretty = process.stdout.isTTY && level !== 'silent';
  return pino({ ...options, ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss' } } } : {}) });
}

export const silentLogger: Logger = pino({ level: 'silent' });
