/**
 * VAT: number analysis, VAT territories, the place-of-supply evidence rule, the VAT determination for an order, and the
 * VIES registration check.
 */
export {
  analyseVatNumber,
  EU_MEMBER_STATES,
  isEuCountry,
  isEuVatPrefix,
  vatNumberFormat,
  vatPrefixForCountry,
  type EuMemberState,
  type VatNumberAnalysis,
  type VatNumberStatus,
} from './vat-number';
export {
  describeTerritory,
  ordinaryTerritory,
  territoriesOfCountry,
  territoriesOfGeoIp,
  territoryOfAddress,
  VAT_STATE_OF_COUNTRY,
  VAT_TERRITORIES,
  type AddressPlace,
  type GeoPlace,
  type TerritoryReading,
  type VatTerritory,
} from './vat-territory';
export {
  establishVatCountry,
  EVIDENCE_KINDS,
  type EvidenceKind,
  type EvidencePlace,
  type EvidenceOptions,
  type EvidenceOutcome,
  type EvidencePiece,
  type ExcludedEvidence,
  type VatEvidence,
} from './vat-evidence';
export {
  determineVat,
  type CustomerType,
  type DetermineVatInput,
  type VatDetermination,
  type VatNumberVerdict,
  type VatTreatment,
} from './vat-determination';
export {
  createVatRegistryCheck,
  DEFAULT_VIES_TIMEOUT_MS,
  DisabledVies,
  ViesClient,
  type VatRegistryCheck,
  type VatVerification,
  type ViesClientOptions,
  type ViesConfig,
  type ViesResult,
} from './vies-client';
