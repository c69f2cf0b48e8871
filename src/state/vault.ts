// Encryption at rest for what the gateway must keep but must never store in clear (Token.io keeps
// no beneficiaries, so their account numbers live here). AES-256-GCM: a fresh 96-bit IV per seal,
// and the record's id as additional data, so a sealed value copied under another id fails to open.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** GATEWAY_VAULT_KEY: 32 bytes as 64 hex characters or base64; null when it is not such a key. */
export function parseVaultKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === 32 ? bytes : null;
}

export function generateVaultKey(): Buffer {
  return randomBytes(32);
}

export class Vault {
  private readonly macKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The vault key must be 32 bytes (AES-256).');
    // A separate key for digests, so no value is ever both encrypted and MACed under one key.
    this.macKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'payout-gateway digest', 32));
  }

  /**
   * A keyed digest (HMAC-SHA256) of something that must be compared later but not be recoverable:
   * an unkeyed hash of an account number and a few known fields can be brute-forced.
   */
  digest(text: string): string {
    return createHmac('sha256', this.macKey).update(text).digest('hex');
  }

  seal(id: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was sealed under another key or id, or was altered. */
  open(id: string, sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined)
      throw new Error('Not a sealed vault value.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
