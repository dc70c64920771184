/**
 * Order fraud scoring: the reason codes, the versioned rules, and the pure scoring of an order's signals.
 */
export {
  isReasonCode,
  REASON_CODE_DESCRIPTIONS,
  REASON_CODES,
  ReasonCode,
  type ReasonCodeDescription,
} from './reason-codes';
export {
  COUNTED_UP_TO,
  countCeiling,
  DEFAULT_RISK_RULES,
  loadRiskRules,
  parseRiskRules,
  VELOCITY_KINDS,
  type RiskRules,
  type VelocityKind,
  type VelocityLimit,
} from './risk-rules';
export {
  DISPOSABLE_EMAIL_DOMAINS,
  disposableEmailDomainOf,
  isDisposableEmailDomain,
} from './disposable-email-domains';
export { EARTH_MEAN_RADIUS_KM, haversineKm, isValidGeoPoint, type GeoPoint } from './geo-distance';
export {
  scoreOrderSignals,
  type EvidenceValue,
  type IdentityReuse,
  type IpAddressClass,
  type IpAnonymityEvidence,
  type IpEvidence,
  type NotEvaluated,
  type OrderSignalsInput,
  type OrderVelocity,
  type RiskAssessment,
  type RiskDecision,
  type RiskReason,
} from './score-order';
