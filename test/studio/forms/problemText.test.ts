/** Server field errors in words people read: the field's label first, no schema shorthand. */
import { describe, expect, it } from 'vitest';
import { fieldErrorText } from '../../../studio/src/forms/problemText.ts';

const probability = { name: 'probability', label: 'Probability' };

describe('fieldErrorText', () => {
  it('turns limits into words with the label', () => {
    expect(fieldErrorText(probability, { code: 'max', message: 'must be ≤ 100' })).toBe('Probability must be at most 100');
    expect(fieldErrorText(probability, { code: 'min', message: 'must be ≥ 0' })).toBe('Probability must be at least 0');
    expect(fieldErrorText({ name: 'annual_revenue' }, { code: 'max', message: 'must be ≤ 2500000' })).toBe(`Annual revenue must be at most ${(2500000).toLocaleString()}`);
  });

  it('leads schema wording with the label and leaves rule messages alone', () => {
    expect(fieldErrorText({ name: 'name', label: 'Account name' }, { code: 'maxLength', message: 'must be at most 120 characters' })).toBe('Account name must be at most 120 characters');
    expect(fieldErrorText({ name: 'loss_reason', label: 'Loss reason' }, { code: 'rule', message: 'Say why the deal was lost' })).toBe('Say why the deal was lost');
    expect(fieldErrorText(undefined, { code: 'max', message: 'must be ≤ 5' })).toBe('The value must be at most 5');
  });
});
