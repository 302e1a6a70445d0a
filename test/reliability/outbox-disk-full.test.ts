import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminActor, startTestApp, type TestApp } from '../support/app.js';
import { figure } from './figures.js';

// Defect 10: a full disk while the dev outbox wrote an email left an empty or half-written file,
// and the retry wrote the email again beside it. Writes fail here with ENOSPC after putting half
// of their bytes on disk, as a full disk does; then space "comes back" and the job's retry succeeds.
const disk = vi.hoisted(() => ({ writes: 0, failAt: 0, failed: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile: typeof real.writeFile = async (file, data, options) => {
    if (typeof file === 'string' && file.includes(`${path.sep}outbox${path.sep}`) && ++disk.writes === disk.failAt) {
      disk.failed++;
      const text = String(data);
      await real.writeFile(file, text.slice(0, Math.floor(text.length / 2)), options);
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), {
        code: 'ENOSPC',
        errno: -28,
      });
    }
    return real.writeFile(file, data, options);
  };
  return { ...real, default: { ...real, writeFile }, writeFile };
});

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RESEND_COOLDOWN: 'off', ACCOUNT_HOURLY_EMAIL_CAP: 'off' } });
});
afterAll(async () => {
  await app?.close();
});

const outboxDir = () => path.join(app.config.dataDir, 'outbox');
const files = () => (fs.existsSync(outboxDir()) ? fs.readdirSync(outboxDir()).sort() : []);

describe('dev outbox on a full disk (defect 10)', () => {
  it.each([
    ['the first part (html)', 1],
    ['the second part (text)', 2],
  ])('a write failing in %s leaves no empty, partial or duplicate file once the retry succeeds', async (_what, n) => {
    const email = `full-disk-${n}@example.com`;
    const before = files();
    // The n-th write to the outbox fails: 1 = the first part of the email, 2 = the second.
    Object.assign(disk, { writes: 0, failAt: n, failed: 0 });
    const r = await app.deps.service.invite(adminActor, [{ email, role: 'member' }]);
    expect(r.ok && r.value[0]!.result.ok).toBe(true);
    await app.settleEmails();
    disk.failAt = 0;
    expect(disk.failed).toBe(1);
    const added = files().filter((f) => !before.includes(f));
    const mine = added.filter((f) => f.includes(email));
    expect(added, 'only this email, no temporary files').toEqual(mine);
    expect(mine.filter((f) => f.endsWith('.html'))).toHaveLength(1);
    expect(mine.filter((f) => f.endsWith('.txt'))).toHaveLength(1);
    for (const f of mine) {
      const content = fs.readFileSync(path.join(outboxDir(), f), 'utf8');
      expect(content.length, f).toBeGreaterThan(0);
      if (f.endsWith('.txt')) expect(content).toContain(`To: ${email}`);
      if (f.endsWith('.html')) expect(content).toMatch(/<\/html>\s*$/);
    }
    const sent = await app.deps.database.db
      .selectFrom('invitations')
      .innerJoin('users', 'users.id', 'invitations.user_id')
      .select('invitations.delivery_state')
      .where('users.email', '=', email)
      .executeTakeFirstOrThrow();
    expect(sent.delivery_state).toBe('sent');
    figure('outbox', `ENOSPC in write ${n}`, {
      failedWrites: disk.failed,
      htmlFiles: 1,
      txtFiles: 1,
      leftovers: added.length - mine.length,
    });
  });
});
