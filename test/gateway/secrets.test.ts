// Issue 7, item 7: API keys, provider credentials, webhook secrets, the Token.io private key and
// account numbers appear in no log line and no error message. Two gateways log into one capture
// through the real createLogger at debug level (the sandbox one with every provider and a fast
// poller, a live one signing Token.io requests with a private key), and the test drives what logs:
// bank accounts created with full numbers and IBANs, unmasked numbers (the audit event), wrong API
// keys, provider faults (errors, malformed and reset answers, timeouts), webhooks with bad
// signatures and signed ones the gateway cannot read, and configuration errors. Then it looks for
// every secret in every captured line and every answer. A sanity check that the capture holds the
// audit events keeps "nothing found" from passing on an empty capture.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GraphQLError } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { signatureHeader } from '../../src/sandbox/casapay/webhooks.ts';
import { mollieSignature } from '../../src/sandbox/mollie/webhooks.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';
import { KEYS, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CreateBankAccount,
  CreatePayout,
  GetBankAccount,
  ListBankAccounts,
  UnmaskBankAccount,
} from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const lines: string[] = [];
const log = createLogger('debug', { write: (s: string) => void lines.push(s) });
/** Every error the gateways answered (GraphQL errors, typed union errors, webhook answers), as text. */
const answers: string[] = [];
const configMessages: string[] = [];

const WRONG_KEYS = [`wrong_${randomBytes(12).toString('hex')}`, `${KEYS.full}x`];
const ACCOUNTS = {
  casapayGb: {
    provider: 'CASAPAY',
    holderName: 'Secret Keeper',
    country: 'GB',
    currency: 'GBP',
    sortCode: '10-88-00',
    accountNumber: '31926819',
  },
  casapayDe: {
    provider: 'CASAPAY',
    holderName: 'Secret Keeper',
    country: 'DE',
    currency: 'EUR',
    iban: 'DE89370400440532013000',
  },
  tokenioGb: {
    provider: 'TOKENIO',
    holderName: 'Secret Keeper Ltd',
    country: 'GB',
    currency: 'GBP',
    sortCode: '404784',
    accountNumber: '70872490',
  },
  tokenioEur: {
    provider: 'TOKENIO',
    holderName: 'Secret Keeper BV',
    country: 'NL',
    currency: 'EUR',
    iban: 'NL91ABNA0417164300',
  },
  straddle: {
    provider: 'STRADDLE',
    holderName: 'Secret Keeper',
    country: 'US',
    currency: 'USD',
    routingNumber: '021000021',
    accountNumber: '000123456789',
    email: 'secret.keeper@example.com',
    phone: '+12125550123',
  },
} as const;
/** Each number, and the account part of each IBAN. */
const NUMBERS = [
  '31926819',
  'DE89370400440532013000',
  '370400440532013000',
  '70872490',
  'NL91ABNA0417164300',
  '0417164300',
  '000123456789',
];

let t: TestApp;
let live: TestApp;
let stranger: TestApp;
let tokenio: TokenioSimulator;
const vaultKey = randomBytes(32).toString('base64');
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
/** The key material of the PEM (its first line is the same for every Ed25519 key). */
const pemBody = pem.split('\n')[1]!;
const member = `m:${randomBytes(8).toString('hex')}:5zKtXEAq`;
let n = 0;
const key = () => `secrets-${n++}`;

async function gql<R, V>(
  app: TestApp,
  doc: TypedDocumentNode<R, V>,
  variables?: V,
  as: keyof typeof KEYS = 'full',
) {
  const res = await app.exec(doc, variables, as);
  // Only the errors: an unmasked account number is what a successful unmask answers.
  answers.push(...(res.errors ?? []).map((e) => JSON.stringify(e)), ...typedErrors(res.data));
  return res as { status: number; data?: Json; errors?: Json[] };
}

/** The typed errors (union members) anywhere in `data`, as text. */
function typedErrors(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const here = /Error$/.test(String((data as Json).__typename)) ? [JSON.stringify(data)] : [];
  return [...here, ...Object.values(data).flatMap(typedErrors)];
}

