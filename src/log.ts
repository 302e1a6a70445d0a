/** A tiny structured logger: one line per event, so tests can capture and scan what was logged. */
export type Level = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { level?: Level; sink?: (line: string, level: Level) => void } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const sink =
    options.sink ?? ((line, level) => (level === 'error' || level === 'warn' ? console.error : console.log)(line));
  const write = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields, errorReplacer)}` : '';
    sink(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extra}`, level);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export const silentLogger: Logger = createLogger({ sink: () => {} });
