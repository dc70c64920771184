// geo's lookup result must fit scoring's IpEvidence without conversion: checked by the type checker on
// the fixture below, and at run time by scoring it.
import { describe, expect, it } from 'vitest';
import type { IpIntelligence } from '../../../geo/ip-intelligence';
import { DEFAULT_RISK_RULES } from '../../../src/scoring/risk-rules';
import { scoreOrderSignals } from '../../../src/scoring/score-order';
import { cleanDutchOrder, NOT_ANONYMOUS } from './fixtures';

const torExitFromGeo: IpIntelligence = {
  ip: '2001:67c:289c::36',
  version: 6,
  classification: 'public',
  country: 'NL',
  subdivision: 'North Holland',
  subdivisionCode: 'NH',
  city: null,
  latitude: 52.3824,
  longitude: 4.8995,
  accuracyRadius: 100,
  asn: 60729,
  organisation: 'Stiftung Erneuerbare Freiheit',
  prefixLength: 48,
  anonymity: { ...NOT_ANONYMOUS, isAnonymous: true, isTorExitNode: true },
  source: 'test',
};

describe('IpEvidence', () => {
  it("accepts geo's IpIntelligence as it is", () => {
    const result = scoreOrderSignals(cleanDutchOrder({ ip: torExitFromGeo }), DEFAULT_RISK_RULES);
    expect(result.reasons.map((r) => r.code)).toEqual(['TOR_EXIT_IP']);
  });
});
