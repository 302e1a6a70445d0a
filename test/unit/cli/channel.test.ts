import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendToServer, serveCliChannel } from '../../../src/cli/channel.js';
import type { CliResult } from '../../../src/cli/run.js';
import { silentLogger } from '../../../src/log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function dataDir(extra = ''): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-chan-'));
  dirs.push(root);
  const dir = path.join(root, extra);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
const echo = async (argv: string[]): Promise<CliResult> => ({
  output: `ran ${argv.join(' ')}`,
  code: 0,
  queuedEmail: false,
});

describe('the CLI channel', () => {
  it('carries a command to the server and its answer back, then cleans up', async () => {
    const dir = dataDir();
    const channel = await serveCliChannel(dir, echo, silentLogger);
    expect(fs.statSync(path.join(dir, 'cli.sock')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'cli.token')).mode & 0o777).toBe(0o600);
    expect(await sendToServer(dir, ['list', '--as', 'boss@example.com'])).toEqual({
      output: 'ran list --as boss@example.com',
      code: 0,
      queuedEmail: false,
    });
    await channel.close();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a request without the right token', async () => {
    const dir = dataDir();
    const channel = await serveCliChannel(dir, echo, silentLogger);
    try {
      fs.writeFileSync(path.join(dir, 'cli.token'), 'f'.repeat(64)); // what another user could not read
      expect(await sendToServer(dir, ['list'])).toMatchObject({
        code: 1,
        output: expect.stringContaining('bad token'),
      });
    } finally {
      await channel.close();
    }
  });

  it('still works when DATA_DIR is too deep for a Unix socket path (~104 bytes)', async () => {
    const dir = dataDir(`${'d'.repeat(60)}/${'e'.repeat(60)}`);
    expect(Buffer.byteLength(path.join(dir, 'cli.sock'))).toBeGreaterThan(108);
    const channel = await serveCliChannel(dir, echo, silentLogger);
    try {
      expect(await sendToServer(dir, ['help'])).toMatchObject({ code: 0, output: 'ran help' });
      const socket = fs.readFileSync(path.join(dir, 'cli.sock-path'), 'utf8');
      expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(100);
      expect(fs.statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    } finally {
      await channel.close();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
