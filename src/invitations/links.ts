import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A link token is `<public id>.<MAC>`: 128 random bits that the database stores, and an
 * HMAC-SHA256 of them that only APP_SECRET can produce. Copy and Resend can therefore show the same
 * link again without the link ever being stored in clear: a database dump alone opens nothing.
 */
const MAC_BYTES = 16;

export const newPublicId = (): string => randomBytes(16).toString('base64url');

const mac = (secret: string, publicId: string) =>
  createHmac('sha256', secret).update(`invitation:${publicId}`).digest().subarray(0, MAC_BYTES);

export function linkToken(secret: string, publicId: string): string {
  return `${publicId}.${mac(secret, publicId).toString('base64url')}`;
}

/** The public id inside a genuine token, or null for anything forged, truncated or malformed. */
export function verifyLinkToken(secret: string, token: string): string | null {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return null;
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = mac(secret, match[1]!);
  return given.length === expected.length && timingSafeEqual(given, expected) ? match[1]! : null;
}

export const INVITE_PATH = '/invite';

export function inviteUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}${INVITE_PATH}/${token}`;
}

/**
 * APP_SECRET in production; in development a random one is generated once and kept in DATA_DIR so
 * links keep working across restarts.
 */
export function resolveAppSecret(appSecret: string | null, dataDir: string): string {
  if (appSecret) return appSecret;
  const file = path.join(dataDir, 'app-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    try {
      fs.writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim(); // another process won the race; use its secret
    }
  }
}
