// Body and query parsing. Field problems are collected, not thrown one by one: Straddle answers a
// 400 whose `error.items` has one `{reference, detail}` per bad field, so a form can mark them all.
// Request schemas in the spec are `additionalProperties: false`, so unknown fields are refused too
// (a misspelt optional field would otherwise be silently dropped).
import { badRequest, type ErrorItem } from './errors.ts';

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const METADATA_MAX_PAIRS = 20;
const INT32_MAX = 2_147_483_647;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `YYYY-MM-DD` that names a real calendar day. */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00.000Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

/** The body as a JSON object; an empty body is `{}` (so each required field is reported by name). */
export function jsonBody(rawBody: string): JsonObject {
  if (rawBody.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw badRequest('The request body is not valid JSON.', [{ reference: 'body', detail: 'Invalid JSON.' }]);
  }
  if (!isObject(parsed)) {
    throw badRequest('The request body must be a JSON object.', [
      { reference: 'body', detail: 'Expected a JSON object.' },
    ]);
  }
  return parsed;
}

/**
 * Collects field problems; `done()` throws them as one 400. Readers return undefined on a problem.
 * A nested object is read with `child`, which reports into the same list as `parent.field`.
 */
export class Fields {
  constructor(
    private readonly obj: JsonObject,
    private readonly prefix = '',
    readonly items: ErrorItem[] = [],
  ) {}

  private name(key: string): string {
    return `${this.prefix}${key}`;
  }

  add(key: string, detail: string): undefined {
    this.items.push({ reference: this.name(key), detail });
    return undefined;
  }

  done(): void {
    if (this.items.length === 0) return;
    throw badRequest(
      `One or more fields are invalid: ${this.items.map((i) => i.detail).join(' ')}`,
      this.items,
    );
  }

  child(key: string, obj: JsonObject): Fields {
    return new Fields(obj, `${this.name(key)}.`, this.items);
  }

  onlyKnown(allowed: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      if (!allowed.includes(key)) this.add(key, `'${this.name(key)}' is not a recognised field.`);
    }
  }

  /** A required non-empty string; `nullable` also takes null, `optional` also takes absence. */
  string(key: string, opts: { nullable?: boolean; optional?: boolean } = {}) {
    const v = this.obj[key];
    const n = this.name(key);
    if (v === undefined) return opts.optional ? undefined : this.add(key, `'${n}' is required.`);
    if (v === null) return opts.nullable || opts.optional ? null : this.add(key, `'${n}' must not be null.`);
    if (typeof v !== 'string') return this.add(key, `'${n}' must be a string.`);
    if (v.trim() === '' && !opts.nullable) return this.add(key, `'${n}' must not be empty.`);
    return v;
  }

  /** A required whole number of cents: 1 … 2,147,483,647 (the spec's int32). */
  cents(key: string): number | undefined {
    const v = this.obj[key];
    const n = this.name(key);
    if (v === undefined || v === null) return this.add(key, `'${n}' is required.`);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      return this.add(key, `'${n}' must be a whole number of cents.`);
    }
    if (v <= 0) return this.add(key, `'${n}' must be greater than 0.`);
    if (v > INT32_MAX) return this.add(key, `'${n}' must be at most ${INT32_MAX}.`);
    return v;
  }

  enumValue<T extends string>(key: string, values: readonly T[], optional = false): T | undefined {
    const v = this.obj[key];
    const n = this.name(key);
    if (v === undefined || v === null) return optional ? undefined : this.add(key, `'${n}' is required.`);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      return this.add(key, `'${n}' must be one of: ${values.join(', ')}.`);
    }
    return v as T;
  }

  boolean(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.add(key, `'${this.name(key)}' must be true or false.`);
    return v;
  }

  date(key: string): string | undefined {
    const v = this.string(key);
    if (typeof v !== 'string') return undefined;
    if (!isCalendarDate(v))
      return this.add(key, `'${this.name(key)}' must be a date in the format YYYY-MM-DD.`);
    return v;
  }

  object(key: string, optional = false): JsonObject | undefined {
    const v = this.obj[key];
    const n = this.name(key);
    if (v === undefined || v === null) return optional ? undefined : this.add(key, `'${n}' is required.`);
    if (!isObject(v)) return this.add(key, `'${n}' must be an object.`);
    return v;
  }

  /** `device: {ip_address}`, the IPv4 address of the consenting customer (0.0.0.0 for offline). */
  device(key = 'device'): { ip_address: string } | undefined {
    const obj = this.object(key);
    if (!obj) return undefined;
    const f = this.child(key, obj);
    f.onlyKnown(['ip_address']);
    const ip = f.string('ip_address');
    if (typeof ip !== 'string') return undefined;
    if (!IPV4.test(ip)) return f.add('ip_address', `'${key}.ip_address' must be an IPv4 address.`);
    return { ip_address: ip };
  }

  /** Up to 20 string → string pairs, or null. */
  metadata(key = 'metadata'): Record<string, string> | null | undefined {
    const v = this.obj[key];
    const n = this.name(key);
    if (v === undefined || v === null) return null;
    if (!isObject(v)) return this.add(key, `'${n}' must be an object of string values.`);
    const entries = Object.entries(v);
    if (entries.length > METADATA_MAX_PAIRS) {
      return this.add(
        key,
        `'${n}' may have at most ${METADATA_MAX_PAIRS} key-value pairs, not ${entries.length}.`,
      );
    }
    for (const [k, value] of entries) {
      if (typeof value !== 'string') return this.add(key, `'${n}.${k}' must be a string.`);
    }
    return { ...(v as Record<string, string>) };
  }
}

/** A query integer, or null when absent; anything but a whole number is a 400. */
export function queryInteger(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (!/^-?\d{1,10}$/.test(raw)) {
    throw badRequest(`Query parameter '${name}' must be an integer, not '${raw}'.`, [
      { reference: name, detail: 'Must be an integer.' },
    ]);
  }
  return Number(raw);
}

/** Every value of an array query parameter: repeated (`a=x&a=y`), bracketed (`a[]=x`) or comma-joined. */
export function queryList<T extends string>(query: URLSearchParams, name: string, values: readonly T[]): T[] {
  const raw = [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((v) => v.split(','));
  const out: T[] = [];
  for (const v of raw.map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(values as readonly string[]).includes(v)) {
      throw badRequest(`Query parameter '${name}' has an unknown value '${v}'.`, [
        { reference: name, detail: `Must be one of: ${values.join(', ')}.` },
      ]);
    }
    out.push(v as T);
  }
  return out;
}

/** A query boolean: absent is null; anything but true/false is a 400. */
export function queryBoolean(query: URLSearchParams, name: string): boolean | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw badRequest(`Query parameter '${name}' must be true or false, not '${raw}'.`, [
    { reference: name, detail: 'Must be true or false.' },
  ]);
}

/** A query date-time (ISO 8601) as ms, or null when absent; unparseable is a 400. */
export function queryDateTime(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    throw badRequest(`Query parameter '${name}' must be an ISO 8601 date-time, not '${raw}'.`, [
      { reference: name, detail: 'Must be an ISO 8601 date-time.' },
    ]);
  }
  return ms;
}

/** A query UUID, or null when absent; anything else is a 400. */
export function queryUuid(query: URLSearchParams, name: string): string | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (!UUID.test(raw)) {
    throw badRequest(`Query parameter '${name}' must be a UUID, not '${raw}'.`, [
      { reference: name, detail: 'Must be a UUID.' },
    ]);
  }
  return raw.toLowerCase();
}
