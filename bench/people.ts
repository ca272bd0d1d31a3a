// Who the benchmark signs in: demo people from the emulator's directory.
import { demoDirectory } from '../src/emulator/directory.ts';

const byName = (name: string) => demoDirectory().people.find((person) => person.displayName === name)!.objectId;
/** The demo's organizations, as a session lists them. */
export const DEMO_ORGANIZATIONS = demoDirectory().organizations.map(({ accountId, accountName }) => ({
  accountId,
  accountName,
}));
/** 34 tokens in three organizations: the list page's person. */
export const ADA_ID = byName('Ada Lovelace');
/** A handful of tokens: the person the create flow adds to. */
export const GRACE_ID = byName('Grace Hopper');

/** Added to the bench's directory: a person in five organizations, with tokens in each. */
export const MULTI_ORG_PERSON = {
  objectId: '5b0c8f3e-6a4d-4e7b-9c1a-2d3e4f5a6b7c',
  displayName: 'Mary Jackson',
  username: 'mary@contoso.example',
  memberId: '6c1d9a4f-7b5e-4f8c-8d2b-3e4f5a6b7c8d',
  organizations: ['contoso', 'fabrikam', 'northwind', 'adatum', 'tailspin'],
};
