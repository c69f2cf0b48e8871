// The Token.io adapter: open-banking payouts from a Token.io settlement (virtual) account to any
// creditor account. Token.io keeps no beneficiaries and no metadata, so the gateway keeps both
// (beneficiaries sealed in its vault); its status comes from polling (see capabilities).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Payout } from '../../domain/payout.ts';
import { startTokenioSimulator } from '../../sandbox/tokenio/index.ts';
import { canonicalJson } from '../../util/json.ts';
import { ProviderHttpClient } from '../http.ts';
import type { AdapterDeps, ProviderModule, ProviderSettings } from '../module.ts';
import { testHelperDrive, type PayoutProviderAdapter, type ProviderCapabilities } from '../types.ts';
import { BeneficiaryVault, toBankAccount, toVerification, validateBeneficiary } from './beneficiaries.ts';
import { MAX_LIMIT, TokenioClient } from './client.ts';
import { listPayoutPage } from './list.ts';
import {
  descriptionProblem,
  refIdFor,
  toBalance,
  toPayout,
  toWireAmount,
  type PayoutExtras,
} from './mapper.ts';
import { createSigner } from './signing.ts';
import { CURRENCIES, type WireCreditor, type WirePayout, type WireVirtualAccount } from './wire.ts';

export const TOKENIO_CAPABILITIES: ProviderCapabilities = {
  operations: [
    'createPayout',
    'getPayout',
    'listPayouts',
    'listBalances',
    'getBalance',
    'getBankAccount',
    'listBankAccounts',
    'createBankAccount',
  ],
  currencies: CURRENCIES,
  // Token.io has no cancel, hold or update for payouts.
  payoutActions: {},
  createPayout: {
    amount: 'REQUIRED',
    sourceId: 'REQUIRED',
    destinationId: 'REQUIRED',
    scheduledFor: 'FORBIDDEN',
    methods: [],
  },
  webhooks: false,
  // Token.io's webhook signing is not publicly specified: its status is polled.
  statusSource: 'POLLING',
  // Polling is the status source: Faster Payments settle in seconds, SEPA in a day or two.
  pollCadence: { initialMs: 5_000, maxMs: 10 * 60_000 },
  terminalMoves: [],
  sandboxOutcomes: ['PAID', 'FAILED_INSUFFICIENT_FUNDS', 'FAILED_CLOSED_ACCOUNT'],
  notes: [
    'Token.io pays from a settlement account (sourceId, a Balance) to a bank account held in the gateway’s vault (destinationId, created with createBankAccount): Token.io itself keeps no beneficiaries.',
    'A description (the payment reference) is required: at least 6 letters or digits, not all the same; at most 18 characters for sort-code (GBP) payouts and 140 for IBAN (EUR) payouts.',
    'EUR accounts are checked with Verification of Payee when created (BankAccount.verification); GBP accounts are not checked.',
    'Payouts cannot be canceled, held or changed. PAID means Token.io’s INITIATION_COMPLETED: initiated at the bank, which Token.io says does not guarantee settlement.',
    'Metadata is kept by the gateway beside the payout (Token.io has none). Status changes are polled: Token.io’s webhook signing is not publicly specified.',
  ],
};

const PAYOUTS = 'tokenio:payouts';

