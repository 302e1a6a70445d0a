import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (Slack installations hold bot and refresh tokens): AES-256-GCM under a key derived
 * from APP_SECRET, a random 96-bit nonce per value, and the row's install key as additional data, so
 * a ciphertext copied onto another installation's row does not decrypt. Format:
 * `v1.<nonce>.<tag>.<ciphertext>`, base64url.
 */
export interface Sealer {
  seal(plain: string, context: string): string;
  /** The plain text, or an error when the value was tampered with, moved, or sealed with another key. */
  open(sealed: string, context: string): string;
}

export function sealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new RangeError('the sealing key must be 32 bytes');
  return {
    seal(plain, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', nonce, cipher.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const [version, nonce, tag, body] = sealed.split('.');
      if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
