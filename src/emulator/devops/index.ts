// The Azure DevOps half of the local emulator: the PAT Lifecycle Management API (vssps.dev.azure.com),
// Profile and Accounts (app.vssps.visualstudio.com), and the control a test or demo drives it with.
// The emulator core mounts the routers and supplies the token check and its own origin.

import express, { type Router } from 'express';
import type { Directory } from '../directory.ts';
import type { VerifyAccessToken } from './access.ts';
import { createAuditLog } from './audit-log.ts';
import { createAuditRouter } from './audit-routes.ts';
import { createRevocationRules } from './revocation-rules.ts';
import { createControlRouter } from './control-routes.ts';
import { createDevOpsControl, type DevOpsControl } from './control.ts';
import { DEMO_CROWD, seedDemoCrowd } from './demo-crowd.ts';
import { seedDemoAudit, seedDemoTokens } from './demo-seed.ts';
import { createFaultQueue } from './fault-queue.ts';
import { createGraphRouter } from './graph-routes.ts';
import { createMemberStore } from './org-members.ts';
import { createPolicyStore } from './organization-policies.ts';
import { createPatsRouter } from './pat-routes.ts';
import { createProfileRouter } from './profile-routes.ts';
import { createTokenAdminRouter } from './token-admin-routes.ts';
import { createTokenStore } from './token-store.ts';

export type { DevOpsControl } from './control.ts';
export type { TokenState } from './wire.ts';

export interface DevOpsOptions {
  directory: Directory;
  seed: 'demo' | 'empty';
  verifyAccessToken: VerifyAccessToken;
  /** The emulator's own origin (https://host:port). */
  origin: string;
  /** The emulator's clock: token lifetimes and expiry are counted from it (tests move it). */
  now: () => Date;
}

export interface DevOps {
  /** Mounted at /vssps (stands for https://vssps.dev.azure.com): PATs, Graph users, token administration. */
  patsRouter: Router;
  /** Mounted at /app-vssps (stands for https://app.vssps.visualstudio.com). */
  profileRouter: Router;
  /** Mounted at /auditservice (stands for https://auditservice.dev.azure.com): the audit log. */
  auditRouter: Router;
  /** In-process control, exposed as emulator.control.devops. */
  control: DevOpsControl;
  /** The same control over HTTP, mounted at /_emulator/devops. */
  controlRouter: Router;
}

export function createDevOps({ directory, seed, verifyAccessToken, origin, now: clockNow }: DevOpsOptions): DevOps {
  const tokens = createTokenStore();
  const policies = createPolicyStore();
  const faults = createFaultQueue();
  const members = createMemberStore(directory);
  const audit = createAuditLog();
  const rules = createRevocationRules();
  const reset = () => {
    const now = clockNow();
    tokens.clearAll();
    policies.clearAll();
    faults.clear();
    members.clearAll();
    audit.clearAll();
    rules.clearAll();
    if (seed === 'demo') seedDemoTokens(tokens, directory, now);
    if (seed === 'demo') seedDemoAudit(audit, tokens, directory, now);
    const crowdOrganization = directory.organizations.find((org) => org.accountName === DEMO_CROWD.organization);
    if (seed === 'demo' && crowdOrganization) seedDemoCrowd(members, tokens, crowdOrganization, now);
  };
  reset();

  const access = { directory, verifyAccessToken, origin };
  const control = createDevOpsControl({
    directory,
    tokens,
    policies,
    faults,
    members,
    audit,
    rules,
    reset,
    now: clockNow,
  });
  const vssps = express.Router();
  vssps.use(
    createPatsRouter({ access, tokens, policies, faults, audit, now: clockNow }),
    createGraphRouter(access, members),
    createTokenAdminRouter(access, members, tokens, clockNow, audit, rules),
  );
  return {
    patsRouter: vssps,
    profileRouter: createProfileRouter(access),
    auditRouter: createAuditRouter({ access, log: audit, members, tokens, now: clockNow }),
    control,
    controlRouter: createControlRouter(control),
  };
}
