// What a person reads when a sign-in fails, per reason (the identity errors' pages).
import type { SignInFailure } from './auth-service.ts';

export const SIGN_IN_FAILURES: Record<SignInFailure, { pageStatus: number; title: string; userMessage: string }> = {
  declined: {
    pageStatus: 403,
    title: 'Sign-in cancelled',
    userMessage:
      'You declined to sign in or to give PAT Manager access to Azure DevOps, so nothing was done. You can try again.',
  },
  expired: {
    pageStatus: 400,
    title: 'Sign-in expired',
    userMessage: 'This sign-in was started too long ago, in another browser, or was already used. Please start again.',
  },
  rejected: {
    pageStatus: 400,
    title: 'Sign-in failed',
    userMessage:
      'The Microsoft identity platform refused the sign-in. Please try again; if it keeps failing, ask your administrator to check the app registration.',
  },
  unavailable: {
    pageStatus: 503,
    title: 'Sign-in service unavailable',
    userMessage: 'The Microsoft identity platform did not answer in time. Please try again in a minute.',
  },
};
