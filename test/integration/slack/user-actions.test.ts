import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/slack/ids.js';
import { adminActor, outbox, type TestApp, userResultOf } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { ADMIN2, makeActive, useSlackApp } from '../../support/rig.js';
import { eventually, slackFake } from '../../support/slack.js';
import {
  ADMIN_ID,
  command,
  invite,
  MEMBER_ID,
  menuLabels,
  optionValue,
  pick,
  press,
  rowOf,
  snapshot,
} from './helpers.js';

const fake = slackFake();
let app: TestApp;
useSlackApp(fake, (a) => (app = a), { setup: (a) => makeActive(a, ADMIN2, 'admin') });

/** Opens the list and returns the row of `email` plus the list's response_url. */
async function listRow(email: string, userId = ADMIN_ID) {
  const list = await command(app, fake, 'list', userId);
  return { row: rowOf(list.body.blocks, email), ...list };
}

/**
 * What the app posted to a response_url after a click: the separate notice and the replaced list
 * (the first post there is the command's own answer, the list the click was made on).
 */
async function afterClick(respondId: number, count = 2) {
  const bodies = await eventually(() => {
    const b = fake.respondedTo(respondId).slice(1);
    if (b.length < count)
      throw new Error(
        `only ${b.length} posts: ${app.logs
          .filter((l) => /"level":(40|50)/.test(l))
          .slice(-2)
          .join(' ')}`,
      );
    return b;
  });
  return {
    notice: bodies.find((b) => b.replace_original === false),
    list: bodies.find((b) => b.replace_original === true),
  };
}

describe('the ••• actions', () => {
  it('Copy invitation link shows the link to the admin alone and redraws the row', async () => {
    const user = await invite(app, 'copy@example.com');
    const { row, responseUrl, respondId } = await listRow('copy@example.com');
    expect((await pick(app, optionValue(row, 'Copy invitation link'), responseUrl)).status).toBe(200);
    const { notice, list } = await afterClick(respondId);
    expect(notice?.response_type).toBe('ephemeral');
    const link = await app.deps.service.copyLink(adminActor, { email: 'copy@example.com' });
    expect(link.ok && String(notice?.text)).toContain(link.ok ? link.value.value.link : 'x');
    expect(rowOf(list!.blocks as any[], 'copy@example.com')?.text.text).toContain('Invited');
    expect(user.status).toBe('invited');
  });

  it('Resend emails the ORIGINAL invitation again (same link, same expiry) and confirms', async () => {
    await invite(app, 'resend@example.com');
    await app.settleEmails();
    const before = outbox(app).length;
    const { row, responseUrl, respondId } = await listRow('resend@example.com');
    await pick(app, optionValue(row, 'Resend invitation link'), responseUrl);
    const { notice } = await afterClick(respondId);
    expect(notice?.text).toMatch(/Invitation resent to resend@example.com — same link, still expires <!date\^/);
    await app.settleEmails();
    const mails = outbox(app).slice(before);
    expect(mails).toHaveLength(1);
    const first = outbox(app).find((m) => m.text.includes('resend@example.com'))!;
    const linkOf = (t: string) => /http:\/\/invites\.test\/\S+/.exec(t)![0];
    expect(linkOf(mails[0]!.text)).toBe(linkOf(first.text));
  });

  it('Send new invitation on an expired row: new link, fresh window, row now Invited', async () => {
    await invite(app, 'renew@example.com');
    app.clock.advance(8 * DAY);
    await app.settleEmails();
    const before = outbox(app).length;
    const { row, responseUrl, respondId } = await listRow('renew@example.com');
    expect(row?.text.text).toContain('Invitation expired');
    await pick(app, optionValue(row, 'Send new invitation'), responseUrl);
    const { notice, list } = await afterClick(respondId);
    const expires = new Date(app.clock.now().getTime() + 7 * DAY);
    const unix = expires.getTime() / 1000;
    expect(notice?.text).toContain(
      `New invitation sent to renew@example.com — expires <!date^${unix}^{date_short_pretty} at {time}|${expires.toISOString().slice(0, 16).replace('T', ' ')} UTC>`,
    );
    const fresh = rowOf(list!.blocks as any[], 'renew@example.com');
    expect(fresh?.text.text).toContain('Member · Invited · expires');
    expect(fresh?.accessory.options.map((o: any) => o.text.text)).toContain('Resend invitation link');
    await app.settleEmails();
    expect(
      outbox(app)
        .slice(before)
        .map((m) => m.text.includes('renew@example.com')),
    ).toEqual([true]);
  });

  it('Cancel asks first (button with a confirm dialog), then cancels and removes the row', async () => {
    await invite(app, 'cancel@example.com');
    const { row, responseUrl, respondId } = await listRow('cancel@example.com');
    await pick(app, optionValue(row, 'Cancel invitation'), responseUrl);
    const prompt = (
      await eventually(() => {
        const b = fake.respondedTo(respondId).slice(1);
        if (!b.length) throw new Error('none');
        return b;
      })
    )[0]!;
    expect(prompt.replace_original).toBe(true);
    const buttons = (prompt.blocks as any[]).find((b) => String(b.block_id).startsWith(BLOCK.promptPrefix));
    const confirmButton = buttons.elements.find((e: any) => e.action_id === ACTION.promptConfirm);
    expect(confirmButton.confirm.title.text).toBe('Cancel invitation?');
    expect((await userResultOf(app, 'cancel@example.com')).ok).toBe(true);
    expect((await snapshot(app)).users.find((u) => u.email === 'cancel@example.com')?.state).toBe('invited');

    await press(app, ACTION.promptConfirm, confirmButton.value, { responseUrl });
    const bodies = await eventually(() => {
      const b = fake.respondedTo(respondId).slice(1);
      if (b.length < 3) throw new Error('wait');
      return b;
    });
    expect(bodies.find((b) => b.replace_original === false)?.text).toContain(
      'Invitation to cancel@example.com cancelled',
    );
    // The outcome stays visible, as on the Marketplace Users page, with its own menu.
    const cancelled = rowOf(bodies.at(-1)!.blocks as any[], 'cancel@example.com');
    expect(cancelled?.text.text).toContain('Cancelled');
    expect(menuLabels(cancelled)).toEqual(['Invite again', 'View history']);
    expect((await snapshot(app)).users.find((u) => u.email === 'cancel@example.com')?.state).toBe('cancelled');
  });

  it('View history opens a modal with the audit trail', async () => {
    await invite(app, 'hist@example.com');
    const { row, responseUrl } = await listRow('hist@example.com');
    await pick(app, optionValue(row, 'View history'), responseUrl);
    // The modal opens at once (the trigger lasts 3 s), then fills in.
    const updated = await eventually(() => {
      const v = fake.callsTo('views.update');
      if (!v.length) throw new Error('none');
      return v[0]!;
    });
    expect(fake.callsTo('views.open')).toHaveLength(1);
    const text = JSON.stringify(updated.view);
    expect(text).toContain('History of hist@example.com');
    expect(text).toContain('invite by admin@example.com');
  });
});

