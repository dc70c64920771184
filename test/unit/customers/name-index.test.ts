// The name as identity reuse compares it: case, accents, punctuation and word order aside.
import { describe, expect, it } from 'vitest';
import { nameMatchKey } from '../../../src/customers/name-index';

describe('nameMatchKey', () => {
  it('gives one key for one name however it is written', () => {
    const key = nameMatchKey('Jan Smit');
    for (const written of ['jan smit', 'JAN  SMIT', 'Smit, Jan', 'Ján Smit', ' jan-smit ']) {
      expect(nameMatchKey(written), written).toBe(key);
    }
  });

  it('tells other names apart, initials included', () => {
    expect(nameMatchKey('Jan Smit')).not.toBe(nameMatchKey('Piet Smit'));
    expect(nameMatchKey('Jan Smit')).not.toBe(nameMatchKey('J. Smit'));
    expect(nameMatchKey('Jan Smit')).not.toBe(nameMatchKey('Jan de Smit'));
  });

  it('compares a name of symbols only as typed', () => {
    expect(nameMatchKey(' ?? ')).toBe('??');
  });
});
