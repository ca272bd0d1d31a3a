// Every sentence the Azure DevOps client can put in front of a person, in one table, so wording is
// reviewed in one place and no upstream text (error codes, stack traces, TF numbers) leaks to a page.
import type { DevOpsErrorKind, PatTokenField } from './errors.ts';

export const MESSAGES = {
  unauthorized: 'Azure DevOps no longer accepts your sign-in. Please sign in again.',
  forbidden:
    'You do not have permission to do this in that organization. You may not be a member of it, ' +
    'or an organization administrator may need to give you access.',
  notFound: 'Azure DevOps could not find that. It may have been removed, or the organization name may be wrong.',
  organizationNameInvalid:
    'That is not an Azure DevOps organization name. Names use letters, digits and hyphens, as in dev.azure.com/your-organization.',
  tokenIdInvalid: 'That token could not be found: the link to it is not valid.',
  throttled: 'Azure DevOps is receiving too many requests from you right now. Wait a moment, then try again.',
  rejected: 'Azure DevOps did not accept the request. Check the details and try again.',
  validToInvalid: 'Choose a valid expiry date.',
  unavailable: 'Azure DevOps could not be reached just now. Try again in a few minutes.',
  timedOut: 'Azure DevOps took too long to answer. Try again in a few minutes.',
  writeOutcomeUnknown:
    'Azure DevOps did not answer, so PAT Manager cannot tell whether the change was made. Check your token list before trying again.',
  unexpectedAnswer: 'Azure DevOps answered in a way PAT Manager did not expect. Try again in a few minutes.',
  writeAnswerUnreadable:
    'Azure DevOps answered in a way PAT Manager could not read, so it cannot tell whether the change was made (it probably was). Check your token list before trying again.',
  tokenAlreadyGone: 'That token could not be found. It may already have been revoked.',
} as const;

/** What each delegated Azure DevOps permission PAT Manager asks for lets it do, in words. */
const PERMISSION_PURPOSES: Record<string, string> = {
  'vso.pats': 'read your personal access tokens',
  'vso.pats_manage': 'create, change and revoke your personal access tokens',
  'vso.profile': 'read your profile and the organizations you belong to',
  'vso.tokenadministration': "list and revoke the organization's tokens (the audit)",
  'vso.graph': "read the organization's people (the audit)",
};

/** A refusal for want of a permission: signing in again cannot cure it, so the page says who can. */
export function missingPermissionMessage(permission: string): string {
  const purpose = PERMISSION_PURPOSES[permission];
  return (
    `Azure DevOps refused because PAT Manager's sign-in does not carry the permission ${permission}` +
    `${purpose ? ` (to ${purpose})` : ''}, so nothing was changed. Signing in again will not help: ` +
    'the people who run PAT Manager must add this Azure DevOps delegated permission to its app registration (npm run register does) ' +
    'and grant consent for it; then sign out and in again.'
  );
}

interface PatTokenErrorEntry {
  message: string;
  field?: PatTokenField;
  /** `rejected` unless the value really means "no such token" or "not yours". */
  kind?: Extract<DevOpsErrorKind, 'notFound' | 'forbidden'>;
}

/** Said wherever a token for every organization is asked for, or shown. */
export const GLOBAL_PATS_RETIRED =
  'Azure DevOps has retired tokens that work in all your organizations ("global" personal access tokens): none can be created any more, ' +
  'and every one stopped working on 1 December 2026. Make a token for each organization it must work in instead.';

const SIGN_IN_AGAIN = 'Sign out, sign in again and retry.';
const ASK_APP_OWNERS = 'If it keeps happening, tell the people who run PAT Manager.';
// These policies are set by the organization's Azure DevOps Administrator in Microsoft Entra,
// each with an allowlist of people it does not apply to.
const POLICY = 'a policy your Azure DevOps administrator sets';
const ASK_ADMIN = 'or ask that administrator to exempt you from the policy';

/**
 * A message for every `patTokenError` value of the PAT Lifecycle Management API (PatTokenResult in
 * Microsoft's tokens OpenAPI file). `field` names the form field the problem is about.
 */
