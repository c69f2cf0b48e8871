// Money is integer minor units inside the simulator and Token.io's decimal strings on the wire.
// Token.io accepts up to four decimals on any amount, but GBP and EUR settle in cents: a value with
// non-zero digits past the second decimal cannot be paid and is refused rather than rounded.
import { invalidArgument } from './errors.ts';

/** Currencies a sandbox settlement account can hold, with their ISO 4217 exponent. */
export const EXPONENT: Readonly<Record<string, number>> = { GBP: 2, EUR: 2 };

export const isSupportedCurrency = (c: unknown): c is string => typeof c === 'string' && c in EXPONENT;

/** Balances: always two decimals, as Token.io's examples show them. */
export function formatMinor(minor: number, currency = 'EUR'): string {
  const exp = EXPONENT[currency] ?? 2;
  const unit = 10 ** exp;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exp, '0')}`;
}

/** A positive amount `value` in `currency`'s minor units, or a 400 naming the problem. */
export function parseAmountValue(value: unknown, currency: string): number {
  // At most 13 integer digits keeps every amount a safe integer in minor units.
  const m = typeof value === 'string' ? /^(0|[1-9]\d{0,12})(?:\.(\d{1,4}))?$/.exec(value) : null;
  if (!m?.[1]) {
    throw invalidArgument(
      `Amount value ${JSON.stringify(value)} is invalid: it must be a positive decimal string with up to 4 decimals, e.g. "10.23".`,
    );
  }
  const exp = EXPONENT[currency] ?? 2;
  const fraction = m[2] ?? '';
  if (/[1-9]/.test(fraction.slice(exp))) {
    throw invalidArgument(
      `Amount value "${value as string}" has more precision than ${currency} allows (${exp} decimals).`,
    );
  }
  const minor = Number(m[1]) * 10 ** exp + Number(fraction.slice(0, exp).padEnd(exp, '0'));
  if (minor <= 0) throw invalidArgument(`Amount value "${value as string}" must be greater than zero.`);
  return minor;
}
