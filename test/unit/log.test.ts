import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger, memoryDestination } from '../../src/log.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';

describe('pino logging', () => {
  it('writes JSON lines and redacts secrets by key, wherever they sit', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', destination: memoryDestination(lines) });
    log.info(
      {
        token: 'AbCdEfGhIjKlMnOpQrStUv.AbCdEfGhIjKlMnOpQrStUv',
        link: 'https://invites.example/invite/secret-token',
        headers: { authorization: 'Basic cG9zdG1hcms6aG9vaw==' },
        config: {
          botToken: 'xoxb-1',
          appToken: 'xapp-1',
          signingSecret: 's3',
          serverToken: 'pm-1',
          appSecret: 'a'.repeat(32),
        },
        webhook: { password: 'hook-password' },
        kept: 'visible',
      },
      'something happened',
    );
    const line = lines.join('');
    expect(JSON.parse(line)).toMatchObject({ msg: 'something happened', kept: 'visible', level: 30 });
    for (const secret of [
      'secret-token',
      'AbCdEf',
      'cG9zdG1h',
      'xoxb-1',
      'xapp-1',
      's3"',
      'pm-1',
      'aaaa',
      'hook-password',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line.match(/\[redacted\]/g)?.length).toBe(9);
  });

  it('serializes errors with their stack under err', () => {
    const lines: string[] = [];
    createLogger({ destination: memoryDestination(lines) }).error({ err: new Error('boom') }, 'failed');
    const entry = JSON.parse(lines[0] ?? '{}') as { err?: { message?: string; stack?: string } };
    expect(entry.err?.message).toBe('boom');
    expect(entry.err?.stack).toContain('Error: boom');
  });

  it("gives Bolt's logs the same shape: leveled, structured, with errors as err", () => {
    const lines: string[] = [];
    const bolt = boltLogger(createLogger({ level: 'debug', destination: memoryDestination(lines) }));
    bolt.info('below the default level (warn): dropped');
    bolt.setLevel(LogLevel.INFO);
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
    bolt.info('socket', 'connected');
    bolt.debug('too chatty');
    bolt.error('failed:', new Error('nope'));
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ component: 'slack', msg: 'socket connected', level: 30 });
    expect(entries[1]).toMatchObject({ msg: 'failed:', level: 50, err: { message: 'nope' } });
  });
});
