/**
 * Where a consumer is, for VAT on electronically supplied services (hosting): the supplier must hold two
 * non-contradictory pieces of evidence of the customer's country (Implementing Regulation 282/2011,
 * art. 24b(d) with the list of evidence in art. 24f): billing address, IP address, bank, phone.
 *
 * The rule applied here, since the regulation does not spell out what a third, disagreeing piece does:
 *
 * - The country is the one named by the most pieces, provided that is at least two (or `minimumPieces`)
 *   and no other country is named by as many. Two agreeing pieces are two non-contradictory pieces; a
 *   third piece naming another country does not undo them.
 * - That disagreeing piece is not ignored either: it is listed in `contradicting` and `conflict` is true,
 *   so the order shows up in the finance team's mismatch report and can be reviewed.
 * - A tie (NL, NL against DE, DE) or pieces that all disagree establish no country (`country: null`,
 *   `conflict: true`); one piece alone establishes none unless `minimumPieces` is 1 (the small-supplier
 *   rule of art. 24f, second paragraph, which the caller must know applies).
 * - A piece is evidence of where the customer is only when it is about the customer. The caller leaves
 *   out what is not (a phone number without its country code, whose country would only echo the billing
 *   address it was read under; an IP address of a hosting provider, VPN, proxy or Tor, which says where
 *   a server is) and names it in `excluded` with why, so the outcome shows what was not counted.
 */

export const EVIDENCE_KINDS = ['billingCountry', 'ipCountry', 'bankCountry', 'phoneCountry'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Each piece is an ISO 3166-1 alpha-2 code, or null/absent when that evidence is missing. */
export type VatEvidence = Partial<Record<EvidenceKind, string | null>>;

export interface EvidencePiece {
  kind: EvidenceKind;
  country: string;
}

/** A piece that was at hand but is not evidence of where the customer is, and why. */
export interface ExcludedEvidence {
  kind: EvidenceKind;
  /** The country it would have named; null when it names none of its own (a national phone number). */
  country: string | null;
  why: string;
}

export interface EvidenceOutcome {
  /** The established country, or null when the evidence does not establish one. */
  country: string | null;
  /** True when any piece names another country than the rest, even if a country was established. */
  conflict: boolean;
  /** The pieces that were present, in the order of EVIDENCE_KINDS. */
  pieces: EvidencePiece[];
  /** Kinds naming the established country (empty when none was established). */
  supporting: EvidenceKind[];
  /** Kinds naming another country than the established one; with no country established, every kind
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

function describe(pieces: readonly EvidencePiece[]): string {
  return pieces.map((p) => `${p.kind} ${p.country}`).join(', ');
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

function establishFromPieces(
  evidence: VatEvidence,
  options: EvidenceOptions,
  leftOut: ReadonlySet<EvidenceKind>,
): Omit<EvidenceOutcome, 'excluded'> {
  const minimumPieces = options.minimumPieces ?? 2;
  const pieces: EvidencePiece[] = [];
  for (const kind of EVIDENCE_KINDS) {
    const country = canonicalCountry(evidence[kind]);
    if (country !== null && !leftOut.has(kind)) pieces.push({ kind, country });
  }

  const counts = new Map<string, number>();
  for (const piece of pieces) counts.set(piece.country, (counts.get(piece.country) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [top, runnerUp] = ranked;
  const conflict = counts.size > 1;

  if (top === undefined) {
    return {
      country: null,
      conflict: false,
      pieces,
      supporting: [],
      contradicting: [],
      reason: 'no evidence',
    };
  }
  const [leader, leaderCount] = top;
  const tied = runnerUp !== undefined && runnerUp[1] === leaderCount;

  if (!tied && leaderCount >= minimumPieces) {
    const supporting = pieces.filter((p) => p.country === leader);
    const against = pieces.filter((p) => p.country !== leader);
    const reason =
      against.length === 0
        ? `${leader} from ${describe(supporting)}`
        : `${leader} from ${describe(supporting)}; contradicted by ${describe(against)}`;
    return {
      country: leader,
      conflict,
      pieces,
      supporting: supporting.map((p) => p.kind),
      contradicting: against.map((p) => p.kind),
      reason,
    };
  }

  const reason = tied
    ? `evidence is split: ${describe(pieces)}`
    : pieces.length < minimumPieces
      ? `${minimumPieces} agreeing pieces needed, only ${describe(pieces)} present`
      : `no ${minimumPieces} pieces agree: ${describe(pieces)}`;
  return {
    country: null,
    conflict,
    pieces,
    supporting: [],
    contradicting: conflict ? pieces.map((p) => p.kind) : [],
    reason,
  };
}
