// Landlords' bank accounts: GB accounts by sort code + 8-digit number, SEPA accounts by IBAN. The
// seed's create call is the only documented one; retrieve and list follow Stripe's shapes.
import type { Handler } from './context.ts';
import { invalidParam, missingParam, noSuch } from './errors.ts';
import { compactIban, ibanProblem, SEPA_IBAN_LENGTHS } from './iban.ts';
import { PAGING_PARAMS, paginate } from './list.ts';
import { optionalEnum, parseMetadata, rejectUnknown, requiredString } from './params.ts';
import { CURRENCIES, makeBankAccount, type Currency } from './store.ts';

const CREATE_PARAMS = [
  'account_holder_name',
  'account_holder_type',
  'account_number',
  'sort_code',
  'currency',
  'country',
  'metadata',
];

export function parseCurrency(value: string, allowedWhat: string): Currency {
  const currency = value.toLowerCase();
  if (!(CURRENCIES as readonly string[]).includes(currency)) {
    throw invalidParam('currency', `Invalid currency: ${value}. ${allowedWhat} must be one of: eur, gbp.`);
  }
  return currency as Currency;
}

export const createBankAccount: Handler = ({ params, account, store }) => {
  rejectUnknown(Object.keys(params), CREATE_PARAMS);
  const holderName = requiredString(params, 'account_holder_name');
  const holderType = optionalEnum(params, 'account_holder_type', ['individual', 'company'] as const);
  const rawNumber = requiredString(params, 'account_number', 64);
  const currency = parseCurrency(requiredString(params, 'currency'), 'A bank account currency');
  const country = requiredString(params, 'country').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    throw invalidParam('country', 'Invalid country: must be an ISO 3166-1 alpha-2 code such as GB or DE.');
  }
  if (country !== 'GB' && SEPA_IBAN_LENGTHS[country] === undefined) {
    throw invalidParam(
      'country',
      `Bank accounts in ${country} are not supported: CasaPay pays out to GB (sort code) and SEPA (IBAN) accounts.`,
      'country_unsupported',
    );
  }

  let number: string;
  let sortCode: string | null = null;
  if (country === 'GB') {
    if (params['sort_code'] === undefined || params['sort_code'] === null) throw missingParam('sort_code');
    sortCode = requiredString(params, 'sort_code', 16).replace(/-/g, '');
    if (!/^\d{6}$/.test(sortCode)) {
      throw invalidParam(
        'sort_code',
        'Invalid sort code: must be 6 digits, e.g. 108800 or 10-88-00.',
        'routing_number_invalid',
      );
    }
    number = rawNumber;
    if (!/^\d{8}$/.test(number)) {
      throw invalidParam(
        'account_number',
        'Invalid account number: GB account numbers are 8 digits.',
        'account_number_invalid',
      );
    }
  } else {
    if (params['sort_code'] !== undefined && params['sort_code'] !== null) {
      throw invalidParam(
        'sort_code',
        `sort_code is only accepted for GB bank accounts; ${country} accounts are identified by the IBAN in account_number.`,
      );
    }
    number = compactIban(rawNumber);
    const problem = ibanProblem(number, country);
    if (problem) throw invalidParam('account_number', `Invalid IBAN: ${problem}.`, 'account_number_invalid');
  }

  const object = makeBankAccount({
    holderName,
    holderType,
    number,
    sortCode,
    currency,
    country,
    metadata: parseMetadata(params),
  });
  account.bankAccounts.set(object.id, { seq: store.nextSeq(), object });
  return object;
};

export const retrieveBankAccount: Handler = ({ req, account }) => {
  const id = req.params['id'] ?? '';
  const stored = account.bankAccounts.get(id);
  if (!stored) throw noSuch('bank account', id);
  return stored.object;
};

export const listBankAccounts: Handler = ({ req, account }) => {
  rejectUnknown(req.query.keys(), PAGING_PARAMS);
  return paginate({
    items: account.bankAccounts,
    query: req.query,
    url: '/v1/bank_accounts',
    kind: 'bank account',
    // Bank accounts carry no `created`, so creation order alone decides.
    rank: (s) => [s.seq],
  });
};
