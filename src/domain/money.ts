// Money is integer minor units plus an ISO 4217 code; decimal strings exist only at the edges.
// The exponent of a currency comes from ICU's data through Intl, never from a hand table.
import { ValidationError } from './errors.ts';

export interface Money {
  /** Integer minor units (pence, cents, yen, fils). */
  minor: number;
  /** Upper-case ISO 4217 code. */
  currency: string;
}

const KNOWN = new Set(Intl.supportedValuesOf('currency'));
const exponents = new Map<string, number>();

export function isKnownCurrency(code: string): boolean {
  return KNOWN.has(code);
}

export function currencyExponent(currency: string): number {
  let exp = exponents.get(currency);
  if (exp === undefined) {
    exp =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    exponents.set(currency, exp);
  }
  return exp;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

type Parsed = { minor: number } | { error: 'format' | 'precision' | 'size' };

/**
 * Exact decimal string to minor units with integer arithmetic only; never a float. `lenient`
 * accepts zeros past the exponent ("1500.00" HUF, as Mollie writes it); clients get no such slack.
 */
function decimalToMinor(value: string, exp: number, lenient: boolean): Parsed {
  const m = DECIMAL.exec(value);
  if (!m) return { error: 'format' };
  const frac = m[3] ?? '';
  if ((lenient ? frac.replace(/0+$/, '') : frac).length > exp) return { error: 'precision' };
  const units = BigInt(m[2] ?? '0') * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, '0').slice(0, exp) || '0');
  const minor = Number(m[1] === '-' ? -units : units);
  return Number.isSafeInteger(minor) ? { minor } : { error: 'size' };
}

/**
 * Parses a client's decimal string ("11500.00") into minor units. Zero, negative, non-numeric
 * and over-precise amounts ("1.5" JPY, "1.001" GBP) are a ValidationError on `field`.
 */
export function parseAmount(amount: string, currency: string, field: string): Money {
  const code = currency.toUpperCase();
  if (!isKnownCurrency(code))
    throw new ValidationError(`${field}.currency`, `Unknown currency '${currency}'.`);
  const exp = currencyExponent(code);
  const parsed = decimalToMinor(amount.trim(), exp, false);
  if ('error' in parsed) {
    // The message quotes at most the start of what was sent.
    const shown = amount.length > 40 ? `${amount.slice(0, 40)}…` : amount;
    const why = {
      format: `Amount '${shown}' is not a decimal number such as "10.00".`,
      precision: `${code} has ${exp} decimal place${exp === 1 ? '' : 's'}; '${shown}' has more.`,
      size: `Amount '${shown}' is too large.`,
    }[parsed.error];
    throw new ValidationError(`${field}.amount`, why);
  }
  if (parsed.minor <= 0) throw new ValidationError(`${field}.amount`, 'Amount must be greater than zero.');
  return { minor: parsed.minor, currency: code };
}

/** Minor units as the canonical decimal string with exactly the currency's decimals. */
export function formatAmount(money: Money): string {
  const exp = currencyExponent(money.currency);
  const sign = money.minor < 0 ? '-' : '';
  const digits = Math.abs(money.minor)
    .toString()
    .padStart(exp + 1, '0');
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/**
 * A provider's decimal string ("10.00", or "-5.00" for a balance) to minor units. A value the
 * provider should never send is a contract violation: a plain Error, masked to clients.
 */
export function moneyFromDecimal(value: string, currency: string): Money {
  const code = currency.toUpperCase();
  const parsed = isKnownCurrency(code)
    ? decimalToMinor(value, currencyExponent(code), true)
    : { error: 'format' };
  if ('error' in parsed) throw new Error(`Provider sent an invalid ${currency} amount '${value}'.`);
  return { minor: parsed.minor, currency: code };
}
