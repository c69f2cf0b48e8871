// Authentication, per the spec's two security schemes (every Token.io operation takes either):
//
//   BasicAuth  `Authorization: Basic <api key>` (real Token.io: sandbox only). The key is opaque to
//              the simulator: any non-empty one is a sandbox account, seeded on first use. Real
//              sandbox keys are base64 of `m-<member>:<secret>`; the member id reported on payouts
//              is then `m:<member>`, otherwise `m:` + 16 hex characters of the key's SHA-256.
//   Bearer     `Authorization: Bearer <header>..<signature>`: a JWS over the raw request body,
//              detached, whose protected header binds it to one member key and one request
//              (`alg, kid, mid, host, method, path, query?, exp`, exp in milliseconds), the format
//              src/providers/tokenio/signing.ts produces. The public key must have been registered
//              for (mid, kid) first: registerMemberKey() or PUT /test-helpers/members/{mid}/keys/{kid}
//              (Token.io's Authentication Keys API is not simulated). The account is the member's.
//
// A Basic key and a JWT member are different accounts even when they name the same member.
import { KeyObject, createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { base64url, decodeProtectedHeader, flattenedVerify, type ProtectedHeaderParameters } from 'jose';
import type { SimRequest } from '../http.ts';
import { unauthenticated } from './errors.ts';
import type { Account, TokenioStore } from './store.ts';

/** The member id a Basic key stands for (see the top of this file). */
export function basicMemberId(key: string): string {
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(key) && key.length % 4 === 0) {
    const decoded = Buffer.from(key, 'base64').toString('utf8');
    const m = /^([\x21-\x39\x3b-\x7e]+):[\x21-\x7e]+$/.exec(decoded);
    if (m?.[1]) return `m:${m[1].replace(/^m-/, '')}`;
  }
  return `m:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** Any public key form a test has at hand; a private key is reduced to its public half. */
export function toPublicKey(key: JsonWebKey | KeyObject): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type === 'secret') throw new Error('A Token.io member key must be an asymmetric key.');
    return key.type === 'private' ? createPublicKey(key) : key;
  }
  return createPublicKey({ key, format: 'jwk' });
}

/** Throws the Token.io 401 unless the request carries a credential the simulator accepts. */
export async function authenticate(
  store: TokenioStore,
  req: SimRequest,
  now: () => number,
): Promise<Account> {
  const header = req.headers.authorization?.trim() ?? '';
  const m = /^(Basic|Bearer)\s+(\S+)$/i.exec(header);
  if (!m?.[1] || !m[2]) {
    throw unauthenticated(
      header === ''
        ? 'Missing Authorization header: use "Basic <api key>" (sandbox) or "Bearer <signed JWT>".'
        : 'Malformed Authorization header: use "Basic <api key>" (sandbox) or "Bearer <signed JWT>".',
    );
  }
  if (m[1].toLowerCase() === 'basic') return store.account(`basic:${m[2]}`, basicMemberId(m[2]));
  const memberId = await verifyJwt(store, req, m[2], now);
  return store.account(`jwt:${memberId}`, memberId);
}

/** The member id of a valid request JWT; every failure is a 401 saying which check failed. */
async function verifyJwt(store: TokenioStore, req: SimRequest, token: string, now: () => number) {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] !== '' || !parts[0] || !parts[2]) {
    throw unauthenticated('The JWT must be a detached JWS: <protected header>..<signature>.');
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw unauthenticated('The JWT protected header is not valid base64url JSON.');
  }
  const { kid, mid } = header;
  if (typeof kid !== 'string' || typeof mid !== 'string' || kid === '' || mid === '') {
    throw unauthenticated('The JWT header must name the member (mid) and its key (kid).');
  }
  const key = store.memberKey(mid, kid);
  if (!key) throw unauthenticated(`No key ${kid} is registered for member ${mid}.`);
  try {
    await flattenedVerify(
      { protected: parts[0], payload: base64url.encode(req.rawBody), signature: parts[2] },
      key,
    );
  } catch {
    throw unauthenticated('The JWT signature does not match the request body and header.');
  }
  checkBinding(header, req, now());
  return mid;
}

/** A valid signature only counts for the one request (and the time) its header names. */
function checkBinding(header: ProtectedHeaderParameters, req: SimRequest, nowMs: number): void {
  if (header.method !== req.method) {
    throw unauthenticated(`The JWT was signed for method ${String(header.method)}, not ${req.method}.`);
  }
  if (header.path !== req.path) {
    throw unauthenticated(`The JWT was signed for path ${String(header.path)}, not ${req.path}.`);
  }
  // The toolkit hands over the parsed query, so both sides are compared re-serialised: the same
  // parameters in the same order, whatever their percent-encoding.
  const signed = typeof header.query === 'string' ? header.query : '';
  if (new URLSearchParams(signed).toString() !== req.query.toString()) {
    throw unauthenticated('The JWT was signed for a different query string.');
  }
  const host = req.headers.host ?? '';
  if (typeof header.host !== 'string' || header.host.toLowerCase() !== host.toLowerCase()) {
    throw unauthenticated(`The JWT was signed for host ${String(header.host)}, not ${host}.`);
  }
  if (typeof header.exp !== 'number' || header.exp <= nowMs) {
    throw unauthenticated('The JWT has expired (exp is in milliseconds since the epoch).');
  }
}
