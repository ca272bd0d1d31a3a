// The `{tenant}` path segment: the directory's tenant id, or `organizations` / `common`, which the
// real service resolves to the tenant of whoever signs in. The emulator has one tenant.
import type { Directory } from '../directory.ts';
import { tenantNotFound } from './errors.ts';

export interface TenantSegment {
  /** As it appeared in the path; endpoints in discovery documents repeat it. */
  segment: string;
  /** True for `organizations` and `common`, which any tenant's people may use. */
  multiTenant: boolean;
  /** The directory's tenant: the one every person belongs to. */
  tenantId: string;
}

const MULTI_TENANT = new Set(['organizations', 'common']);

export function resolveTenant(segment: string, directory: Directory): TenantSegment {
  const lower = segment.toLowerCase();
  if (MULTI_TENANT.has(lower)) return { segment: lower, multiTenant: true, tenantId: directory.tenantId };
  if (lower === directory.tenantId.toLowerCase())
    return { segment: directory.tenantId, multiTenant: false, tenantId: directory.tenantId };
  throw tenantNotFound(segment);
}
