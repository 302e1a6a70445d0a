import { beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/ids.js';
import { adminActor, type TestApp } from '../../support/app.js';
import { useSlackApp } from '../../support/rig.js';
import { blockKitViolations, commandBody, eventually, sign, signedRequest, slackFake } from '../../support/slack.js';
import { ADMIN_ID, command, press } from './helpers.js';

const fake = slackFake();
let app: TestApp;
// No workers: 500 invitation emails are not what this file is about.
useSlackApp(fake, (a) => (app = a), { workers: false, env: { ACCOUNT_HOURLY_EMAIL_CAP: 'off' } });

describe('request verification', () => {
  const body = () => commandBody({ text: 'list', userId: ADMIN_ID, responseUrl: fake.responseUrl().url });

  it('accepts a correctly signed request', async () => {
    expect((await signedRequest(app, body())).status).toBe(200);
  });

  it('rejects a bad signature with 401 and runs nothing', async () => {
    const res = await signedRequest(app, body(), { secret: 'wrong-secret' });
    expect(res.status).toBe(401);
    const tampered = await signedRequest(app, body(), { signature: sign('other body', Math.floor(Date.now() / 1000)) });
    expect(tampered.status).toBe(401);
    expect(fake.callsTo('users.info')).toEqual([]);
  });

  it('rejects a timestamp older than 5 minutes with 401, even when signed', async () => {
    const res = await signedRequest(app, body(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
  });
});

describe('an account with 500 users', () => {
  beforeAll(async () => {
    const requests = Array.from({ length: 500 }, (_, i) => ({
      email: `user${String(i).padStart(3, '0')}@example.com`,
      name: `User ${i} ${'x'.repeat(300)}`,
    }));
    const r = await app.deps.service.invite(adminActor, requests);
    expect(r.ok && r.value.filter((o) => !o.result.ok).map((o) => (o.result.ok ? null : o.result.error))).toEqual([]);
  }, 120_000);

  it('pages through everyone, 20 a page, and no message exceeds Slack limits', async () => {
    const seen = new Set<string>();
    const first = await command(app, fake, '');
    expect(first.body.blocks[0].text.text).toContain('page 1 of 26');
    for (let page = 1; page <= 26; page++) {
      const { body } = await command(app, fake, `list ${page}`);
      expect(blockKitViolations(body.blocks, 50)).toEqual([]);
      const rows = body.blocks.filter((b: any) => String(b.block_id).startsWith('user_row:'));
      expect(rows.length).toBe(page < 26 ? 20 : 1);
      for (const r of rows) seen.add(r.block_id);
      // Long names are cut so the section stays readable and within limits.
      for (const r of rows) expect(r.text.text.length).toBeLessThan(700);
      const labels = body.blocks[1].elements.map((e: any) => e.text.text);
      expect(labels.includes('◀ Previous')).toBe(page > 1);
      expect(labels.includes('Next ▶')).toBe(page < 26);
    }
    expect(seen.size).toBe(501);
  });

  it('Next replaces the message with the following page', async () => {
    const { body, responseUrl, respondId } = await command(app, fake, '');
    const next = body.blocks[1].elements.find((e: any) => e.text.text === 'Next ▶');
    await press(app, next.action_id, next.value, { responseUrl });
    const replaced = await eventually(() => {
      const b = fake.respondedTo(respondId)[1];
      if (!b) throw new Error('none');
      return b;
    });
    expect(replaced.replace_original).toBe(true);
    expect((replaced.blocks as any[])[0].text.text).toContain('page 2 of 26');
    expect(next.action_id.startsWith(ACTION.page)).toBe(true);
  });

  it('a page past the end says so and offers the way back', async () => {
    const { body } = await command(app, fake, 'list 99');
    expect(JSON.stringify(body.blocks)).toContain('No users on this page.');
    expect(body.blocks[1].elements.map((e: any) => e.text.text)).toContain('◀ Previous');
  });
});

describe('/users notify', () => {
  it('stores the notice channel and confirms; off clears it', async () => {
    const on = await command(app, fake, 'notify <#C0NOTICE1|invites>');
    expect(on.body.text).toContain('<#C0NOTICE1>');
    const row = await app.deps.database.db.selectFrom('accounts').select('notice_channel').executeTakeFirstOrThrow();
    expect(row.notice_channel).toBe('C0NOTICE1');
    const off = await command(app, fake, 'notify off');
    expect(off.body.text).toContain('turned off');
    const after = await app.deps.database.db.selectFrom('accounts').select('notice_channel').executeTakeFirstOrThrow();
    expect(after.notice_channel).toBeNull();
    // Typed without the autocomplete, a bare name arrives with no id: it is looked up.
    expect((await command(app, fake, 'notify #team-invites')).body.text).toContain('<#C0INVITES01>');
    expect(fake.callsTo('conversations.list').length).toBeGreaterThanOrEqual(1);
    expect((await command(app, fake, 'notify #no-such-channel')).body.text).toContain(
      'I cannot find a channel named #no-such-channel',
    );
  });
});

describe('another workspace', () => {
  it('a signed command from a different team is acknowledged and ignored', async () => {
    const body = commandBody({
      text: 'list',
      userId: ADMIN_ID,
      responseUrl: fake.responseUrl().url,
      teamId: 'T0OTHER',
    });
    const res = await signedRequest(app, body);
    expect(res.status).toBe(200);
    expect((await res.json()).text).toContain('another Slack workspace');
    expect(fake.callsTo('users.info')).toEqual([]);
  });
});
