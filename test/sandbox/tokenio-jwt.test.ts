// Token.io's Bearer scheme against the simulator: requests signed by the gateway's own signer
// (src/providers/tokenio/signing.ts, a detached JWS over the body bound to method, path, query,
// host and exp) are accepted, and each way of reusing or forging a signature is a 401.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, type SignedRequest } from '../../src/providers/tokenio/signing.ts';
import { expectSpec, expectTokenioError } from '../helpers/tokenio-spec.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: TokenioSimulator;
let host: string;
beforeAll(async () => {
  sim = await startTokenioSimulator();
  host = new URL(sim.url).host;
});
afterAll(() => sim.close());

const expect401 = (res: { status: number; body: Json }, message: RegExp) =>
  expectTokenioError(res, 401, 'UNAUTHENTICATED', message);

interface Member {
  memberId: string;
  keyId: string;
  publicKey: KeyObject;
  privateKeyPem: string;
}

function newMember(): Member {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    memberId: `m:${randomBytes(10).toString('hex')}:5zKtXEAq`,
    keyId: `key-${randomBytes(4).toString('hex')}`,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

function registered(): Member {
  const member = newMember();
  sim.registerMemberKey(member.memberId, member.keyId, member.publicKey.export({ format: 'jwk' }));
  return member;
}

type Signer = ReturnType<typeof createSigner>;

/**
 * Sends `method url` with `body`, authorised by a JWT that `signer` made for `signed` (by default
 * exactly this request); overriding a part of `signed` replays the signature on another request.
 */
async function send(
  signer: Signer,
  method: string,
  url: string,
  body?: unknown,
  signed: Partial<SignedRequest> = {},
) {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const u = new URL(url, sim.url);
  const jwt = await signer({
    method,
    host,
    path: u.pathname,
    query: u.search.slice(1),
    body: raw,
    ...signed,
  });
  const res = await fetch(`${sim.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${jwt}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : raw,
  });
  const json = (await res.json()) as Json;
  expectSpec(method, url, res.status, json);
  return { status: res.status, body: json };
}

async function payoutBody(signer: Signer, refId: string) {
  const accounts = (await send(signer, 'GET', '/virtual-accounts')).body.virtualAccount as Json[];
  const gbp = accounts.find((a) => a.currency === 'GBP');
  return {
    initiation: {
      refId,
      description: 'Signed payout 01',
      amount: { value: '10.00', currency: 'GBP' },
      debtor: { accountId: gbp?.accountId },
      creditor: { name: 'Jane Doe', sortCode: '040004', accountNumber: '12345678' },
    },
  };
}

describe('Bearer JWT (detached JWS over the body)', () => {
  it('accepts a signed POST and a signed GET with a query, as the member’s own account', async () => {
    const member = registered();
    const sign = createSigner(member);
    const body = await payoutBody(sign, 'jwt-1');
    const created = await send(sign, 'POST', '/payouts', body);
    expect(created.status).toBe(200);
    expect(created.body.payout.memberId).toBe(member.memberId);

    const listed = await send(sign, 'GET', '/payouts?limit=5&statuses=INITIATION_PENDING&refIds=jwt-1');
    expect(listed.status).toBe(200);
    expect(listed.body.payouts.map((p: Json) => p.id)).toEqual([created.body.payout.id]);
    const got = await send(sign, 'GET', `/payouts/${encodeURIComponent(created.body.payout.id)}`);
    expect(got.body.payout).toEqual(created.body.payout);
    // The test helpers take the same credentials.
    const advanced = await send(sign, 'POST', `/test-helpers/payouts/${created.body.payout.id}/advance`);
    expect(advanced.body.payout.status).toBe('INITIATION_PROCESSING');
  });

  it('refuses a tampered body, another path, another query, method or host, and an expired exp', async () => {
    const member = registered();
    const sign = createSigner(member);
    const body = await payoutBody(sign, 'jwt-2');
    const tampered = {
      ...body,
      initiation: { ...body.initiation, amount: { value: '9999.00', currency: 'GBP' } },
    };
    expect401(await send(sign, 'POST', '/payouts', tampered, { body: JSON.stringify(body) }), /signature/);
    expect401(await send(sign, 'GET', '/payouts?limit=5', undefined, { path: '/payouts/po:x:y' }), /path/);
    expect401(await send(sign, 'GET', '/payouts?limit=5', undefined, { query: 'limit=6' }), /query/);
    expect401(await send(sign, 'GET', '/payouts?limit=5', undefined, { query: '' }), /query/);
    expect401(await send(sign, 'GET', '/virtual-accounts', undefined, { query: 'limit=1' }), /query/);
    expect401(await send(sign, 'GET', '/virtual-accounts', undefined, { method: 'POST' }), /method/);
    expect401(await send(sign, 'GET', '/virtual-accounts', undefined, { host: 'api.token.io' }), /host/);

    const past = createSigner(member, () => Date.now() - 10 * 60_000);
    expect401(await send(past, 'GET', '/virtual-accounts'), /expired/);
    // Nothing was created by any refused request.
    expect((await send(sign, 'GET', '/payouts?limit=10')).body.payouts).toEqual([]);
  });

  it('refuses an unknown kid, a key of another member, an unregistered member and a non-detached JWS', async () => {
    const member = registered();
    const other = registered();
    expect401(
      await send(createSigner({ ...member, keyId: 'unknown-kid' }), 'GET', '/virtual-accounts'),
      /No key/,
    );
    // Claims to be `member` with `member`'s kid but is signed with `other`'s private key.
    const forged = createSigner({ ...member, privateKeyPem: other.privateKeyPem });
    expect401(await send(forged, 'GET', '/virtual-accounts'), /signature/);
    // `other`'s key id under `member`'s name: keys belong to one member.
    expect401(
      await send(createSigner({ ...member, keyId: other.keyId }), 'GET', '/virtual-accounts'),
      /No key/,
    );
    expect401(await send(createSigner(newMember()), 'GET', '/virtual-accounts'), /No key/);

    const jwt = await createSigner(member)({
      method: 'GET',
      host,
      path: '/virtual-accounts',
      query: '',
      body: '',
    });
    const [header, , signature] = jwt.split('.');
    for (const token of [`${header}.e30.${signature}`, `${header}.${signature}`, 'a..b']) {
      const res = await fetch(`${sim.url}/virtual-accounts`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
    }
  });

  it('registers keys over HTTP too, and keeps a JWT member apart from Basic-key accounts', async () => {
    const member = newMember();
    const path = `/test-helpers/members/${encodeURIComponent(member.memberId)}/keys/${member.keyId}`;
    const put = (body: unknown) =>
      fetch(`${sim.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await put({ publicKey: { kty: 'OKP', crv: 'Ed25519', x: '!!' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error.errorCode).toBe('INVALID_ARGUMENT');
    expect((await put({})).status).toBe(400);
    const ok = await put({ publicKey: member.publicKey.export({ format: 'jwk' }) });
    expect(ok.status).toBe(200);

    const sign = createSigner(member);
    const mine = (await send(sign, 'GET', '/virtual-accounts')).body.virtualAccount as Json[];
    const basicKey = Buffer.from(`m-${member.memberId.slice(2)}:secret`).toString('base64');
    const res = await fetch(`${sim.url}/virtual-accounts`, {
      headers: { authorization: `Basic ${basicKey}` },
    });
    const theirs = ((await res.json()) as Json).virtualAccount as Json[];
    expect(theirs.map((a) => a.accountId)).not.toContain(mine[0]?.accountId);
  });
});
