// The delegated Azure DevOps permissions PAT Manager asks for, and why: least privilege, from the
// `security` section of each call in Microsoft's OpenAPI files (tokens 7.2: vso.pats to read,
// vso.pats_manage to change; profile and accounts: vso.profile; token administration:
// vso.tokenadministration; Graph users and descriptors: vso.graph; the audit log: vso.auditlog). Never user_impersonation, which
// is full access and which the PAT API no longer accepts for delegated calls (sprint 257).

/** Azure DevOps, as a resource of the Microsoft identity platform. */
export const AZURE_DEVOPS_RESOURCE = '499b84ac-1321-427f-aa17-267ca6975798';

/** What every sign-in asks for: the person's own tokens and who they are. */
export const SIGN_IN_PERMISSIONS = ['vso.pats', 'vso.pats_manage', 'vso.profile'] as const;
/**
 * What the organization audit needs besides: token administration, Graph users and the audit log.
 * Asked on first use, when a person first opens the audit (incremental consent), never at sign-in.
 */
export const AUDIT_PERMISSIONS = ['vso.tokenadministration', 'vso.graph', 'vso.auditlog'] as const;
/** The audit log's permission: without it the audit is shown without the tokens' history. */
export const AUDIT_LOG_PERMISSION = 'vso.auditlog';
/** Every Azure DevOps permission the app registration must list. */
export const REGISTERED_PERMISSIONS = [...SIGN_IN_PERMISSIONS, ...AUDIT_PERMISSIONS] as const;
/** Full access: a registration made before asked for it; `npm run register` takes it off. */
export const FULL_ACCESS_PERMISSION = 'user_impersonation';

export function devOpsScope(permission: string): string {
  return `${AZURE_DEVOPS_RESOURCE}/${permission}`;
}

/** The audit's permissions, as msal-node asks for them: one access token for all three. */
export const AUDIT_SCOPES = AUDIT_PERMISSIONS.map(devOpsScope);
