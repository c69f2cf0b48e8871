// Parsing helpers for JSON bodies and query parameters: each failure is Token.io's 400
// INVALID_ARGUMENT naming the field, thrown so handlers read as a list of rules.
import { invalidArgument } from './errors.ts';

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as a JSON object; an empty body is `{}` (so each required field is reported by name). */
export function jsonBody(rawBody: string): JsonObject {
  if (rawBody.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw invalidArgument('The request body is not valid JSON.');
  }
  if (!isObject(parsed)) throw invalidArgument('The request body must be a JSON object.');
  return parsed;
}

/** `obj[key]` as an object, or a 400 (`where` names it in the message, e.g. "initiation.debtor"). */
export function objectField(obj: JsonObject, key: string, where: string): JsonObject {
  const v = obj[key];
  if (!isObject(v)) throw invalidArgument(`\`${where}\` is required and must be an object.`);
  return v;
}

/** A required non-empty string. */
export function stringField(obj: JsonObject, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw invalidArgument(`\`${where}\` is required and must be a non-empty string.`);
  }
  return v;
}

/** An optional string: undefined when absent (or null), a 400 when of another type. */
export function optionalString(obj: JsonObject, key: string, where: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidArgument(`\`${where}\` must be a string.`);
  return v;
}

/** A query boolean: absent is false; anything but `true`/`false` is a 400. */
export function queryBoolean(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw invalidArgument(`Query parameter \`${name}\` must be true or false, not "${raw}".`);
}

/** A query integer, or null when absent; not a whole number is a 400. */
export function queryInteger(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (!/^-?\d{1,10}$/.test(raw)) {
    throw invalidArgument(`Query parameter \`${name}\` must be an integer, not "${raw}".`);
  }
  return Number(raw);
}

/** An opaque offset the simulator issued: base64url of `<kind>:<payload>`; anything else is a 400. */
export function encodeOffset(kind: string, payload: string): string {
  return Buffer.from(`${kind}:${payload}`, 'utf8').toString('base64url');
}

export function decodeOffset(raw: string, kind: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(raw) ? Buffer.from(raw, 'base64url').toString('utf8') : '';
  if (!text.startsWith(`${kind}:`)) throw invalidArgument(`Invalid offset "${raw}".`);
  return text.slice(kind.length + 1);
}
