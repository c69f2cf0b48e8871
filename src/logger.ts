// pino, with credentials and account numbers kept out of every line. Two layers, because a list of
// paths only covers the shapes someone thought of:
//   - by name: any field, at any depth, whose name says it holds a secret or an account number
//     (authorization, x-api-key, apiKey, secret, webhookSecret, password, token, privateKey,
//     accountNumber, iban, sortCode, …) is replaced by "[redacted]";
//   - by content: every string (messages, error messages and stacks included) is scrubbed of
//     what looks like a credential (Bearer/Basic values, sk_/whsec_/live_/test_/access_ keys, PEM
//     private keys) or an account number (IBANs, runs of 8–17 digits, which keep their last 4).
// Errors are serialized here too (pino's err serializer, plus the original error GraphQL wraps),
// so their messages and stacks go through the same scrub.
import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from 'pino';

export const REDACTED = '[redacted]';

/** Field names (lower case, without - and _) whose values are never logged. */
const SECRET_FIELDS = new Set([
  'authorization',
  'proxyauthorization',
  'xapikey',
  'apikey',
  'cookie',
  'setcookie',
  'password',
  'passphrase',
  'privatekey',
  'privatekeypem',
  'accountnumber',
  'iban',
  'sortcode',
  'routingnumber',
  'bankaccountnumber',
  'vaultkey',
]);
/** …and names ending so (webhookSecret, accessToken, clientSecret, x-mollie-signature, …). */
const SECRET_SUFFIXES = ['secret', 'token', 'password', 'apikey', 'privatekey', 'signature'];

function isSecretField(name: string): boolean {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  return SECRET_FIELDS.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s));
}

const last4 = (s: string) => `••••${s.replace(/\s/g, '').slice(-4)}`;

/** Base64 key material, on one line or several (real or `\n`-escaped line breaks). */
const KEY_MATERIAL = String.raw`(?:\s|\\n)*[A-Za-z0-9+/=]{16,}(?:(?:\s|\\n)+[A-Za-z0-9+/=]+)*`;

const SCRUBS: [RegExp, (match: string, ...groups: string[]) => string][] = [
  [
    new RegExp(
      String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----${KEY_MATERIAL}(?:(?:\s|\\n)*-----END [A-Z ]*PRIVATE KEY-----)?`,
      'g',
    ),
    () => REDACTED,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
  [/\b(?:sk|pk|rk)_(?:test|live)_[A-Za-z0-9]+/g, () => REDACTED],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, () => REDACTED],
  [/\b(?:live|test|access)_[A-Za-z0-9_]{16,}/g, () => REDACTED],
  // IBANs, compact or in groups of four: country, check digits, then 11–30 letters and digits.
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, (m) => `${m.slice(0, 2)}${last4(m)}`],
  // Account numbers: a run of 8–17 digits that is not part of a longer token (a UUID's group, a decimal).
  [/(?<![\w.-])\d{8,17}(?![\w.-])/g, (m) => last4(m)],
];

/** `text` without anything that looks like a credential or an account number. */
export function scrubText(text: string): string {
  return SCRUBS.reduce((s, [re, to]) => s.replace(re, to as (m: string) => string), text);
}

function serializeError(err: Error, depth: number): Record<string, unknown> {
  const s = stdSerializers.err(err) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { type: s.type, message: s.message, stack: s.stack };
  for (const [k, v] of Object.entries(s)) if (!(k in out) && k !== 'raw') out[k] = v;
  // GraphQL wraps what a resolver threw; the operator needs that one (it is not enumerable).
  const original = (err as { originalError?: unknown }).originalError;
  if (original instanceof Error && original !== err) out.originalError = scrub(original, depth + 1);
  return out;
}

/** A copy of `value` with secret fields redacted and every string scrubbed. */
export function scrub(value: unknown, depth = 0, ancestors = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (depth > 8) return '[too deep]';
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  try {
    if (value instanceof Error) return scrub(serializeError(value, depth), depth + 1, ancestors);
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, ancestors));
    if (value instanceof URL) return scrubText(String(value));
    if (value instanceof Headers || value instanceof Map) {
      return scrub(Object.fromEntries(value.entries()), depth + 1, ancestors);
    }
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretField(k) ? REDACTED : scrub(v, depth + 1, ancestors),
      ]),
    );
  } finally {
    ancestors.delete(value);
  }
}

/** `destination` is for tests that read what is logged; by default, stdout. */
export function createLogger(level: string, destination?: DestinationStream): PinoLogger {
  const logger = pino(
    {
      level,
      // An Error passed as the first argument is serialized by `formatters.log` below.
      serializers: { err: (e: unknown) => e, error: (e: unknown) => e },
      formatters: {
        log: (object) => scrub(object) as Record<string, unknown>,
        bindings: (bindings) => scrub(bindings) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // pino would take the message of an Error passed alone as is: pass it scrubbed instead.
          const parts =
            first instanceof Error && rest.length === 0 ? [{ err: first }, first.message] : [first, ...rest];
          method.apply(
            this,
            parts.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
  // pino applies `formatters.bindings` to the root's bindings only; a child's go through here.
  const child = logger.child;
  logger.child = function (this: PinoLogger, bindings, options) {
    return child.call(this, scrub(bindings) as typeof bindings, options);
  } as typeof logger.child;
  return logger;
}