describe('refusals at click time', () => {
  it('a non-admin click is refused and changes nothing', async () => {
    await invite(app, 'victim@example.com');
    const { row, responseUrl, respondId } = await listRow('victim@example.com');
    const before = await snapshot(app);
    for (const label of ['Resend invitation link', 'Cancel invitation', 'Copy invitation link']) {
      await pick(app, optionValue(row, label), responseUrl, MEMBER_ID);
    }
    const bodies = await eventually(() => {
      const b = fake.respondedTo(respondId).slice(1);
      if (b.length < 3) throw new Error('wait');
      return b;
    });
    for (const b of bodies) {
      expect(b.replace_original).toBe(false);
      expect(b.text).toContain('Only account administrators');
      expect(JSON.stringify(b)).not.toContain('invites.test');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.respondedTo(respondId)).toHaveLength(4);
    expect(await snapshot(app)).toEqual(before);
  });

  it('a row made stale by another admin is refused with an explanation and redrawn', async () => {
    await invite(app, 'stale@example.com');
    app.clock.advance(8 * DAY);
    const { row, responseUrl, respondId } = await listRow('stale@example.com');
    const value = optionValue(row, 'Send new invitation');
    // Another admin acts first, from their own list.
    const other = await listRow('stale@example.com', 'UADMIN2');
    await pick(app, optionValue(other.row, 'Send new invitation'), other.responseUrl, 'UADMIN2');
    await afterClick(other.respondId);
    const before = await snapshot(app);

    await pick(app, value, responseUrl);
    const { notice, list } = await afterClick(respondId);
    expect(notice?.text).toContain('That list is out of date');
    expect(notice?.text).toContain('stale@example.com');
    expect(rowOf(list!.blocks as any[], 'stale@example.com')?.text.text).toContain('Member · Invited · expires');
    expect(await snapshot(app)).toEqual(before);
  });

  it('an action no longer allowed (expired since the list was drawn) explains why', async () => {
    await invite(app, 'late@example.com');
    const { row, responseUrl, respondId } = await listRow('late@example.com');
    app.clock.advance(8 * DAY);
    await pick(app, optionValue(row, 'Resend invitation link'), responseUrl);
    const { notice, list } = await afterClick(respondId);
    expect(notice?.text).toContain('The invitation to late@example.com expired on');
    expect(rowOf(list!.blocks as any[], 'late@example.com')?.text.text).toContain('Invitation expired');
  });
});
