import { describe, expect, it } from 'vitest';
import { derivedKey, linkToken, newPublicId } from '../../../src/invitations/links.js';
import { formatDate } from '../../../src/text/dates.js';
import { FORM_KEY_PURPOSE, formTokens } from '../../../src/web/security.js';
import { adminActor, outbox } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { accept, app, db, get, invite, post, rememberToken, snapshot, url, useInviteApp } from './invite-helpers.js';

// Opening links, headers, dead links and escaping; answering is in invite-page-answers.test.ts.
useInviteApp();

describe('opening a link changes nothing', () => {
  it('GET, HEAD and link-preview bots see the invitation and leave the database as it was', async () => {
    const token = await invite('look@example.com', 'Ada Lovelace King');
    const before = await snapshot('look@example.com');
    const agents = [
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Outlook-SafeLinks',
    ];
    for (const ua of agents) expect((await get(token, { headers: { 'user-agent': ua } })).status).toBe(200);
    const head = await get(token, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await head.text()).toBe('');

    const res = await get(token);
    expect(res.status).toBe(200);
    const page = await res.text();
    const expiresAt = before.invitations[0]!.closed_at; // still open
    expect(expiresAt).toBeNull();
    const invitation = await db()
      .selectFrom('invitations')
      .select('expires_at')
      .where('id', '=', before.invitations[0]!.id)
      .executeTakeFirstOrThrow();
    for (const text of [
      'Acme Marketplace',
      'admin@example.com',
      'look@example.com',
      formatDate(invitation.expires_at),
      '>Accept invitation</button>',
      '>Decline invitation</button>',
      '<label for="firstName">',
      '<label for="lastName">',
    ]) {
      expect(page).toContain(text);
    }
    expect(page).toContain('id="firstName" name="firstName" value="Ada"');
    expect(page).toContain('id="lastName" name="lastName" value="Lovelace King"');
    expect(page).toContain(`action="/invite/${token}/accept"`);
    expect(page).not.toMatch(/<script/i);
    expect(await snapshot('look@example.com')).toEqual(before);
  });
});

describe('security headers', () => {
  it('are on every invite response, pages and errors alike', async () => {
    const token = await invite('headers@example.com');
    const responses = [
      await get(token),
      await get('garbage'),
      await fetch(url(`/invite/${token}`), { method: 'PUT' }),
      await post(`/invite/${token}/accept`, 'x=1', { origin: 'https://evil.example' }),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
      );
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-robots-tag')).toBe('noindex');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const page = await res.text();
      expect(page).toContain('<meta name="robots" content="noindex">');
      expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    }
  });

  it('405 with Allow for other methods', async () => {
    const token = await invite('methods@example.com');
    const before = await snapshot('methods@example.com');
    for (const method of ['PUT', 'DELETE', 'PATCH', 'POST']) {
      const res = await fetch(url(`/invite/${token}`), { method });
      expect([method, res.status, res.headers.get('allow')]).toEqual([method, 405, 'GET, HEAD']);
    }
    for (const action of ['accept', 'decline']) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(url(`/invite/${token}/${action}`), { method });
        expect([method, res.status, res.headers.get('allow')]).toEqual([method, 405, 'POST']);
      }
    }
    expect(await snapshot('methods@example.com')).toEqual(before);
  });
});

describe('dead links', () => {
  it('expired: the TTL from config, the account and the inviter; answering is refused', async () => {
    const token = await invite('late@example.com');
    app.clock.advance(7 * DAY);
    const res = await get(token);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('This invitation has expired. Invitations must be accepted within 7 days of being sent.');
    expect(page).toContain('Ask the administrators of Acme Marketplace to send you a new invitation.');
    expect(page).toContain('You were invited by <strong>admin@example.com</strong>.');
    expect(page).not.toContain('Accept invitation</button>');
    const before = await snapshot('late@example.com');
    const csrf = app.deps.formTokens.issue(token);
    const tried = await post(`/invite/${token}/accept`, { csrf, firstName: 'L', lastName: 'A' });
    expect(tried.headers.get('location')).toBe(`/invite/${token}`);
    expect(await snapshot('late@example.com')).toEqual(before);
  });

  it('replaced by Send new invitation: points to the latest email; the new link works', async () => {
    const old = await invite('renewed@example.com');
    app.clock.advance(8 * DAY);
    expect((await app.deps.service.sendNew(adminActor, { email: 'renewed@example.com' })).ok).toBe(true);
    await app.settleEmails();
    const page = await (await get(old)).text();
    expect(page).toContain('A newer invitation was sent to you');
    expect(page).toContain('Use the link in the latest email.');
    const fresh = /http:\/\/invites\.test\/invite\/(\S+)/.exec(
      outbox(app)
        .reverse()
        .find((m) => m.text.includes('renewed@example.com'))!.text,
    )![1]!;
    rememberToken(fresh);
    expect(fresh).not.toBe(old);
    expect(await (await get(fresh)).text()).toContain('Accept invitation</button>');
  });

  it('cancelled by an admin', async () => {
    const token = await invite('cancelled@example.com');
    expect((await app.deps.service.cancel(adminActor, { email: 'cancelled@example.com' })).ok).toBe(true);
    const res = await get(token);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('This invitation was cancelled');
  });

  it('unknown, forged and malformed links all get one neutral 404 page', async () => {
    const real = await invite('forged@example.com');
    const secret = app.config.appSecret!;
    const [publicId, macPart] = real.split('.') as [string, string];
    const forged = `${publicId}.${macPart.startsWith('A') ? 'B' : 'A'}${macPart.slice(1)}`;
    const unknown = linkToken(secret, newPublicId());
    const paths = [
      `/invite/${forged}`,
      `/invite/${unknown}`,
      '/invite/garbage',
      '/invite/%E0%A4%A',
      '/invite/',
      `/invite/${real}x`,
      `/invite/${real}/more/stuff`,
      `/invite/${linkToken('another-secret-that-is-long-enough-000000', publicId)}`,
    ];
    const bodies = new Set<string>();
    for (const path of paths) {
      const res = await fetch(url(path));
      expect([path, res.status]).toEqual([path, 404]);
      bodies.add(await res.text());
    }
    const forms = formTokens(derivedKey(secret, FORM_KEY_PURPOSE));
    for (const token of [forged, unknown]) {
      const res = await post(`/invite/${token}/accept`, { csrf: forms.issue(token), firstName: 'F', lastName: 'G' });
      expect(res.status).toBe(404);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    const [body] = [...bodies];
    expect(body).toContain('This invitation link is not valid');
    expect(body).not.toContain('Acme');
  });
});

describe('escaping', () => {
  it('shows names with markup as text', async () => {
    const token = await invite('xss@example.com', '<script>alert(1)</script> "Bobby" Tables');
    const page = await (await get(token)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toContain('value="&quot;Bobby&quot; Tables"');
    await accept(token, '<img src=x onerror=alert(1)>', '<script>x</script>');
    const welcome = await (await get(`${token}?answered=accepted`)).text();
    expect(welcome).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;x&lt;/script&gt;');
    expect(welcome).not.toMatch(/<script|<img/);
  });
});
