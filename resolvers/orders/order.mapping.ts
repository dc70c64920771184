/** Maps the domain's VAT determination to the API's shape. */
import type { VatDetermination } from '../../src/vat/vat-determination';
import { describeTerritory } from '../../src/vat/vat-territory';
import type { VatDeterminationObject } from './order.types';

export function toVatDeterminationObject(vat: VatDetermination): VatDeterminationObject {
  const supporting = new Set<string>(vat.evidence.supporting);
  return {
    customerType: vat.customerType,
    evidence: vat.evidence.pieces.map((p) => ({
      kind: p.kind,
      country: p.country,
      // Orders scored before territories were told apart carry none.
      territory: p.territory ?? null,
      supports: supporting.has(p.kind),
    })),
    // Orders scored before pieces were left out carry no list of them.
    excludedEvidence: (vat.evidence.excluded ?? []).map((e) => ({ ...e })),
    country: vat.country,
    territory:
      vat.territory === undefined || vat.territory === null
        ? null
        : { ...vat.territory, description: describeTerritory(vat.territory) },
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
