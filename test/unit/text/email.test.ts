import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAddress, isValidEmail, normalizeEmail, unwrapMailto } from '../../../src/text/email.js';

describe('isValidEmail', () => {
  it.each([
    'alice@example.com',
    'Alice@Example.COM',
    'a@b.co',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.ie",
    'x_y-z@my-host.example',
    '-dash@example.com',
    'user@xn--bcher-kva.example',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['no @', 'alice.example.com'],
    ['missing domain', 'bob@'],
    ['missing local part', '@example.com'],
    ['two @', 'a@b@example.com'],
    ['domain without a dot', 'alice@localhost'],
    ['space inside', 'al ice@example.com'],
    ['leading space', ' alice@example.com'],
    ['leading dot in local part', '.alice@example.com'],
    ['trailing dot in local part', 'alice.@example.com'],
    ['double dot in local part', 'al..ice@example.com'],
    ['empty domain label', 'alice@example..com'],
    ['trailing dot in domain', 'alice@example.com.'],
    ['label starting with hyphen', 'alice@-example.com'],
    ['label ending with hyphen', 'alice@example-.com'],
    ['underscore in domain', 'alice@ex_ample.com'],
    ['numeric TLD', 'alice@192.168.0.1'],
    ['IP literal', 'alice@[192.168.0.1]'],
    ['quoted local part', '"al ice"@example.com'],
    ['pipe (Slack markup)', 'a|b@example.com'],
    ['backtick', 'a`b@example.com'],
    ['angle brackets', '<alice@example.com>'],
    ['non-ASCII local part', 'jösé@example.com'],
    ['non-ASCII domain', 'alice@bücher.example'],
    ['local part over 64', `${'a'.repeat(65)}@example.com`],
    ['label over 63', `a@${'b'.repeat(64)}.com`],
  ])('rejects %s', (_label, email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('enforces the 254 character total', () => {
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(56)}.com`;
    const ok = `${'a'.repeat(254 - domain.length - 1)}@${domain}`; // local part of 10
    expect(ok.length).toBe(254);
    expect(isValidEmail(ok)).toBe(true);
    expect(isValidEmail(`a${ok}`)).toBe(false);
  });
});

describe('normalizeEmail', () => {
  it('trims and lowercases', () => {
    expect(normalizeEmail('  Alice@Example.COM \n')).toBe('alice@example.com');
  });

  it('unwraps Slack mailto links, preferring the label', () => {
    expect(normalizeEmail('<mailto:alice@example.com|alice@example.com>')).toBe('alice@example.com');
    expect(normalizeEmail('<mailto:Alice@Example.com|Alice@Example.com>')).toBe('alice@example.com');
    expect(normalizeEmail('<mailto:alice@example.com|carol@example.com>')).toBe('carol@example.com');
  });

  it('falls back to the mailto target when the label is not an address', () => {
    expect(normalizeEmail('<mailto:bob@example.com|Bob>')).toBe('bob@example.com');
    expect(normalizeEmail('<MAILTO:bob@example.com|>')).toBe('bob@example.com');
  });

  it('unwraps label-less and bare mailto forms, dropping query strings', () => {
    expect(normalizeEmail('<mailto:alice@example.com>')).toBe('alice@example.com');
    expect(normalizeEmail('mailto:alice@example.com')).toBe('alice@example.com');
    expect(normalizeEmail('<mailto:alice@example.com?subject=hi>')).toBe('alice@example.com');
    expect(normalizeEmail('<alice@example.com>')).toBe('alice@example.com');
  });

  it('returns null for invalid input', () => {
    expect(normalizeEmail('bob@')).toBeNull();
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail('<mailto:bob@|bob@>')).toBeNull();
    expect(normalizeEmail('<mailto:alice@example.com|alice@example.com')).toBeNull();
    expect(normalizeEmail('mailto:')).toBeNull();
  });

  it('does not let lowercasing turn non-ASCII look-alikes into valid addresses', () => {
    // U+212A KELVIN SIGN lowercases to ASCII "k".
    expect('\u212Aate@example.com'.toLowerCase()).toBe('kate@example.com');
    expect(normalizeEmail('\u212Aate@example.com')).toBeNull();
  });

  it('is idempotent and only ever returns valid lowercase addresses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.emailAddress()), (raw) => {
        const email = normalizeEmail(raw);
        if (email === null) return;
        expect(isValidEmail(email)).toBe(true);
        expect(email).toBe(email.toLowerCase());
        expect(normalizeEmail(email)).toBe(email);
      }),
    );
  });

  it('sees through Slack wrapping for any valid address', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        fc.pre(isValidEmail(email));
        const expected = email.toLowerCase();
        expect(normalizeEmail(`<mailto:${email}|${email}>`)).toBe(expected);
        expect(normalizeEmail(` ${email.toUpperCase()} `)).toBe(expected);
      }),
    );
  });
});

describe('unwrapMailto', () => {
  it('returns what the user typed, unvalidated', () => {
    expect(unwrapMailto('<mailto:bob@|bob@>')).toBe('bob@');
    expect(unwrapMailto('<mailto:bob@x.com>')).toBe('bob@x.com');
    expect(unwrapMailto(' plain ')).toBe('plain');
  });
});

describe('checkAddress', () => {
  it.each([
    ['Ann@Example.COM', 'ann@example.com', 'ann@example.com'],
    ['ann@bücher.de', 'ann@xn--bcher-kva.de', 'ann@bücher.de'],
    ['ann@BÜCHER.de', 'ann@xn--bcher-kva.de', 'ann@bücher.de'],
    ['ann@xn--bcher-kva.de', 'ann@xn--bcher-kva.de', 'ann@bücher.de'],
    ['ann@例え.jp', 'ann@xn--r8jz45g.jp', 'ann@例え.jp'],
  ])('%s → %s, shown as %s', (input, email, display) => {
    expect(checkAddress(input)).toEqual({ ok: true, email, display });
  });

  it.each([
    ['jösé@example.com', 'Unicode is not allowed before the @'],
    ['\u212Aate@example.com', 'Unicode is not allowed before the @'],
    ['ann@xn--zz.com', 'not a valid email address'],
    ['ann@12.34', 'not a valid email address'],
    ['ann@bü cher.de', 'not a valid email address'],
    ['ann@', 'not a valid email address'],
    ['@x.com', 'not a valid email address'],
    [`${'a'.repeat(250)}@bücher.de`, 'not a valid email address'],
  ])('refuses %s: %s', (input, reason) => {
    expect(checkAddress(input)).toEqual({ ok: false, reason });
  });

  it('normalizeEmail stores a Unicode domain as punycode', () => {
    expect(normalizeEmail(' Ann@Bücher.de ')).toBe('ann@xn--bcher-kva.de');
    expect(normalizeEmail('<mailto:ann@bücher.de|ann@bücher.de>')).toBe('ann@xn--bcher-kva.de');
  });
});
