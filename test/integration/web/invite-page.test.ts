import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../../src/email/templates/format-date.js';
import { linkToken, newPublicId } from '../../../src/invitations/links.js';
import { formTokens } from '../../../src/web/security.js';
import { adminActor, outbox, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';

let app: TestApp;
const ORIGIN = 'http://invites.test'; // PUBLIC_BASE_URL of the test harness
const usedTokens: string[] = [];

beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app?.close(); });

const url = (path: string) => `${app.server!.url}${path}`;
const db = () => app.deps.database.db;

/** Invites `email` and returns the token of the link in the email the app sent. */
async function invite(email: string, name: string | null = null): Promise<string> {
  const r = await app.deps.service.invite(adminActor, [{ email, name }]);
  if (!r.ok || !r.value[0]!.result.ok) throw new Error(`invite ${email} failed`);
  await app.settleEmails();
  const mail = outbox(app).reverse().find((m) => m.text.includes(email))!;
  const token = /http:\/\/invites\.test\/invite\/(\S+)/.exec(mail.text)![1]!;
  usedTokens.push(token);
  return token;
}

const get = (token: string, init: RequestInit = {}) => fetch(url(`/invite/${token}`), { redirect: 'manual', ...init });

function post(path: string, fields: Record<string, string> | string, headers: Record<string, string> = { origin: ORIGIN }) {
  const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
  return fetch(url(path), {
    method: 'POST', redirect: 'manual', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** The form token embedded in the page, as a browser would submit it. */
async function csrfOf(token: string): Promise<string> {
  const page = await (await get(token)).text();
  return /name="csrf" value="([^"]+)"/.exec(page)![1]!;
}

async function accept(token: string, firstName = 'Grace', lastName = 'Hopper', headers?: Record<string, string>) {
  return post(`/invite/${token}/accept`, { csrf: await csrfOf(token), firstName, lastName }, headers);
}

/** Everything an answer could change, to compare before and after. */
async function snapshot(email: string) {
  await app.settleEmails();
  const user = await db().selectFrom('users').select(['state', 'name', 'activated_at']).where('email', '=', email).executeTakeFirstOrThrow();
  const invitations = await db().selectFrom('invitations').innerJoin('users', 'users.id', 'invitations.user_id')
    .select(['invitations.id', 'invitations.state', 'invitations.closed_at']).where('users.email', '=', email)
    .orderBy('invitations.sent_at').execute();
  const audit = await db().selectFrom('audit_log').select(['action', 'outcome']).where('subject_email', '=', email).orderBy('id').execute();
  const jobs = await sql<{ answer: string }>`select data->>'answer' as answer from pgboss.job
    where name = 'invitation.answered' and data->>'invitationId' = any(${invitations.map((i) => i.id)})`.execute(db());
  return { user, invitations, audit, answeredJobs: jobs.rows.map((r) => r.answer) };
}

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
    const invitation = await db().selectFrom('invitations').select('expires_at').where('id', '=', before.invitations[0]!.id).executeTakeFirstOrThrow();
    for (const text of ['Acme Marketplace', 'admin@example.com', 'look@example.com', formatDate(invitation.expires_at),
      '>Accept invitation</button>', '>Decline invitation</button>', '<label for="firstName">', '<label for="lastName">']) {
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
    const responses = [await get(token), await get('garbage'), await fetch(url(`/invite/${token}`), { method: 'PUT' }),
      await post(`/invite/${token}/accept`, 'x=1', { origin: 'https://evil.example' })];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
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

describe('answering is a same-origin POST with the form token', () => {
  it('refuses cross-site posts and posts without a valid form token, changing nothing', async () => {
    const token = await invite('csrf@example.com');
    const other = await invite('csrf-other@example.com');
    const csrf = await csrfOf(token);
    const before = await snapshot('csrf@example.com');
    const good = { csrf, firstName: 'Eve', lastName: 'Il' };
    const refused = [
      await post(`/invite/${token}/accept`, good, { origin: 'https://evil.example' }),
      await post(`/invite/${token}/decline`, { csrf }, { origin: 'https://evil.example' }),
      await post(`/invite/${token}/accept`, good, { origin: 'http://invites.test.evil.example' }),
      await post(`/invite/${token}/accept`, good, { origin: 'null', 'sec-fetch-site': 'cross-site' }),
      await post(`/invite/${token}/accept`, good, { 'sec-fetch-site': 'same-site' }),
      await post(`/invite/${token}/accept`, good, { origin: 'null' }),
      await post(`/invite/${token}/accept`, { firstName: 'Eve', lastName: 'Il' }),
      await post(`/invite/${token}/decline`, {}),
      await post(`/invite/${token}/accept`, { ...good, csrf: await csrfOf(other) }),
      await post(`/invite/${token}/decline`, { csrf: `${csrf}x` }),
    ];
    // The last four are well-formed same-origin posts without the right token: also 403.
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('We could not accept this form');
    }
    expect(await snapshot('csrf@example.com')).toEqual(before);
    expect(app.logs.join('\n')).toContain('cross-site form refused');
  });

  it('400 for a body that is not our form; 422 with inline errors for unusable names', async () => {
    const token = await invite('form@example.com');
    const csrf = await csrfOf(token);
    const before = await snapshot('form@example.com');
    const bad = [
      await fetch(url(`/invite/${token}/accept`), { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ csrf, firstName: 'A', lastName: 'B' }) }),
      await post(`/invite/${token}/accept`, `csrf=${csrf}&firstName=A&firstName=B&lastName=C`),
      await post(`/invite/${token}/accept`, { csrf, firstName: 'A' }),
    ];
    for (const res of bad) expect(res.status).toBe(400);
    expect((await post(`/invite/${token}/accept`, { csrf, firstName: 'A'.repeat(20_000), lastName: '' })).status).toBe(413);

    const cases: [Record<string, string>, string][] = [
      [{ firstName: 'Ada\u0007', lastName: 'L' }, 'First name cannot contain line breaks, tabs or other control characters.'],
      [{ firstName: 'Ada', lastName: 'Love\nlace' }, 'Last name cannot contain line breaks'],
      [{ firstName: 'Ada', lastName: 'Evil\u202Eeman' }, 'Last name cannot contain line breaks'],
      [{ firstName: '   ', lastName: 'Lovelace' }, 'Enter your first name.'],
      [{ firstName: 'A'.repeat(101), lastName: 'L' }, 'First name must be 100 characters or fewer.'],
    ];
    for (const [names, message] of cases) {
      const res = await post(`/invite/${token}/accept`, { csrf, ...names });
      expect(res.status).toBe(422);
      const page = await res.text();
      expect(page).toContain(message);
      expect(page).toContain('aria-invalid="true"');
      expect(page).toContain('>Accept invitation</button>');
    }
    // What was typed comes back, escaped, so nothing has to be typed again.
    const echoed = await (await post(`/invite/${token}/accept`, { csrf, firstName: '<b>"x"</b>', lastName: 'L\tM' })).text();
    expect(echoed).toContain('value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"');
    expect(await snapshot('form@example.com')).toEqual(before);
  });
});

