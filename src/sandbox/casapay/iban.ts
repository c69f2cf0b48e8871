// SEPA account numbers are IBANs. Checking the country's length and the ISO 13616 mod-97 checksum
// catches the typos a real bank would bounce, without needing per-bank BBAN rules.

/** IBAN lengths of the SEPA scheme countries (GB is handled with sort code + account number). */
// prettier-ignore
export const SEPA_IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18,
  FR: 27, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21,
  MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, VA: 22,
};

export function compactIban(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    // Letters count as two digits (A=10 … Z=35); folding digit by digit avoids big integers.
    const digits = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** Returns why the IBAN is not acceptable for `country`, or null when it is. */
export function ibanProblem(iban: string, country: string): string | null {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return 'it is not an IBAN';
  if (iban.slice(0, 2) !== country)
    return `its country prefix ${iban.slice(0, 2)} does not match country ${country}`;
  const expected = SEPA_IBAN_LENGTHS[country];
  if (expected !== undefined && iban.length !== expected) {
    return `${country} IBANs have ${expected} characters, this one has ${iban.length}`;
  }
  if (mod97(iban) !== 1) return 'its check digits are wrong';
  return null;
}
