// The token form as a page shows it: the locals of views/tokens/form.ejs for create (to a page or
// into a vault) and edit, and where a refusal from Azure DevOps belongs on it.
import type { Response } from 'express';
import { daysAfter, isoDay } from '../../days.ts';
import type { PatTokenField } from '../../devops/errors.ts';
import { FULL_ACCESS } from '../../devops/scopes.ts';
import type { PatToken } from '../../devops/types.ts';
import { MAX_LIFETIME_DAYS } from '../../tokens/lifecycle.ts';
import type { TokenView } from '../token-view.ts';
import { scopePicker } from './scope-picker.ts';
import {
  EXPIRY_PRESETS,
  MAX_NAME_LENGTH,
  emptyTokenForm,
  type TokenFormField,
  type TokenFormValues,
} from './token-form.ts';
import { emptyVaultForm, type VaultFormField, type VaultFormValues } from './vault-form.ts';

/** Where a rejection from Azure DevOps belongs on the form. */
export const FORM_FIELD_OF: Record<PatTokenField, TokenFormField> = {
  displayName: 'displayName',
  scope: 'scopes',
  validTo: 'customDate',
  allOrgs: 'organizations',
};

export interface TokenFormPage {
  mode: 'create' | 'edit';
  values: TokenFormValues;
  errors?: Partial<Record<TokenFormField, string>>;
  /** Create only: the "store it in Azure Key Vault" part. */
  vaultValues?: VaultFormValues;
  vaultErrors?: Partial<Record<VaultFormField, string>>;
  /** Edit only. */
  token?: TokenView;
  /** Create only: the one-time key. */
  formKey?: string;
}

export function renderTokenForm(res: Response, status: number, page: TokenFormPage): void {
  const errors = { ...page.errors, ...page.vaultErrors };
  const now = new Date();
  res.status(status).render('tokens/form', {
    ...page,
    ...(page.mode === 'create'
      ? { vaultValues: page.vaultValues ?? emptyVaultForm(), vaultErrors: page.vaultErrors ?? {} }
      : {}),
    values: page.values,
    errors,
    scopePicker: scopePicker(page.values.scopes),
    presets: EXPIRY_PRESETS,
    maxDate: isoDay(daysAfter(MAX_LIFETIME_DAYS, now)),
    minDate: isoDay(daysAfter(1, now)),
    maxLifetimeDays: MAX_LIFETIME_DAYS,
    maxNameLength: MAX_NAME_LENGTH,
    // "Several organizations" offers the person's own, as listed after sign-in.
    knownOrganizations: (res.req.session.organizations ?? []).map((org) => org.accountName),
    title: page.mode === 'create' ? 'New token' : `Edit ${page.token?.displayName ?? 'token'}`,
  });
}

/** The edit form filled in from the token as it is. */
export function valuesOf(token: PatToken): TokenFormValues {
  const fullAccess = token.scopes.includes(FULL_ACCESS);
  return {
    ...emptyTokenForm(),
    displayName: token.displayName,
    expiry: 'keep',
    organizations: 'this',
    access: fullAccess ? 'full' : 'custom',
    scopes: fullAccess ? [] : token.scopes,
  };
}
