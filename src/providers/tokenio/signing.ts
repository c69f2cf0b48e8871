// Token.io's request signing (its "Bearer" scheme, required in production): each request carries a
// JWS whose payload is the request body, detached (`header..signature`), and whose protected header
// binds it to one member key and one request: kid, mid, host, method, path, query and exp.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';

export interface TokenioSigningKey {
  /** Member id, `m:…`. */
  memberId: string;
  /** Id of the key registered with Token.io's Authentication Keys API. */
  keyId: string;
  /** PKCS#8 PEM: Ed25519 (EdDSA, as in Token.io's example), ECDSA P-256 or RSA. */
  privateKeyPem: string;
}

export interface SignedRequest {
  method: string;
  host: string;
  /** Path without the query string. */
  path: string;
  /** Query string without `?`; empty when there is none. */
  query: string;
  body: string;
}

/** How far ahead `exp` is set; Token.io recommends less than ten minutes. */
export const TOKEN_LIFETIME_MS = 5 * 60 * 1000;

function algorithmOf(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA';
    case 'ec':
      return 'ES256';
    case 'rsa':
      return 'RS256';
    default:
      throw new Error(
        `Token.io signing keys must be Ed25519, EC P-256 or RSA, not ${key.asymmetricKeyType}.`,
      );
  }
}

export function createSigner(signing: TokenioSigningKey, now: () => number = Date.now) {
  const key = createPrivateKey(signing.privateKeyPem);
  const alg = algorithmOf(key);
  return async (req: SignedRequest): Promise<string> => {
    const jws = await new CompactSign(new TextEncoder().encode(req.body))
      .setProtectedHeader({
        alg,
        kid: signing.keyId,
        mid: signing.memberId,
        host: req.host,
        method: req.method,
        path: req.path,
        ...(req.query ? { query: req.query } : {}),
        // Milliseconds, as in Token.io's example header.
        exp: now() + TOKEN_LIFETIME_MS,
      })
      .sign(key);
    const [header, , signature] = jws.split('.');
    return `${header}..${signature}`;
  };
}
