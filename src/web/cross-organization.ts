// A person's tokens across every organization they belong to, as one list. Azure DevOps lists one
// organization at a time, so the organizations are asked in parallel (one round trip, not one per
// organization) and a token that several or all organizations share is shown once.
import type { AccessTokenSource, DevOpsClient, Organization, PatToken, TokenFilter } from '../devops/types.ts';

const PAGE_SIZE = 100;
/** A person with more tokens than this in one organization sees the first ones and a note. */
const MAX_PAGES_PER_ORGANIZATION = 10;

interface CrossOrganizationToken {
  token: PatToken;
  /** The organizations whose lists it appears in, for links and for calls about this token. */
  seenIn: string[];
}

export interface CrossOrganizationList {
  tokens: CrossOrganizationToken[];
  /** Ids of revoked tokens, to tell them apart in a list of all tokens (the API has no status). */
  revokedIds: Set<string>;
  /** True when an organization had more tokens than PAT Manager reads. */
  truncated: boolean;
}

async function everyPage(
  devops: DevOpsClient,
  accessToken: AccessTokenSource,
  organization: string,
  filter: TokenFilter,
): Promise<{ tokens: PatToken[]; truncated: boolean }> {
  const tokens: PatToken[] = [];
  let continuationToken: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_ORGANIZATION; page++) {
    const result = await devops.listTokens(accessToken, organization, {
      filter,
      sortBy: 'displayName',
      ascending: true,
      top: PAGE_SIZE,
      continuationToken,
    });
    tokens.push(...result.tokens);
    if (!result.continuationToken) return { tokens, truncated: false };
    continuationToken = result.continuationToken;
  }
  return { tokens, truncated: true };
}

export async function tokensAcrossOrganizations(
  devops: DevOpsClient,
  accessToken: AccessTokenSource,
  organizations: readonly Organization[],
  filter: TokenFilter,
): Promise<CrossOrganizationList> {
  const names = organizations.map((org) => org.accountName);
  const [lists, revokedLists] = await Promise.all([
    Promise.all(names.map((name) => everyPage(devops, accessToken, name, filter))),
    filter === 'all'
      ? Promise.all(names.map((name) => everyPage(devops, accessToken, name, 'revoked')))
      : Promise.resolve([]),
  ]);
  const revokedIds = new Set(revokedLists.flatMap((list) => list.tokens.map((token) => token.authorizationId)));
  const byId = new Map<string, CrossOrganizationToken>();
  lists.forEach((list, index) => {
    for (const token of list.tokens) {
      const known = byId.get(token.authorizationId);
      if (known) known.seenIn.push(names[index]!);
      else byId.set(token.authorizationId, { token, seenIn: [names[index]!] });
    }
  });
  return {
    tokens: [...byId.values()],
    revokedIds,
    truncated: [...lists, ...revokedLists].some((list) => list.truncated),
  };
}
