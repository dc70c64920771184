// The reason codes are a contract: their spelling and their documentation are checked here.
import { describe, expect, it } from 'vitest';
import {
  isReasonCode,
  REASON_CODE_DESCRIPTIONS,
  REASON_CODES,
  ReasonCode,
} from '../../../src/scoring/reason-codes';

describe('ReasonCode', () => {
  it('spells each code as its own name', () => {
    for (const [name, code] of Object.entries(ReasonCode)) expect(code).toBe(name);
  });

  it('holds exactly the agreed codes', () => {
    expect([...REASON_CODES].sort()).toEqual(
      [
        'IP_COUNTRY_MISMATCH_BILLING',
        'IP_COUNTRY_MISMATCH_VAT',
        'IP_COUNTRY_MISMATCH_IBAN',
        'IP_COUNTRY_MISMATCH_PHONE',
        'IP_FAR_FROM_BILLING_CITY',
        'ANONYMOUS_IP',
        'HOSTING_IP',
        'TOR_EXIT_IP',
        'PUBLIC_PROXY_IP',
        'VPN_IP',
        'NON_PUBLIC_IP',
        'VAT_NUMBER_MALFORMED',
        'VAT_NUMBER_BAD_CHECK_DIGIT',
        'VAT_NUMBER_NON_EU',
        'VAT_NUMBER_COUNTRY_MISMATCH',
        'VELOCITY_IP',
        'VELOCITY_NETWORK',
        'VELOCITY_EMAIL',
        'VELOCITY_IBAN',
        'VELOCITY_NEW_CUSTOMERS_IP',
        'IBAN_REUSED_OTHER_NAME',
        'ID_CARD_REUSED_OTHER_NAME',
        'DISPOSABLE_EMAIL',
        'HIGH_VALUE_FIRST_ORDER',
        'VAT_EVIDENCE_CONFLICT',
        'VAT_NAME_MISMATCH',
        'VAT_ADDRESS_MISMATCH',
      ].sort(),
    );
  });

  it('describes every code in one distinct sentence, in the order of REASON_CODES', () => {
    expect(REASON_CODE_DESCRIPTIONS.map((d) => d.code)).toEqual(REASON_CODES);
    for (const { description } of REASON_CODE_DESCRIPTIONS) {
      expect(description).toMatch(/^[A-Z].*\.$/);
      expect(description).not.toContain('\n');
    }
    expect(new Set(REASON_CODE_DESCRIPTIONS.map((d) => d.description)).size).toBe(REASON_CODES.length);
  });

  it('tells codes from other strings', () => {
    expect(isReasonCode('VPN_IP')).toBe(true);
    expect(isReasonCode('vpn_ip')).toBe(false);
    expect(isReasonCode('toString')).toBe(false);
  });
});
