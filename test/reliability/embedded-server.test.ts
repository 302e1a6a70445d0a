import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, freePort, type Running, run, start, waitFor } from '../e2e/process.js';
import { figure } from './figures.js';

// Real processes on one embedded DATA_DIR, as an operator runs them:
// - defect 4: DATA_DIR and everything the app writes there is private to its user, also files and
//   directories that an older version left world-readable;
// - defect 11: a CLI request over the channel's 64 KB limit says so, not "server still starting";
// - backups: `cli backup FILE` while the server runs (through its channel) and while it is stopped,
//   `cli restore FILE` refused while it runs and working once it is stopped.
const ADMIN = 'boss@example.com';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-embedded-'));
const dataDir = path.join(root, 'data');
let env: NodeJS.ProcessEnv;
let port = 0;
let server: Running | null = null;
afterAll(() => {
  server?.kill();
  fs.rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => run(['src/cli/main.ts', ...args, '--as', ADMIN], env, 90_000);
const cliBare = (...args: string[]) => run(['src/cli/main.ts', ...args], env, 90_000);

async function startServer(): Promise<Running> {
  const s = start(['src/index.ts'], env);
  await waitFor(
    'the server',
    () => (s.output().includes('ready in') ? true : null),
    150_000,
    () => !s.hasExited(),
    s.output,
  );
  server = s;
  return s;
}

async function stopServer(): Promise<void> {
  server!.child.kill('SIGTERM');
  expect((await server!.waitForExit(30_000)).code).toBe(0);
  server = null;
}

function modes(dir: string): { path: string; mode: string; kind: string }[] {
  const out: { path: string; mode: string; kind: string }[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    out.push({ path: path.relative(dataDir, p) || '.', mode: (st.mode & 0o777).toString(8), kind });
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  port = await freePort();
  env = childEnv({
    DATA_DIR: dataDir,
    PORT: String(port),
    ADMIN_EMAILS: ADMIN,
    PUBLIC_BASE_URL: 'http://invites.test',
  });
  // What an older version left: everything readable by every local user.
  fs.mkdirSync(path.join(dataDir, 'outbox'), { recursive: true, mode: 0o755 });
  fs.chmodSync(dataDir, 0o755);
  fs.writeFileSync(path.join(dataDir, 'cli.token'), 'old-token', { mode: 0o644 });
  fs.writeFileSync(path.join(dataDir, 'app-secret'), 'a'.repeat(64), { mode: 0o644 });
  fs.writeFileSync(path.join(dataDir, 'outbox', 'old-email.html'), '<a href="http://invites.test/invite/x">', {
    mode: 0o644,
  });
  await startServer();
  expect((await cli('invite', 'first@example.com')).code).toBe(0);
  const outbox = path.join(dataDir, 'outbox');
  await waitFor(
    'the invitation email',
    () => (fs.readdirSync(outbox).some((f) => f.endsWith('.txt')) ? true : null),
    30_000,
  );
}, 240_000);

describe('file modes in DATA_DIR (defect 4)', () => {
  it('DATA_DIR and every directory are 0700, every file 0600, old ones included', () => {
    const all = modes(dataDir);
    const bad = all.filter((e) => (e.kind === 'dir' && e.mode !== '700') || (e.kind === 'file' && e.mode !== '600'));
    expect(bad).toEqual([]);
    expect(all.filter((e) => e.path.startsWith('outbox/') && e.path.endsWith('.txt')).length).toBeGreaterThan(0);
    expect(all.some((e) => e.path.startsWith('pgdata/'))).toBe(true);
    figure('file modes', 'DATA_DIR after start', {
      dirs: all.filter((e) => e.kind === 'dir').length,
      files: all.filter((e) => e.kind === 'file').length,
      wrongModes: bad.length,
    });
  });

  it.skipIf(process.getuid?.() !== 0)('another local user (nobody) can read neither an email nor the CLI token', () => {
    const email = fs.readdirSync(path.join(dataDir, 'outbox')).find((f) => f.endsWith('.txt'))!;
    // nobody must be able to reach the parent directory for the test to mean anything.
    fs.chmodSync(root, 0o755);
    for (const file of [path.join(dataDir, 'outbox', email), path.join(dataDir, 'cli.token')]) {
      const r = spawnSync('runuser', ['-u', 'nobody', '--', 'cat', file], { encoding: 'utf8' });
      expect(r.status, file).not.toBe(0);
      expect(r.stderr).toMatch(/Permission denied/);
    }
  });
});

describe('a CLI request over the 64 KB channel limit (defect 11)', () => {
  it('says the request is too large and what the limit is', async () => {
    const emails = Array.from({ length: 3000 }, (_, i) => `user${i}@example.com`);
    const r = await cli('invite', ...emails);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/request too large: \d+ KB is over the 64 KB limit/);
    expect(r.stderr).not.toMatch(/still starting/);
    // Nothing of it ran, and the server still answers.
    expect((await cli('list')).stdout).not.toContain('user0@example.com');
  }, 240_000);
});

describe('backups of the embedded database', () => {
  it('backup while running and while stopped, restore refused while running, then a round trip', async () => {
    const running = path.join(root, 'while-running.tar.gz');
    const b1 = await cliBare('backup', running);
    expect(b1.code, b1.stderr).toBe(0);
    expect(b1.stdout).toContain(`Backup written to ${running}`);
    expect((fs.statSync(running).mode & 0o777).toString(8)).toBe('600');

    const refused = await cliBare('restore', running);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is running on .*Stop it first, then run restore/);

    // Change the data after the backup, then stop the server and back up again while stopped.
    expect((await cli('invite', 'after-backup@example.com')).code).toBe(0);
    await stopServer();
    const stopped = path.join(root, 'while-stopped.tar.gz');
    const b2 = await cliBare('backup', stopped);
    expect(b2.code, b2.stderr).toBe(0);

    const restoreStarted = Date.now();
    const restored = await cliBare('restore', running);
    const restoreMs = Date.now() - restoreStarted;
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/The data it replaced is kept in .*pgdata\.before-restore-/);
    await startServer();
    const list = await cli('list');
    expect(list.stdout).toContain('first@example.com');
    expect(list.stdout).not.toContain('after-backup@example.com');
    await stopServer();

    // And the backup taken while stopped brings the later change back.
    expect((await cliBare('restore', stopped)).code).toBe(0);
    await startServer();
    expect((await cli('list')).stdout).toContain('after-backup@example.com');
    figure('backup', 'round trip on real processes', {
      backupBytes: fs.statSync(running).size,
      restoreMs,
    });
  }, 480_000);

  it('with DATABASE_URL both say to use pg_dump and pg_restore', async () => {
    const pgEnv = { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    for (const verb of ['backup', 'restore']) {
      const r = await run(['src/cli/main.ts', verb, path.join(root, 'x.dump')], pgEnv, 30_000);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/pg_dump.*pg_restore/);
    }
  }, 90_000);

  it('refuses to restore a file that is not a backup, and keeps the data', async () => {
    await stopServer();
    const junk = path.join(root, 'junk.tar.gz');
    fs.writeFileSync(junk, 'not a backup');
    const r = await cliBare('restore', junk);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a backup made by');
    await startServer();
    expect((await cli('list')).stdout).toContain('after-backup@example.com');
  }, 240_000);
});

// Keep execFileSync for platforms where runuser is missing: report it instead of passing silently.
if (process.getuid?.() === 0) {
  try {
    execFileSync('runuser', ['-u', 'nobody', '--', 'true']);
  } catch {
    console.log('[reliability] file modes | other user | runuser unavailable: only modes are checked');
  }
}
