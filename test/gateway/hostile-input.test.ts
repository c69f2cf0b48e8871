// Issue 7, item 6: hostile input never gets through. fast-check builds createPayout and
// createBankAccount inputs that are valid for one provider except for one corrupted field (so a run
// reaches the gateway's deep validation, not only GraphQL coercion), plus wholly random inputs and
// raw bodies, and sends them through yoga.fetch. Every answer must keep these rules:
//   1. no HTTP status of 500 or more;
//   2. nothing unmasked: no "Unexpected error.", no error with a `path` (a mutation's failures are
//      members of its result union), top-level errors only as request errors (parse, validation,
//      variable coercion: no `data`), and no message carrying a stack frame, a source path, a JS
//      error class or a credential; a union member's message is at most 500 characters (no
//      unbounded echo of the input);
//   3. an input that is invalid without asking anyone (case `static`) is answered with an error,
//      and no answer that says the input is wrong (a coercion error, a ValidationError, an
//      UnsupportedOperationError, a ProviderRejectedError) follows a provider request, unless the
//      corrupted value can only be judged by the provider (case `stateful`: a well-formed id of
//      nothing, a supported currency that may not be the account's);
//   4. whatever reaches a provider stays on its API's paths (a provider id cannot walk the URL).
// What the properties found that only files outside the schema boundary can fix is pinned as
// single cases at the end, each failing until its fix (named beside it) is made.
// FC_SEED=<seed> replays a failure fast-check reported.
import fc from 'fast-check';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/domain/ids.ts';
import { SANDBOX_OUTCOMES } from '../../src/domain/payout.ts';
import { KEYS, startTestApp, type TestApp } from '../helpers/app.ts';
import { Balances, CreateBankAccount, CreatePayout, ListBankAccounts, Providers } from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PROVIDERS = ['CASAPAY', 'MOLLIE', 'TOKENIO', 'STRADDLE'] as const;
type Provider = (typeof PROVIDERS)[number];
type Expect = 'static' | 'stateful' | 'any';
interface Case {
  provider: Provider;
  /** What was corrupted, for the failure report. */
  what: string;
  input: unknown;
  expect: Expect;
}

const NUM_RUNS = 150;
const SEED = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const PAYOUT_QUERY = print(CreatePayout);
const ACCOUNT_QUERY = print(CreateBankAccount);
/** Replaced by a value unique to the request (idempotency keys, Straddle's one-customer-per-email). */
const FRESH = '__FRESH__';

/** Which request paths each provider's createPayout and createBankAccount may use. */
const API_PATHS: Record<Provider, RegExp[]> = {
  CASAPAY: [/^\/v1\/payouts(\/[^/]+)?$/, /^\/v1\/bank_accounts(\/[^/]+)?$/],
  MOLLIE: [/^\/v2\/payouts(\/[^/]+)?$/, /^\/v2\/balances(\/[^/]+)?$/],
  TOKENIO: [/^\/payouts(\/[^/]+)?$/, /^\/account-verifications$/, /^\/virtual-accounts(\/[^/]+)?$/],
  STRADDLE: [
    /^\/v1\/payouts(\/[^/]+)?$/,
    /^\/v1\/payments$/,
    /^\/v1\/paykeys\/[^/]+(\/reveal)?$/,
    /^\/v1\/customers$/,
    /^\/v1\/bridge\/bank_account$/,
  ],
};

/** Union members that say the input itself is wrong. */
const REFUSALS = new Set(['ValidationError', 'UnsupportedOperationError', 'ProviderRejectedError']);
/** What an internal failure looks like when it escapes into a message. */
const LEAK =
  /\n\s+at\s|node_modules|\/src\/|file:\/\/|\b(TypeError|ReferenceError|RangeError|ZodError|AggregateError|DOMException)\b|Cannot read propert|is not a function|undefined is not|ECONNREFUSED|ECONNRESET|fetch failed|Unexpected error\./;

let t: TestApp;
let sims: Record<Provider, { requests: { method: string; path: string }[] }>;
let credentials: string[];
let caps: Record<Provider, Json>;
let payoutBase: Record<Provider, Json>;
let accountBases: [Provider, Json][];
let fresh = 0;

async function account(input: Json): Promise<string> {
  const r = (await t.exec(CreateBankAccount, { input: input as never })).data!.createBankAccount as Json;
  if (r.__typename !== 'CreateBankAccountSuccess') throw new Error(JSON.stringify(r));
  return r.bankAccount.id;
}

