// Input rules that hold whatever the provider: the format of bank details, holder names and
// metadata. They run at the schema boundary, so an input no provider could accept is refused
// before any provider hears of it (each provider's own subset stays in its adapter).
import { electronicFormatIBAN, isValidBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import { ValidationError } from './errors.ts';

/** Stripe's limits, the strictest of the providers that take metadata (CasaPay follows them). */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** SEPA's limit for a party's name; Faster Payments and ACH names are shorter still at the bank. */
export const HOLDER_NAME_MAX = 140;

/** Control characters, lone surrogates, and the bidirectional overrides that disguise text. */
const UNPRINTABLE = /[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u;

/**
 * Metadata as an object of string values within METADATA_LIMITS; null when absent. Anything else is
 * a ValidationError on `field`. The message names a key only by its first characters.
 */
export function checkMetadata(value: unknown, field = 'metadata'): Record<string, string> | null {
  if (value === null || value === undefined) return null;
  const fail = (why: string) => new ValidationError(field, `${field} ${why}`);
  if (typeof value !== 'object' || Array.isArray(value))
    throw fail('must be an object whose values are strings.');
  const entries = Object.entries(value);
  if (entries.length > METADATA_LIMITS.keys) throw fail(`takes at most ${METADATA_LIMITS.keys} keys.`);
  for (const [key, v] of entries) {
    if (typeof v !== 'string') throw fail('must be an object whose values are strings.');
    if (!key || key.length > METADATA_LIMITS.keyLength || /[[\]]/.test(key) || UNPRINTABLE.test(key)) {
      throw fail(
        `keys are 1–${METADATA_LIMITS.keyLength} printable characters without square brackets ('${key.slice(0, 20)}…' is not).`,
      );
    }
    if (v.length > METADATA_LIMITS.valueLength)
      throw fail(`values are at most ${METADATA_LIMITS.valueLength} characters.`);
  }
  return value as Record<string, string>;
}

export interface BankDetails {
  holderName: string;
  country: string;
  sortCode?: string | null;
  accountNumber?: string | null;
  iban?: string | null;
  bic?: string | null;
  routingNumber?: string | null;
  email?: string | null;
  phone?: string | null;
  metadata?: unknown;
}

const IBAN_PROBLEMS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANCountry]: 'its country code is not an IBAN country',
  [ValidationErrorsIBAN.WrongBBANLength]: 'it has the wrong length for its country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'its account part has the wrong format for its country',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'its check digits are wrong (mod-97)',
};

function isAbaRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const d = [...value].map(Number);
  return (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

const given = (v: string | null | undefined): v is string => v !== null && v !== undefined;

/**
 * The bank details of a createBankAccount input, checked and in their compact form (no spaces or
 * hyphens in numbers, IBAN and BIC upper case). The messages never repeat a number: they are read,
 * and logged, by more people than the account holder.
 */
export function checkBankDetails<T extends BankDetails>(input: T): T {
  const holderName = input.holderName.trim();
  if (!holderName) throw new ValidationError('holderName', 'holderName must not be empty.');
  if (holderName.length > HOLDER_NAME_MAX)
    throw new ValidationError('holderName', `holderName is at most ${HOLDER_NAME_MAX} characters.`);
  if (UNPRINTABLE.test(holderName))
    throw new ValidationError('holderName', 'holderName must not contain control characters.');

  const out: T = { ...input };
  if (given(input.sortCode)) {
    const sortCode = input.sortCode.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(sortCode))
      throw new ValidationError('sortCode', 'A UK sort code is 6 digits, e.g. "12-34-56".');
    if (input.country !== 'GB')
      throw new ValidationError('sortCode', `Sort codes are for GB accounts, not ${input.country}.`);
    out.sortCode = sortCode;
  }
  if (given(input.routingNumber)) {
    const routing = input.routingNumber.replace(/\s/g, '');
    if (!isAbaRoutingNumber(routing)) {
      throw new ValidationError('routingNumber', 'An ABA routing number is 9 digits with a valid checksum.');
    }
    if (input.country !== 'US') {
      throw new ValidationError(
        'routingNumber',
        `Routing numbers are for US accounts, not ${input.country}.`,
      );
    }
    out.routingNumber = routing;
  }
  if (given(input.accountNumber)) {
    const number = input.accountNumber.replace(/\s/g, '');
    if (input.country === 'GB' && !/^\d{8}$/.test(number))
      throw new ValidationError('accountNumber', 'A UK account number is 8 digits.');
    if (!/^\d{4,17}$/.test(number))
      throw new ValidationError('accountNumber', 'An account number is 4–17 digits.');
    if (input.country === 'GB' && !given(input.sortCode))
      throw new ValidationError('sortCode', 'A GB account number needs its sortCode.');
    if (input.country === 'US' && !given(input.routingNumber))
      throw new ValidationError('routingNumber', 'A US account number needs its routingNumber.');
    out.accountNumber = number;
  } else if (given(input.sortCode) || given(input.routingNumber)) {
    throw new ValidationError('accountNumber', 'accountNumber is required with a sortCode or routingNumber.');
  }
  if (given(input.iban)) {
    const iban = electronicFormatIBAN(input.iban) ?? '';
    const result = validateIBAN(iban);
    if (!iban || !result.valid) {
      const why = result.errorCodes.map((c) => IBAN_PROBLEMS[c]).find(Boolean) ?? 'it is not an IBAN';
      throw new ValidationError('iban', `The IBAN is not valid: ${why}.`);
    }
    if (iban.slice(0, 2) !== input.country)
      throw new ValidationError('country', `The IBAN is from ${iban.slice(0, 2)}, not ${input.country}.`);
    out.iban = iban;
  } else if (!given(input.accountNumber)) {
    throw new ValidationError(
      input.country === 'GB' || input.country === 'US' ? 'accountNumber' : 'iban',
      'Give the account: an iban, or an accountNumber with its sortCode (GB) or routingNumber (US).',
    );
  }
  if (given(input.bic)) {
    const bic = input.bic.replace(/\s/g, '').toUpperCase();
    if (!isValidBIC(bic))
      throw new ValidationError('bic', 'The BIC is not valid (8 or 11 characters, ISO 9362).');
    // No provider takes a BIC without an IBAN; one that takes none would drop it silently.
    if (!given(input.iban)) throw new ValidationError('bic', 'A bic goes with an iban.');
    out.bic = bic;
  }
  if (given(input.email)) {
    const email = input.email.trim();
    if (email.length > 254 || UNPRINTABLE.test(email) || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw new ValidationError('email', 'email must be an email address such as name@example.com.');
    out.email = email;
  }
  if (given(input.phone) && !/^\+[1-9]\d{1,14}$/.test(input.phone)) {
    throw new ValidationError('phone', 'phone must be in E.164 form, e.g. +12125550123.');
  }
  checkMetadata(input.metadata);
  return out;
}
