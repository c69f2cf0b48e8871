// API keys: `Authorization: Bearer <key>`, each key mapped to scopes. Keys are compared by hash,
// so neither timing nor logs ever see a key.
import { createHash, randomBytes } from 'node:crypto';
import { SCOPES, type Scope } from './context.ts';
import type { Principal } from './services/gateway.ts';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

export class ApiKeys {
  private readonly byHash: Map<string, Principal>;

  constructor(keys: Record<string, readonly Scope[]>) {
    this.byHash = new Map(
      Object.entries(keys).map(([key, scopes]) => [
        hash(key),
        { id: hash(key).slice(0, 32), scopes: new Set(scopes) },
      ]),
    );
  }

  /** The principal of an `Authorization` header value, or null for a missing or unknown key. */
  authenticate(header: string | null): Principal | null {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return m?.[1] ? (this.byHash.get(hash(m[1])) ?? null) : null;
  }
}

/** Sandbox convenience: one key with every scope, printed at start and preset in GraphiQL. */
export function developmentKey(): { key: string; keys: Record<string, Scope[]> } {
  const key = `dev_${randomBytes(16).toString('hex')}`;
  return { key, keys: { [key]: [...SCOPES] } };
}
