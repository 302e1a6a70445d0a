import { describe, expect, it } from 'vitest';
import { type InvitationEmailInput, renderInvitationEmail } from '../../../src/email/templates/invitation.js';
import { formatDate } from '../../../src/text/dates.js';
import { escapeHtml, safeHttpUrl, singleLine } from '../../../src/text/html.js';

const base: InvitationEmailInput = {
  kind: 'invitation',
  accountName: 'Acme Supplies',
  inviter: { name: 'Grace Hopper', email: 'grace@acme.example' },
  invitee: { name: 'Ada Lovelace', email: 'ada@example.com' },
  link: 'https://invites.example.com/invitations/tok_123?src=email&lang=en',
  expiresAt: new Date('2026-12-05T14:03:27Z'),
};
const DATE = 'Saturday, 5 December 2026 at 14:03 UTC';
const kinds = ['invitation', 'resend', 'new-invitation'] as const;

describe('formatDate', () => {
  it('formats an absolute UTC date and time with weekday', () => {
    expect(formatDate(new Date('2026-12-05T14:03:27Z'))).toBe(DATE);
    expect(formatDate(new Date('2027-01-01T00:00:00Z'))).toBe('Friday, 1 January 2027 at 00:00 UTC');
    // Late in the day in UTC is already the next day east of Greenwich: the UTC label matters.
    expect(formatDate(new Date('2026-02-28T23:59:59.999Z'))).toBe('Saturday, 28 February 2026 at 23:59 UTC');
  });

  it('rejects an invalid date', () => {
    expect(() => formatDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('html helpers', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });

  it('accepts only absolute http(s) URLs', () => {
    expect(safeHttpUrl('https://x.example/a?b=1&c=2')).toBe('https://x.example/a?b=1&c=2');
    expect(() => safeHttpUrl('javascript:alert(1)')).toThrow(TypeError);
    expect(() => safeHttpUrl('/relative')).toThrow(TypeError);
  });

  it('collapses newlines and tabs', () => {
    expect(singleLine('  Ada\r\n\tLovelace ')).toBe('Ada Lovelace');
  });
});

describe('renderInvitationEmail', () => {
  for (const kind of kinds) {
    it(`renders the ${kind} email (snapshot)`, () => {
      const email = renderInvitationEmail({ ...base, kind });
      expect(email.subject).toMatchSnapshot('subject');
      expect(email.text).toMatchSnapshot('text');
      expect(email.html).toMatchSnapshot('html');
    });
  }

  it('uses the agreed subjects', () => {
    expect(renderInvitationEmail(base).subject).toBe('Grace Hopper invited you to Acme Supplies on Marketplace');
    expect(renderInvitationEmail({ ...base, kind: 'resend' }).subject).toBe(
      'Reminder: your invitation to Acme Supplies',
    );
    expect(renderInvitationEmail({ ...base, kind: 'new-invitation' }).subject).toBe(
      'A new invitation to Acme Supplies',
    );
  });

  it('says what each kind means', () => {
    const resend = renderInvitationEmail({ ...base, kind: 'resend' });
    expect(resend.text).toContain('This is a reminder');
    expect(resend.text).toContain('same one we sent you before');
    expect(resend.text).toContain(`still expires on ${DATE}.`);
    const renewed = renderInvitationEmail({ ...base, kind: 'new-invitation' });
    expect(renewed.text).toContain('previous invitation email no longer works');
    expect(renewed.text).toContain(`This invitation expires on ${DATE}.`);
  });

  for (const kind of kinds) {
    it(`${kind}: has account, inviter, link as button and text, and the expiry date in both parts`, () => {
      const { html, text } = renderInvitationEmail({ ...base, kind });
      const escapedLink = 'https://invites.example.com/invitations/tok_123?src=email&amp;lang=en';
      for (const part of [html, text]) {
        expect(part).toContain('Acme Supplies');
        expect(part).toContain('Grace Hopper (grace@acme.example)');
        expect(part).toContain(`expires on ${DATE}`);
        expect(part).not.toMatch(/7 days/);
      }
      expect(text).toContain(base.link);
      // Button and visible fallback link both point at the invite page.
      expect(html.split(`href="${escapedLink}"`)).toHaveLength(3);
      expect(html).toContain(`>${escapedLink}</a>`);
      expect(html).toContain('max-width:600px');
    });
  }

  it('falls back to the inviter email and a neutral greeting when names are missing', () => {
    const email = renderInvitationEmail({
      ...base,
      inviter: { name: null, email: 'grace@acme.example' },
      invitee: { name: '   ', email: 'ada@example.com' },
    });
    expect(email.subject).toBe('grace@acme.example invited you to Acme Supplies on Marketplace');
    expect(email.text.startsWith('Hi,\n\n')).toBe(true);
    expect(email.text).not.toContain('(grace@acme.example)');
  });

  it('escapes every user value in the HTML and keeps it readable in the text', () => {
    const hostile: InvitationEmailInput = {
      ...base,
      accountName: `Tom & Jerry's <script>alert("a")</script>`,
      inviter: { name: `Eve "the <b>boss</b>"`, email: `eve+'x'@evil.example` },
      invitee: { name: `<img src=x onerror=alert(1)>`, email: `victim&co@example.com` },
    };
    for (const kind of kinds) {
      const { subject, html, text } = renderInvitationEmail({ ...hostile, kind });
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>boss');
      expect(html).not.toMatch(/Tom & Jerry/);
      expect(html).toContain('Tom &amp; Jerry&#39;s &lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;');
      expect(html).toContain('Eve &quot;the &lt;b&gt;boss&lt;/b&gt;&quot;');
      expect(html).toContain('eve+&#39;x&#39;@evil.example');
      expect(html).toContain('victim&amp;co@example.com');
      expect(html).toContain('Hi &lt;img src=x onerror=alert(1)&gt;,');
      // The text part and subject are not HTML: they carry the raw values.
      expect(text).toContain(`Tom & Jerry's <script>alert("a")</script>`);
      expect(subject).toContain(`Tom & Jerry's`);
    }
  });

  it('escapes quotes in the link so it cannot break out of the href attribute', () => {
    const { html } = renderInvitationEmail({ ...base, link: `https://x.example/i?a="onmouseover='1'` });
    expect(html).not.toContain(`"onmouseover`);
    expect(html).toContain('href="https://x.example/i?a=%22onmouseover=%271%27"');
  });

  it('refuses a non-http link', () => {
    expect(() => renderInvitationEmail({ ...base, link: 'javascript:alert(1)' })).toThrow(TypeError);
  });

  it('keeps names with newlines on one line in the subject', () => {
    const { subject } = renderInvitationEmail({
      ...base,
      inviter: { name: 'Grace\nBcc: x@evil', email: 'g@a.example' },
    });
    expect(subject).toBe('Grace Bcc: x@evil invited you to Acme Supplies on Marketplace');
  });
});
