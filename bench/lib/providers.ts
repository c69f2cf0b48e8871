// What the bench says to the simulators directly (fixtures, test-helper steps, the floors' requests)
// and to the gateway (GraphQL over HTTP), with the credentials the gateway instances are given.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signatureHeader } from '../../src/sandbox/casapay/webhooks.ts';
import { SCOPES } from '../../src/context.ts';
import { createSigner } from '../../src/providers/tokenio/signing.ts';

export interface Credentials {
  apiKey: string;
  casapayKey: string;
  casapayWebhookSecret: string;
  mollieSuffix: string;
  straddleKey: string;
  straddleWebhookSecret: string;
  mollieWebhookSecret: string;
  tokenio: { memberId: string; keyId: string; privateKeyPem: string; publicJwk: object };
  vaultKey: string;
}

export function makeCredentials(): Credentials {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    apiKey: `bench_${randomBytes(16).toString('hex')}`,
    casapayKey: `sk_test_bench${randomBytes(8).toString('hex')}`,
    casapayWebhookSecret: `whsec_${randomBytes(16).toString('hex')}`,
    mollieSuffix: randomBytes(12).toString('hex'),
    mollieWebhookSecret: randomBytes(16).toString('hex'),
    straddleKey: `bench_${randomBytes(12).toString('hex')}`,
    // Standard Webhooks secrets are whsec_ + base64.
    straddleWebhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
    tokenio: {
      memberId: `m:bench${randomBytes(6).toString('hex')}`,
      keyId: 'bench-key',
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicJwk: publicKey.export({ format: 'jwk' }),
    },
    vaultKey: randomBytes(32).toString('base64'),
  };
}

/** The environment of a gateway instance in live mode against the simulators' process. */
export function gatewayEnv(
  creds: Credentials,
  sims: Record<string, string>,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    GATEWAY_MODE: 'live',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    GATEWAY_API_KEYS: JSON.stringify({ [creds.apiKey]: SCOPES }),
    GATEWAY_VAULT_KEY: creds.vaultKey,
    // The limiter still counts every request (one state round trip each); it just never refuses.
    GATEWAY_RATE_LIMIT: '1000000000',
    // Room for every connection of the page scenarios (50 reads each without batching).
    PROVIDER_MAX_CONCURRENCY: '256',
    CASAPAY_API_KEY: creds.casapayKey,
    CASAPAY_BASE_URL: sims.CASAPAY!,
    CASAPAY_WEBHOOK_SECRET: creds.casapayWebhookSecret,
    MOLLIE_API_KEY: `test_${creds.mollieSuffix}`,
    MOLLIE_ACCESS_TOKEN: `access_${creds.mollieSuffix}`,
    MOLLIE_BASE_URL: sims.MOLLIE!,
    MOLLIE_WEBHOOK_SECRET: creds.mollieWebhookSecret,
    TOKENIO_MEMBER_ID: creds.tokenio.memberId,
    TOKENIO_KEY_ID: creds.tokenio.keyId,
    TOKENIO_PRIVATE_KEY: creds.tokenio.privateKeyPem,
    TOKENIO_BASE_URL: sims.TOKENIO!,
    STRADDLE_API_KEY: creds.straddleKey,
    STRADDLE_BASE_URL: sims.STRADDLE!,
    STRADDLE_WEBHOOK_SECRET: creds.straddleWebhookSecret,
    // No inherited value may change what is measured.
    REDIS_URL: '',
    TOKENIO_API_KEY: '',
    TOKENIO_ON_BEHALF_OF_ID: '',
    ...extra,
  };
}

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** CasaPay's simulator, as the CasaPay adapter calls it (Bearer key, JSON bodies). */
export class CasaPayDirect {
  readonly headers: Record<string, string>;

  constructor(
    readonly url: string,
    key: string,
    private readonly webhookSecret: string,
  ) {
    this.headers = { authorization: `Bearer ${key}` };
  }

  private async post(path: string, body: object | null, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/json', ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return json(res, `POST ${path}`);
  }

  async createBankAccount(n: number): Promise<string> {
    const account = await this.post('/v1/bank_accounts', {
      account_holder_name: `Bench Landlord ${n}`,
      account_number: String(10_000_000 + n),
      sort_code: '108800',
      currency: 'gbp',
      country: 'GB',
    });
    return account.id as string;
  }

  async createPayout(destination: string, n: number): Promise<Record<string, unknown>> {
    return this.post(
      '/v1/payouts',
      { amount: 1, currency: 'gbp', destination, description: `Bench fixture ${n}` },
      { 'Idempotency-Key': `bench-fixture-${randomBytes(8).toString('hex')}` },
    );
  }

  advance(id: string): Promise<Record<string, unknown>> {
    return this.post(`/v1/test_helpers/payouts/${encodeURIComponent(id)}/advance`, null);
  }

  /** A signed `payout.updated` delivery for `payout`, as CasaPay sends it (Stripe's scheme). */
  webhook(payout: Record<string, unknown>): { body: string; headers: Record<string, string> } {
    const created = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: `evt_bench_${randomBytes(10).toString('hex')}`,
      object: 'event',
      api_version: '2024-06-20',
      created,
      type: 'payout.updated',
      livemode: false,
      pending_webhooks: 1,
      data: { object: payout },
      request: { id: null, idempotency_key: null },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'CasaPay-Signature': signatureHeader(body, this.webhookSecret, created),
      },
    };
  }
}

/** Token.io's simulator with the gateway's member key: every request signed, as in production. */
export class TokenioDirect {
  private readonly sign: ReturnType<typeof createSigner>;
  private readonly host: string;

  constructor(
    readonly url: string,
    private readonly creds: Credentials['tokenio'],
  ) {
    this.sign = createSigner(creds);
    this.host = new URL(url).host;
  }

  /** Registers the member key (the simulator's stand-in for Token.io's Authentication Keys API). */
  async register(): Promise<void> {
    const path = `/test-helpers/members/${encodeURIComponent(this.creds.memberId)}/keys/${encodeURIComponent(this.creds.keyId)}`;
    const res = await fetch(`${this.url}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ publicKey: this.creds.publicJwk }),
    });
    await json(res, 'register the Token.io member key');
  }

  /** The Authorization header for one request (valid five minutes). */
  async authorization(method: string, path: string, query = '', body = ''): Promise<string> {
    return `Bearer ${await this.sign({ method, host: this.host, path, query, body })}`;
  }

  async call(method: 'GET' | 'POST', path: string, query = '', body?: object) {
    const raw = body ? JSON.stringify(body) : '';
    const res = await fetch(`${this.url}${path}${query ? `?${query}` : ''}`, {
      method,
      headers: {
        authorization: await this.authorization(method, path, query, raw),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: raw } : {}),
    });
    return json(res, `${method} ${path}`);
  }
}

/** GraphQL over HTTP to a gateway; throws on any error. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  apiKey: string,
  query: string,
  variables: object = {},
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await json(res, 'GraphQL')) as { data?: T; errors?: unknown };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data!;
}