async function raw(app: TestApp, path: string, body: string, headers: Record<string, string>) {
  const res = await app.app.gateway.yoga.fetch(`http://gateway${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, text };
}

async function account(app: TestApp, input: Json): Promise<string | null> {
  const r = (await gql(app, CreateBankAccount, { input: { ...input, idempotencyKey: key() } as never })).data
    ?.createBankAccount as Json | undefined;
  return r?.__typename === 'CreateBankAccountSuccess' ? r.bankAccount.id : null;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // A fast poller (its failures are logged) and short timeouts (timeouts are among the faults).
  t = await startTestApp(
    'memory',
    { LOG_LEVEL: 'debug', GATEWAY_POLL_SCALE: '0.01', PROVIDER_TIMEOUT_MS: '400' },
    log,
  );

  // Bank accounts with full numbers, each read back unmasked (the audit event).
  const ids = (await Promise.all(Object.values(ACCOUNTS).map((a) => account(t, a)))).filter(
    (id): id is string => id !== null,
  );
  expect(ids).toHaveLength(Object.keys(ACCOUNTS).length);
  for (const id of ids) await gql(t, UnmaskBankAccount, { id });
  for (const id of ids) await gql(t, GetBankAccount, { id }, 'readOnly');

  // Provider faults: error statuses, answers cut in half, dropped connections, timeouts.
  const [straddleId, tokenioGbId, casapayGbId] = [ids[4]!, ids[2]!, ids[0]!];
  t.straddle.injectFault({ kind: 'malformed', pathPrefix: '/v1/paykeys', count: 3 });
  await gql(t, UnmaskBankAccount, { id: straddleId });
  t.straddle.injectFault({ status: 500, pathPrefix: '/v1/paykeys', count: 3 });
  await gql(t, UnmaskBankAccount, { id: straddleId });
  t.casapay.injectFault({ kind: 'malformed', pathPrefix: '/v1/bank_accounts', count: 3 });
  await gql(t, ListBankAccounts, { provider: 'CASAPAY' });
  t.casapay.injectFault({ status: 500, method: 'POST', pathPrefix: '/v1/payouts', count: 4 });
  await gql(t, CreatePayout, {
    input: {
      provider: 'CASAPAY',
      amount: { amount: '1.00', currency: 'GBP' },
      destinationId: casapayGbId,
      idempotencyKey: key(),
    },
  });
  t.straddle.injectFault({ kind: 'reset', count: 4 });
  await gql(t, CreatePayout, {
    input: {
      provider: 'STRADDLE',
      amount: { amount: '1.00', currency: 'USD' },
      destinationId: straddleId,
      description: 'Secrets test',
      idempotencyKey: key(),
    },
  });
  const balanceAnswer = await gql(t, Balances, { provider: 'TOKENIO' });
  const balances = (balanceAnswer.data?.balances?.nodes ?? []) as Json[];
  if (!balances.length) throw new Error(JSON.stringify(balanceAnswer));
  const source = balances.find((b) => b.provider === 'TOKENIO' && b.currency === 'GBP')!.id;
  await gql(t, CreatePayout, {
    input: {
      provider: 'TOKENIO',
      amount: { amount: '1.00', currency: 'GBP' },
      sourceId: source,
      destinationId: tokenioGbId,
      description: 'Secrets test',
      idempotencyKey: key(),
    },
  });
  // The poller now reads that payout: its reads fail, late and malformed, and are logged.
  t.tokenio.injectFault({ status: 503, method: 'GET', pathPrefix: '/payouts', count: 3 });
  t.tokenio.injectFault({ kind: 'malformed', method: 'GET', pathPrefix: '/payouts', count: 3 });
  t.tokenio.injectFault({ kind: 'latency', delayMs: 600, method: 'GET', pathPrefix: '/payouts', count: 2 });
  t.mollie.injectFault({ status: 429, retryAfter: 120, count: 3 });
  await gql(t, Balances, { provider: 'MOLLIE' });
  await settle(1500);

  // Wrong API keys, in every place a client might put one.
  for (const wrong of WRONG_KEYS) {
    await raw(t, '/graphql', '{"query":"{ balances { nodes { id } } }"}', {
      authorization: `Bearer ${wrong}`,
    });
  }
  await raw(t, '/graphql', '{"query":"{ balances { nodes { id } } }"}', {
    authorization: `Basic ${Buffer.from(`${KEYS.full}:`).toString('base64')}`,
  });
  await raw(t, '/graphql', '{"query":"{ balances { nodes { id } } }"}', { 'x-api-key': KEYS.full });
  await gql(t, UnmaskBankAccount, { id: straddleId }, 'readOnly');

  // Webhooks: bad signatures, and signed bodies the gateway cannot read, carrying account numbers.
  const leaky = JSON.stringify({
    id: `evt_${key()}`,
    type: 'payout.paid',
    data: { object: { id: 'po_1', account_number: NUMBERS[0], iban: NUMBERS[1], amount: 'x' } },
  });
  const now = Math.floor(Date.now() / 1000);
  await raw(t, '/webhooks/casapay', leaky, { 'casapay-signature': `t=${now},v1=${'0'.repeat(64)}` });
  await raw(t, '/webhooks/casapay', leaky, {
    'casapay-signature': signatureHeader(leaky, t.app.webhookSecrets.get('CASAPAY')!, now),
  });
  await raw(t, '/webhooks/mollie', leaky, { 'x-mollie-signature': 'sha256=00' });
  await raw(t, '/webhooks/mollie', leaky, {
    'x-mollie-signature': mollieSignature(leaky, t.app.webhookSecrets.get('MOLLIE')!),
  });
  await raw(t, '/webhooks/straddle', leaky, {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(now),
    'webhook-signature': 'v1,AAAA',
  });
  const signed = new Webhook(t.app.webhookSecrets.get('STRADDLE')!).sign('msg_2', new Date(), leaky);
  await raw(t, '/webhooks/straddle', leaky, {
    'webhook-id': 'msg_2',
    'webhook-timestamp': String(now),
    'webhook-signature': signed,
  });
  await raw(t, '/webhooks/tokenio', leaky, {});

  // Live Token.io: every request signed with the private key, then refused, faulted and cut.
  tokenio = await startTokenioSimulator();
  tokenio.registerMemberKey(member, 'key-1', publicKey.export({ format: 'jwk' }));
  const liveEnv = {
    GATEWAY_MODE: 'live',
    LOG_LEVEL: 'debug',
    GATEWAY_VAULT_KEY: vaultKey,
    TOKENIO_MEMBER_ID: member,
    TOKENIO_KEY_ID: 'key-1',
    TOKENIO_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    TOKENIO_BASE_URL: tokenio.url,
    PROVIDER_TIMEOUT_MS: '400',
  };
  live = await startTestApp('memory', liveEnv, log);
  const liveIds = [await account(live, ACCOUNTS.tokenioGb), await account(live, ACCOUNTS.tokenioEur)];
  for (const id of liveIds) if (id) await gql(live, UnmaskBankAccount, { id });
  await gql(live, Balances, {});
  tokenio.injectFault({ kind: 'malformed', count: 3 });
  await gql(live, Balances, {});
  tokenio.injectFault({ status: 500, count: 3 });
  await gql(live, Balances, {});
  // The same private key under a key id Token.io does not know: every request is refused.
  stranger = await startTestApp('memory', { ...liveEnv, TOKENIO_KEY_ID: 'key-unknown' }, log);
  await gql(stranger, Balances, {});
  await account(stranger, ACCOUNTS.tokenioEur);

  // Configuration errors, each carrying a secret in the value that is wrong.
  const bad: Record<string, string>[] = [
    { GATEWAY_API_KEYS: `{"${KEYS.full}": ["payouts:read"` },
    { GATEWAY_API_KEYS: `{"${KEYS.full}": ["payouts:everything"]}` },
    { GATEWAY_API_KEYS: `{"${KEYS.full}": "payouts:read"}` },
    { GATEWAY_API_KEYS: `["${KEYS.full}"]` },
    { GATEWAY_VAULT_KEY: `${vaultKey}x` },
    { CASAPAY_API_KEY: `pk_live_${KEYS.full}` },
    { STRADDLE_WEBHOOK_SECRET: KEYS.full },
    { TOKENIO_PRIVATE_KEY: pemBody },
    { GATEWAY_MODE: 'live', TOKENIO_MEMBER_ID: member, TOKENIO_PRIVATE_KEY: pem, TOKENIO_API_KEY: KEYS.full },
  ];
  for (const env of bad) {
    try {
      loadConfig({ PORT: '0', ...env });
      configMessages.push('(accepted)');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      configMessages.push((error as Error).message);
      log.error({ err: error }, 'configuration refused');
    }
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([t?.close(), live?.close(), stranger?.close()]);
  await tokenio?.close();
});

/** Everything that must not leave the gateway, by what it is. */
function secrets(): [string, string][] {
  const out: [string, string][] = [
    ...Object.entries(KEYS).map(([k, v]) => [`API key ${k}`, v] as [string, string]),
    ...WRONG_KEYS.map((v) => ['a wrong API key', v] as [string, string]),
    ['the vault key', vaultKey],
    ['the Token.io private key', pemBody],
    ...NUMBERS.map((v) => ['an account number', v] as [string, string]),
  ];
  for (const [provider, credentials] of t.app.sandboxCredentials) {
    for (const [name, value] of Object.entries(credentials)) {
      if (typeof value === 'string' && value.length >= 8) out.push([`${provider} ${name}`, value]);
    }
  }
  for (const [provider, secret] of t.app.webhookSecrets) {
    out.push(
      [`${provider} webhook secret`, secret],
      [`${provider} webhook key`, secret.replace(/^whsec_/, '')],
    );
  }
  return out;
}

function found(texts: string[]): string[] {
  return secrets().flatMap(([what, value]) =>
    texts.filter((text) => text.includes(value)).map((text) => `${what} in: ${text.slice(0, 300)}`),
  );
}

describe('secrets', () => {
  it('the capture holds the gateways’ log lines, the unmask audit events among them', () => {
    expect(lines.length).toBeGreaterThan(10);
    const parsed = lines.map((l) => JSON.parse(l) as Json);
    const audits = parsed.filter((l) => l.audit === 'bank_account.unmask');
    // Straddle's and Token.io's accounts, in the sandbox and live; each names the account, not its number.
    expect(audits.length).toBeGreaterThanOrEqual(4);
    for (const a of audits)
      expect(a).toMatchObject({ principal: expect.any(String), bankAccountId: expect.any(String) });
    expect(parsed.some((l) => l.level >= 40)).toBe(true);
  });

  it('no log line carries an API key, a provider credential, a webhook secret, the private key or an account number', () => {
    expect(found(lines)).toEqual([]);
  });

  it('no answer carries one either (GraphQL errors and their extensions, webhook answers)', () => {
    expect(answers.length).toBeGreaterThan(20);
    expect(found(answers)).toEqual([]);
  });

  it('configuration errors name the variable, never its value', () => {
    expect(configMessages).not.toContain('(accepted)');
    expect(found(configMessages)).toEqual([]);
    expect(configMessages.join('\n')).toMatch(/GATEWAY_API_KEYS/);
  });

  // graphql-js echoes the whole input object in a variable coercion error ("got invalid value
  // { …, accountNumber: … }") when a field is missing or unknown; the gateway cuts the value out.
  it('a variable coercion error does not repeat the account number it was sent', async () => {
    const { holderName: _, ...missing } = ACCOUNTS.casapayGb;
    const res = await t.exec(CreateBankAccount, { input: { ...missing, idempotencyKey: key() } as never });
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(found([JSON.stringify(res)])).toEqual([]);
    // Also when an unknown field's name holds "; " (found by the hostile-input property).
    const odd = await t.exec(CreateBankAccount, {
      input: { ...ACCOUNTS.casapayGb, idempotencyKey: key(), 'a; b;!': {} } as never,
    });
    expect(odd.errors?.[0]?.message).toMatch(
      /^Variable "\$input" got invalid value; Field "a; b;!" is not defined/,
    );
    expect(found([JSON.stringify(odd)])).toEqual([]);
  });
});

describe('createLogger', () => {
  // The call sites above log little today; this holds the logger itself to the rule, whatever a
  // future call site passes it.
  it('redacts secret fields at any depth and in child bindings, and scrubs every string', () => {
    const out: string[] = [];
    const logger = createLogger('debug', { write: (s: string) => void out.push(s) });
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${KEYS.full}`, 'x-api-key': KEYS.readOnly, cookie: 'a=b' } },
        provider: {
          settings: {
            apiKey: KEYS.writeOnly,
            webhookSecret: 'whsec_c2VjcmV0',
            privateKeyPem: pem,
            accessToken: KEYS.accountsOnly,
            password: vaultKey,
          },
        },
        destination: { accountNumber: NUMBERS[0], iban: NUMBERS[1], sortCode: '108800' },
        headers: new Headers({ authorization: `Basic ${Buffer.from(`${KEYS.full}:`).toString('base64')}` }),
      },
      'nested',
    );
    logger.error(new Error(`the provider said ${NUMBERS[1]} is closed (key ${KEYS.full})`));
    const upstream = new Error(
      `upstream body {"account_number":"${NUMBERS[6]}","iban":"NL91 ABNA 0417 1643 00"}`,
    );
    logger
      .child({ token: 'tok_secret_value', apiKey: KEYS.readOnly })
      .warn({ detail: [new GraphQLError('Unexpected error.', { originalError: upstream })] }, 'masked');
    logger.info(`a message with Bearer ${WRONG_KEYS[0]} and ${pem.replace(/\n/g, '\\n')}`);
    const text = out.join('');
    expect(out).toHaveLength(4);
    expect(found([text])).toEqual([]);
    expect(text).not.toContain('NL91 ABNA');
    // What the operator needs stays: the message, the masked error's cause, the last four digits.
    expect(text).toContain('upstream body');
    expect(text).toContain('DE••••3000');
    expect(text).toContain('••••6789');
  });
});
