import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random letters and digits, the shape of provider ids (`po_…`) and sandbox keys. */
export function randomAlnum(length: number): string {
  // 256 % 62 skews a few characters slightly; fine for ids, not meant for secrets.
  return [...randomBytes(length)].map((b) => ALNUM[b % ALNUM.length]).join('');
}
