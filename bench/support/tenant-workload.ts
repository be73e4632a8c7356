import { z } from 'zod';
import { buildEnvelope } from '../../lib/tasks/build-envelope.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import { TaskRegistry } from '../../lib/tasks/task-registry.js';
import { benchPayload, PayloadSchema } from './workload.js';

/** The flow-control section's workload: the bench payload with a tenant, the limit key of the limited types. */
export const TenantPayloadSchema = PayloadSchema.extend({ tenant: z.string() });
type TenantPayload = z.output<typeof TenantPayloadSchema>;

/** Per tenant: the concurrency limit, and a window wide enough that it never holds a task back here. */
export const TENANT_CONCURRENCY = 5;
export const TENANT_RATE = { limit: 10_000, periodMs: 1_000 };

const tenantOf = (payload: TenantPayload) => payload.tenant;
const noop = async () => undefined;

/** Three no-op types, identical but for their limits, so a drain of each differs only in what limits cost. */
export const tenantTypes = {
  unlimited: 'tenant-noop',
  concurrency: 'tenant-concurrency',
  rate: 'tenant-rate',
} as const;
export type TenantVariant = keyof typeof tenantTypes;

export const tenantRegistry = new TaskRegistry([
  defineTask({ type: tenantTypes.unlimited, schema: TenantPayloadSchema, handler: noop }),
  defineTask({
    type: tenantTypes.concurrency,
    schema: TenantPayloadSchema,
    handler: noop,
    concurrency: { limit: TENANT_CONCURRENCY, key: tenantOf },
  }),
  defineTask({
    type: tenantTypes.rate,
    schema: TenantPayloadSchema,
    handler: noop,
    rateLimit: { ...TENANT_RATE, key: tenantOf },
  }),
]);

/**
 * `count` tasks of one variant, round-robin over `keys` tenants, built as an enqueue builds them: the
 * limit keys are computed from the payload here, not written in by hand.
 */
export function tenantEnvelopes(variant: TenantVariant, count: number, keys: number): TaskEnvelope[] {
  return Array.from({ length: count }, (_, n) =>
    buildEnvelope(tenantRegistry, {
      type: tenantTypes[variant],
      payload: { ...benchPayload(n), tenant: `tenant-${n % keys}` },
    }),
  );
}
