/** Maps the domain's VAT determination to the API's shape. */
import type { VatDetermination } from '../../src/vat/vat-determination';
import type { VatDeterminationObject } from './order.types';

export function toVatDeterminationObject(vat: VatDetermination): VatDeterminationObject {
  const supporting = new Set<string>(vat.evidence.supporting);
  return {
    customerType: vat.customerType,
    evidence: vat.evidence.pieces.map((p) => ({
      kind: p.kind,
      country: p.country,
      supports: supporting.has(p.kind),
    })),
    // Orders scored before pieces were left out carry no list of them.
    excludedEvidence: (vat.evidence.excluded ?? []).map((e) => ({ ...e })),
    country: vat.country,
    conflict: vat.conflict,
    reverseCharge: vat.reverseCharge,
    treatment: vat.treatment,
    reason: vat.reason,
    // Orders scored before names or addresses were compared carry no verdict on them.
    vatNumber: {
      ...vat.vatNumber,
      nameMatch: vat.vatNumber.nameMatch ?? 'NOT_COMPARED',
      addressMatch: vat.vatNumber.addressMatch ?? 'NOT_COMPARED',
    },
  };
}
