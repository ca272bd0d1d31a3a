// The emulator's directory: the people who can sign in and the Azure DevOps organizations they
// belong to. Both halves of the emulator (identity platform and Azure DevOps) read it, so a person
// signed in by one is the same person the other serves.

export interface Organization {
  /** `accountId` in the Accounts API, and what a PAT's `targetAccounts` holds. */
  accountId: string;
  /** `accountName`: the `{organization}` segment of Azure DevOps URLs. */
  accountName: string;
  /** The owner's `memberId`: what the Accounts API's `ownerId` matches. */
  ownerId?: string;
  /** objectIds of its Project Collection Administrators: the only people token administration answers. */
  administrators?: string[];
}

export interface Person {
  /** Entra object id (`oid`), the `uid` of `client_info`. */
  objectId: string;
  displayName: string;
  /** `preferred_username` in the ID token, `emailAddress` in the profile. */
  username: string;
  /** The Azure DevOps profile id (`memberId` in the Accounts API). */
  memberId: string;
  /** Names of the organizations the person belongs to. */
  organizations: string[];
  /** False for a person the tenant does not let register applications (Graph answers 403). */
  canRegisterApplications?: boolean;
  /** False once an administrator disabled the account (Graph's `accountEnabled`): no sign-in, no refresh. */
  accountEnabled?: boolean;
  /** For the sign-in page of a demo: what this person lets someone try. */
  demoRole?: string;
}

export interface Directory {
  tenantId: string;
  people: Person[];
  organizations: Organization[];
}

const DEMO_TENANT_ID = 'bfdba499-d693-4004-a4d2-73a4133b66db';

/** The demo directory: a few people with different situations worth clicking through. */
export function demoDirectory(): Directory {
  return {
    tenantId: DEMO_TENANT_ID,
    organizations: [
      // Grace owns contoso; Ada owns the other two.
      {
        accountId: 'f9424e7c-ea71-44cb-aa51-cae3213c1e15',
        accountName: 'contoso',
        ownerId: 'eed893a6-5a8f-4072-88c4-b155c846eff3',
        administrators: ['bdfc34ea-84a9-48ad-bcff-534a79e7b0d5'],
      },
      {
        accountId: 'c7b8a8a6-6171-4dec-9a05-413c358c644b',
        accountName: 'fabrikam',
        ownerId: '8ed93371-1a81-4012-ab51-9dd996b1c150',
      },
      {
        accountId: '704c460d-ac4c-4c2c-98a1-c040598f633b',
        accountName: 'northwind',
        ownerId: '8ed93371-1a81-4012-ab51-9dd996b1c150',
      },
    ],
    people: [
      {
        objectId: '32cdad68-e89d-42ea-90fd-a3da24f086c0',
        displayName: 'Ada Lovelace',
        username: 'ada@contoso.example',
        memberId: '8ed93371-1a81-4012-ab51-9dd996b1c150',
        organizations: ['contoso', 'fabrikam', 'northwind'],
        demoRole:
          'In contoso, fabrikam and northwind, with tokens in each; her vault ada-pats lets her store and rotate tokens.',
      },
      {
        objectId: 'bdfc34ea-84a9-48ad-bcff-534a79e7b0d5',
        displayName: 'Grace Hopper',
        username: 'grace@contoso.example',
        memberId: 'eed893a6-5a8f-4072-88c4-b155c846eff3',
        organizations: ['contoso'],
        demoRole:
          'Administers contoso, so she sees its organization audit; her vault grace-pats gives her no role, so Key Vault refuses.',
      },
      {
        objectId: 'c8f47bd0-54e5-415f-8d81-b7e3a2faddfa',
        displayName: 'Alan Turing',
        username: 'alan@contoso.example',
        memberId: '956c08c6-a625-4efa-b5f9-e80c34b85d57',
        organizations: [],
        canRegisterApplications: false,
        demoRole: 'In no organization yet, and not allowed to register applications.',
      },
    ],
  };
}

export function findPerson(directory: Directory, objectId: string): Person | undefined {
  return directory.people.find((person) => person.objectId === objectId);
}

export function findOrganization(directory: Directory, accountName: string): Organization | undefined {
  const wanted = accountName.toLowerCase();
  return directory.organizations.find((org) => org.accountName.toLowerCase() === wanted);
}
