// Identifiers in Token.io's formats, and the bank details of the settlement accounts the sandbox
// creates. Only the shapes matter (`pa:…:…`, `po:…:…`, `avr-<ULID>`); nothing decodes them.
import { randomInt } from 'node:crypto';
import { composeIBAN, getCountrySpecifications, isValidIBAN } from 'ibantools';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const digits = (n: number) => randomFrom('0123456789', n);

/** Settlement account id, the length of the spec's example `pa:8DbPte…fKL4:5zKcENpV`. */
export const newAccountId = () => `pa:${randomFrom(BASE58, 44)}:${randomFrom(BASE58, 8)}`;

/** Payout id, the shape of the spec's example `po:yj6sSEf7ZYFP8yxN6XWi1KkMEcB:2gFUX1NDget`. */
export const newPayoutId = () => `po:${randomFrom(BASE58, 27)}:${randomFrom(BASE58, 11)}`;

export const newBankTransactionId = () => `${randomFrom(BASE58, 44)}:${randomFrom(BASE58, 8)}`;

/** `avr-` + a ULID (48-bit ms time, 80 random bits, Crockford base32), as the spec's examples. */
export function newVerificationId(nowMs: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `avr-${time}${randomFrom(CROCKFORD, 16)}`;
}

export const newSortCode = () => `04${digits(4)}`;
export const newAccountNumber = () => digits(8);

/** A random BBAN matching the country's IBAN registry pattern, e.g. `^[A-Z]{4}[0-9]{10}$`. */
function randomBban(pattern: string): string {
  let out = '';
  for (const [, set, count] of pattern.matchAll(/\[([A-Z0-9-]+)\]\{(\d+)\}/g)) {
    const alphabet = (set ?? '').includes('A-Z')
      ? (set ?? '').includes('0-9')
        ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
        : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
      : '0123456789';
    out += randomFrom(alphabet, Number(count));
  }
  return out;
}

/**
 * A valid IBAN in `country` (a SEPA country): random BBAN, check digits computed. Countries with a
 * national check inside the BBAN reject most random ones, so a few attempts may be needed.
 */
export function newIban(country: string): string | null {
  const spec = getCountrySpecifications()[country];
  if (!spec?.bban_regexp) return null;
  for (let attempt = 0; attempt < 5000; attempt++) {
    const iban = composeIBAN({ countryCode: country, bban: randomBban(spec.bban_regexp) });
    if (iban && isValidIBAN(iban)) return iban;
  }
  return null;
}

/** A well-formed BIC in `country` for the sandbox's made-up settlement bank ("TOKN"). */
export const sandboxBic = (country: string) => `TOKN${country}2L`;
