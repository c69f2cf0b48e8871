// Token.io through GraphQL, against the Token.io sandbox simulator over real HTTP: settlement
// accounts as balances, beneficiaries held in the gateway's vault (validated, verified, sealed),
// payouts with Token.io's description rules and gateway-kept metadata, the status table, no
// lifecycle actions, idempotency through refId, and batched reads.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type {
  CreateBankAccountInput,
  CreatePayoutInput,
  ListPayoutsQuery,
  ListPayoutsQueryVariables,
} from '../gql/graphql.ts';
import { countRequests, startTestApp, stateKinds, type StateKind, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  GetPayout,
  ListBankAccounts,
  ListPayouts,
  Node,
  Nodes,
  Providers,
  ReadTogether,
  UnmaskBankAccount,
} from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let n = 0;
const key = () => `tokenio-${Date.now()}-${n++}`;

const GBP_ACCOUNT = {
  provider: 'TOKENIO',
  holderName: 'Flat 4 Tenants Ltd',
  country: 'GB',
  currency: 'GBP',
  sortCode: '40-47-84',
  accountNumber: '70872490',
} as const;
const EUR_ACCOUNT = {
  provider: 'TOKENIO',
  holderName: 'Jan de Vries',
  country: 'NL',
  currency: 'EUR',
  iban: 'NL91 ABNA 0417 1643 00',
  bic: 'ABNANL2A',
} as const;

/** Spread over EUR_ACCOUNT: a GBP account without the EUR one's IBAN and BIC. */
const GBP_ONLY = { ...GBP_ACCOUNT, iban: null, bic: null };

