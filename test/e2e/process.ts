import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root: every process runs from here, as `npm start` / `npm run cli` would. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Variables the app reads, removed from the inherited environment so a developer's shell (or CI's
 * TEST_DATABASE_URL / DATABASE_URL) cannot change what these tests exercise: the embedded default.
 */
const APP_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'PUBLIC_BASE_URL',
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'DATA_DIR',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_API_URL',
  'POSTMARK_SERVER_TOKEN',
  'POSTMARK_API_URL',
  'POSTMARK_MESSAGE_STREAM',
  'EMAIL_FROM',
  'ACCOUNT_NAME',
  'ADMIN_EMAILS',
  'NOTICE_CHANNEL',
  'INVITATION_TTL',
  'EXPIRY_SWEEP_INTERVAL',
  'APP_SECRET',
  'MARKETPLACE_URL',
  'REMINDER_BEFORE',
  'POSTMARK_WEBHOOK_USER',
  'POSTMARK_WEBHOOK_PASSWORD',
  'RESEND_COOLDOWN',
  'ACCOUNT_HOURLY_EMAIL_CAP',
  'METRICS_TOKEN',
  'PGLITE_TEMPLATE',
];

export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of APP_VARIABLES) delete env[name];
  return { ...env, ...vars };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node --import tsx <args>` in the repository root. */
export function spawnTs(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command to completion; past `timeoutMs` the child is killed and the promise rejects with what it printed. */
export function run(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Finished> {
  const started = Date.now();
  const child = spawnTs(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `\`${args.join(' ')}\` did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A long-running process (the server) whose output can be awaited line by line. */
export interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  /** Resolves with the exit once the process has ended (and its output is complete). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Waits up to `timeoutMs` for the exit; kills the process and rejects if it does not come. */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function start(args: readonly string[], env: NodeJS.ProcessEnv): Running {
  const child = spawnTs(args, env);
  let output = '';
  let done = false;
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const kill = () => {
    if (!done) child.kill('SIGKILL');
  };
  return {
    child,
    pid: child.pid!,
    exited,
    kill,
    output: () => output,
    hasExited: () => done,
    waitForExit: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          kill();
          reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms; output:\n${output}`));
        }, timeoutMs);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

/** A port that was free a moment ago (the kernel picks it; we release it for the child to take). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it returns a value, failing early if `alive` says the process died. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  timeoutMs: number,
  alive: () => boolean = () => true,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (!alive()) throw new Error(`gave up waiting for ${what}: the process exited\n${context()}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
