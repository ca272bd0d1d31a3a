import { describe, expect, it } from 'vitest';
import { MESSAGES, PAT_TOKEN_ERRORS, patTokenErrorEntry } from '../../src/devops/messages.ts';
import { patTokenErrorEnum } from '../support/reference.ts';

describe('patTokenError messages', () => {
  it('has its own message for every value Microsoft lists except "none"', () => {
    const values = patTokenErrorEnum().filter((value) => value !== 'none');
    expect(values.length).toBe(36);
    expect(Object.keys(PAT_TOKEN_ERRORS).sort()).toEqual([...values].sort());
    for (const value of values) {
      expect(patTokenErrorEntry(value).message).not.toBe(MESSAGES.rejected);
      expect(patTokenErrorEntry(value).message).not.toMatch(/patTokenError|exception|TF\d+/i);
    }
  });

  it('ties the policy violations to the form field and says they are organization policy', () => {
    expect(PAT_TOKEN_ERRORS.globalPatPolicyViolation).toMatchObject({ field: 'allOrgs' });
    expect(PAT_TOKEN_ERRORS.fullScopePatPolicyViolation).toMatchObject({ field: 'scope' });
    expect(PAT_TOKEN_ERRORS.patLifespanPolicyViolation).toMatchObject({ field: 'validTo' });
    for (const entry of [
      PAT_TOKEN_ERRORS.globalPatPolicyViolation,
      PAT_TOKEN_ERRORS.fullScopePatPolicyViolation,
      PAT_TOKEN_ERRORS.patLifespanPolicyViolation,
    ]) {
      expect(entry.message).toMatch(/organization/);
      expect(entry.message).toMatch(/administrator/);
    }
  });

  it('still has a sentence for a value Microsoft adds later', () => {
    expect(patTokenErrorEntry('somethingNew')).toEqual({ message: MESSAGES.rejected });
    expect(patTokenErrorEntry('toString')).toEqual({ message: MESSAGES.rejected });
  });
});
