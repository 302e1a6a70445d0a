import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { CliResult } from './run.js';

/**
 * Embedded PGlite allows one process per DATA_DIR, so while the server runs, the CLI hands its
 * command to the server over a Unix socket in DATA_DIR. Only the same OS user can reach it (0600),
 * and each request also carries a token from a 0600 file, so another local user cannot drive it.
 */
const defaultSocketPath = (dataDir: string) => path.join(dataDir, 'cli.sock');
const tokenPath = (dataDir: string) => path.join(dataDir, 'cli.token');
/** Where the socket is when DATA_DIR's path is too long for one (see placeSocket). */
const pointerPath = (dataDir: string) => path.join(dataDir, 'cli.sock-path');
export const MAX_REQUEST = 64 * 1024;

/** Said instead of dropping the connection, which the CLI could only read as "not ready yet". */
export function tooLarge(bytes: number): CliResult {
  return {
    output:
      `request too large: ${Math.ceil(bytes / 1024)} KB is over the ${MAX_REQUEST / 1024} KB limit of the CLI channel. ` +
      'Send fewer addresses per command (split the list over several commands).',
    code: 2,
    queuedEmail: false,
  };
}
/** sun_path holds 104 bytes on macOS, 108 on Linux; longer paths are silently cut short. */
const MAX_SOCKET_PATH = 100;

/**
 * DATA_DIR/cli.sock, or, when that path is too long for a Unix socket (deep checkouts, CI
 * workspaces, macOS temp dirs), a socket in a fresh private directory under the OS temp dir whose
 * location is written to DATA_DIR for the CLI to find.
 */
function placeSocket(dataDir: string): { socket: string; cleanup(): void } {
  fs.rmSync(pointerPath(dataDir), { force: true });
  const inDataDir = defaultSocketPath(dataDir);
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH) return { socket: inDataDir, cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-cli-')); // 0700, unpredictable name
  const socket = path.join(dir, 'cli.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`no short enough path for the CLI socket (tried ${socket})`);
  }
  fs.writeFileSync(pointerPath(dataDir), socket, { mode: 0o600 });
  return {
    socket,
    cleanup: () => {
      fs.rmSync(pointerPath(dataDir), { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function socketPathFor(dataDir: string): string {
  try {
    return fs.readFileSync(pointerPath(dataDir), 'utf8').trim() || defaultSocketPath(dataDir);
  } catch {
    return defaultSocketPath(dataDir);
  }
}

export interface CliChannel {
  close(): Promise<void>;
}

export async function serveCliChannel(
  dataDir: string,
  handle: (argv: string[]) => Promise<CliResult>,
  log: Logger,
): Promise<CliChannel> {
  const token = randomBytes(32).toString('hex');
  const place = placeSocket(dataDir);
  writePrivate(tokenPath(dataDir), token);
  fs.rmSync(place.socket, { force: true }); // left by a process that died; we hold the lock
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (Buffer.byteLength(buffer) > MAX_REQUEST) {
        socket.removeAllListeners('data');
        return void socket.end(`${JSON.stringify(tooLarge(Buffer.byteLength(buffer)))}\n`);
      }
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      socket.removeAllListeners('data');
      void answer(buffer.slice(0, newline)).then((result) => socket.end(`${JSON.stringify(result)}\n`));
    });
  });
  const answer = async (line: string): Promise<CliResult> => {
    try {
      const request = JSON.parse(line) as { token?: unknown; argv?: unknown };
      const given = Buffer.from(typeof request.token === 'string' ? request.token : '');
      if (given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) {
        return { output: 'The server refused the CLI request (bad token).', code: 1, queuedEmail: false };
      }
      const argv = Array.isArray(request.argv) ? request.argv.filter((a): a is string => typeof a === 'string') : [];
      return await handle(argv);
    } catch (err) {
      log.error({ err }, 'CLI request failed');
      return { output: 'The server could not run that command; see its log.', code: 1, queuedEmail: false };
    }
  };
  const removeFiles = () => {
    fs.rmSync(tokenPath(dataDir), { force: true });
    place.cleanup();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(place.socket, () => resolve());
    });
    fs.chmodSync(place.socket, 0o600);
  } catch (err) {
    server.close();
    removeFiles();
    throw err;
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          removeFiles();
          resolve();
        });
        fs.rmSync(tokenPath(dataDir), { force: true });
      }),
  };
}

/**
 * A new token under a temporary name, then renamed over the old one: a file that already exists
 * would keep its old mode with writeFileSync, and an older version wrote it 0644.
 */
function writePrivate(file: string, content: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { flag: 'wx', mode: 0o600 });
  fs.renameSync(temp, file);
}

export async function sendToServer(dataDir: string, argv: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  const token = fs.readFileSync(tokenPath(dataDir), 'utf8').trim();
  const request = `${JSON.stringify({ token, argv })}\n`;
  if (Buffer.byteLength(request) > MAX_REQUEST) return tooLarge(Buffer.byteLength(request));
  return new Promise<CliResult>((resolve, reject) => {
    const socket = net.createConnection(socketPathFor(dataDir));
    let response = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('the server did not answer in time')));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(JSON.parse(response) as CliResult);
      } catch {
        reject(new Error('the server sent an unreadable answer'));
      }
    });
  });
}
