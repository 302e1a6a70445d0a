import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { childEnv, freePort, type Running, run, start, waitFor } from './process.js';

/**
 * The README, run for real: `npm start`, `npm run cli`, `npm run migrate` as separate processes on
 * the embedded database (DATABASE_URL and TEST_DATABASE_URL are always removed), as a new user
 * would. Slow by nature (each process start costs seconds), so it checks the journey, not details.
 */
const SERVER = ['src/index.ts'];
const CLI = ['src/cli/main.ts'];
const MIGRATE = ['src/cli/migrate.ts'];
const ADMIN = 'boss@example.com';
const DAY = 86_400_000;

const processes: Running[] = [];
const tempDirs: string[] = [];
afterAll(() => {
  for (const p of processes) p.kill();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-e2e-'));
  tempDirs.push(dir);
  return dir;
}

function launch(args: string[], env: NodeJS.ProcessEnv): Running {
  const p = start(args, env);
  processes.push(p);
  return p;
}

describe('a bad configuration', () => {
  const BAD = {
    PORT: 'abc',
    DATABASE_URL: 'mysql://x',
    INVITATION_TTL: '7x',
    SLACK_BOT_TOKEN: 'bad',
    NOTICE_CHANNEL: 'general',
    ADMIN_EMAILS: 'a@b.co,nope',
    POSTMARK_SERVER_TOKEN: 'token-without-sender',
    POSTMARK_WEBHOOK_USER: 'hook',
    NODE_ENV: 'production',
  };
  const NAMES = [
    'PORT',
    'DATABASE_URL',
    'INVITATION_TTL',
    'SLACK_BOT_TOKEN',
    'NOTICE_CHANNEL',
    'ADMIN_EMAILS',
    'EMAIL_FROM',
    'POSTMARK_WEBHOOK_PASSWORD',
    'APP_SECRET',
  ];

  it.each([
    ['the server', SERVER],
    ['the CLI', [...CLI, 'list']],
    ['migrate', [...MIGRATE, 'status']],
  ])(
    '%s exits 1 within seconds, naming every bad variable',
    async (_what, args) => {
      const dataDir = tempDataDir();
      const r = await run(args, childEnv({ ...BAD, DATA_DIR: dataDir }), 20_000);
      expect(r.code, r.stderr).toBe(1);
      expect(r.ms).toBeLessThan(15_000);
      for (const name of NAMES) expect(r.stderr, name).toContain(name);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a list of problems, not a stack trace
      expect(fs.readdirSync(dataDir)).toEqual([]); // nothing was opened or created
    },
    30_000,
  );
});

describe('the README flow on the embedded database', () => {
  let dataDir: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let server: Running;
  let link: string;
  let inviteWindow: { from: number; to: number };

  const cli = (...args: string[]) => run([...CLI, ...args], env, 60_000);
  const serverLog = () => server.output();
  const emailsTo = (address: string) => {
    const dir = path.join(dataDir, 'outbox');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .filter((text) => text.startsWith(`To: ${address}\n`));
  };

  beforeAll(async () => {
    dataDir = tempDataDir();
    port = await freePort();
    env = childEnv({ DATA_DIR: dataDir, PORT: String(port), ADMIN_EMAILS: ADMIN });
    server = launch(SERVER, env);
  });

  it('the server answers /healthz within 90 s', async () => {
    const health = await waitFor(
      '/healthz',
      async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          return res.ok ? ((await res.json()) as unknown) : null;
        } catch {
          return null;
        }
      },
      // A cold start under tsx compiles the whole graph and initdb's PGlite: far longer on a busy machine.
      90_000,
      () => !server.hasExited(),
      serverLog,
    );
    expect(health).toEqual({ ok: true });
    expect(serverLog()).toContain(`http://localhost:${port}`);
    expect(serverLog()).toMatch(/Slack: DISABLED/);
  }, 100_000);

  it('`cli invite` while the server runs exits 0', async () => {
    const from = Date.now();
    const r = await cli('invite', 'new.user@example.com', '--as', ADMIN);
    inviteWindow = { from, to: Date.now() };
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/invited new\.user@example\.com: Invited, expires \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  }, 60_000);

  it('the server delivers the email to DATA_DIR/outbox with a link to itself', async () => {
    const [email] = await waitFor(
      'the invitation email',
      () => {
        const found = emailsTo('new.user@example.com');
        return found.length ? found : null;
      },
      20_000,
      () => !server.hasExited(),
      serverLog,
    );
    const match = new RegExp(`http://localhost:${port}/invite/[A-Za-z0-9_.-]+`).exec(email!);
    expect(match, email).not.toBeNull();
    link = match![0];
    expect(emailsTo('new.user@example.com')).toHaveLength(1);
  }, 30_000);

  it('the link opens the invitation page for the invitee', async () => {
    const res = await fetch(link.replace('//localhost:', '//127.0.0.1:'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('new.user@example.com');
    expect(serverLog()).not.toContain(link.split('/').pop()); // tokens never reach the log
  });

  it('`cli list` shows the user as Invited with the expiry date', async () => {
    const r = await cli('list', '--as', ADMIN);
    expect(r.code, r.stderr).toBe(0);
    const row =
      /new\.user@example\.com\s+member\s+Invited\s+expires (\d{4}-\d\d-\d\d \d\d:\d\d) UTC\s+boss@example\.com/.exec(
        r.stdout,
      );
    expect(row, r.stdout).not.toBeNull();
    const expires = Date.parse(`${row![1]!.replace(' ', 'T')}:00Z`);
    // Minute precision: the 7-day window starts when the invite ran.
    expect(expires).toBeGreaterThanOrEqual(inviteWindow.from + 7 * DAY - 60_000);
    expect(expires).toBeLessThanOrEqual(inviteWindow.to + 7 * DAY);
    expect(r.stdout).toMatch(/boss@example\.com\s+admin\s+Active/);
  }, 60_000);

  it('a second server on the same DATA_DIR exits 1 saying another process holds it', async () => {
    const second = launch(SERVER, { ...env, PORT: String(await freePort()) });
    const exit = await second.waitForExit(30_000);
    expect(exit.code, second.output()).toBe(1);
    expect(second.output()).toContain(`Another process (pid ${server.pid} on host`);
    expect(second.output()).toContain(dataDir);
    expect(second.output()).not.toMatch(/\n\s+at /);
    // And the first one is unharmed.
    expect(server.hasExited()).toBe(false);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  }, 40_000);

  it('`cli link` for an unknown user exits non-zero with a one-line reason', async () => {
    const r = await cli('link', 'ghost@example.com', '--as', ADMIN);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).not.toContain('\n');
    expect(r.stderr).toContain('ghost@example.com is not a user of this account');
  }, 60_000);

  it('`cli foo` exits 2 with the usage', async () => {
    const r = await cli('foo');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('foo');
    expect(r.stderr).toContain('Usage: npm run cli');
    expect(r.stderr).toContain('invite EMAIL');
  }, 60_000);

  it('SIGTERM stops the server cleanly with exit code 0', async () => {
    server.child.kill('SIGTERM');
    const exit = await server.waitForExit(30_000);
    expect(exit, serverLog()).toEqual({ code: 0, signal: null });
    expect(serverLog()).toContain('SIGTERM received');
    expect(serverLog()).toContain('stopped cleanly');
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 40_000);

  describe('with the server stopped', () => {
    it('`cli invite` opens DATA_DIR itself, exits 0 and delivers the email before exiting', async () => {
      const r = await cli('invite', 'second@example.com', '--as', ADMIN);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('invited second@example.com: Invited');
      expect(r.stdout).toContain(`Email delivered to ${dataDir}/outbox`);
      const [email] = emailsTo('second@example.com');
      expect(email).toMatch(new RegExp(`http://localhost:${port}/invite/[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22}`));
      expect(emailsTo('new.user@example.com')).toHaveLength(1); // nothing sent twice
    }, 60_000);

    it('`cli list` shows both invitees and the admin', async () => {
      const r = await cli('list', '--as', ADMIN);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('My Marketplace account: 2 invited, 0 expired, 1 active');
      expect(r.stdout).toMatch(/new\.user@example\.com\s+member\s+Invited\s+expires /);
      expect(r.stdout).toMatch(/second@example\.com\s+member\s+Invited\s+expires /);
    }, 60_000);

    it('`migrate status` lists every migration as applied', async () => {
      const r = await run([...MIGRATE, 'status'], env, 60_000);
      expect(r.code, r.stderr).toBe(0);
      const names = Object.keys(migrations).sort();
      expect(names.length).toBeGreaterThan(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines.map((l) => l.split(/\s+/).slice(0, 2))).toEqual(names.map((n) => ['applied', n]));
    }, 60_000);
  });
});
