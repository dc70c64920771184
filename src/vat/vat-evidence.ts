/**
 * Where a consumer is, for VAT on electronically supplied services (hosting): the supplier must hold two
 * non-contradictory pieces of evidence of the customer's country (Implementing Regulation 282/2011,
 * art. 24b(d) with the list of evidence in art. 24f): billing address, IP address, bank, phone.
 *
 * The rule applied here, since the regulation does not spell out what a third, disagreeing piece does:
 *
 * - The country (strictly, the VAT territory: see below) is the one named by the most pieces, provided
 *   that is at least two (or `minimumPieces`) and no other country is named by as many. Two agreeing pieces are two non-contradictory pieces; a
 *   third piece naming another country does not undo them.
 * - That disagreeing piece is not ignored either: it is listed in `contradicting` and `conflict` is true,
 *   so the order shows up in the finance team's mismatch report and can be reviewed.
 * - A tie (NL, NL against DE, DE) or pieces that all disagree establish no country (`country: null`,
 *   `conflict: true`); one piece alone establishes none unless `minimumPieces` is 1 (the small-supplier
 *   rule of art. 24f, second paragraph, which the caller must know applies).
 * - Pieces are compared by VAT territory (vat-territory.ts), not by bare country: a billing address on
 *   the Canary Islands and an IP address in Madrid disagree (the islands are outside the EU VAT area,
 *   art. 6 of the VAT Directive), and one in Monaco agrees with a French one (art. 7). A piece that
 *   names only a country whose parts differ for VAT (a Spanish IBAN or phone number, GeoIP without a
 *   region) agrees with every territory of that country: it neither places the customer on the
 *   islands nor off them. When only such pieces name a country, they are taken to mean its ordinary
 *   territory, as before territories were told apart.
 * - A piece is evidence of where the customer is only when it is about the customer. The caller leaves
 *   out what is not (a phone number without its country code, whose country would only echo the billing
 *   address it was read under; an IP address of a hosting provider, VPN, proxy or Tor, which says where
 *   a server is) and names it in `excluded` with why, so the outcome shows what was not counted.
 */
import {
  describeTerritory,
  territoriesOfGeoIp,
  territoryOfAddress,
  type TerritoryReading,
  type VatTerritory,
} from './vat-territory';

