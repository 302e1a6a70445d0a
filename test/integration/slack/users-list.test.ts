import { describe, expect, it } from 'vitest';
import { ADMIN, outbox, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { useSlackApp } from '../../support/rig.js';
import { blockKitViolations, eventually, inviteSummaryIn, slackFake } from '../../support/slack.js';
import { command, invite, MEMBER_ID, menuLabels, rowOf, snapshot } from './helpers.js';

const fake = slackFake();
let app: TestApp;
useSlackApp(fake, (a) => {
  app = a;
});

describe('/users list', () => {
  it('acknowledges at once, then answers with a header, one row per user and exactly the allowed ••• options', async () => {
    await invite(app, 'old@example.com', 'Olga Old');
    app.clock.advance(8 * DAY);
    await invite(app, 'new@example.com', 'Nina New');
    const { status, body } = await command(app, fake, '');
    expect(status).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    const header = body.blocks[0].text.text as string;
    expect(header).toContain('Acme Marketplace');
    expect(header).toContain('Invited: 1 · Invitation expired: 1 · Active: 1');

    const fresh = rowOf(body.blocks, 'new@example.com');
    expect(fresh?.text.text).toMatch(/\*Nina New\*/);
    expect(fresh?.text.text).toMatch(
      /Member · Invited · expires <!date\^\d+\^\{date_short_pretty\} at \{time\}\|2026-12-16 09:00 UTC>/,
    );
    expect(fresh?.text.text).toContain('Invited by admin@example.com');
    expect(menuLabels(fresh)).toEqual([
      'Copy invitation link',
      'Resend invitation link',
      'Cancel invitation',
      'View history',
    ]);

    const expired = rowOf(body.blocks, 'old@example.com');
    expect(expired?.text.text).toMatch(/Invitation expired · expired <!date\^/);
    expect(menuLabels(expired)).toEqual(['Send new invitation', 'Cancel invitation', 'View history']);

    const active = rowOf(body.blocks, ADMIN);
    expect(active?.text.text).toContain('Admin · Active');
    expect(active?.accessory.type).toBe('button');
    expect(menuLabels(active)).toEqual(['History']);

    const controls = body.blocks[1];
    expect(controls.elements.map((e: any) => e.text.text)).toEqual(['Invite user']);
    expect(blockKitViolations(body.blocks, 50)).toEqual([]);
  });

  it('filters by status', async () => {
    const { body } = await command(app, fake, 'list expired');
    expect(body.blocks.filter((b: any) => String(b.block_id).startsWith('user_row:'))).toHaveLength(1);
    expect(rowOf(body.blocks, 'old@example.com')).toBeDefined();
  });

  it('escapes user-supplied text: a user named <!channel> cannot ping anyone', async () => {
    await invite(app, 'pinger@example.com', '<!channel> & <@U123>');
    const { body } = await command(app, fake, 'list invited');
    const row = rowOf(body.blocks, 'pinger@example.com');
    expect(row?.text.text).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(JSON.stringify(body)).not.toContain('<!channel>');
  });

  it('unknown subcommands and malformed emails get a short error plus usage, never a stack trace', async () => {
    for (const text of ['frobnicate', 'invite not-an-email', 'resend', 'list 0']) {
      const { status, body } = await command(app, fake, text);
      expect(status).toBe(200);
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(/^:warning: /);
      expect(body.text).toContain('Commands:');
      expect(body.text).not.toMatch(/at .*\.ts:\d+|Error:/);
    }
    const { body } = await command(app, fake, 'invite not-an-email');
    expect(body.text).toContain('"not-an-email" is not a valid email address.');
    expect((await command(app, fake, 'help')).body.text).toContain('invite EMAIL');
  });

  it('refuses a non-admin for every command, and changes nothing', async () => {
    const before = await snapshot(app);
    for (const text of [
      '',
      'list',
      'invite x@example.com',
      'resend new@example.com',
      'cancel new@example.com',
      'renew old@example.com',
      'help',
    ]) {
      const { body } = await command(app, fake, text, MEMBER_ID);
      expect(body.text).toContain('Only account administrators can manage users and invitations.');
      expect(body.blocks).toBeUndefined();
    }
    const unknown = await command(app, fake, '', 'UNOBODY');
    expect(unknown.body.text).toContain('Only account administrators');
    await new Promise((r) => setTimeout(r, 100));
    expect(await snapshot(app)).toEqual(before);
    // Every answer (one per command) is the refusal: nothing else reached the channel.
    expect(fake.responses.map((r) => r.body.text)).toEqual(
      Array(8).fill(':warning: Only account administrators can manage users and invitations.'),
    );
  });
});

describe('the other subcommands', () => {
  it('invite EMAILS --admin acks at once, then reports each address via response_url, and emails go out', async () => {
    // The command helper checks the ack was empty; the summary comes through the response_url.
    const { body: started, respondId } = await command(
      app,
      fake,
      'invite cmd-a@example.com, <mailto:cmd-b@example.com|cmd-b@example.com> new@example.com --admin',
    );
    expect(started.text).toBe(
      ':hourglass_flowing_sand: Inviting 3 people… I will post the summary here when it is done.',
    );
    const summary = await eventually(() => inviteSummaryIn(fake.respondedTo(respondId)));
    expect(summary.response_type).toBe('ephemeral');
    expect(summary.text).toBe('Invitations: 2 sent, 1 not sent.');
    expect(JSON.stringify(summary.blocks)).toContain('new@example.com already has a valid invitation');
    expect((await snapshot(app)).users.find((u) => u.email === 'cmd-b@example.com')).toEqual({
      email: 'cmd-b@example.com',
      state: 'invited',
      role: 'admin',
    });
    await app.settleEmails();
    expect(outbox(app).filter((m) => /cmd-[ab]@example\.com/.test(m.text))).toHaveLength(2);
  });

  it('link, resend, renew, history and cancel by email answer through the response_url', async () => {
    expect((await command(app, fake, 'link cmd-a@example.com')).body.text).toMatch(
      /Invitation link for cmd-a@example.com .*\n(http:\/\/invites\.test\/\S+)/,
    );
    expect((await command(app, fake, 'resend cmd-a@example.com')).body.text).toContain(
      'Invitation resent to cmd-a@example.com — same link',
    );
    expect((await command(app, fake, 'renew cmd-a@example.com')).body.text).toContain('still valid until');
    expect((await command(app, fake, 'renew old@example.com')).body.text).toContain(
      'New invitation sent to old@example.com',
    );
    const history = (await command(app, fake, 'history cmd-a@example.com')).body.text as string;
    expect(history).toContain('History of cmd-a@example.com');
    expect(history).toMatch(/resend by admin@example.com \(Slack\)/);
    expect((await command(app, fake, 'cancel cmd-a@example.com')).body.text).toContain(
      'Invitation to cmd-a@example.com cancelled',
    );
    expect((await command(app, fake, 'cancel cmd-a@example.com')).body.text).toContain(':warning:');
    expect((await command(app, fake, 'resend nobody@example.com')).body.text).toContain(
      'nobody@example.com is not a user of this account.',
    );
  });
});
