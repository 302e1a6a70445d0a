import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminActor, outbox, startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM, chromiumRequired, hasChromium, INSTALL_CHROMIUM } from '../support/chromium.js';
import { DAY } from '../support/clock.js';

if (!hasChromium && chromiumRequired) {
  it('Chromium is installed (required in CI)', () => {
    throw new Error(`${CHROMIUM} is missing: ${INSTALL_CHROMIUM}`);
  });
}

// Screenshots always get taken (a page that cannot render fails here); they replace the ones in
// docs/screenshots only when asked, so a plain `npm test` leaves the work tree clean.
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${fs.mkdtempSync(path.join(os.tmpdir(), 'invite-shots-'))}/`;
const PHONE = { width: 320, height: 720 };
const DESKTOP = { width: 1280, height: 800 };

let app: TestApp;
let browser: Browser;
let base: string;
let page: Page;
let problems: string[];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Invites `email` and returns the link exactly as the email the app produced shows it. */
async function invite(email: string, name: string | null = null): Promise<string> {
  const r = await app.deps.service.invite(adminActor, [{ email, name }]);
  if (!r.ok || !r.value[0]!.result.ok) throw new Error(`invite ${email} failed`);
  return latestLink(email);
}

async function latestLink(email: string): Promise<string> {
  await app.settleEmails();
  const mail = outbox(app)
    .reverse()
    .find((m) => m.text.includes(email))!;
  const link = /(http:\/\/127\.0\.0\.1:\d+\/invite\/\S+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no link in the email to ${email}`);
  expect(link.startsWith(base)).toBe(true);
  return link;
}