describe('accept and decline', () => {
  it('accept makes the user Active with audit and job; a second post or a reload says "already accepted"', async () => {
    const token = await invite('grace@example.com', 'G H');
    // What Chromium sends from a page with Referrer-Policy: no-referrer (see security.ts).
    const res = await accept(token, '  Grace ', ' Hopper ', { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/invite/${token}?answered=accepted`);
    const after = await snapshot('grace@example.com');
    expect(after.user).toMatchObject({ state: 'active', name: 'Grace Hopper' });
    expect(after.user.activated_at).toBeInstanceOf(Date);
    expect(after.invitations.map((i) => i.state)).toEqual(['accepted']);
    expect(after.audit.map((a) => `${a.action}:${a.outcome}`)).toEqual(['invite:ok', 'accept:ok']);
    expect(after.answeredJobs).toEqual(['accepted']);

    const welcome = await get(`${token}?answered=accepted`);
    expect(welcome.status).toBe(200);
    const page = await welcome.text();
    expect(page).toContain('Welcome to Acme Marketplace');
    expect(page).toContain('href="https://marketplace.example.com/sign-in"');

    const again = await post(`/invite/${token}/accept`, { csrf: formTokens(app.deps.service.deps.appSecret).issue(token), firstName: 'X', lastName: 'Y' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/invite/${token}`);
    const reload = await get(token);
    expect(reload.status).toBe(200);
    expect(await reload.text()).toContain('This invitation was already accepted');
    const declineLater = await post(`/invite/${token}/decline`, { csrf: formTokens(app.deps.service.deps.appSecret).issue(token) });
    expect(declineLater.headers.get('location')).toBe(`/invite/${token}`);
    expect(await snapshot('grace@example.com')).toEqual(after);
  });

  it('two concurrent accepts answer once', async () => {
    const token = await invite('double@example.com');
    const csrf = await csrfOf(token);
    const both = await Promise.all([1, 2].map(() => post(`/invite/${token}/accept`, { csrf, firstName: 'D', lastName: 'C' })));
    expect(both.map((r) => r.headers.get('location')).sort()).toEqual([`/invite/${token}`, `/invite/${token}?answered=accepted`]);
    expect((await snapshot('double@example.com')).answeredJobs).toEqual(['accepted']);
  });

  it('decline confirms, records the answer and lets admins invite again', async () => {
    const token = await invite('nope@example.com');
    const res = await post(`/invite/${token}/decline`, { csrf: await csrfOf(token) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/invite/${token}?answered=declined`);
    const page = await (await get(`${token}?answered=declined`)).text();
    expect(page).toContain('You declined the invitation');
    expect(page).toContain('An administrator of Acme Marketplace can invite you again later');
    const after = await snapshot('nope@example.com');
    expect(after.user.state).toBe('declined');
    expect(after.invitations.map((i) => i.state)).toEqual(['declined']);
    expect(after.audit.map((a) => a.action)).toEqual(['invite', 'decline']);
    expect(after.answeredJobs).toEqual(['declined']);
    expect(await (await get(token)).text()).toContain('This invitation was declined');
    await invite('nope@example.com');
    expect((await snapshot('nope@example.com')).user.state).toBe('invited');
  });
});

describe('dead links', () => {
  it('expired: the TTL from config, the account and the inviter; answering is refused', async () => {
    const token = await invite('late@example.com');
    app.clock.advance(7 * DAY);
    const res = await get(token);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('This invitation has expired. Invitations must be accepted within 7 days of being sent. ' +
      'Ask an administrator of <strong>Acme Marketplace</strong> to send you a new invitation.');
    expect(page).toContain('You were invited by <strong>admin@example.com</strong>.');
    expect(page).not.toContain('Accept invitation</button>');
    const before = await snapshot('late@example.com');
    const csrf = formTokens(app.deps.service.deps.appSecret).issue(token);
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
    const fresh = /http:\/\/invites\.test\/invite\/(\S+)/.exec(outbox(app).reverse().find((m) => m.text.includes('renewed@example.com'))!.text)![1]!;
    usedTokens.push(fresh);
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
    const secret = app.deps.service.deps.appSecret;
    const [publicId, macPart] = real.split('.') as [string, string];
    const forged = `${publicId}.${macPart.startsWith('A') ? 'B' : 'A'}${macPart.slice(1)}`;
    const unknown = linkToken(secret, newPublicId());
    const paths = [`/invite/${forged}`, `/invite/${unknown}`, '/invite/garbage', '/invite/%E0%A4%A', '/invite/',
      `/invite/${real}x`, `/invite/${real}/more/stuff`, `/invite/${linkToken('another-secret-that-is-long-enough-000000', publicId)}`];
    const bodies = new Set<string>();
    for (const path of paths) {
      const res = await fetch(url(path));
      expect([path, res.status]).toEqual([path, 404]);
      bodies.add(await res.text());
    }
    const forms = formTokens(secret);
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

describe('logs', () => {
  it('never contain a link token', () => {
    const logs = app.logs.join('\n');
    expect(usedTokens.length).toBeGreaterThan(5);
    for (const token of usedTokens) {
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(token.split('.')[0]!);
    }
  });
});
