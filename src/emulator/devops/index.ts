// The Azure DevOps half of the local emulator: the PAT Lifecycle Management API (vssps.dev.azure.com),
// Profile and Accounts (app.vssps.visualstudio.com), and the control a test or demo drives it with.
// The emulator core mounts the routers and supplies the token check and its own origin.

import type { Router } from 'express';
import type { Directory } from '../directory.ts';
import type { VerifyAccessToken } from './access.ts';
import { createControlRouter } from './control-routes.ts';
import { createDevOpsControl, type DevOpsControl } from './control.ts';
import { seedDemoTokens } from './demo-seed.ts';
import { createFaultQueue } from './fault-queue.ts';
import { createPolicyStore } from './organization-policies.ts';
import { createPatsRouter } from './pat-routes.ts';
import { createProfileRouter } from './profile-routes.ts';
import { createTokenStore } from './token-store.ts';

export type { DevOpsControl, TokenSeed } from './control.ts';
export type { FaultableOperation } from './fault-queue.ts';
export type { OrganizationPolicies } from './organization-policies.ts';
export type { PatTokenError } from './pat-token-error.ts';
export type { TokenState } from './wire.ts';
export type { VerifyAccessToken } from './access.ts';

export interface DevOpsOptions {
  directory: Directory;
  seed: 'demo' | 'empty';
  verifyAccessToken: VerifyAccessToken;
  /** The emulator's own origin (https://host:port). */
  origin: string;
}

export interface DevOps {
  /** Mounted at /vssps (stands for https://vssps.dev.azure.com). */
  patsRouter: Router;
  /** Mounted at /app-vssps (stands for https://app.vssps.visualstudio.com). */
  profileRouter: Router;
  /** In-process control, exposed as emulator.control.devops. */
  control: DevOpsControl;
  /** The same control over HTTP, mounted at /_emulator/devops. */
  controlRouter: Router;
}

export function createDevOps({ directory, seed, verifyAccessToken, origin }: DevOpsOptions): DevOps {
  const tokens = createTokenStore();
  const policies = createPolicyStore();
  const faults = createFaultQueue();
  const reset = () => {
    tokens.clearAll();
    policies.clearAll();
    faults.clear();
    if (seed === 'demo') seedDemoTokens(tokens, directory, new Date());
  };
  reset();

  const access = { directory, verifyAccessToken, origin };
  const control = createDevOpsControl({ directory, tokens, policies, faults, reset });
  return {
    patsRouter: createPatsRouter({ access, tokens, policies, faults }),
    profileRouter: createProfileRouter(access),
    control,
    controlRouter: createControlRouter(control),
  };
}
