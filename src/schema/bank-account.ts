import type { BankAccount, BankAccountVerification } from '../domain/account.ts';
import { nodeKey } from '../domain/ids.ts';
import { checkBankDetails } from '../domain/inputs.ts';
import { builder, grant } from './builder.ts';
import { AccountTypeEnum, CustomerTypeEnum, PayoutProviderEnum, VerificationStatusEnum } from './enums.ts';
import type { FederatedConnection } from '../services/connection.ts';
import { CREATE_ERRORS, providerErrorsField } from './errors.ts';

const VerificationRef = builder.objectRef<BankAccountVerification>('BankAccountVerification').implement({
  description:
    'The result of checking the holder name against the account at its bank (Verification of Payee).',
  fields: (t) => ({
    status: t.field({ type: VerificationStatusEnum, resolve: (v) => v.status }),
    reasons: t.stringList({
      description: 'The provider’s reasons, verbatim (e.g. EXACT_MATCH, NAME_MISMATCH).',
      resolve: (v) => v.reasons,
    }),
    matchedName: t.exposeString('matchedName', {
      nullable: true,
      description: 'The holder name the bank has, when it differs (a close match).',
    }),
    checkedAt: t.field({ type: 'DateTime', resolve: (v) => v.checkedAt }),
  }),
});

/** A bank account's node key: its relay id and its key in the request's DataLoader. */
export const bankAccountKey = (b: BankAccount) => nodeKey(b.provider, b.providerBankAccountId);

export const BankAccountRef = builder.loadableNode(builder.objectRef<BankAccount>('BankAccount'), {
  description: 'A payout destination. Only the last four digits of the number are ever returned.',
  authScopes: (b) => ({ $any: { 'bank_accounts:read': true, granted: b } }),
  id: { resolve: bankAccountKey },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'providerBankAccountId' in v,
  load: (keys: string[], ctx) => ctx.gateway.loadBankAccounts(keys),
  cacheResolved: bankAccountKey,
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (b) => b.provider }),
    holderName: t.exposeString('holderName', { nullable: true }),
    last4: t.exposeString('last4', { nullable: true }),
    country: t.field({ type: 'CountryCode', nullable: true, resolve: (b) => b.country }),
    currency: t.field({ type: 'CurrencyCode', nullable: true, resolve: (b) => b.currency }),
    status: t.exposeString('status', { nullable: true, description: 'The provider’s own status word.' }),
    bankName: t.string({ nullable: true, resolve: (b) => b.bankName ?? null }),
    unmaskedAccountNumber: t.string({
      nullable: true,
      authScopes: { 'bank_accounts:unmask': true },
      description:
        'The full account number (an IBAN where the account has one). Needs `bank_accounts:unmask`; every read is audit-logged.',
      resolve: (b, _args, ctx) => ctx.gateway.unmaskAccountNumber(ctx.principal!, b),
    }),
    verification: t.field({
      type: VerificationRef,
      nullable: true,
      description:
        'Null where the account was not checked (the provider offers no check, or not for its currency).',
      resolve: (b) => b.verification ?? null,
    }),
  }),
});

const BankAccountConnection = builder.connectionObject({
  type: BankAccountRef,
  name: 'BankAccountConnection',
  fields: (t) => ({
    providerErrors: t.field({
      ...providerErrorsField,
      resolve: (c) => (c as unknown as FederatedConnection<BankAccount>).providerErrors,
    }),
  }),
});

builder.queryFields((t) => ({
  bankAccount: t.field({
    type: BankAccountRef,
    nullable: true,
    authScopes: { 'bank_accounts:read': true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const { provider, id: providerId } = ctx.gateway.refOf(String(id), 'BankAccount');
      return ctx.gateway.findOrNull(() =>
        ctx.gateway.registry.operation(provider, 'getBankAccount')(providerId),
      );
    },
  }),
  bankAccounts: t.field({
    type: BankAccountConnection,
    authScopes: { 'bank_accounts:read': true },
    args: {
      provider: t.arg({ type: PayoutProviderEnum }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: (_root, args, ctx) => ctx.gateway.listBankAccounts(args.provider, args.first, args.after),
  }),
}));

const CreateBankAccountInput = builder.inputType('CreateBankAccountInput', {
  description:
    'Each provider requires its own subset (see `providers`); a missing one is a ValidationError naming it.',
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, required: true }),
    holderName: t.string({ required: true }),
    country: t.field({ type: 'CountryCode', required: true }),
    currency: t.field({ type: 'CurrencyCode', required: true }),
    sortCode: t.string(),
    accountNumber: t.string(),
    iban: t.string(),
    bic: t.string(),
    routingNumber: t.string(),
    email: t.string({ description: 'The account holder’s email (Straddle).' }),
    phone: t.string({ description: 'The account holder’s phone, E.164 (Straddle).' }),
    customerType: t.field({ type: CustomerTypeEnum, description: 'Straddle; default INDIVIDUAL.' }),
    accountType: t.field({ type: AccountTypeEnum, description: 'US accounts; default CHECKING.' }),
    metadata: t.field({ type: 'JSON' }),
    idempotencyKey: t.string({
      required: true,
      description: 'Repeating a request with the same key returns the same bank account.',
    }),
  }),
});

const CreateBankAccountSuccess = builder.simpleObject('CreateBankAccountSuccess', {
  fields: (t) => ({ bankAccount: t.field({ type: BankAccountRef }) }),
});

builder.mutationField('createBankAccount', (t) =>
  t.field({
    type: CreateBankAccountSuccess,
    authScopes: { 'bank_accounts:write': true },
    errors: { types: CREATE_ERRORS, directResult: true, union: { name: 'CreateBankAccountResult' } },
    args: { input: t.arg({ type: CreateBankAccountInput, required: true }) },
    // The format of the details is checked here, before the service and any provider see them.
    resolve: async (_root, { input }, ctx) => ({
      bankAccount: grant(
        ctx,
        await ctx.gateway.createBankAccount(ctx.principal!, checkBankDetails(input), ctx.clientIp),
      ),
    }),
  }),
);
