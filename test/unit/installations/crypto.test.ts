import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealer } from '../../../src/installations/crypto.js';

describe('sealer (tokens at rest)', () => {
  const key = randomBytes(32);
  const s = sealer(key);

  it('round-trips, and never shows the plain text or repeats a ciphertext', () => {
    const a = s.seal('xoxb-secret-token', 'T:T1');
    const b = s.seal('xoxb-secret-token', 'T:T1');
    expect(a).not.toContain('xoxb');
    expect(a).not.toBe(b);
    expect(s.open(a, 'T:T1')).toBe('xoxb-secret-token');
  });

  it('refuses a value moved to another installation, tampered with, or sealed with another key', () => {
    const sealed = s.seal('xoxb-secret-token', 'T:T1');
    expect(() => s.open(sealed, 'T:T2')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() => s.open([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'T:T1')).toThrow();
    expect(() => sealer(randomBytes(32)).open(sealed, 'T:T1')).toThrow();
    expect(() => s.open('garbage', 'T:T1')).toThrow('not a sealed value');
  });

  it('wants a 256-bit key', () => {
    expect(() => sealer(randomBytes(16))).toThrow(RangeError);
  });
});