/** Calls the simulator as the gateway's own sandbox account does (Basic auth with its key). */
async function sim(t: TestApp, method: string, path: string, body?: unknown): Promise<Json> {
  const apiKey = t.app.sandboxCredentials.get('TOKENIO')!.apiKey;
  const res = await fetch(`${t.tokenio.url}${path}`, {
    method,
    headers: { authorization: `Basic ${apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Json;
}

async function balances(t: TestApp) {
  const res = await t.exec(Balances, { provider: 'TOKENIO' });
  const of = (c: string) => res.data!.balances.nodes.find((b) => b.currency === c)!;
  return { gbp: of('GBP'), eur: of('EUR') };
}

async function bankAccount(t: TestApp, input: Omit<CreateBankAccountInput, 'idempotencyKey'>) {
  const res = await t.exec(CreateBankAccount, { input: { ...input, idempotencyKey: key() } });
  const r = res.data!.createBankAccount as Json;
  expect(r.__typename, JSON.stringify(r)).toBe('CreateBankAccountSuccess');
  return r.bankAccount as Json;
}

async function payout(t: TestApp, input: Partial<CreatePayoutInput>): Promise<Json> {
  const res = await t.exec(CreatePayout, {
    input: { provider: 'TOKENIO', idempotencyKey: key(), ...input } as CreatePayoutInput,
  });
  return res.data!.createPayout as Json;
}

describe('Token.io through GraphQL', () => {
  let t: TestApp;
  let gbpSource: string;
  let eurSource: string;
  let gbpAccount: Json;
  let eurAccount: Json;
  const gbpPayout = (extra: Partial<CreatePayoutInput> = {}) =>
    payout(t, {
      amount: { amount: '12.50', currency: 'GBP' },
      sourceId: gbpSource,
      destinationId: gbpAccount.id,
      description: 'Rent March 2026',
      ...extra,
    });

  beforeAll(async () => {
    t = await startTestApp();
    const b = await balances(t);
    gbpSource = b.gbp.id;
    eurSource = b.eur.id;
    gbpAccount = await bankAccount(t, GBP_ACCOUNT);
    eurAccount = await bankAccount(t, EUR_ACCOUNT);
  });
  afterAll(() => t.close());

  it('lists Token.io as implemented, polled, with no payout actions', async () => {
    const res = await t.exec(Providers);
    const p = res.data!.providers.find((x) => x.provider === 'TOKENIO')!;
    expect(p).toMatchObject({
      displayName: 'Token.io',
      enabled: true,
      implemented: true,
      webhooks: false,
      statusSource: 'POLLING',
      payoutActions: [],
      currencies: ['GBP', 'EUR'],
      createPayout: { amount: 'REQUIRED', sourceId: 'REQUIRED', destinationId: 'REQUIRED', methods: [] },
    });
    expect(p.operations).not.toContain('CANCEL_PAYOUT');
  });

  it('reads each settlement account as a balance: available as Token.io says, pending = booked − cleared', async () => {
    const res = await t.exec(Balances, { provider: 'TOKENIO' });
    expect(res.data!.balances.nodes.map((b) => b.currency).sort()).toEqual(['EUR', 'GBP']);
    const raw = await sim(t, 'GET', '/virtual-accounts?limit=10');
    for (const b of res.data!.balances.nodes) {
      const va = (raw.virtualAccount as Json[]).find((v) => v.currency === b.currency)!;
      expect(b.available.amount).toBe(Number(va.availableBalance).toFixed(2));
      const pending =
        Math.round(Number(va.bookedBalance) * 100) - Math.round(Number(va.clearedBalance) * 100);
      expect(b.pending.minorUnits).toBe(pending);
    }
    const node = await t.exec(Node, { id: gbpSource });
    expect(node.data!.node).toMatchObject({ __typename: 'Balance', currency: 'GBP' });
  });

  it('keeps a GBP beneficiary masked and unverified; a EUR one verified by Token.io', async () => {
    expect(gbpAccount).toMatchObject({
      provider: 'TOKENIO',
      last4: '2490',
      currency: 'GBP',
      verification: null,
    });
    expect(eurAccount).toMatchObject({ last4: '4300', currency: 'EUR', verification: { status: 'MATCH' } });
    const listed = await t.exec(ListBankAccounts, { provider: 'TOKENIO', first: 10 });
    const ids = listed.data!.bankAccounts.edges.map((e) => e.node.id);
    expect(ids).toEqual(expect.arrayContaining([gbpAccount.id, eurAccount.id]));
    // Newest first.
    expect(ids.indexOf(eurAccount.id)).toBeLessThan(ids.indexOf(gbpAccount.id));
  });

  it.each([
    ['Anna Close Jansen', 'CLOSE_MATCH', 'Anna Jansen'],
    ['Mismatch Holdings', 'NO_MATCH', null],
    ['Unverifiable BV', 'NOT_POSSIBLE', null],
  ])('shows Verification of Payee for %s as %s', async (holderName, status, matchedName) => {
    const account = await bankAccount(t, { ...EUR_ACCOUNT, holderName });
    expect(account.verification).toMatchObject({ status, matchedName });
  });

  it.each([
    [{ iban: 'NL91ABNA0417164301' }, 'iban', /check digits/],
    [{ iban: 'NL91ABNA041716430' }, 'iban', /length/],
    [{ iban: 'DE89370400440532013000', country: 'NL' }, 'country', /DE/],
    [{ bic: 'ABN' }, 'bic', /BIC/],
    [{ ...GBP_ONLY, sortCode: '40478' }, 'sortCode', /6 digits/],
    [{ ...GBP_ONLY, accountNumber: '7087249' }, 'accountNumber', /8 digits/],
    [{ ...GBP_ONLY, iban: 'GB33BUKB20201555555555' }, 'iban', /sortCode/],
    [{ currency: 'USD' }, 'currency', /GBP, EUR/],
  ] as const)(
    'refuses bad account details %j without storing or calling anything',
    async (change, field, why) => {
      const before = (await t.exec(ListBankAccounts, { provider: 'TOKENIO', first: 100 })).data!.bankAccounts
        .edges.length;
      const calls = t.tokenio.requests.length;
      const res = await t.exec(CreateBankAccount, {
        input: { ...EUR_ACCOUNT, ...change, idempotencyKey: key() } as CreateBankAccountInput,
      });
      expect(res.data!.createBankAccount).toMatchObject({ __typename: 'ValidationError', field });
      expect((res.data!.createBankAccount as Json).message).toMatch(why);
      expect(t.tokenio.requests.length).toBe(calls);
      const after = (await t.exec(ListBankAccounts, { provider: 'TOKENIO', first: 100 })).data!.bankAccounts
        .edges.length;
      expect(after).toBe(before);
    },
  );

  it('creates a GBP payout with a derived refId, metadata kept by the gateway, and no actions', async () => {
    const before = (await balances(t)).gbp.available.minorUnits;
    const ik = key();
    const res = await payout(t, {
      idempotencyKey: ik,
      amount: { amount: '12.50', currency: 'GBP' },
      sourceId: gbpSource,
      destinationId: gbpAccount.id,
      description: 'Rent March 2026',
      metadata: { tenancy: 't-42' },
    });
    expect(res.__typename, JSON.stringify(res)).toBe('CreatePayoutSuccess');
    const p = res.payout as Json;
    expect(p).toMatchObject({
      provider: 'TOKENIO',
      status: 'PENDING',
      amount: { amount: '12.50', currency: 'GBP' },
      description: 'Rent March 2026',
      metadata: { tenancy: 't-42' },
      allowedActions: [],
      destination: { id: gbpAccount.id, last4: '2490' },
    });
    const wire = (await sim(t, 'GET', `/payouts/${encodeURIComponent(p.providerPayoutId)}`)).payout as Json;
    expect(wire.initiation.refId).toMatch(/^[A-Za-z0-9]{18}$/);
    expect(wire.initiation.creditor).toMatchObject({
      name: GBP_ACCOUNT.holderName,
      sortCode: '404784',
      accountNumber: '70872490',
    });
    // Metadata and the destination come back on a plain read too.
    const read = await t.exec(GetPayout, { id: p.id });
    expect(read.data!.payout).toMatchObject({
      metadata: { tenancy: 't-42' },
      destination: { id: gbpAccount.id },
    });
    expect((await balances(t)).gbp.available.minorUnits).toBe(before - 1250);

    // The same key again: the same payout, and no second POST.
    const posts = countRequests(t.tokenio, 'POST', /^\/payouts$/);
    const again = await payout(t, {
      idempotencyKey: ik,
      amount: { amount: '12.50', currency: 'GBP' },
      sourceId: gbpSource,
      destinationId: gbpAccount.id,
      description: 'Rent March 2026',
      metadata: { tenancy: 't-42' },
    });
    expect((again.payout as Json).id).toBe(p.id);
    expect(countRequests(t.tokenio, 'POST', /^\/payouts$/)).toBe(posts);

    const cancel = await t.exec(CancelPayout, { id: p.id });
    expect(cancel.data!.cancelPayout).toMatchObject({ __typename: 'UnsupportedOperationError' });
  });

  it('sends the account verification id with a EUR payout', async () => {
    const res = await payout(t, {
      amount: { amount: '99.99', currency: 'EUR' },
      sourceId: eurSource,
      destinationId: eurAccount.id,
      description: 'Deposit return for flat 4 - Keizersgracht',
    });
    expect(res.__typename, JSON.stringify(res)).toBe('CreatePayoutSuccess');
    const wire = (
      await sim(t, 'GET', `/payouts/${encodeURIComponent((res.payout as Json).providerPayoutId)}`)
    ).payout as Json;
    expect(wire.initiation.creditor).toMatchObject({
      iban: 'NL91ABNA0417164300',
      accountVerificationId: expect.any(String),
    });
  });

  it.each([
    ['Rent 5', 'GBP', /at least 6/],
    ['AAAAAAAA', 'GBP', /repeated/],
    ['aaa-AAA', 'GBP', /repeated/],
    ['Rent #42 March', 'GBP', /only letters/],
    ['Rent March 2026 ab', 'GBP', null],
    ['Rent March 2026 abc', 'GBP', /at most 18/],
    [`Deposit ${'x1'.repeat(67)}`, 'EUR', /at most 140/],
    [null, 'GBP', /requires a description/],
  ] as const)(
    'checks the description %j (%s) before calling Token.io',
    async (description, currency, problem) => {
      const posts = countRequests(t.tokenio, 'POST', /^\/payouts$/);
      const gbp = currency === 'GBP';
      const res = await payout(t, {
        amount: { amount: '1.00', currency },
        sourceId: gbp ? gbpSource : eurSource,
        destinationId: gbp ? gbpAccount.id : eurAccount.id,
        description,
      });
      if (problem === null) {
        expect(res.__typename, JSON.stringify(res)).toBe('CreatePayoutSuccess');
        return;
      }
      expect(res).toMatchObject({ __typename: 'ValidationError', field: 'description' });
      expect(res.message).toMatch(problem);
      expect(countRequests(t.tokenio, 'POST', /^\/payouts$/)).toBe(posts);
    },
  );

  it('refuses a currency the beneficiary cannot take, and another provider’s account', async () => {
    const wrong = await gbpPayout({ amount: { amount: '1.00', currency: 'EUR' } });
    expect(wrong).toMatchObject({ __typename: 'ValidationError', field: 'amount.currency' });
    const missing = await gbpPayout({ destinationId: undefined });
    expect(missing).toMatchObject({ __typename: 'ValidationError', field: 'destinationId' });
  });

  it('maps the lifecycle: processing, initiated (PAID), rejected with the bank’s reason', async () => {
    const a = (await gbpPayout()).payout as Json;
    const id = encodeURIComponent(a.providerPayoutId);
    await sim(t, 'POST', `/test-helpers/payouts/${id}/advance`);
    let read = (await t.exec(GetPayout, { id: a.id })).data!.payout!;
    expect(read).toMatchObject({
      status: 'PROCESSING',
      providerStatus: 'INITIATION_PROCESSING (ACSP)',
      failure: null,
    });
    await sim(t, 'POST', `/test-helpers/payouts/${id}/advance`);
    read = (await t.exec(GetPayout, { id: a.id })).data!.payout!;
    expect(read).toMatchObject({
      status: 'PAID',
      providerStatus: 'INITIATION_COMPLETED (ACSC)',
      allowedActions: [],
    });
    // Token.io reports the creation and the latest change; the step between is what the gateway
    // itself saw when it read the payout PROCESSING.
    expect(read.statusHistory.map((h) => [h.status, h.providerStatus])).toEqual([
      ['PENDING', 'INITIATION_PENDING'],
      ['PROCESSING', 'INITIATION_PROCESSING (ACSP)'],
      ['PAID', 'INITIATION_COMPLETED'],
    ]);

    const b = (await gbpPayout()).payout as Json;
    await sim(t, 'POST', `/test-helpers/payouts/${encodeURIComponent(b.providerPayoutId)}/fail`, {
      statusReasonInformation: 'Account closed',
      bankPaymentStatus: 'RJCT',
    });
    read = (await t.exec(GetPayout, { id: b.id })).data!.payout!;
    expect(read).toMatchObject({ status: 'FAILED', failure: { code: 'RJCT', message: 'Account closed' } });

    const c = (await gbpPayout()).payout as Json;
    await sim(t, 'POST', `/test-helpers/payouts/${encodeURIComponent(c.providerPayoutId)}/fail`, {
      status: 'INITIATION_FAILED',
      bankPaymentStatus: 'NOT_AVAILABLE',
      statusReasonInformation: 'Bank unavailable',
    });
    read = (await t.exec(GetPayout, { id: c.id })).data!.payout!;
    expect(read).toMatchObject({
      status: 'FAILED',
      providerStatus: 'INITIATION_FAILED (NOT_AVAILABLE)',
      failure: { code: 'NOT_AVAILABLE', message: 'Bank unavailable' },
    });
  });

  it('reports a payout the settlement account cannot fund as FAILED (AM04)', async () => {
    const res = await gbpPayout({ amount: { amount: '999999.00', currency: 'GBP' } });
    expect(res.payout).toMatchObject({ status: 'FAILED', failure: { code: 'RJCT' } });
    expect((res.payout as Json).failure.message).toMatch(/AM04/);
  });

  it('reads many Token.io payouts in one GET /payouts?ids= call per batch', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await gbpPayout({ metadata: { i: String(i) } })).payout as Json);
    const ids = made.map((p) => p.id as string);
    const from = t.tokenio.requests.length;
    const res = await t.exec(ReadTogether, { a: ids[0]!, b: ids[1]!, ids });
    expect(res.errors).toBeUndefined();
    expect(res.data!.a).toMatchObject({ id: ids[0], metadata: { i: '0' } });
    expect(res.data!.nodes.map((x) => x!.id)).toEqual(ids);
    expect(res.data!.nodes.map((x) => (x as Json).metadata)).toEqual([{ i: '0' }, { i: '1' }, { i: '2' }]);
    const reads = t.tokenio.requests
      .slice(from)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/payouts'));
    // One batch for all five lookups (three distinct ids); the list is its own call.
    const batches = reads.filter((r) => r.query.includes('ids='));
    expect(batches).toHaveLength(1);
    expect(new URLSearchParams(batches[0]!.query).getAll('ids').sort()).toEqual(
      made.map((p) => p.providerPayoutId).sort(),
    );
    expect(reads.filter((r) => r.path !== '/payouts')).toHaveLength(0);
    // Everything this request read: the batch and the list, nothing else.
    expect(reads).toHaveLength(2);

    const only = t.tokenio.requests.length;
    const nodes = await t.exec(Nodes, { ids: [...ids, ids[0]!] });
    expect(nodes.data!.nodes.map((x) => x!.id)).toEqual([...ids, ids[0]]);
    expect(countRequests({ requests: t.tokenio.requests.slice(only) }, 'GET', /^\/payouts/)).toBe(1);
  });

  it('pages Token.io payouts through its offsets: newest first, each once, with a status filter too', async () => {
    const fresh = await startTestApp();
    onTestFinished(() => fresh.close());
    const b = await balances(fresh);
    const account = await bankAccount(fresh, GBP_ACCOUNT);
    const made: string[] = [];
    let newest = '';
    for (let i = 0; i < 7; i++) {
      const res = await payout(fresh, {
        amount: { amount: '1.00', currency: 'GBP' },
        sourceId: b.gbp.id,
        destinationId: account.id,
        description: `Payout number ${i}`,
      });
      made.unshift((res.payout as Json).id);
      newest = (res.payout as Json).providerPayoutId;
    }
    await sim(fresh, 'POST', `/test-helpers/payouts/${encodeURIComponent(newest)}/advance`);
    const walk = async (filter: Json) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const res: Awaited<ReturnType<typeof fresh.exec<ListPayoutsQuery, ListPayoutsQueryVariables>>> =
          await fresh.exec(ListPayouts, {
            first: 3,
            after,
            filter: { provider: 'TOKENIO', ...filter },
          });
        const c = res.data!.payouts;
        seen.push(...c.edges.map((e) => e.node.id));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor!;
      }
      return seen;
    };
    expect(await walk({})).toEqual(made);
    expect(await walk({ status: ['PENDING'] })).toEqual(made.slice(1));
    expect(await walk({ status: ['PROCESSING'] })).toEqual(made.slice(0, 1));
    expect(await walk({ status: ['CANCELED'] })).toEqual([]);
  });
});

describe.each(stateKinds())('the Token.io vault on %s state', (state: StateKind) => {
  it('never holds an account number, IBAN, sort code or holder name in clear', async () => {
    const t = await startTestApp(state);
    onTestFinished(() => t.close());
    await bankAccount(t, GBP_ACCOUNT);
    await bankAccount(t, EUR_ACCOUNT);
    const dump = await t.app.state.dump();
    expect(dump.length).toBeGreaterThan(0);
    const text = dump.map(([k, v]) => `${k}=${v}`).join('\n');
    for (const secret of [
      '70872490',
      '404784',
      '40-47-84',
      'NL91ABNA0417164300',
      'NL91 ABNA',
      '0417164300',
      'Flat 4 Tenants',
      'Jan de Vries',
    ]) {
      expect(text).not.toContain(secret);
    }
    // And the gateway still reads them back.
    const listed = await t.exec(ListBankAccounts, { provider: 'TOKENIO', first: 10 });
    expect(listed.data!.bankAccounts.edges.map((e) => e.node.last4).sort()).toEqual(['2490', '4300']);
  });
});

describe('unmasking a Token.io account number', () => {
  it('needs bank_accounts:unmask, and is audit-logged without the number', async () => {
    const logged: { obj: object; msg: string }[] = [];
    const log = { info: (obj: object, msg: string) => logged.push({ obj, msg }), warn() {}, error() {} };
    const t = await startTestApp('memory', {}, log);
    onTestFinished(() => t.close());
    const gbp = await bankAccount(t, GBP_ACCOUNT);
    const eur = await bankAccount(t, EUR_ACCOUNT);

    const denied = await t.exec(UnmaskBankAccount, { id: gbp.id }, 'accountsOnly');
    expect(denied.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN', requiredScopes: ['bank_accounts:unmask'] },
    });
    expect(logged.filter((l) => (l.obj as Json).audit)).toHaveLength(0);

    const full = await t.exec(UnmaskBankAccount, { id: gbp.id });
    expect(full.data!.bankAccount).toMatchObject({ last4: '2490', unmaskedAccountNumber: '70872490' });
    const iban = await t.exec(UnmaskBankAccount, { id: eur.id });
    expect(iban.data!.bankAccount!.unmaskedAccountNumber).toBe('NL91ABNA0417164300');

    const audits = logged.filter((l) => (l.obj as Json).audit === 'bank_account.unmask');
    expect(audits).toHaveLength(2);
    expect(audits[0]!.obj).toMatchObject({ provider: 'TOKENIO', principal: expect.any(String) });
    expect(JSON.stringify(logged)).not.toMatch(/70872490|NL91ABNA0417164300/);
  });
});
