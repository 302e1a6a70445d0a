import { describe, expect, it } from 'vitest';
import { accept, app, csrfOf, get, invite, ORIGIN, post, snapshot, url, useInviteApp } from './invite-helpers.js';

// Accepting and declining: same-origin POSTs with the form token, once.
useInviteApp();

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
      await fetch(url(`/invite/${token}/accept`), {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify({ csrf, firstName: 'A', lastName: 'B' }),
      }),
      await post(`/invite/${token}/accept`, `csrf=${csrf}&firstName=A&firstName=B&lastName=C`),
      await post(`/invite/${token}/accept`, { csrf, firstName: 'A' }),
    ];
    for (const res of bad) expect(res.status).toBe(400);
    expect((await post(`/invite/${token}/accept`, { csrf, firstName: 'A'.repeat(20_000), lastName: '' })).status).toBe(
      413,
    );

    const cases: [Record<string, string>, string][] = [
      [
        { firstName: 'Ada\u0007', lastName: 'L' },
        'First name cannot contain line breaks, tabs or other control characters.',
      ],
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
    const echoed = await (
      await post(`/invite/${token}/accept`, { csrf, firstName: '<b>"x"</b>', lastName: 'L\tM' })
    ).text();
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

    const again = await post(`/invite/${token}/accept`, {
      csrf: app.deps.formTokens.issue(token),
      firstName: 'X',
      lastName: 'Y',
    });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/invite/${token}`);
    const reload = await get(token);
    expect(reload.status).toBe(200);
    expect(await reload.text()).toContain('This invitation was already accepted');
    const declineLater = await post(`/invite/${token}/decline`, {
      csrf: app.deps.formTokens.issue(token),
    });
    expect(declineLater.headers.get('location')).toBe(`/invite/${token}`);
    expect(await snapshot('grace@example.com')).toEqual(after);
  });

  it('two concurrent accepts answer once', async () => {
    const token = await invite('double@example.com');
    const csrf = await csrfOf(token);
    const both = await Promise.all(
      [1, 2].map(() => post(`/invite/${token}/accept`, { csrf, firstName: 'D', lastName: 'C' })),
    );
    expect(both.map((r) => r.headers.get('location')).sort()).toEqual([
      `/invite/${token}`,
      `/invite/${token}?answered=accepted`,
    ]);
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
