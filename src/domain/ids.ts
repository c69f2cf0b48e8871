// Global ids are opaque to clients: base64("<Type>:<PROVIDER>:<provider's id>"), the format the
// Pothos relay plugin uses for `node(id:)`. Carrying the provider lets one id route every call.
import { ValidationError } from './errors.ts';
import { isProviderName, type ProviderName } from './provider.ts';

export interface ProviderRef {
  provider: ProviderName;
  id: string;
}

/** The id a relay node's `id.resolve` returns; the plugin prefixes the type and base64-encodes it. */
export function nodeKey(provider: ProviderName, id: string): string {
  return `${provider}:${id}`;
}

export function parseNodeKey(key: string): ProviderRef {
  const at = key.indexOf(':');
  const provider = key.slice(0, at);
  if (at < 1 || !isProviderName(provider)) throw new Error(`Malformed node key '${key}'.`);
  return { provider, id: key.slice(at + 1) };
}

export function encodeGlobalId(type: string, provider: ProviderName, id: string): string {
  return Buffer.from(`${type}:${nodeKey(provider, id)}`, 'utf8').toString('base64');
}

/**
 * Every provider's ids are short printable ASCII. Anything else (a control character, a path
 * segment such as `..` that would walk a provider URL, a megabyte of text) is refused here rather
 * than sent to the provider.
 */
const PROVIDER_ID = /^[\x21-\x7e]{1,200}$/;

/** Decodes a client-supplied id of one of `types`; anything else is a ValidationError on `field`. */
export function decodeGlobalId(
  globalId: string,
  types: readonly string[],
  field: string,
): ProviderRef & { type: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const [type, provider, ...rest] = decoded.split(':');
  const id = rest.join(':');
  if (
    !type ||
    !types.includes(type) ||
    !provider ||
    !isProviderName(provider) ||
    !PROVIDER_ID.test(id) ||
    id === '.' ||
    id === '..'
  ) {
    // The message quotes at most the start of what was sent.
    const shown = globalId.length > 64 ? `${globalId.slice(0, 64)}…` : globalId;
    throw new ValidationError(field, `'${shown}' is not a valid ${types.join(' or ')} id.`);
  }
  return { type, provider, id };
}
