import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealer } from '../../../src/installations/crypto.js';
import { InstallationService } from '../../../src/installations/service.js';
import { startTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
let installs: InstallationService;
beforeAll(async () => {
  app = await startTestApp({ server: false, workers: false });
  installs = new InstallationService({
    db: app.deps.database.db,
    clock: app.clock.now,
    sealer: sealer(randomBytes(32)),
  });
});
afterAll(async () => {
  await app?.close();
});

const team = (teamId: string, enterpriseId: string | null = null) => ({
  teamId,
  enterpriseId,
  isEnterpriseInstall: false,
});
const org = (enterpriseId: string) => ({ teamId: null, enterpriseId, isEnterpriseInstall: true });
const payload = (token: string) => JSON.stringify({ bot: { token, refreshToken: `xoxe-${token}` } });

describe('installations in the database', () => {
  it('a first install creates its account with the installer as first admin; tokens are stored sealed', async () => {
    const r = await installs.install({
      target: team('T0ALPHA'),
      botUserId: 'UBOTA',
      installerUserId: 'UINSTALLER',
      payload: payload('xoxb-alpha-1'),
      source: 'oauth',
      binding: { create: { name: 'Alpha Market', adminEmail: 'Founder@Alpha.example' } },
    });
    expect(r).toMatchObject({ ok: true, value: { created: true } });
    const accountId = r.ok ? r.value.accountId : '';
    const admin = await app.deps.database.db
      .selectFrom('users')
      .select(['email', 'role', 'state'])
      .where('account_id', '=', accountId)
      .execute();
    expect(admin).toEqual([{ email: 'founder@alpha.example', role: 'admin', state: 'active' }]);
    const raw = await sql<{ t: string }>`select string_agg(coalesce(secret, ''), ',') as t from installations`.execute(
      app.deps.database.db,
    );
    expect(raw.rows[0]?.t).not.toContain('xoxb');
    expect(await installs.find(team('T0ALPHA'))).toEqual({
      accountId,
      payload: payload('xoxb-alpha-1'),
      source: 'oauth',
    });
  });

  it('a reinstall or a token rotation keeps the account; a second account name is refused', async () => {
    const first = await installs.find(team('T0ALPHA'));
    const again = await installs.install({
      target: team('T0ALPHA'),
      botUserId: 'UBOTA',
      installerUserId: 'USOMEONE',
      payload: payload('xoxb-alpha-2'),
      source: 'oauth',
      binding: { create: { name: 'Other name', adminEmail: 'x@alpha.example' } },
    });
    expect(again).toMatchObject({ ok: true, value: { accountId: first?.accountId, created: false } });
    expect((await installs.find(team('T0ALPHA')))?.payload).toBe(payload('xoxb-alpha-2'));
    const clash = await installs.install({
      target: team('T0BETA'),
      botUserId: null,
      installerUserId: null,
      payload: payload('xoxb-beta'),
      source: 'oauth',
      binding: { create: { name: 'Alpha Market', adminEmail: null } },
    });
    expect(clash).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await installs.find(team('T0BETA'))).toBeNull();
  });

  it('an org-wide install serves every workspace of its org; a workspace install wins over it', async () => {
    const r = await installs.install({
      target: org('E0GRID'),
      botUserId: 'UBOTG',
      installerUserId: 'UGRIDADMIN',
      payload: payload('xoxb-grid'),
      source: 'oauth',
      binding: { create: { name: 'Grid Org', adminEmail: 'it@grid.example' } },
    });
    const gridAccount = r.ok ? r.value.accountId : '';
    expect((await installs.find(team('T0ANY', 'E0GRID')))?.accountId).toBe(gridAccount);
    expect((await installs.find(org('E0GRID')))?.accountId).toBe(gridAccount);
    expect(await installs.find(team('T0ANY', 'E0OTHER'))).toBeNull();
    const alpha = await installs.find(team('T0ALPHA'));
    expect((await installs.find(team('T0ALPHA', 'E0GRID')))?.accountId).toBe(alpha?.accountId);
  });

  it('uninstall deletes the tokens and the installation serves nothing; a reinstall lands on the same account', async () => {
    const before = await installs.find(team('T0ALPHA'));
    expect(await installs.uninstall(team('T0ALPHA'))).toHaveLength(1);
    expect(await installs.find(team('T0ALPHA'))).toBeNull();
    const row = await app.deps.database.db
      .selectFrom('installations')
      .select(['secret', 'revoked_at'])
      .where('install_key', '=', 'T:T0ALPHA')
      .executeTakeFirstOrThrow();
    expect(row.secret).toBeNull();
    expect(row.revoked_at).toBeInstanceOf(Date);
    await installs.install({
      target: team('T0ALPHA'),
      botUserId: 'UBOTA',
      installerUserId: 'UINSTALLER',
      payload: payload('xoxb-alpha-3'),
      source: 'oauth',
      binding: { create: { name: 'Fresh', adminEmail: null } },
    });
    expect((await installs.find(team('T0ALPHA')))?.accountId).toBe(before?.accountId);
  });

  it('bind serves an installation with an existing account instead', async () => {
    expect(await installs.bind(org('E0GRID'), 'Alpha Market', 'stranger@else.example')).toMatchObject({
      ok: false,
      error: { code: 'not_admin' },
    });
    expect(await installs.bind(org('E0GRID'), 'Alpha Market', 'founder@alpha.example')).toMatchObject({ ok: true });
    const alpha = await installs.find(team('T0ALPHA'));
    expect((await installs.find(org('E0GRID')))?.accountId).toBe(alpha?.accountId);
    expect(await installs.bind(org('E0GRID'), 'No such account', 'founder@alpha.example')).toMatchObject({
      ok: false,
    });
  });
});
