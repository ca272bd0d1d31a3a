// Domain faults queued by tests: "answer the next N Create calls with patLifespanPolicyViolation".
// Only the operations whose answer is a PatTokenResult can carry a patTokenError; transport faults
// (status codes, delays, broken bodies) belong to the emulator core.

import type { PatTokenError } from './pat-token-error.ts';

export const FAULTABLE_OPERATIONS = ['get', 'create', 'update'] as const;
export type FaultableOperation = (typeof FAULTABLE_OPERATIONS)[number];

export interface FaultQueue {
  enqueue(operation: FaultableOperation, error: PatTokenError, times: number): void;
  /** The fault for this call, if one is queued; each call uses one up. */
  take(operation: FaultableOperation): PatTokenError | undefined;
  clear(): void;
}

export function createFaultQueue(): FaultQueue {
  const pending = new Map<FaultableOperation, PatTokenError[]>();
  return {
    enqueue(operation, error, times) {
      pending.set(operation, [...(pending.get(operation) ?? []), ...Array<PatTokenError>(times).fill(error)]);
    },
    take: (operation) => pending.get(operation)?.shift(),
    clear() {
      pending.clear();
    },
  };
}