const userState = async (email: string) =>
  await app.deps.database.db
    .selectFrom('users')
    .select(['state', 'name'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();

/** Viewport-only screenshots at phone and desktop width, after checking nothing overflows sideways. */
async function shoot(name: string) {
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} overflows at ${viewport.width}px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}invite-${name}-${size}.png` });
  }
  await page.setViewportSize(DESKTOP);
}

const heading = () => page.locator('h1').textContent();

describe.skipIf(!hasChromium)('invite pages in Chromium', () => {
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startTestApp({ port, env: { PUBLIC_BASE_URL: base } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: DESKTOP });
    problems = [];
    // A CSP violation (e.g. the stylesheet hash drifting) shows up as a console error; 4xx page
    // statuses are expected here and logged as "Failed to load resource".
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  it('accepts an invitation from the emailed link, keyboard only', async () => {
    const link = await invite('grace@example.com', 'Grace Brewster');
    const res = await page.goto(link);
    expect(res!.status()).toBe(200);
    expect(await heading()).toBe("You're invited to join Acme Marketplace");
    expect(await page.locator('body').textContent()).toContain('admin@example.com');
    // The stylesheet applied under the CSP: the card has its white background.
    expect(await page.locator('.card').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(255, 255, 255)',
    );
    await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Grace');
    await expect(page.getByLabel('Last name (optional)').inputValue()).resolves.toBe('Brewster');
    await shoot('valid');

    // Tab order: first name, last name, Accept, Decline; each with a visible focus indicator.
    const stops: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
          return `${el.id || el.textContent?.trim()}${ring || el.tagName === 'INPUT' ? '' : ' (no focus ring)'}`;
        }),
      );
    }
    expect(stops).toEqual(['firstName', 'lastName', 'Accept invitation', 'Decline invitation']);

    await page.getByLabel('Last name (optional)').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Hopper');
    await page.keyboard.press('Tab'); // to Accept invitation
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?answered=accepted$/);
    expect(await heading()).toBe('Welcome to Acme Marketplace');
    expect(await page.getByRole('link', { name: 'Continue to Marketplace' }).getAttribute('href')).toBe(
      app.config.marketplaceUrl,
    );
    expect(await userState('grace@example.com')).toEqual({ state: 'active', name: 'Grace Hopper' });
    await shoot('accepted');

    await page.goto(link);
    expect(await heading()).toBe('This invitation was already accepted');
    await shoot('already-accepted');
  });

  it('re-renders the form with an inline error for an unusable name', async () => {
    await page.goto(await invite('blank@example.com'));
    await page.getByLabel('First name').fill('   ');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.errors').textContent()).toContain('Enter your first name.');
    expect(await page.getByLabel('First name').getAttribute('aria-invalid')).toBe('true');
    await shoot('error');
    expect((await userState('blank@example.com')).state).toBe('invited');
  });

  it('declines', async () => {
    await page.goto(await invite('nope@example.com'));
    await page.getByRole('button', { name: 'Decline invitation' }).click();
    await page.waitForURL(/\?answered=declined$/);
    expect(await heading()).toBe('You declined the invitation');
    expect((await userState('nope@example.com')).state).toBe('declined');
    await shoot('declined');
  });

  it('refuses a form posted from another site', async () => {
    const link = await invite('victim@example.com');
    await page.goto(link);
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    // Another origin (localhost is not 127.0.0.1) posting the very same form, token included.
    await page.goto(`${base.replace('127.0.0.1', 'localhost')}/healthz`);
    await page.setContent(`<form method="post" action="${link}/accept"><input name="csrf" value="${csrf}">
      <input name="firstName" value="Mallory"><input name="lastName" value="X"><button>go</button></form>`);
    const [response] = await Promise.all([page.waitForResponse(`${link}/accept`), page.click('button')]);
    expect(response.status()).toBe(403);
    expect(await heading()).toBe('We could not accept this form');
    expect((await userState('victim@example.com')).state).toBe('invited');
  });

  it('shows the right page for expired, replaced, cancelled and unknown links', async () => {
    const cancelled = await invite('cancelled@example.com');
    expect((await app.deps.service.cancel(adminActor, { email: 'cancelled@example.com' })).ok).toBe(true);
    const expired = await invite('late@example.com');
    const replaced = await invite('renewed@example.com');
    app.clock.advance(8 * DAY);
    expect((await app.deps.service.sendNew(adminActor, { email: 'renewed@example.com' })).ok).toBe(true);
    expect(await latestLink('renewed@example.com')).not.toBe(replaced);

    // Only the expired page offers something to do: Ask for a new invitation.
    const cases: [string, string, number, string, number][] = [
      ['expired', expired, 200, 'Invitation expired', 1],
      ['replaced', replaced, 200, 'A newer invitation was sent to you', 0],
      ['cancelled', cancelled, 200, 'This invitation was cancelled', 0],
      ['invalid', `${base}/invite/not-a-real-link`, 404, 'This invitation link is not valid', 0],
    ];
    for (const [name, link, status, title, buttons] of cases) {
      const res = await page.goto(link);
      expect([name, res!.status()]).toEqual([name, status]);
      expect(await heading()).toBe(title);
      expect(await page.getByRole('button').count()).toBe(buttons);
      await shoot(name);
    }
  });

  it('asks for a new invitation from the expired page, once', async () => {
    const link = await invite('asker@example.com');
    app.clock.advance(8 * DAY);
    await page.goto(link);
    const ask = page.getByRole('button', { name: 'Ask for a new invitation' });
    await ask.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${link}?asked=sent`);
    expect(await heading()).toBe('Request sent');
    expect(await page.getByRole('status').textContent()).toContain('asked the administrators of');
    expect(await page.getByRole('button').count()).toBe(0);
    await shoot('asked');

    await page.goto(link);
    await page.getByRole('button', { name: 'Ask for a new invitation' }).click();
    await page.waitForURL(`${link}?asked=again`);
    expect(await heading()).toBe('You already asked');
    const asked = await app.deps.database.db.selectFrom('notices').select('kind').where('kind', '=', 'asked').execute();
    expect(asked).toHaveLength(1);
  });

  it("shows a blocked or removed person's link as no access (never why), an erased person's as unknown", async () => {
    const link: Record<string, string> = {};
    // Addresses that do not spell the reason, so the page text can be checked for it.
    const email = (who: string) => `pat.${who.length}.${who[0]}@example.com`;
    for (const who of ['blocked', 'removed', 'erased']) {
      link[who] = await invite(email(who), 'Pat Doe');
      const token = link[who]?.split('/').pop() ?? '';
      expect((await app.deps.invitee.accept(token, { firstName: 'Pat', lastName: 'Doe' })).ok).toBe(true);
    }
    const s = app.deps.service;
    expect((await s.block(adminActor, { email: email('blocked') })).ok).toBe(true);
    expect((await s.remove(adminActor, { email: email('removed') })).ok).toBe(true);
    expect((await s.erase(adminActor, { email: email('erased') })).ok).toBe(true);

    const cases: [string, string | null, number, string][] = [
      ['blocked', 'no-access', 200, 'You no longer have access'],
      ['removed', null, 200, 'You no longer have access'],
      ['erased', 'erased', 404, 'This invitation link is not valid'],
    ];
    for (const [who, shot, status, title] of cases) {
      const res = await page.goto(link[who] ?? '');
      expect([who, res?.status()]).toEqual([who, status]);
      expect(await heading()).toBe(title);
      expect(await page.getByRole('button').count()).toBe(0);
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toMatch(/block|remov|disabled|erase|delet|security/i);
      if (shot) await shoot(shot);
    }
  });
});
