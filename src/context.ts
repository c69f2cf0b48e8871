import type { GatewayService, Principal } from './services/gateway.ts';

export const SCOPES = [
  'payouts:read',
  'payouts:write',
  'balances:read',
  'bank_accounts:read',
  'bank_accounts:write',
  /** Full account numbers (BankAccount.unmaskedAccountNumber); each use is audit-logged. */
  'bank_accounts:unmask',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Per request: who is calling, and the services (DataLoaders hang off this object's identity). */
export interface GatewayContext {
  principal: Principal | null;
  gateway: GatewayService;
  /**
   * Objects this request created or changed: the caller may see those without the read scope
   * (a write-only key gets back the payout it just created).
   */
  granted: WeakSet<object>;
  /** The caller's IPv4 address where known (Straddle records the authorising device). */
  clientIp: string | null;
}

/**
 * The context resolvers run with: these fields alone, in an object of their own. yoga's context
 * also holds the request, Node's req/res and the params (see `ownExecutionContext`, server.ts).
 */
export function executionContext(context: GatewayContext): GatewayContext {
  const { principal, gateway, granted, clientIp } = context;
  return { principal, gateway, granted, clientIp };
}