beforeAll(async () => {
  // No poller: every provider request during a case is the case's own.
  t = await startTestApp('memory', {}, undefined, { noPoller: true });
  sims = { CASAPAY: t.casapay, MOLLIE: t.mollie, TOKENIO: t.tokenio, STRADDLE: t.straddle };
  credentials = [
    ...Object.values(KEYS),
    ...[...t.app.sandboxCredentials.values()].flatMap((c) => Object.values(c).map(String)),
    ...t.app.webhookSecrets.values(),
  ];
  const [providers, casapayAccounts, balances] = await Promise.all([
    t.exec(Providers, {}),
    t.exec(ListBankAccounts, { provider: 'CASAPAY' }),
    t.exec(Balances, {}),
  ]);
  caps = Object.fromEntries(providers.data!.providers.map((p) => [p.provider, p])) as unknown as typeof caps;
  const balance = (provider: string, currency: string) =>
    balances.data!.balances.nodes.find((b) => b.provider === provider && b.currency === currency)!.id;
  const tokenioGb = {
    provider: 'TOKENIO',
    holderName: 'Hostile Input Ltd',
    country: 'GB',
    currency: 'GBP',
    sortCode: '404784',
    accountNumber: '70872490',
    idempotencyKey: FRESH,
  };
  const straddle = {
    provider: 'STRADDLE',
    holderName: 'Riley Tenant',
    country: 'US',
    currency: 'USD',
    routingNumber: '021000021',
    accountNumber: '000123456789',
    email: `riley-${FRESH}@example.com`,
    phone: '+12125550123',
    idempotencyKey: FRESH,
  };
  accountBases = [
    [
      'CASAPAY',
      {
        provider: 'CASAPAY',
        holderName: 'Ada Tenant',
        country: 'GB',
        currency: 'GBP',
        sortCode: '10-88-00',
        accountNumber: '00012345',
        idempotencyKey: FRESH,
      },
    ],
    [
      'CASAPAY',
      {
        provider: 'CASAPAY',
        holderName: 'Ada Tenant',
        country: 'DE',
        currency: 'EUR',
        iban: 'DE89370400440532013000',
        idempotencyKey: FRESH,
      },
    ],
    ['TOKENIO', tokenioGb],
    [
      'TOKENIO',
      {
        provider: 'TOKENIO',
        holderName: 'Hostile Input BV',
        country: 'NL',
        currency: 'EUR',
        iban: 'NL91ABNA0417164300',
        idempotencyKey: FRESH,
      },
    ],
    ['STRADDLE', straddle],
    // Mollie adds no bank accounts: every createBankAccount is refused before any request.
    ['MOLLIE', { ...tokenioGb, provider: 'MOLLIE' }],
  ];
  const unique = (input: Json) => JSON.parse(JSON.stringify(input).replaceAll(FRESH, `setup-${fresh++}`));
  payoutBase = {
    CASAPAY: {
      provider: 'CASAPAY',
      amount: { amount: '1.00', currency: 'GBP' },
      destinationId: casapayAccounts.data!.bankAccounts.edges.find((e) => e.node.currency === 'GBP')!.node.id,
      description: 'Deposit refund',
      metadata: { lease: 'L-1' },
      idempotencyKey: FRESH,
    },
    MOLLIE: {
      provider: 'MOLLIE',
      amount: { amount: '1.00', currency: 'EUR' },
      sourceId: balance('MOLLIE', 'EUR'),
      description: 'Deposit refund',
      idempotencyKey: FRESH,
    },
    TOKENIO: {
      provider: 'TOKENIO',
      amount: { amount: '1.00', currency: 'GBP' },
      sourceId: balance('TOKENIO', 'GBP'),
      destinationId: await account(unique(tokenioGb)),
      description: 'Deposit refund',
      metadata: { lease: 'L-1' },
      idempotencyKey: FRESH,
    },
    STRADDLE: {
      provider: 'STRADDLE',
      amount: { amount: '1.00', currency: 'USD' },
      destinationId: await account(unique(straddle)),
      description: 'Deposit refund',
      metadata: { lease: 'L-1' },
      idempotencyKey: FRESH,
    },
  };
});
afterAll(() => t.close());

interface Answer {
  status: number;
  text: string;
  body: Json | undefined;
  calls: { provider: Provider; method: string; path: string }[];
}