export const EVIDENCE_KINDS = ['billingCountry', 'ipCountry', 'bankCountry', 'phoneCountry'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * A place as a piece of evidence gives it: a billing address with its postal code (and city, for a
 * postal code several places share), or a GeoIP location with its subdivision. Without them the piece
 * names only the country.
 */
export interface EvidencePlace {
  /** ISO 3166-1 alpha-2. */
  country: string;
  postalCode?: string | null;
  city?: string | null;
  /** GeoIP's subdivision, ISO 3166-2 without the country prefix ('CN'). */
  subdivisionCode?: string | null;
  /** GeoIP's subdivision by name ('Canary Islands'). */
  subdivision?: string | null;
}

/**
 * Each piece is an ISO 3166-1 alpha-2 code (the country only), a place, or null/absent when that
 * evidence is missing.
 */
export type VatEvidence = Partial<Record<EvidenceKind, string | EvidencePlace | null>>;

export interface EvidencePiece {
  kind: EvidenceKind;
  /** As the piece gives it: 'MC' for Monaco, 'AX' for Åland. */
  country: string;
  /**
   * The VAT territory the piece names ('NL', 'ES-CN', 'FR' for Monaco); null when it names only a
   * country whose parts differ for VAT (a Spanish IBAN may be the Canary Islands' or the rest of
   * Spain's). Orders scored before territories were told apart have none.
   */
  territory: string | null;
}

/** A piece that was at hand but is not evidence of where the customer is, and why. */
export interface ExcludedEvidence {
  kind: EvidenceKind;
  /** The country it would have named; null when it names none of its own (a national phone number). */
  country: string | null;
  why: string;
}

export interface EvidenceOutcome {
  /**
   * The established country: the state of the established territory ('ES' for the Canary Islands,
   * 'FR' for Monaco), or null when the evidence does not establish one.
   */
  country: string | null;
  /** The established VAT territory; null when none is established. */
  territory: VatTerritory | null;
  /** True when any piece names another territory than the rest, even if one was established. */
  conflict: boolean;
  /** The pieces that were present, in the order of EVIDENCE_KINDS. */
  pieces: EvidencePiece[];
  /** Kinds naming the established territory (empty when none was established). */
  supporting: EvidenceKind[];
  /** Kinds naming another territory than the established one; with none established, every kind
   *  that disagrees with another piece. */
  contradicting: EvidenceKind[];
  /** Pieces left out as no evidence of the customer's country (never in `pieces`), with why. */
  excluded: ExcludedEvidence[];
  reason: string;
}

export interface EvidenceOptions {
  /** Pieces that must agree; 2 by the regulation, 1 only under the small-supplier threshold. */
  minimumPieces?: 1 | 2;
}

function canonicalCountry(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const code = value.trim().toUpperCase();
  // VAT prefixes and colloquial codes sneak in from other sources; evidence is compared as ISO codes.
  if (code === 'EL') return 'GR';
  if (code === 'UK') return 'GB';
  return /^[A-Z]{2}$/.test(code) ? code : null;
}

/** A piece present, with the territories it can be in. */
interface ReadPiece {
  piece: EvidencePiece;
  reading: TerritoryReading;
  codes: ReadonlySet<string>;
}

function read(kind: EvidenceKind, value: string | EvidencePlace | null | undefined): ReadPiece | null {
  const place: EvidencePlace | null = typeof value === 'string' ? { country: value } : (value ?? null);
  const country = canonicalCountry(place?.country);
  if (place === null || country === null) return null;
  // A postal code is an address's; anything else is read as a GeoIP location (or the country alone).
  const reading =
    place.postalCode !== undefined && place.postalCode !== null
      ? territoryOfAddress({ country, postalCode: place.postalCode, city: place.city ?? null })
      : territoriesOfGeoIp({
          country,
          subdivisionCode: place.subdivisionCode ?? null,
          subdivision: place.subdivision ?? null,
        });
  const only = reading.territories.length === 1 ? reading.territories[0]! : null;
  return {
    piece: { kind, country, territory: only?.code ?? null },
    reading,
    codes: new Set(reading.territories.map((t) => t.code)),
  };
}

/**
 * Whether telling territories apart changed anything here: a piece places the customer in a part
 * with its own status, or names a country in another's VAT area. Only then do the reasons say how
 * each piece was read; otherwise they read as they did before territories were told apart.
 */
function territoriesMatter(reads: readonly ReadPiece[]): boolean {
  return reads.some(({ piece, reading }) => {
    const [only] = reading.territories;
    return reading.territories.length === 1 && (only!.name !== null || only!.code !== piece.country);
  });
}

function describe(reads: readonly ReadPiece[], annotate: boolean): string {
  return reads
    .map(({ piece, reading }) => {
      const note = annotate && reading.note !== null ? ` (${reading.note})` : '';
      return `${piece.kind} ${piece.country}${note}`;
    })
    .join(', ');
}

function describeExcluded(excluded: readonly ExcludedEvidence[]): string {
  return excluded.map((e) => `${e.kind}${e.country === null ? '' : ` ${e.country}`} (${e.why})`).join(', ');
}

/**
 * @param excluded pieces the caller leaves out, with why; an excluded kind is not counted even if
 *   `evidence` names a country for it.
 */
export function establishVatCountry(
  evidence: VatEvidence,
  options: EvidenceOptions = {},
  excluded: readonly ExcludedEvidence[] = [],
): EvidenceOutcome {
  const outcome = establishFromPieces(evidence, options, new Set(excluded.map((e) => e.kind)));
  if (excluded.length === 0) return { ...outcome, excluded: [] };
  return {
    ...outcome,
    excluded: excluded.map((e) => ({ ...e })),
    reason: `${outcome.reason}; not counted: ${describeExcluded(excluded)}`,
  };
}

interface Candidate {
  territory: VatTerritory;
  supporters: ReadPiece[];
}

/** Two pieces disagree when no territory could be named by both. */
function disagree(a: ReadPiece, b: ReadPiece): boolean {
  for (const code of a.codes) if (b.codes.has(code)) return false;
  return true;
}

/**
 * The territory named by the most pieces. Where several are named by as many, and by the very same
 * pieces, those pieces cannot tell them apart (an IBAN and a phone number of Spain): the country's
 * ordinary territory is meant. Where they are named by different pieces, the evidence is split.
 */
function leaderOf(candidates: readonly Candidate[]): { leader: Candidate; tied: boolean } | null {
  let most = 0;
  for (const c of candidates) most = Math.max(most, c.supporters.length);
  const top = candidates.filter((c) => c.supporters.length === most);
  const first = top[0];
  if (first === undefined) return null;
  const kinds = (c: Candidate) => c.supporters.map((r) => r.piece.kind).join();
  const sameSupporters = top.every((c) => kinds(c) === kinds(first));
  if (!sameSupporters) return { leader: first, tied: true };
  return { leader: top.find((c) => c.territory.name === null) ?? first, tied: false };
}

function establishFromPieces(
  evidence: VatEvidence,
  options: EvidenceOptions,
  leftOut: ReadonlySet<EvidenceKind>,
): Omit<EvidenceOutcome, 'excluded'> {
  const minimumPieces = options.minimumPieces ?? 2;
  const reads: ReadPiece[] = [];
  for (const kind of EVIDENCE_KINDS) {
    const r = leftOut.has(kind) ? null : read(kind, evidence[kind]);
    if (r !== null) reads.push(r);
  }
  const pieces = reads.map((r) => r.piece);

  const byCode = new Map<string, Candidate>();
  for (const r of reads) {
    for (const territory of r.reading.territories) {
      const candidate = byCode.get(territory.code);
      if (candidate === undefined) byCode.set(territory.code, { territory, supporters: [r] });
      else candidate.supporters.push(r);
    }
  }
  const found = leaderOf([...byCode.values()]);
  const annotate = territoriesMatter(reads);

  if (found === null) {
    return {
      country: null,
      territory: null,
      conflict: false,
      pieces,
      supporting: [],
      contradicting: [],
      reason: 'no evidence',
    };
  }
  const { leader, tied } = found;

  if (!tied && leader.supporters.length >= minimumPieces) {
    const supporting = reads.filter((r) => leader.supporters.includes(r));
    const against = reads.filter((r) => !leader.supporters.includes(r));
    const named = describeTerritory(leader.territory);
    const reason =
      against.length === 0
        ? `${named} from ${describe(supporting, annotate)}`
        : `${named} from ${describe(supporting, annotate)}; contradicted by ${describe(against, annotate)}`;
    return {
      country: leader.territory.country,
      territory: leader.territory,
      conflict: against.length > 0,
      pieces,
      supporting: supporting.map((r) => r.piece.kind),
      contradicting: against.map((r) => r.piece.kind),
      reason,
    };
  }

  const contradicting = reads.filter((r) => reads.some((other) => disagree(r, other)));
  const reason = tied
    ? `evidence is split: ${describe(reads, annotate)}`
    : reads.length < minimumPieces
      ? `${minimumPieces} agreeing pieces needed, only ${describe(reads, annotate)} present`
      : `no ${minimumPieces} pieces agree: ${describe(reads, annotate)}`;
  return {
    country: null,
    territory: null,
    conflict: contradicting.length > 0,
    pieces,
    supporting: [],
    contradicting: contradicting.map((r) => r.piece.kind),
    reason,
  };
}
