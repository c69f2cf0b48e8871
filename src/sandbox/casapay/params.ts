// Request parameter parsing shared by every endpoint. Stripe rejects unknown parameters rather than
// ignoring them, which is what lets a client notice a typo'd field; the simulator does the same.
import type { SimRequest } from '../http.ts';
import { invalidParam, malformedRequest, missingParam } from './errors.ts';

export type Params = Record<string, unknown>;

export function parseJsonBody(req: SimRequest): Params {
  if (req.rawBody.trim() === '') return {};
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
    throw malformedRequest(
      `Invalid request: CasaPay request bodies must be JSON (Content-Type: application/json), not '${contentType}'.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody);
  } catch {
    throw malformedRequest('Invalid request: the request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformedRequest('Invalid request: the request body must be a JSON object.');
  }
  return parsed as Params;
}

export function rejectUnknown(names: Iterable<string>, allowed: readonly string[]): void {
  for (const name of names) {
    if (!allowed.includes(name)) {
      throw invalidParam(name, `Received unknown parameter: ${name}`, 'parameter_unknown');
    }
  }
}

function present(params: Params, name: string): boolean {
  return params[name] !== undefined && params[name] !== null;
}

export function requiredString(params: Params, name: string, maxLength = 5000): string {
  if (!present(params, name)) throw missingParam(name);
  const value = optionalString(params, name, maxLength);
  if (value === null || value.trim() === '') {
    throw invalidParam(
      name,
      `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset.`,
      'parameter_invalid_empty',
    );
  }
  return value;
}

export function optionalString(params: Params, name: string, maxLength: number): string | null {
  const value = params[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidParam(name, `Invalid string: ${name} must be a string.`);
  if (value.length > maxLength) {
    throw invalidParam(name, `Invalid ${name}: must be at most ${maxLength} characters long.`);
  }
  return value;
}

export function requiredPositiveInteger(params: Params, name: string): number {
  if (!present(params, name)) throw missingParam(name);
  const value = params[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidParam(
      name,
      `Invalid positive integer: ${name} must be a whole number of minor units greater than 0.`,
      'parameter_invalid_integer',
    );
  }
  return value;
}

export function optionalEnum<T extends string>(
  params: Params,
  name: string,
  allowed: readonly T[],
): T | null {
  const value = params[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidParam(name, `Invalid ${name}: must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** Stripe's metadata limits; an empty-string value means "unset", so on create it is simply dropped. */
export function parseMetadata(params: Params): Record<string, string> {
  const value = params['metadata'];
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParam('metadata', 'Invalid metadata: must be an object of string keys and string values.');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) {
    throw invalidParam('metadata', 'Invalid metadata: you can specify up to 50 keys.');
  }
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > 40 || /[[\]]/.test(key)) {
      throw invalidParam(
        'metadata',
        `Invalid metadata key '${key.slice(0, 40)}': keys must be 1 to 40 characters and cannot contain square brackets.`,
      );
    }
    if (typeof v !== 'string') {
      throw invalidParam('metadata', `Invalid metadata value for '${key}': values must be strings.`);
    }
    if (v.length > 500) {
      throw invalidParam(
        'metadata',
        `Invalid metadata value for '${key}': values can be at most 500 characters.`,
      );
    }
    if (v !== '') out[key] = v;
  }
  return out;
}
