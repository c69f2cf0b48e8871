// The checks Token.io documents for a payout initiation (PayoutInitiation and its field
// descriptions in the spec), each failure a 400 INVALID_ARGUMENT naming the rule, except an unknown
// debtor account: 404 NOT_FOUND with that id. Nothing is created until every rule has passed.
//
// `paymentType` is listed as required by the spec's schema but never defined, and real examples
// omit it: it is not required (and ignored when sent).
import { isValidBIC, isValidIBAN } from 'ibantools';
import { invalidArgument, notFound } from './errors.ts';
import { parseAmountValue } from './money.ts';
import { objectField, optionalString, stringField, type JsonObject } from './request.ts';
import { findVirtualAccount, type Account, type PayoutState, type VirtualAccountState } from './store.ts';

const REFID_MAX = 35;
/** Sort code + account number (Faster Payments) references are short; SEPA allows 140. */
const DESCRIPTION_MAX = { SCAN: 18, IBAN: 140 } as const;
const CREDITOR_FIELDS = [
  'name',
  'ultimateCreditorName',
  'bankName',
  'iban',
  'bic',
  'accountNumber',
  'sortCode',
  'accountVerificationId',
] as const;

export interface ValidInitiation {
  initiation: PayoutState['initiation'];
  minor: number;
  debtor: VirtualAccountState;
}

function refId(initiation: JsonObject, account: Account): string {
  const value = stringField(initiation, 'refId', 'initiation.refId');
  // Token.io's own error example (the field description recommends 18, the API enforces 35).
  if (value.length > REFID_MAX) throw invalidArgument('`RefId` should not be longer than 35 symbols.');
  if (!/^[A-Za-z0-9-]+$/.test(value)) {
    throw invalidArgument('`RefId` may only contain the letters A-Z and a-z, the digits 0-9 and hyphens.');
  }
  // What makes a create safe to resolve after a timeout: a refId never pays twice.
  if (account.payouts.some((p) => p.initiation.refId === value)) {
    throw invalidArgument(`A payout with refId '${value}' already exists.`);
  }
  return value;
}

/** The characters and alphanumeric count; the length limit depends on the rail (see below). */
function description(initiation: JsonObject): string {
  const value = stringField(initiation, 'description', 'initiation.description');
  if (!/^[A-Za-z0-9 \-.&/]+$/.test(value)) {
    throw invalidArgument(
      '`description` may only contain letters, digits, space, hyphen (-), full stop (.), ampersand (&) and forward slash (/).',
    );
  }
  const alnum = value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  if (alnum.length < 6 || /^(.)\1*$/.test(alnum)) {
    throw invalidArgument(
      '`description` must contain at least 6 alphanumeric characters that are not all the same.',
    );
  }
  return value;
}

function debtor(initiation: JsonObject, account: Account): VirtualAccountState {
  const raw = objectField(initiation, 'debtor', 'initiation.debtor');
  const id = stringField(raw, 'accountId', 'initiation.debtor.accountId');
  const found = findVirtualAccount(account, id);
  if (!found) throw notFound('Settlement account', id);
  if (found.status !== 'ACTIVE') throw invalidArgument(`Settlement account ${id} is ${found.status}.`);
  return found;
}

function amount(initiation: JsonObject, debtorAccount: VirtualAccountState) {
  const raw = objectField(initiation, 'amount', 'initiation.amount');
  const currency = stringField(raw, 'currency', 'initiation.amount.currency');
  if (currency !== debtorAccount.currency) {
    throw invalidArgument(
      `Amount currency ${currency} does not match the ${debtorAccount.currency} settlement account ${debtorAccount.accountId}.`,
    );
  }
  const value = raw.value;
  return { value: value as string, currency, minor: parseAmountValue(value, currency) };
}

/** The creditor's string fields as sent (anything else is dropped), checked for the rail. */
function creditor(initiation: JsonObject, currency: string, account: Account): Record<string, string> {
  const raw = objectField(initiation, 'creditor', 'initiation.creditor');
  const out: Record<string, string> = {};
  // In the order sent, so the echo on the payout reads like the request.
  for (const key of Object.keys(raw)) {
    if (!(CREDITOR_FIELDS as readonly string[]).includes(key)) continue;
    const v = optionalString(raw, key, `initiation.creditor.${key}`);
    if (v !== undefined) out[key] = v;
  }
  stringField(out, 'name', 'initiation.creditor.name');
  if (currency === 'EUR') {
    const iban = stringField(out, 'iban', 'initiation.creditor.iban');
    if (!isValidIBAN(iban)) throw invalidArgument(`\`creditor.iban\` "${iban}" is not a valid IBAN.`);
    if (out.bic !== undefined && !isValidBIC(out.bic)) {
      throw invalidArgument(`\`creditor.bic\` "${out.bic}" is not a valid BIC.`);
    }
    const verificationId = stringField(
      out,
      'accountVerificationId',
      'initiation.creditor.accountVerificationId (required for EUR payouts)',
    );
    const verification = account.verifications.get(verificationId);
    if (!verification) {
      throw invalidArgument(`Account verification ${verificationId} was not found for this member.`);
    }
    if (verification.iban !== iban) {
      throw invalidArgument(`Account verification ${verificationId} was made for another IBAN.`);
    }
  } else {
    const sortCode = stringField(out, 'sortCode', 'initiation.creditor.sortCode');
    if (!/^\d{6}$/.test(sortCode)) throw invalidArgument('`creditor.sortCode` must be 6 digits.');
    const accountNumber = stringField(out, 'accountNumber', 'initiation.creditor.accountNumber');
    if (!/^\d{8}$/.test(accountNumber)) throw invalidArgument('`creditor.accountNumber` must be 8 digits.');
  }
  return out;
}

export function validateInitiation(body: JsonObject, account: Account): ValidInitiation {
  const initiation = objectField(body, 'initiation', 'initiation');
  const ref = refId(initiation, account);
  const desc = description(initiation);
  const debtorAccount = debtor(initiation, account);
  const { minor, ...money } = amount(initiation, debtorAccount);
  const cred = creditor(initiation, debtorAccount.currency, account);
  const rail = debtorAccount.currency === 'EUR' ? 'IBAN' : 'SCAN';
  if (desc.length > DESCRIPTION_MAX[rail]) {
    throw invalidArgument(
      `\`description\` must be at most ${DESCRIPTION_MAX[rail]} characters for ${rail === 'IBAN' ? 'IBAN' : 'sort code and account number (SCAN)'} payouts.`,
    );
  }
  const onBehalfOfId = optionalString(initiation, 'onBehalfOfId', 'initiation.onBehalfOfId');
  return {
    initiation: {
      refId: ref,
      description: desc,
      amount: money,
      debtor: { accountId: debtorAccount.accountId },
      creditor: cred,
      ...(onBehalfOfId === undefined ? {} : { onBehalfOfId }),
    },
    minor,
    debtor: debtorAccount,
  };
}
