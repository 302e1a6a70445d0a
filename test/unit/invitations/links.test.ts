import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  INVITE_PATH,
  inviteUrl,
  linkToken,
  newPublicId,
  resolveAppSecret,
  verifyLinkToken,
} from '../../../src/invitations/links.js';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const OTHER = 'another-secret-that-is-also-long-enough-98765';
const B64URL = /^[A-Za-z0-9_-]+$/;

describe('public ids', () => {
  it('are 22 base64url characters encoding 16 random bytes (128 bits)', () => {
    for (let i = 0; i < 50; i++) {
      const id = newPublicId();
      expect(id).toHaveLength(22);
      expect(id).toMatch(B64URL);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
      expect(Buffer.from(id, 'base64url').toString('base64url')).toBe(id);
    }
  });

  it('do not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, newPublicId));
    expect(ids.size).toBe(2000);
  });
});

describe('link tokens', () => {
  const id = newPublicId();
  const token = linkToken(SECRET, id);

  it('round-trip to their public id, and are reproducible', () => {
    expect(token.startsWith(`${id}.`)).toBe(true);
    expect(verifyLinkToken(SECRET, token)).toBe(id);
    expect(linkToken(SECRET, id)).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
  });

  it('differ per id and per secret', () => {
    expect(linkToken(SECRET, newPublicId())).not.toBe(token);
    expect(linkToken(OTHER, id)).not.toBe(token);
  });

  it('signed with another secret are refused', () => {
    expect(verifyLinkToken(OTHER, token)).toBeNull();
    expect(verifyLinkToken(SECRET, linkToken(OTHER, id))).toBeNull();
  });

  it('with any one character of the MAC or the id changed are refused', () => {
    const swap = (c: string) => (c === 'A' ? 'B' : 'A');
    for (let i = 0; i < token.length; i++) {
      if (i === 22) continue; // the dot
      const forged = token.slice(0, i) + swap(token[i]!) + token.slice(i + 1);
      expect(verifyLinkToken(SECRET, forged), `position ${i}`).toBeNull();
    }
  });

  it('are refused in every non-canonical spelling of the MAC (no malleability)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const accepted = [...alphabet].filter((c) => verifyLinkToken(SECRET, token.slice(0, -1) + c) !== null);
    expect(accepted).toEqual([token.at(-1)]);
  });

  it('a MAC made for another id does not open this one', () => {
    const other = newPublicId();
    const mac = linkToken(SECRET, other).split('.')[1]!;
    expect(verifyLinkToken(SECRET, `${id}.${mac}`)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['the id alone', id],
    ['a truncated MAC', token.slice(0, -1)],
    ['a truncated id', token.slice(1)],
    ['an extra character', `${token}A`],
    ['a trailing slash', `${token}/`],
    ['surrounding spaces', ` ${token} `],
    ['a standard-base64 alphabet', `${id}.${'+'.repeat(22)}`],
    ['two dots', `${id}..${token.split('.')[1]!}`],
    ['garbage', 'not-a-token'],
    ['a path traversal', '../../etc/passwd'],
    ['a very long string', 'A'.repeat(10_000)],
  ])('%s is refused', (_what, candidate) => {
    expect(verifyLinkToken(SECRET, candidate)).toBeNull();
  });

  it('build invite URLs under INVITE_PATH', () => {
    expect(inviteUrl('https://invites.example.com', token)).toBe(`https://invites.example.com${INVITE_PATH}/${token}`);
  });
});

describe('resolveAppSecret', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-secret-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses APP_SECRET when given, and writes nothing', () => {
    const dir = tempDir();
    expect(resolveAppSecret(SECRET, dir)).toBe(SECRET);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('generates a secret once, keeps it private in DATA_DIR, and reuses it', () => {
    const dir = path.join(tempDir(), 'nested', 'data'); // created on demand
    const first = resolveAppSecret(null, dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(dir, 'app-secret');
    expect(fs.readFileSync(file, 'utf8')).toBe(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveAppSecret(null, dir)).toBe(first);
    expect(fs.readdirSync(dir)).toEqual(['app-secret']); // no temporary files left behind
    // So a link made before a restart still verifies after it.
    const token = linkToken(first, newPublicId());
    expect(verifyLinkToken(resolveAppSecret(null, dir), token)).not.toBeNull();
  });

  it('different data dirs get different secrets', () => {
    expect(resolveAppSecret(null, tempDir())).not.toBe(resolveAppSecret(null, tempDir()));
  });

  it('reads a secret written by someone else, trimming a trailing newline', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'app-secret'), 'kept-secret-from-an-earlier-run\n');
    expect(resolveAppSecret(null, dir)).toBe('kept-secret-from-an-earlier-run');
  });

  it('processes starting together on a fresh DATA_DIR all end up with the same secret', async () => {
    const dir = tempDir();
    const module = path.resolve('src/invitations/links.ts');
    const script =
      `const { resolveAppSecret } = await import(${JSON.stringify(module)});` +
      `process.stdout.write(resolveAppSecret(null, ${JSON.stringify(dir)}));`;
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        timeout: 30_000,
      });
    const outputs = (await Promise.all(Array.from({ length: 6 }, run))).map((r) => r.stdout);
    expect(new Set(outputs).size).toBe(1);
    expect(outputs[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(dir, 'app-secret'), 'utf8')).toBe(outputs[0]);
    expect(fs.readdirSync(dir)).toEqual(['app-secret']);
  }, 60_000);

  it('refuses an empty secret file instead of signing links with an empty key', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'app-secret'), '\n');
    expect(() => resolveAppSecret(null, dir)).toThrow(/app-secret is empty/);
  });
});
