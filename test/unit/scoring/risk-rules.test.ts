// The versioned rules: the defaults, and the messages an operator gets for a rules file that is wrong.
import { describe, expect, it } from 'vitest';
import { ConfigError, ErrorCode, ValidationError } from '../../../src/errors/errors';
import { REASON_CODES } from '../../../src/scoring/reason-codes';
import { DEFAULT_RISK_RULES, loadRiskRules, parseRiskRules } from '../../../src/scoring/risk-rules';

/** The default rules as an operator's JSON file would hold them, ready to break one field. */
function rulesJson(): Record<string, unknown> & {
  weights: Record<string, unknown>;
  thresholds: Record<string, unknown>;
  velocity: Record<string, unknown> & { ordersPerIp: Record<string, unknown> };
  highValueFirstOrder: { minimumAmountCents: Record<string, unknown> };
} {
  return JSON.parse(JSON.stringify(DEFAULT_RISK_RULES));
}

function refusal(json: unknown): ValidationError {
  let caught: unknown;
  try {
    parseRiskRules(json);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  expect((caught as ValidationError).code).toBe(ErrorCode.BadUserInput);
  return caught as ValidationError;
}

describe('DEFAULT_RISK_RULES', () => {
  it('survives its own validation as JSON', () => {
    expect(parseRiskRules(rulesJson())).toEqual(DEFAULT_RISK_RULES);
  });

  it('has a version and a weight for every reason code', () => {
    expect(DEFAULT_RISK_RULES.version).toBe('2026-11-26.5');
    expect(Object.keys(DEFAULT_RISK_RULES.weights).sort()).toEqual([...REASON_CODES].sort());
  });

  it('reviews before it rejects', () => {
    expect(DEFAULT_RISK_RULES.thresholds).toEqual({ review: 30, reject: 70 });
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_RISK_RULES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RISK_RULES.weights)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RISK_RULES.velocity.ordersPerIp)).toBe(true);
    expect(() => {
      (DEFAULT_RISK_RULES.weights as Record<string, number>).TOR_EXIT_IP = 0;
    }).toThrow(TypeError);
  });
});

describe('parseRiskRules', () => {
  it('returns frozen rules with the version from the file', () => {
    const json = rulesJson();
    json.version = '2027-02-01.2';
    const rules = parseRiskRules(json);
    expect(rules.version).toBe('2027-02-01.2');
    expect(Object.isFrozen(rules.thresholds)).toBe(true);
  });

  it('refuses what is not an object', () => {
    expect(refusal(null).field).toBe('riskRules');
    expect(refusal([]).field).toBe('riskRules');
  });

  it('names a missing weight', () => {
    const json = rulesJson();
    delete json.weights.VPN_IP;
    const error = refusal(json);
    expect(error.field).toBe('riskRules.weights.VPN_IP');
    expect(error.message).toBe('riskRules.weights.VPN_IP: is missing');
  });

  it('names an unknown reason code, such as a typo', () => {
    const json = rulesJson();
    json.weights.VPN_IPP = 10;
    const error = refusal(json);
    expect(error.field).toBe('riskRules.weights');
    expect(error.message).toContain('unknown key: VPN_IPP');
  });

  it.each([
    [101, 'must be at most 100'],
    [-1, 'must be at least 0'],
    [2.5, 'must be a whole number'],
    ['10', 'must be a number'],
  ])('refuses the weight %j: %s', (value, message) => {
    const json = rulesJson();
    json.weights.TOR_EXIT_IP = value;
    const error = refusal(json);
    expect(error.field).toBe('riskRules.weights.TOR_EXIT_IP');
    expect(error.message).toContain(message);
  });

  it('refuses a review threshold that is not below the reject threshold', () => {
    const json = rulesJson();
    json.thresholds = { review: 70, reject: 70 };
    const error = refusal(json);
    expect(error.field).toBe('riskRules.thresholds.review');
    expect(error.message).toContain('review must be below reject');
  });

  it('accepts review one below reject', () => {
    const json = rulesJson();
    json.thresholds = { review: 69, reject: 70 };
    expect(parseRiskRules(json).thresholds).toEqual({ review: 69, reject: 70 });
  });

  it.each(['', ' 1', '2026/11/25', 'x'.repeat(65)])('refuses the version %j', (version) => {
    const json = rulesJson();
    json.version = version;
    expect(refusal(json).field).toBe('riskRules.version');
  });

  it('refuses a missing version', () => {
    const json = rulesJson();
    delete json.version;
    expect(refusal(json).message).toBe('riskRules.version: is missing');
  });

  it('refuses a velocity window of zero minutes', () => {
    const json = rulesJson();
    json.velocity.ordersPerIp.windowMinutes = 0;
    const error = refusal(json);
    expect(error.field).toBe('riskRules.velocity.ordersPerIp.windowMinutes');
    expect(error.message).toContain('must be at least 1');
  });

  it('refuses a network prefix longer than the address', () => {
    const json = rulesJson();
    json.velocity.networkPrefixLength = { ipv4: 33, ipv6: 64 };
    expect(refusal(json).field).toBe('riskRules.velocity.networkPrefixLength.ipv4');
  });

  it('requires a high-value amount for EUR', () => {
    const json = rulesJson();
    json.highValueFirstOrder.minimumAmountCents = { USD: 55_000 };
    const error = refusal(json);
    expect(error.field).toBe('riskRules.highValueFirstOrder.minimumAmountCents');
    expect(error.message).toContain('must include EUR');
  });

  it('refuses a currency that is not an ISO 4217 code', () => {
    const json = rulesJson();
    json.highValueFirstOrder.minimumAmountCents.eur = 1000;
    const error = refusal(json);
    expect(error.field).toBe('riskRules.highValueFirstOrder.minimumAmountCents.eur');
    expect(error.message).toBe(
      'riskRules.highValueFirstOrder.minimumAmountCents.eur: is not a currency code; use three upper-case letters (ISO 4217), such as EUR',
    );
  });

  it('refuses an unknown section, so a misspelt one is not silently ignored', () => {
    const json = rulesJson();
    json.tresholds = { review: 10, reject: 20 };
    const error = refusal(json);
    expect(error.field).toBe('riskRules');
    expect(error.message).toContain('unknown key: tresholds');
  });

  it('lists every problem, not only the first, with each field in the details', () => {
    const json = rulesJson();
    delete json.weights.HOSTING_IP;
    json.weights.TOR_EXIT_IP = 500;
    const error = refusal(json);
    expect(error.message).toMatch(/; also riskRules\.weights\.\w+: /);
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        { field: 'riskRules.weights.HOSTING_IP', message: 'is missing' },
        { field: 'riskRules.weights.TOR_EXIT_IP', message: 'must be at most 100' },
      ]),
    );
  });
});

describe('loadRiskRules', () => {
  it('loads the text of a rules file', () => {
    const json = rulesJson();
    json.version = '2027-03-01.1';
    expect(loadRiskRules(JSON.stringify(json), 'rules.json').version).toBe('2027-03-01.1');
  });

  it('names the file when its text is not JSON', () => {
    expect(() => loadRiskRules('{ "version": ', '/etc/fraud/rules.json')).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringMatching(/^Risk rules in \/etc\/fraud\/rules\.json are not valid JSON: /),
      }),
    );
  });

  it('names the file and the field when the rules are wrong', () => {
    const json = rulesJson();
    json.thresholds = { review: 80, reject: 40 };
    let caught: unknown;
    try {
      loadRiskRules(JSON.stringify(json), 'rules-2027.json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(
      'Risk rules in rules-2027.json cannot be used: riskRules.thresholds.review: review must be below reject',
    );
  });
});