async function post(body: string, contentType = 'application/json'): Promise<Answer> {
  const before = PROVIDERS.map((p) => sims[p].requests.length);
  const res = await t.app.gateway.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${KEYS.full}` },
    body,
  });
  const text = await res.text();
  let parsed: Json | undefined;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = undefined;
  }
  const calls = PROVIDERS.flatMap((provider, i) =>
    sims[provider].requests.slice(before[i]).map((r) => ({ provider, method: r.method, path: r.path })),
  );
  return { status: res.status, text, body: parsed, calls };
}

function send(query: string, input: unknown): Promise<Answer> {
  const n = fresh++;
  const body = JSON.stringify({ query, variables: { input } }, (_k, v: unknown) =>
    typeof v === 'string' && v.includes(FRESH) ? v.replaceAll(FRESH, `hostile-${n}`) : v,
  );
  return post(body);
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s;
};

/** Every rule an answer breaks (empty when it keeps them all). */
function violations(answer: Answer, kase: Pick<Case, 'expect'>, field: string): string[] {
  const out: string[] = [];
  if (answer.status >= 500) out.push(`HTTP ${answer.status}`);
  const body = answer.body;
  if (!body) {
    // Not JSON: only a request error may answer so, and never with a stack or a credential.
    if (answer.status < 400) out.push(`a ${answer.status} answer that is not JSON`);
    if (LEAK.test(answer.text)) out.push(`raw answer leaks: ${short(answer.text)}`);
    return out;
  }
  const messages: string[] = [];
  const errors = (body.errors ?? []) as Json[];
  for (const e of errors) {
    messages.push(String(e.message));
    if (e.extensions?.unexpected) out.push(`an unexpected (masked) error: ${short(e)}`);
    if (e.path) out.push(`an execution error escaped the result union: ${short(e)}`);
    if (e.extensions?.stacktrace || e.extensions?.originalError)
      out.push(`an error carries internals: ${short(e)}`);
  }
  if (errors.length && body.data != null) out.push(`errors beside data: ${short(body)}`);
  const result = body.data?.[field] as Json | undefined;
  let refused = errors.length > 0;
  if (result) {
    const type = String(result.__typename);
    if (type.endsWith('Success')) {
      if (kase.expect === 'static') out.push(`an invalid input was accepted: ${short(result)}`);
    } else if (!type.endsWith('Error') || typeof result.code !== 'string') {
      out.push(`a result that is neither a success nor a typed error: ${short(result)}`);
    } else {
      messages.push(String(result.message));
      if (String(result.message).length > 500)
        out.push(`a ${result.message.length}-character ${type} message: ${short(result.message)}`);
      if (REFUSALS.has(type)) refused = true;
    }
  } else if (!errors.length) {
    out.push(`neither data.${field} nor errors: ${short(body)}`);
  }
  for (const m of messages) {
    if (LEAK.test(m)) out.push(`a message leaks internals: ${short(m)}`);
    for (const secret of credentials) if (m.includes(secret)) out.push('a message carries a credential');
  }
  if (refused && kase.expect !== 'stateful' && answer.calls.length) {
    out.push(
      `refused as invalid after ${answer.calls.length} provider request(s): ${short(answer.calls)} → ${short(result ?? errors)}`,
    );
  }
  for (const call of answer.calls) {
    if (!API_PATHS[call.provider].some((re) => re.test(call.path)))
      out.push(`a request left the provider's API paths: ${call.provider} ${call.method} ${call.path}`);
  }
  return out;
}

