/**
 * Which categories each retention step erases, the half of the art. 19 rule that needs no database:
 * it must agree with what the processing register tells people about retention.
 */
import { describe, expect, it } from 'vitest';
import { ALL_DATA_CATEGORIES, DataCategory } from '../../../src/personal-data/data-categories';
import { DEFAULT_RETENTION, processingRegister } from '../../../src/privacy/processing-register';
import { ERASED_BY_STEP } from '../../../src/privacy/retention-notices';

describe('ERASED_BY_STEP', () => {
  it('drops only the bank details when the direct debit ends', () => {
    expect(ERASED_BY_STEP.drop_bank_details).toEqual([DataCategory.BankDetails]);
  });

  it('erases at archiving what the register says goes then, and nothing it keeps for the fiscal period', () => {
    expect(ERASED_BY_STEP.archive).toEqual([
      'bank_details',
      'email',
      'id_document',
      'ip_address',
      'login',
      'mailing_consent',
      'order_review',
      'phone',
      'vehicle',
    ]);
    const register = processingRegister(DEFAULT_RETENTION);
    const fiscal = register[DataCategory.Name].retention;
    for (const category of ALL_DATA_CATEGORIES) {
      const retention = register[category].retention;
      if (retention.includes('deleted when your data is archived')) {
        expect(ERASED_BY_STEP.archive, category).toContain(category);
      }
      if (retention === fiscal) expect(ERASED_BY_STEP.archive, category).not.toContain(category);
    }
  });

  it('erases everything at the purge', () => {
    expect([...ERASED_BY_STEP.purge].sort()).toEqual([...ALL_DATA_CATEGORIES].sort());
  });
});
