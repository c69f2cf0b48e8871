// Token.io's published response schemas (the unmodified extract in test/fixtures), as a check on
// every body the Token.io simulator answers.
import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Request } from 'openapi-backend';
import { expect } from 'vitest';

// One spec defect is patched here, in memory only: ResolvedPayoutInitiation.required lists
// `paymentType`, which the schema never defines and which Token.io's own payout examples omit.
const definition = JSON.parse(
  readFileSync(new URL('../fixtures/tokenio-openapi.json', import.meta.url), 'utf8'),
);
const resolved = definition.components.schemas.ResolvedPayoutInitiation;
resolved.required = resolved.required.filter((f: string) => f !== 'paymentType');
const spec = new OpenAPIBackend({
  definition,
  strict: false,
  // VirtualAccount's dates say `format: "string"`, which names no format: accept it without warnings.
  customizeAjv: (ajv) => ajv.addFormat('string', true),
});
await spec.init();

/**
 * A body against the spec's response schema for the operation serving (method, path) and status.
 * Test helpers and unknown routes answer payout and error bodies: checked as GetPayout's. An
 * operation without a schema for the status (post-verification declares only 200 and 400) is
 * checked against GetPayout's, as every Token.io operation shares the same error schemas.
 */
export function expectSpec(method: string, path: string, status: number, body: unknown): void {
  const op = spec.matchOperation({ method, path: path.split('?')[0], headers: {}, query: {} } as Request);
  // Only test helpers and unknown routes (404) are outside the spec.
  if (!path.startsWith('/test-helpers') && status !== 404) expect(op, `${method} ${path}`).toBeDefined();
  const id = op?.operationId && op.responses?.[status] ? op.operationId : 'GetPayout';
  expect(spec.getOperation(id)?.responses?.[status], `${id} declares ${status}`).toBeDefined();
  expect(spec.validateResponse(body, id, status).errors ?? [], `${method} ${path} → ${status}`).toEqual([]);
}
