import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkToken, newPublicId, verifyLinkToken } from '../../src/invitations/links.js';
import { command } from '../integration/slack/helpers.js';
import { adminActor } from '../support/app.js';
import { figure } from './figures.js';
import { type Rig, rawRequest, startRig } from './harness.js';

// Scenario 10: link tokens never reach the logs, are unguessable, and a wrong link says nothing
// about whether an invitation exists.
let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ postmark: true });
});
afterAll(async () => {
  await rig?.close();
});

const tokenOf = (link: string) => link.slice(link.indexOf('/invite/') + '/invite/'.length);

describe('secrets', () => {
  it('no issued link token (nor its MAC) appears in any log line', async () => {
    const s = rig.app.deps.service;
    const emails = Array.from({ length: 20 }, (_, i) => `secret-${i}@example.com`);
    await s.invite(
      adminActor,
      emails.map((email) => ({ email })),
    );
    rig.postmark.failNext(1, { kind: 'status', status: 500, errorCode: 0, message: 'boom' }); // failures are logged too
    await rig.app.settleEmails();
    const tokens = new Set<string>();
    for (const email of emails.slice(0, 10)) {
      await s.resend(adminActor, { email });
      const l = await s.copyLink(adminActor, { email });
      if (l.ok) tokens.add(tokenOf(l.value.value.link));
      await command(rig.app, rig.slack, `link ${email}`); // Slack path (ephemeral) too
    }
    // Expire five and send new ones: old and new links both count.
    const db = rig.app.deps.database.db;
    await db
      .updateTable('invitations')
      .set({
        sent_at: new Date(rig.app.clock.now().getTime() - 8 * 86_400_000),
        expires_at: new Date(rig.app.clock.now().getTime() - 1),
      })
      .where('user_id', 'in', db.selectFrom('users').select('id').where('email', 'in', emails.slice(10, 15)))
      .execute();
    for (const email of emails.slice(10, 15)) await s.sendNew(adminActor, { email });
    await rig.app.settleEmails();
    for (const m of rig.postmark.sent) {
      const link = /http:\/\/invites\.test\/invite\/\S+/.exec(m.TextBody ?? '')?.[0];
      if (link) tokens.add(tokenOf(link));
    }
    // The invitee side: open, bad form posts, accept, decline — each logs something.
    const list = [...tokens];
    for (const [i, token] of list.slice(0, 8).entries()) {
      const base = `${rig.app.server!.url}/invite/${token}`;
      await rawRequest(base, { method: 'GET' });
      await rawRequest(`${base}/accept`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
        body: 'firstName=x',
      });
      await rawRequest(`${base}/accept`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://invites.test' },
        body: 'csrf=wrong&firstName=x&lastName=y',
      });
      await rawRequest(`${base}/${i % 2 ? 'accept' : 'decline'}`, { method: 'PUT' });
    }
    const secrets = list.flatMap((t) => [t, t.split('.')[1]!]);
    const logText = rig.app.logs.join('\n');
    const leaked = secrets.filter((sec) => logText.includes(sec));
    figure('S10 secrets', 'log scan', {
      tokensIssued: list.length,
      logLines: rig.app.logs.length,
      leaked: leaked.length,
    });
    expect(list.length).toBeGreaterThanOrEqual(25);
    expect(rig.app.logs.length).toBeGreaterThan(20);
    expect(leaked).toEqual([]);
  });

  it('links carry ≥128 random bits and a 128-bit MAC; any one-character change is refused', () => {
    const secret = rig.app.config.appSecret!;
    const ids = Array.from({ length: 10_000 }, newPublicId);
    const unique = new Set(ids).size;
    const bits = Buffer.from(ids[0]!, 'base64url').length * 8;
    const token = linkToken(secret, ids[0]!);
    let accepted = 0;
    let tried = 0;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      for (const c of alphabet) {
        if (c === token[i]) continue;
        tried++;
        if (verifyLinkToken(secret, token.slice(0, i) + c + token.slice(i + 1)) !== null) accepted++;
      }
    }
    const macBits = Buffer.from(token.split('.')[1]!, 'base64url').length * 8;
    figure('S10 secrets', 'link strength', {
      publicIdBits: bits,
      macBits,
      uniqueOf10000: unique,
      oneCharVariants: tried,
      variantsAccepted: accepted,
    });
    expect(bits).toBeGreaterThanOrEqual(128);
    expect(macBits).toBeGreaterThanOrEqual(128);
    expect(unique).toBe(10_000);
    expect(accepted).toBe(0);
  });

  it('forged, unknown and garbage links get byte-identical answers', async () => {
    const secret = rig.app.config.appSecret!;
    const real = await rig.app.deps.service.copyLink(adminActor, { email: 'secret-19@example.com' });
    if (!real.ok) throw new Error('no link');
    const [publicId] = tokenOf(real.value.value.link).split('.');
    const variants: Record<string, string> = {
      'forged MAC on a real invitation': `${publicId}.${'A'.repeat(22)}`,
      'real MAC, other secret': linkToken('some-other-secret-0123456789-abcdefghij', publicId!),
      'valid MAC, no such invitation': linkToken(secret, newPublicId()),
      garbage: 'not-a-token',
      truncated: tokenOf(real.value.value.link).slice(0, 30),
      'percent junk': '%E0%A4%A',
      'very long': 'x'.repeat(3000),
      'empty segments': '.',
    };
    const answers = new Map<string, string[]>();
    for (const [name, token] of Object.entries(variants)) {
      for (const method of ['GET', 'HEAD'] as const) {
        const r = await rawRequest(`${rig.app.server!.url}/invite/${token}`, { method });
        const key = `${method} ${r.status} ${r.headers['content-length']} ${r.body}`;
        answers.set(key, [...(answers.get(key) ?? []), name]);
      }
    }
    figure('S10 secrets', 'unknown-link answers', {
      variants: Object.keys(variants).length,
      distinctAnswersPerMethod: answers.size / 2,
    });
    expect([...answers.values()].map((v) => v.length)).toEqual([
      Object.keys(variants).length,
      Object.keys(variants).length,
    ]);
  });
});