export function createTokenioAdapter(settings: ProviderSettings, deps: AdapterDeps): PayoutProviderAdapter {
  const signer = settings.signing ? createSigner(settings.signing) : null;
  if (!signer && !settings.apiKey) throw new Error('The Token.io adapter needs an API key or a signing key.');
  const http = new ProviderHttpClient({
    provider: 'TOKENIO',
    baseUrl: settings.baseUrl,
    // Basic auth with the dashboard's API key is the sandbox scheme; production signs every request.
    headers: signer ? {} : { authorization: `Basic ${settings.apiKey}` },
    ...(signer ? { authorize: async (req) => ({ authorization: `Bearer ${await signer(req)}` }) } : {}),
    ...deps.transport,
  });
  const client = new TokenioClient(http, settings.onBehalfOfId ?? null);
  const beneficiaries = new BeneficiaryVault(deps.records, deps.vault, deps.log);

  /** The gateway's extras for each payout, keyed by refId (known before Token.io assigns an id). */
  async function withExtras(wire: WirePayout[]): Promise<Payout[]> {
    const each = await eachWithExtras(wire);
    const bad = each.find((p) => p instanceof Error);
    if (bad) throw bad;
    return each as Payout[];
  }
  /** Per payout: one Token.io could not describe in the shared model (a sub-cent amount) is its own Error. */
  async function eachWithExtras(wire: WirePayout[]): Promise<(Payout | Error)[]> {
    const raw = await deps.records.getMany(
      PAYOUTS,
      wire.map((w) => w.initiation?.refId ?? ''),
    );
    return wire.map((w, i) => {
      try {
        return toPayout(w, raw[i] ? (JSON.parse(raw[i]) as PayoutExtras) : null, deps.log);
      } catch (error) {
        return error as Error;
      }
    });
  }
  const one = async (w: WirePayout) => (await withExtras([w]))[0]!;

  /** A create whose outcome is unknown: Token.io refuses a second payout with the same refId, so look it up. */
  async function findByRefId(refId: string): Promise<WirePayout | null> {
    const list = await client.listPayouts({ limit: 1, refIds: [refId] });
    return list.payouts.find((p) => p.initiation?.refId === refId) ?? null;
  }

  async function allVirtualAccounts(): Promise<WireVirtualAccount[]> {
    const all: WireVirtualAccount[] = [];
    let offset: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await client.listVirtualAccounts(offset);
      all.push(...res.virtualAccount);
      offset = res.pageInfo?.haveMore ? (res.pageInfo.nextOffset ?? null) : null;
      if (!offset) break;
    }
    return all;
  }

  return {
    name: 'TOKENIO',
    capabilities: TOKENIO_CAPABILITIES,
    ...(settings.sandbox
      ? { sandbox: testHelperDrive(async (id, step) => one(await client.testHelper(id, step))) }
      : {}),

    async createPayout(cmd) {
      // The service enforces the capabilities; these guard direct callers from a silent no-op.
      if (!cmd.sourceId)
        throw new ValidationError(
          'sourceId',
          'Token.io pays from a settlement account: sourceId is required.',
        );
      if (!cmd.destinationId)
        throw new ValidationError('destinationId', 'Token.io needs a destinationId (a bank account).');
      if (!cmd.amount) throw new ValidationError('amount', 'Token.io needs an amount.');
      const description = cmd.description ?? '';
      if (!description)
        throw new ValidationError(
          'description',
          'Token.io requires a description: the payment reference the payee sees.',
        );
      const general = descriptionProblem(description, 'IBAN');
      if (general) throw new ValidationError('description', general);
      const b = await beneficiaries.get(cmd.destinationId).catch((error: unknown) => {
        if (error instanceof NotFoundError) throw new ValidationError('destinationId', error.message);
        throw error;
      });
      const scan = descriptionProblem(description, b.iban ? 'IBAN' : 'SCAN');
      if (scan) throw new ValidationError('description', scan);
      if (cmd.amount.currency !== b.currency) {
        throw new ValidationError(
          'amount.currency',
          `The bank account is a ${b.currency} account; this payout is in ${cmd.amount.currency}.`,
        );
      }
      if (b.currency === 'EUR' && !b.verification) {
        throw new ValidationError(
          'destinationId',
          'Token.io needs a Verification of Payee for EUR payouts; this account has none.',
        );
      }
      const creditor: WireCreditor = b.iban
        ? {
            name: b.holderName,
            iban: b.iban,
            ...(b.bic ? { bic: b.bic } : {}),
            accountVerificationId: b.verification!.id,
          }
        : { name: b.holderName, sortCode: b.sortCode!, accountNumber: b.accountNumber! };
      const refId = refIdFor(cmd.idempotencyKey);
      const initiation = {
        refId,
        description,
        amount: toWireAmount(cmd.amount),
        debtor: { accountId: cmd.sourceId },
        creditor,
      };
      // One record per refId, written before the first attempt (so a payout whose answer is lost
      // still gets its metadata back) and never rewritten: it also remembers what the refId pays.
      const extras: PayoutExtras = {
        metadata: cmd.metadata,
        destinationId: b.id,
        fingerprint: deps.vault.digest(canonicalJson({ initiation, metadata: cmd.metadata })),
      };
      const earlier = await deps.records.get(PAYOUTS, refId);
      if (earlier !== null) {
        if ((JSON.parse(earlier) as PayoutExtras).fingerprint !== extras.fingerprint) {
          throw new ValidationError(
            'idempotencyKey',
            'This idempotencyKey was already used for a different Token.io payout.',
          );
        }
        // An earlier attempt may have created it: look before sending again. Token.io's documents
        // do not promise that it refuses a duplicate refId.
        const existing = await findByRefId(refId);
        if (existing) return one(existing);
      } else {
        await deps.records.put(PAYOUTS, refId, JSON.stringify(extras));
      }
      try {
        return await one(await client.createPayout(initiation, cmd.sandboxOutcome));
      } catch (error) {
        // In doubt (no answer, 5xx, an answer we cannot read) or refused (perhaps as a duplicate
        // refId): the payout may exist, and if it does, it is the answer.
        if (!(error instanceof NotFoundError || error instanceof ValidationError)) {
          const existing = await findByRefId(refId).catch(() => null);
          if (existing) return one(existing);
        }
        throw error;
      }
    },

    async findCreatedPayout(cmd) {
      const found = await findByRefId(refIdFor(cmd.idempotencyKey));
      return found ? one(found) : null;
    },

    getPayout: async (id) => one(await client.getPayout(id)),

    async getPayouts(ids) {
      const found = new Map<string, Payout | Error>();
      for (let i = 0; i < ids.length; i += MAX_LIMIT) {
        const chunk = ids.slice(i, i + MAX_LIMIT);
        const list = await client.listPayouts({ limit: chunk.length, ids: chunk });
        const mapped = await eachWithExtras(list.payouts);
        list.payouts.forEach((w, n) => found.set(w.id, mapped[n]!));
      }
      return ids.map((id) => found.get(id) ?? new NotFoundError(`No Token.io payout exists with id ${id}.`));
    },

    listPayouts: (query) => listPayoutPage(client, withExtras, query),

    listBalances: async () => (await allVirtualAccounts()).map(toBalance),
    getBalance: async (id) => toBalance(await client.getVirtualAccount(id)),

    getBankAccount: async (id) => toBankAccount(await beneficiaries.get(id)),
    async listBankAccounts(query) {
      const page = await beneficiaries.list(query.afterId, query.limit);
      return { items: page.items.map(toBankAccount), hasMore: page.hasMore };
    },
    async createBankAccount(cmd) {
      const details = validateBeneficiary(cmd);
      // Derived from the idempotency key: a retry finds the record the first attempt stored.
      const id = `ba-${refIdFor(`bank-account\0${cmd.idempotencyKey}`)}`;
      const existing = await beneficiaries.find(id);
      if (existing) return toBankAccount(existing);
      const verification = details.iban
        ? toVerification(
            await client.verifyAccount({ name: details.holderName, iban: details.iban }),
            new Date(),
          )
        : null;
      const beneficiary = {
        id,
        ...details,
        verification,
        metadata: cmd.metadata,
        createdAt: new Date().toISOString(),
      };
      await beneficiaries.save(beneficiary);
      return toBankAccount(beneficiary);
    },

    async unmaskAccountNumber(id) {
      const b = await beneficiaries.get(id);
      return b.iban ?? b.accountNumber;
    },

    async ping() {
      await client.listVirtualAccounts(null, 1);
    },
    health: () => http.health(),
    close: () => http.close(),
  };
}

