import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';

type Method = 'debug' | 'info' | 'warn' | 'error';

/**
 * Bolt (and the WebClient and Socket Mode client it builds) log through this, so their lines are
 * pino lines too: structured, leveled and redacted like ours. Bolt logs strings and Errors; an Error
 * becomes pino's `err` field so its stack is serialized rather than flattened into the message.
 */
export function boltLogger(log: Logger, level: LogLevel = LogLevel.WARN): BoltLogger {
  let child = log.child({ component: 'slack' });
  child.level = level;
  const write =
    (method: Method) =>
    (...parts: unknown[]): void => {
      const err = parts.find((p): p is Error => p instanceof Error);
      const text = parts
        .filter((p) => p !== err)
        .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
        .join(' ');
      if (err) child[method]({ err }, text || err.message);
      else child[method](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next) => {
      child.level = next;
    },
    getLevel: () => child.level as LogLevel,
    setName: (name) => {
      const current = child.level;
      child = log.child({ component: name });
      child.level = current;
    },
  };
}
