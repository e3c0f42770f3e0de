// The one pino root: JSON by default (for journald and log shippers), pretty on a terminal.
import pino from 'pino';
import type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export function createLogger(level: LogLevel, format: LogFormat): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    // Defence in depth: never print a VRRP password or a cloud credential, whatever is logged.
    redact: {
      paths: ['*.password', '*.authPassword', '*.secretAccessKey', '*.sessionToken', 'password'],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty') {
    return pino(
      options,
      pino.transport({
        target: 'pino-pretty',
        options: {
          colorize: process.stdout.isTTY,
          translateTime: 'HH:MM:ss.l',
          ignore: 'pid,hostname',
        },
      }),
    );
  }
  return pino(options);
}
