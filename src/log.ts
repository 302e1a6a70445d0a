import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Secrets that must never reach a log line, whatever object they ride in on. Invite-link tokens
 * are the main worry: a link is `…/invite/<token>`, and a token in a log is a usable invitation.
 * Paths and URLs are redacted by value where they are logged (`redactPath`); these are the keys.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'link',
  '*.link',
  'csrf',
  '*.csrf',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'serverToken',
  '*.serverToken',
  'appSecret',
  '*.appSecret',
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
];

export interface LoggerOptions {
  level?: Level;
  /** Where lines go (tests pass a capturing stream); default stdout. */
  destination?: DestinationStream;
  /** Human-readable lines through pino-pretty (a dev dependency): for a terminal, never in production. */
  pretty?: boolean;
}

/** JSON lines in production; readable ones in a developer's terminal. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
    base: undefined,
  };
  if (options.destination) return pino(settings, options.destination);
  if (options.pretty) {
    return pino({
      ...settings,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' },
      },
    });
  }
  return pino(settings);
}

/** The default for a process: pretty in an interactive terminal during development, JSON otherwise. */
export function processLogger(production: boolean, level: Level = 'info'): Logger {
  return createLogger({ level, pretty: !production && process.stdout.isTTY === true && prettyInstalled() });
}

function prettyInstalled(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** Standard error, for one-shot commands whose standard output is their result. */
export const stderrDestination = (): DestinationStream => pino.destination(2);

/** A stream that keeps every line, for tests and tools that inspect what was logged. */
export function memoryDestination(lines: string[]): DestinationStream {
  return { write: (line: string) => void lines.push(line) };
}
