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
  const [, publicId, macText] = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(token) ?? [];
  if (!publicId || !macText) return null;
  // Compare the text, not decoded bytes: the last base64url character carries 4 unused bits, so
  // decoding would let 16 different strings pass for one genuine token.
  const given = Buffer.from(macText);
  const expected = Buffer.from(mac(secret, publicId).toString('base64url'));
  return given.length === expected.length && timingSafeEqual(given, expected) ? publicId : null;
}

export const INVITE_PATH = '/invite';

export function inviteUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}${INVITE_PATH}/${token}`;
}

/** The one way links are built and read back: everything that shows a link gets this, never the secret. */
export interface Links {
  url(publicId: string): string;
  /** The public id inside a genuine token, or null. */
  verify(token: string): string | null;
}

export function createLinks(secret: string, publicBaseUrl: string): Links {
  return {
    url: (publicId) => inviteUrl(publicBaseUrl, linkToken(secret, publicId)),
    verify: (token) => verifyLinkToken(secret, token),
  };
}

/** A key for one purpose (e.g. form tokens), so no other part of the app needs APP_SECRET itself. */
export function derivedKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose).digest();
}

/**
 * APP_SECRET in production; in development a random one is generated once and kept in DATA_DIR so
 * links keep working across restarts.
 */
export function resolveAppSecret(appSecret: string | null, dataDir: string): string {
  if (appSecret) return appSecret;
  const file = path.join(dataDir, 'app-secret');
  const existing = readSecret(file);
  if (existing !== null) return existing;
  fs.mkdirSync(dataDir, { recursive: true });
  // Written in full under a temporary name, then linked into place: link() fails if the file
  // exists, and nobody can read a half-written (empty) secret, as they could with open + write.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(temp, secret, { flag: 'wx', mode: 0o600 });
  try {
    createOnce(temp, file, secret);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readSecret(file) ?? fail(file); // another process won the race; use its secret
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function createOnce(temp: string, file: string, secret: string): void {
  try {
    fs.linkSync(temp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw err;
    // A filesystem without hard links (some mounted volumes): plain exclusive create instead.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      fs.writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
    } else {
      throw err;
    }
  }
}

function readSecret(file: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return text || fail(file);
}

/** An empty secret would sign every link with a known key: refuse it rather than use it. */
function fail(file: string): never {
  throw new Error(
    `${file} is empty. Delete it to generate a new secret (links already sent stop working), or set APP_SECRET.`,
  );
}