async function check(query: string, field: string, kase: Case) {
  const answer = await send(query, kase.input);
  const broken = violations(answer, kase, field);
  if (broken.length) {
    throw new Error(
      `${kase.provider} ${field}, ${kase.what} (${kase.expect}):\n  ${broken.join('\n  ')}\n` +
        `input: ${short(kase.input)}\nanswer: HTTP ${answer.status} ${short(answer.body ?? answer.text)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  'null',
  'undefined',
  'NaN',
  '-1',
  "'; DROP TABLE payouts; --",
  '" OR "1"="1',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '${jndi:ldap://attacker/a}',
  '../../../etc/passwd',
  '%00%0d%0aX-Injected: 1',
  '\r\nX-Injected: 1',
  '__proto__',
  'constructor',
  '\u202eevil\u202c',
  '\ud800',
  'Ｚｏë 李 💸',
  '\u0301\u0301\u0301',
  '$where: 1',
  '{"$gt": ""}',
];

const huge = fc
  .tuple(fc.integer({ min: 256, max: 60_000 }), fc.constantFrom('9', 'x', 'é', '💸', ' ', '\u0000'))
  .map(([n, c]) => c.repeat(n));

/** Strings a hostile client would try: classics, unicode of every kind, and very long ones. */
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: huge },
);

/** Values of the wrong JSON type for a string field. */
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Mirrors the documented money rule: digits, at most `exp` decimals, > 0, a safe integer of minor units. */
function validAmount(s: string, exp: number): boolean {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m || (m[2] ?? '').length > exp) return false;
  const minor = BigInt(m[1]!) * 10n ** BigInt(exp) + BigInt((m[2] ?? '').padEnd(exp, '0') || '0');
  return minor > 0n && minor <= BigInt(Number.MAX_SAFE_INTEGER);
}

const amountString = fc.oneof(
  fc.constantFrom(
    '0',
    '0.00',
    '-0',
    '-1.00',
    '1.001',
    '1.',
    '.5',
    '1e3',
    '0x10',
    '1,00',
    '1 000',
    '+1.00',
    '1.0.0',
    '١٢٣',
    '１２',
    'Infinity',
    '9'.repeat(40),
    '90071992547409.92',
    '\u00a01.00',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
  hostileString,
);

const ISO_CODES = ['GBP', 'EUR', 'USD', 'CHF', 'JPY', 'KWD', 'XAU', 'XXX', 'XTS', 'BHD', 'CLF'];

/** Sets `path` (dotted) in a copy of `base`; `undefined` removes the field. */
function withField(base: Json, path: string, value: unknown): Json {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let at: Json = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Json;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

const corrupt = (provider: Provider, base: Json, what: string, expect: Expect) => (v: unknown) =>
  ({ provider, what: `${what} = ${short(v)}`, input: withField(base, what, v), expect }) as Case;

/** Fields every input type shares: unknown fields, wrong whole inputs, missing required ones. */
function shapeCorruptions(provider: Provider, base: Json, required: string[]): fc.Arbitrary<Case>[] {
  return [
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }))
      .filter(([k]) => !(k in base))
      .map(([k, v]) => ({
        provider,
        what: `unknown field ${k}`,
        input: { ...base, [k]: v },
        expect: 'static',
      })),
    fc.constantFrom(...required).map((k) => corrupt(provider, base, k, 'static')(undefined)),
    fc.constantFrom(...required).map((k) => corrupt(provider, base, k, 'static')(null)),
    fc
      .oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant([base, base]))
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
      .map((v) => ({ provider, what: 'the whole input', input: v, expect: 'static' })),
  ];
}

/** Metadata of wrong shapes (static) and beyond the limits of the strictest provider (Stripe's). */
function metadataCorruptions(provider: Provider, base: Json): fc.Arbitrary<Case>[] {
  const bad = corrupt(provider, base, 'metadata', 'static');
  const limits = corrupt(provider, base, 'metadata', 'any');
  return [
    fc
      .oneof(
        fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
        fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), notAString, { minKeys: 1, maxKeys: 3 }),
        fc.constant({ nested: { deep: 'x' } }),
      )
      .filter((v) => v !== null)
      .map(bad),
    fc
      .oneof(
        fc
          .integer({ min: 51, max: 400 })
          .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))),
        fc.integer({ min: 41, max: 5000 }).map((n) => ({ ['k'.repeat(n)]: 'v' })),
        fc.integer({ min: 501, max: 60_000 }).map((n) => ({ k: 'v'.repeat(n) })),
        fc.constantFrom({ 'a[b]': 'v' }, { '': 'v' }, JSON.parse('{"__proto__": "x"}') as Json, {
          constructor: 'x',
        }),
      )
      .map(limits),
  ];
}

// ---------------------------------------------------------------------------------------------
// createPayout

function globalIdCorruptions(provider: Provider, base: Json, field: 'destinationId' | 'sourceId') {
  const type = field === 'destinationId' ? 'BankAccount' : 'Balance';
  const rule = caps[provider].createPayout[field] as string;
  const others = PROVIDERS.filter((p) => p !== provider);
  const bad = corrupt(provider, base, field, 'static');
  // An empty id counts as absent: invalid where the field is required, fine where it is forbidden.
  const empty = corrupt(provider, base, field, rule === 'REQUIRED' ? 'static' : 'any');
  const wellFormed = corrupt(provider, base, field, rule === 'FORBIDDEN' ? 'static' : 'stateful');
  return [
    fc.constantFrom('', null).map(empty),
    fc
      .oneof(
        hostileString.filter((s) => s !== ''),
        fc.integer().map(String),
      )
      .map(bad),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(b64).map(bad),
    fc
      .oneof(
        fc
          .constantFrom('Payout', 'Balance', 'BankAccount', 'Node', 'payout', '')
          .filter((x) => x !== type)
          .map((x) => `${x}:${provider}:x_1`),
        fc.constantFrom(...others).map((p) => `${type}:${p}:x_1`),
        fc.constantFrom(
          `${type}:PAYPAL:x_1`,
          `${type}:${provider}:`,
          `${type}:${provider}`,
          type,
          '::',
          `${type}::x`,
        ),
      )
      .map(b64)
      .map(bad),
    // The right type and provider, an id only the provider can judge; it must not steer the URL.
    fc
      .oneof(
        fc.constantFrom(
          '..',
          '.',
          '../balance',
          'x/../../v1/balance',
          '%2e%2e',
          'x?expand=all',
          'x#y',
          'ba_\r\nX: y',
        ),
        hostileString.filter((s) => s !== ''),
      )
      .map((id) => encodeGlobalId(type, provider, id))
      .map(wellFormed),
  ];
}

function payoutCases(provider: Provider): fc.Arbitrary<Case> {
  const base = payoutBase[provider];
  const c = caps[provider];
  const rules = c.createPayout as Json;
  const currencies = c.currencies as string[];
  const exp = (currency: string) =>
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits!;
  const currency = String(base.amount.currency);
  const families: fc.Arbitrary<Case>[] = [
    // `provider` may be left out (the gateway routes: see routing.test.ts); a bad one is refused.
    ...shapeCorruptions(provider, base, ['idempotencyKey']),
    fc.oneof(hostileString, notAString).map(corrupt(provider, base, 'provider', 'static')),
    // Amounts
    amountString.map((s) => ({
      provider,
      what: `amount.amount = ${short(s)}`,
      input: withField(base, 'amount.amount', s),
      expect: validAmount(s, exp(currency)) ? 'any' : 'static',
    })),
    fc.oneof(notAString, fc.constant(null)).map(corrupt(provider, base, 'amount.amount', 'static')),
    // Codes are read case-insensitively; a supported one may still not be the account's.
    fc.tuple(fc.constantFrom(...ISO_CODES), fc.boolean()).map(([code, lower]) => ({
      provider,
      what: `amount.currency = ${lower ? code.toLowerCase() : code}`,
      input: withField(base, 'amount.currency', lower ? code.toLowerCase() : code),
      expect: currencies.includes(code) ? 'stateful' : 'static',
    })),
    fc
      .oneof(hostileString, notAString, fc.constantFrom('GB', 'GBPP', '€', 'US$'))
      .filter((v) => typeof v !== 'string' || !ISO_CODES.includes(v.toUpperCase()))
      .map(corrupt(provider, base, 'amount.currency', 'static')),
    fc.oneof(notAString, fc.constant({})).map(corrupt(provider, base, 'amount', 'static')),
    // Ids
    ...globalIdCorruptions(provider, base, 'destinationId'),
    ...globalIdCorruptions(provider, base, 'sourceId'),
    // Text
    hostileString.map(corrupt(provider, base, 'description', 'any')),
    notAString.map(corrupt(provider, base, 'description', 'static')),
    fc
      .oneof(
        hostileString,
        fc.integer({ min: 1, max: 255 }).map((n) => 'k'.repeat(n)),
      )
      .map((k) => ({
        provider,
        what: `idempotencyKey = ${short(k)}`,
        input: withField(base, 'idempotencyKey', k === '' || k.length > 255 ? k : `${k}${FRESH}`.slice(-255)),
        expect: (k === '' || k.length > 255 ? 'static' : 'any') as Expect,
      })),
    fc
      .integer({ min: 256, max: 100_000 })
      .map((n) => corrupt(provider, base, 'idempotencyKey', 'static')('k'.repeat(n))),
    notAString.map(corrupt(provider, base, 'idempotencyKey', 'static')),
    // Enums and dates
    fc.constantFrom(...SANDBOX_OUTCOMES).map((o) => ({
      provider,
      what: `sandboxOutcome = ${o}`,
      input: withField(base, 'sandboxOutcome', o),
      expect: ((c.sandboxOutcomes as string[]).includes(o) ? 'any' : 'static') as Expect,
    })),
    fc
      .oneof(hostileString, notAString, fc.constant('paid'))
      .map(corrupt(provider, base, 'sandboxOutcome', 'static')),
    fc.constantFrom('STANDARD', 'INSTANT').map((m) => ({
      provider,
      what: `method = ${m}`,
      input: withField(base, 'method', m),
      expect: ((rules.methods as string[]).includes(m) ? 'any' : 'static') as Expect,
    })),
    fc.oneof(hostileString, notAString).map(corrupt(provider, base, 'method', 'static')),
    fc
      .oneof(
        hostileString,
        notAString,
        fc.constantFrom('2026-02-30', '2026-13-01', '26-01-01', '2026-01-01T00:00:00Z'),
      )
      .map(corrupt(provider, base, 'scheduledFor', 'static')),
    fc.constantFrom('2001-01-01', '1970-01-01', '2099-12-31', '9999-12-31').map((d) => ({
      provider,
      what: `scheduledFor = ${d}`,
      input: withField(base, 'scheduledFor', d),
      expect: (rules.scheduledFor === 'FORBIDDEN' || d < '2020' ? 'static' : 'any') as Expect,
    })),
    ...metadataCorruptions(provider, base),
  ];
  return fc.oneof(...families);
}

// ---------------------------------------------------------------------------------------------
// createBankAccount

/** Valid IBANs of countries (BR, SA) that the sandboxed providers do not serve. */
const FOREIGN_IBANS = [
  ['BR', 'BR1800360305000010009795493C1'],
  ['SA', 'SA0380000000608010167519'],
] as const;

function accountCases(provider: Provider, base: Json): fc.Arbitrary<Case> {
  const bad = (field: string) => corrupt(provider, base, field, 'static');
  const any = (field: string) => corrupt(provider, base, field, 'any');
  const required = ['provider', 'holderName', 'country', 'currency', 'idempotencyKey'];
  const families: fc.Arbitrary<Case>[] = [
    ...shapeCorruptions(provider, base, required),
    fc.oneof(notAString).map(bad('holderName')),
    fc.constantFrom('', ' ', '\t\n', '\u0000', 'Ada\u0000Tenant', 'Ada\r\nBcc: x@y.z').map(bad('holderName')),
    fc.integer({ min: 141, max: 60_000 }).map((n) => bad('holderName')('A'.repeat(n))),
    hostileString
      .filter((s) => s.trim() !== '' && s.length <= 140 && !/\p{Cc}/u.test(s))
      .map(any('holderName')),
    fc.oneof(hostileString, notAString, fc.constantFrom('gb', 'UK', 'GBR', 'ZZ', 'XK')).map(bad('country')),
    fc
      .constantFrom('GB', 'DE', 'NL', 'US', 'FR', 'BR', 'JP')
      .filter((c) => c !== base.country)
      .map(bad('country')),
    fc.constantFrom(...ISO_CODES).map((code) => ({
      provider,
      what: `currency = ${code}`,
      input: withField(base, 'currency', code),
      expect: ((caps[provider].currencies as string[]).includes(code) ? 'any' : 'static') as Expect,
    })),
    fc.oneof(hostileString, notAString).map(bad('currency')),
    // Bank details: format errors, and details of the wrong scheme for the account.
    fc
      .oneof(hostileString, fc.constantFrom('12345', '1234567', '12-34-5x', '１２３４５６', '12_34_56'))
      .filter((s) => !/^\d{6}$/.test(s.replace(/[\s-]/g, '')) && s !== '')
      .map(bad('sortCode')),
    fc
      .oneof(
        hostileString,
        fc.constantFrom('123', '1234567', '123456789012345678', '0001234x', '１２３４５６７８', '-12345678'),
      )
      .filter(
        (s) =>
          s !== '' &&
          !(/^\d{4,17}$/.test(s.replace(/\s/g, '')) && (base.country !== 'GB' || /^\d{8}$/.test(s))),
      )
      .map(bad('accountNumber')),
    fc
      .oneof(
        hostileString,
        fc.constantFrom(
          'DE89370400440532013001',
          'NL91ABNA0417164301',
          'GB29NWBK60161331926819',
          'XX00000000000000',
          'DE8937040044053201300',
          'de89 3704 0044 0532 0130 00 00',
        ),
      )
      .filter((s) => s !== '' && s !== base.iban)
      .map(bad('iban')),
    fc.constantFrom(...FOREIGN_IBANS).map(([country, iban]) => ({
      provider,
      what: `a ${country} IBAN for ${country}`,
      input: { ...withField(base, 'iban', iban), country, sortCode: undefined, accountNumber: undefined },
      expect: 'static' as Expect,
    })),
    fc
      .oneof(hostileString, fc.constantFrom('DEUTDEFF50', 'DEUTDEFF5000X', 'deut', '12345678'))
      .filter((s) => s !== '')
      .map(bad('bic')),
    fc
      .oneof(hostileString, fc.constantFrom('021000022', '12345678', '0210000211', '02100002x'))
      .filter((s) => s !== '')
      .map(bad('routingNumber')),
    fc
      .oneof(
        hostileString,
        fc.constantFrom(
          'riley',
          'riley@',
          '@example.com',
          'a@b',
          'a b@c.de',
          'x'.repeat(300) + '@example.com',
        ),
      )
      .filter((s) => s !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s))
      .map(bad('email')),
    fc
      .oneof(hostileString, fc.constantFrom('2125550123', '+0123', '+1 212 555 0123', '+1234567890123456'))
      .filter((s) => s !== '')
      .map(bad('phone')),
    fc.oneof(hostileString, notAString, fc.constant('checking')).map(bad('accountType')),
    fc.oneof(hostileString, notAString, fc.constant('individual')).map(bad('customerType')),
    fc
      .constantFrom('sortCode', 'accountNumber', 'iban', 'bic', 'routingNumber', 'email', 'phone')
      .chain((f) => notAString.map(bad(f))),
    fc.constantFrom('', 'k'.repeat(256), 'k'.repeat(100_000)).map(bad('idempotencyKey')),
    ...metadataCorruptions(provider, base),
  ];
  return fc.oneof(...families);
}

// ---------------------------------------------------------------------------------------------

describe('hostile input', () => {
  it('starts from inputs every provider accepts (so a corrupted field is the only fault)', async () => {
    for (const provider of PROVIDERS) {
      const answer = await send(PAYOUT_QUERY, payoutBase[provider]);
      expect(answer.body?.data?.createPayout?.__typename, `${provider}: ${short(answer.body)}`).toBe(
        'CreatePayoutSuccess',
      );
    }
    for (const [provider, base] of accountBases.filter(([p]) => p !== 'MOLLIE')) {
      const answer = await send(ACCOUNT_QUERY, base);
      expect(answer.body?.data?.createBankAccount?.__typename, `${provider}: ${short(answer.body)}`).toBe(
        'CreateBankAccountSuccess',
      );
    }
  });

  it('createPayout: one corrupted field, every provider', async () => {
    const cases = fc.constantFrom(...PROVIDERS).chain(payoutCases);
    await fc.assert(
      fc.asyncProperty(cases, (kase) => check(PAYOUT_QUERY, 'createPayout', kase)),
      { numRuns: NUM_RUNS, ...SEED },
    );
  });

  it('createBankAccount: one corrupted field, every provider', async () => {
    const cases = fc.constantFrom(...accountBases).chain(([p, base]) => accountCases(p, base));
    await fc.assert(
      fc.asyncProperty(cases, (kase) => check(ACCOUNT_QUERY, 'createBankAccount', kase)),
      { numRuns: NUM_RUNS, ...SEED },
    );
  });

  it('wholly random inputs and literals', async () => {
    const literal = fc.oneof(hostileString, fc.string()).map((s) => {
      // The same hostile strings as GraphQL literals: the parser and parseLiteral paths.
      const str = JSON.stringify(s);
      return `mutation { createPayout(input: {provider: CASAPAY, idempotencyKey: ${str}, description: ${str}, amount: {amount: ${str}, currency: ${str}}}) { __typename ... on Error { message } } }`;
    });
    const cases = fc.oneof(
      fc.anything().map((input) => ({ query: PAYOUT_QUERY, field: 'createPayout', input })),
      fc.anything().map((input) => ({ query: ACCOUNT_QUERY, field: 'createBankAccount', input })),
      fc
        .dictionary(
          fc.constantFrom(
            'provider',
            'holderName',
            'country',
            'currency',
            'iban',
            'sortCode',
            'accountNumber',
            'metadata',
            'idempotencyKey',
          ),
          fc.oneof(hostileString, notAString, fc.constant(null)),
        )
        .map((input) => ({ query: ACCOUNT_QUERY, field: 'createBankAccount', input })),
      literal.map((query) => ({ query, field: 'createPayout', input: undefined })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ query, field, input }) => {
        const answer = await send(query, input);
        const broken = violations(answer, { expect: 'any' }, field);
        if (broken.length)
          throw new Error(`${broken.join('\n')}\nquery: ${short(query)}\ninput: ${short(input)}`);
      }),
      { numRuns: NUM_RUNS, ...SEED },
    );
  });

  it('raw request bodies: never a 5xx, never an internal message', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify({ query: PAYOUT_QUERY, variables: v })),
      fc.jsonValue().map((v) => JSON.stringify({ query: v, variables: {} })),
      fc.constant(JSON.stringify([{ query: PAYOUT_QUERY }, { query: PAYOUT_QUERY }])),
      huge,
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('application/json', 'text/plain', 'application/graphql'),
        async (body, type) => {
          const answer = await post(body, type);
          expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
          expect(answer.text).not.toMatch(LEAK);
          expect(answer.calls).toEqual([]);
        },
      ),
      { numRuns: NUM_RUNS, ...SEED },
    );
  });
});

// What the properties found that the schema boundary cannot fix: each case fails until the fix
// named beside it is made (the files are other engineers' work in progress; see the report).
describe('found by the properties: provider requests for invalid input', () => {
  const cases: [string, () => [Provider, string, Json]][] = [
    // src/providers/casapay/index.ts createPayout: refuse a description over CasaPay's 5000 characters.
    [
      'CasaPay description over 5000',
      () => ['CASAPAY', 'createPayout', { ...payoutBase.CASAPAY, description: 'x'.repeat(5001) }],
    ],
    // src/providers/mollie/index.ts createPayout: refuse a description over Mollie's 255 characters.
    [
      'Mollie description over 255',
      () => ['MOLLIE', 'createPayout', { ...payoutBase.MOLLIE, description: 'x'.repeat(256) }],
    ],
    // src/providers/straddle/index.ts createPayout: refuse more than 2,147,483,647 cents (Straddle's
    // int32) before revealing the paykey.
    [
      'Straddle amount over int32 cents',
      () => [
        'STRADDLE',
        'createPayout',
        { ...payoutBase.STRADDLE, amount: { amount: '21474836.48', currency: 'USD' } },
      ],
    ],
    // src/providers/straddle/index.ts createPayout: refuse a scheduledFor before easternDate(now)
    // before revealing the paykey (the ValidationError on scheduledFor stays the same).
    [
      'Straddle scheduledFor in the past',
      () => ['STRADDLE', 'createPayout', { ...payoutBase.STRADDLE, scheduledFor: '2001-01-01' }],
    ],
    // src/services/gateway.ts metadataOf: apply checkMetadata (src/domain/inputs.ts, Stripe's limits).
    [
      'CasaPay metadata key of 41 characters',
      () => ['CASAPAY', 'createPayout', { ...payoutBase.CASAPAY, metadata: { ['k'.repeat(41)]: 'v' } }],
    ],
    [
      'CasaPay metadata with 51 keys',
      () => [
        'CASAPAY',
        'createPayout',
        {
          ...payoutBase.CASAPAY,
          metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
        },
      ],
    ],
    [
      'CasaPay metadata value of 501 characters',
      () => ['CASAPAY', 'createPayout', { ...payoutBase.CASAPAY, metadata: { k: 'v'.repeat(501) } }],
    ],
    // src/providers/casapay/index.ts createBankAccount: refuse a country outside GB and SEPA.
    [
      'CasaPay account in BR',
      () => [
        'CASAPAY',
        'createBankAccount',
        { ...accountBases[1]![1], country: 'BR', iban: FOREIGN_IBANS[0][1] },
      ],
    ],
    // src/providers/tokenio/beneficiaries.ts validateBeneficiary: EUR goes over SEPA, so refuse an
    // IBAN of a country outside SEPA (ibantools' isSEPACountry).
    [
      'Token.io EUR account in BR',
      () => [
        'TOKENIO',
        'createBankAccount',
        { ...accountBases[3]![1], country: 'BR', iban: FOREIGN_IBANS[0][1] },
      ],
    ],
  ];
  it.each(cases)('%s', async (what, make) => {
    const [provider, field, input] = make();
    await check(field === 'createPayout' ? PAYOUT_QUERY : ACCOUNT_QUERY, field, {
      provider,
      what,
      input,
      expect: 'static',
    });
  });
});

describe('secrets in error messages', () => {
  // Item 7 asks that account numbers appear in no error message. The gateway never echoes them;
  // graphql-js does: a variable coercion error ("got invalid value { … }") prints the whole input
  // object when a field is missing or unknown, with its accountNumber and iban. The fix belongs in
  // src/server.ts (see the report): this property fails until it is made.
  it('no answer to createBankAccount repeats the account number or IBAN it was sent', async () => {
    const cases = fc.constantFrom(...accountBases).chain(([p, base]) => accountCases(p, base));
    await fc.assert(
      fc.asyncProperty(cases, async (kase) => {
        const input = (kase.input ?? {}) as Json;
        const numbers = [input.accountNumber, input.iban].filter(
          (v): v is string => typeof v === 'string' && v.replace(/\s/g, '').length >= 8,
        );
        const answer = await send(ACCOUNT_QUERY, kase.input);
        for (const n of numbers) expect(answer.text, kase.what).not.toContain(n);
      }),
      { numRuns: NUM_RUNS, ...SEED },
    );
  });
});