/** A PEM in one environment line: `\n` escapes become newlines. */
const pem = z
  .string()
  .transform((s) => s.replace(/\\n/g, '\n'))
  .refine(
    (s) => s.includes('PRIVATE KEY-----'),
    'must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)',
  );

const env = {
  TOKENIO_API_KEY: z.string().min(1).optional(),
  TOKENIO_MEMBER_ID: z.string().regex(/^m:/, 'must be a Token.io member id (m:…)').optional(),
  TOKENIO_KEY_ID: z.string().min(1).optional(),
  TOKENIO_PRIVATE_KEY: pem.optional(),
  TOKENIO_ON_BEHALF_OF_ID: z.string().min(1).optional(),
  TOKENIO_BASE_URL: z.url().default('https://api.token.io'),
};
const SIGNING_VARS = ['TOKENIO_MEMBER_ID', 'TOKENIO_KEY_ID', 'TOKENIO_PRIVATE_KEY'] as const;

export const tokenio: ProviderModule<typeof env> = {
  name: 'TOKENIO',
  displayName: 'Token.io',
  capabilities: TOKENIO_CAPABILITIES,
  env,
  usesVault: true,
  liveProblems(e) {
    const problems: string[] = [];
    if (e.TOKENIO_API_KEY) {
      problems.push(
        'TOKENIO_API_KEY: Basic auth is for Token.io’s sandbox only; live requests are signed (set TOKENIO_MEMBER_ID, TOKENIO_KEY_ID, TOKENIO_PRIVATE_KEY)',
      );
    }
    const set = SIGNING_VARS.filter((v) => e[v]);
    if (set.length && set.length < SIGNING_VARS.length) {
      for (const v of SIGNING_VARS.filter((x) => !e[x]))
        problems.push(`${v}: required with ${set.join(', ')} (Token.io request signing)`);
    }
    return problems;
  },
  liveSettings(e) {
    if (!e.TOKENIO_MEMBER_ID || !e.TOKENIO_KEY_ID || !e.TOKENIO_PRIVATE_KEY) return null;
    return {
      apiKey: null,
      signing: {
        memberId: e.TOKENIO_MEMBER_ID,
        keyId: e.TOKENIO_KEY_ID,
        privateKeyPem: e.TOKENIO_PRIVATE_KEY,
      },
      onBehalfOfId: e.TOKENIO_ON_BEHALF_OF_ID ?? null,
      baseUrl: e.TOKENIO_BASE_URL,
      webhookSecret: null,
    };
  },
  sandbox: {
    port: 4103,
    start: (port) => startTokenioSimulator({ port }),
    // Token.io's dashboard keys are base64 of `<member>:<secret>`; each one is its own account.
    credentials: (e) => ({
      apiKey:
        e.TOKENIO_API_KEY ??
        Buffer.from(`m-${randomBytes(12).toString('hex')}:${randomBytes(16).toString('hex')}`).toString(
          'base64',
        ),
    }),
  },
  createAdapter: createTokenioAdapter,
  // Token.io's webhook signature scheme is not publicly specified: nothing can be verified, so the
  // gateway registers no Token.io webhook endpoint and polls instead.
  verifyWebhook: () => false,
};