export const PAT_TOKEN_ERRORS = {
  displayNameRequired: { message: 'Give the token a name.', field: 'displayName' },
  invalidDisplayName: { message: 'Azure DevOps did not accept that name. Try a different one.', field: 'displayName' },
  invalidValidTo: {
    message: 'Azure DevOps did not accept that expiry date. Choose a date in the future, at most one year from today.',
    field: 'validTo',
  },
  invalidScope: { message: 'One or more of the chosen scopes is not valid. Choose the scopes again.', field: 'scope' },
  userIdRequired: { message: `Azure DevOps could not tell who you are. ${SIGN_IN_AGAIN}` },
  invalidUserId: { message: `Azure DevOps did not recognise your account. ${SIGN_IN_AGAIN}` },
  invalidUserType: { message: 'Your type of account cannot manage personal access tokens in this organization.' },
  accessDenied: {
    message: 'You are not allowed to do this. Ask an administrator of the organization if you think you should be.',
    kind: 'forbidden',
  },
  failedToIssueAccessToken: { message: 'Azure DevOps could not create the token. Try again in a few minutes.' },
  invalidClient: { message: `Azure DevOps did not accept PAT Manager acting for you. ${ASK_APP_OWNERS}` },
  invalidClientType: { message: `Azure DevOps did not accept PAT Manager acting for you. ${ASK_APP_OWNERS}` },
  invalidClientId: { message: `Azure DevOps did not accept PAT Manager acting for you. ${ASK_APP_OWNERS}` },
  invalidTargetAccounts: {
    message: 'The token cannot be limited to the chosen organization. Check the organization choice.',
    field: 'allOrgs',
  },
  hostAuthorizationNotFound: { message: 'That token is not available in the chosen organization.', kind: 'notFound' },
  authorizationNotFound: {
    message: 'That token could not be found. It may have been revoked or removed.',
    kind: 'notFound',
  },
  failedToUpdateAccessToken: {
    message: 'Azure DevOps could not save the changes to the token. Try again in a few minutes.',
  },
  sourceNotSupported: { message: 'Azure DevOps does not allow tokens to be managed this way for your account.' },
  invalidSourceIP: {
    message:
      'Azure DevOps refused the request because of the network it came from. Ask an administrator of your organization.',
  },
  invalidSource: {
    message:
      'Azure DevOps refused the request because of where it came from. Ask an administrator of your organization.',
  },
  duplicateHash: { message: 'Azure DevOps could not create a unique token. Please try again.' },
  sshPolicyDisabled: { message: 'Your organization has turned this kind of credential off in its policies.' },
  invalidToken: { message: 'That token is no longer valid. It may have expired or been revoked.' },
  tokenNotFound: { message: 'That token could not be found. It may have been revoked or removed.', kind: 'notFound' },
  invalidAuthorizationId: { message: 'That token could not be found: the link to it is not valid.', kind: 'notFound' },
  failedToReadTenantPolicy: {
    message: "Azure DevOps could not check your organization's token policies just now. Try again in a few minutes.",
  },
  globalPatPolicyViolation: {
    message:
      `Your organization does not allow tokens that work in all organizations (${POLICY}). ` +
      `Make the token for this organization only, ${ASK_ADMIN}.`,
    field: 'allOrgs',
  },
  fullScopePatPolicyViolation: {
    message:
      `Your organization does not allow full-access tokens (${POLICY}). ` +
      `Choose only the scopes you need, ${ASK_ADMIN}.`,
    field: 'scope',
  },
  patLifespanPolicyViolation: {
    message:
      `Your organization limits how long a token may last (${POLICY}). ` +
      `Choose an earlier expiry date, ${ASK_ADMIN}.`,
    field: 'validTo',
  },
  invalidTokenType: { message: 'Azure DevOps does not accept this type of token for this request.' },
  invalidAudience: {
    message: `Azure DevOps did not accept your sign-in for this request. ${SIGN_IN_AGAIN} ${ASK_APP_OWNERS}`,
  },
  invalidSubject: { message: `Azure DevOps could not match your sign-in to your account. ${SIGN_IN_AGAIN}` },
  deploymentHostNotSupported: {
    message: 'Tokens must be managed within an organization. Choose an organization and try again.',
  },
  disablePatCreationPolicyViolation: {
    message:
      'Your organization restricts who may create personal access tokens (the policy "Restrict personal access token (PAT) creation"), ' +
      'and you are not on its allowlist, so nothing was created. Ask an Azure DevOps administrator of the organization to add you to the ' +
      "policy's allowlist. The policy may still allow tokens for packaging only (Packaging scopes alone): if that is all you need, choose only those.",
  },
  failedToReadOrgPolicy: {
    message:
      "Azure DevOps could not read your organization's token policies just now, so nothing was created or changed. Try again in a few minutes.",
  },
  globalPATCreationBlocked: { message: GLOBAL_PATS_RETIRED },
  expiredPatCannotBeExtended: {
    message:
      'This token has expired, and Azure DevOps no longer lets an expired token be changed or extended (since March 2026). ' +
      'It stays expired: create a new token with the same settings instead.',
  },
} as const satisfies Record<string, PatTokenErrorEntry>;

type PatTokenErrorCode = keyof typeof PAT_TOKEN_ERRORS;

/** The message for a `patTokenError`; a value Microsoft adds later still gets a sensible sentence. */
export function patTokenErrorEntry(code: string): PatTokenErrorEntry {
  return Object.hasOwn(PAT_TOKEN_ERRORS, code)
    ? PAT_TOKEN_ERRORS[code as PatTokenErrorCode]
    : { message: MESSAGES.rejected };
}
