/**
 * Whether the name VIES holds for a VAT number is the customer's. Implementing Regulation 282/2011,
 * art. 18(1)(a), lets a supplier treat a customer as a business once VIES confirms the number "as well
 * as the name and address associated with it"; a number registered to someone else is the classic way
 * to get a reverse charge one is not entitled to. Names are compared loosely, as registries write them
 * differently ("MUSTER HOSTING GMBH" and "Muster Hosting"): without accents, case, punctuation, legal
 * forms and initials, in any word order, one name's words within the other's, or run together.
 */

export type TraderNameMatch = 'MATCH' | 'MISMATCH' | 'NOT_COMPARED';

// Legal forms and joining words across the member states, as they stand once dots are removed.
const IGNORED = new Set([
  ...['bv', 'nv', 'vof', 'cv', 'cva', 'bvba', 'sprl', 'srl', 'sa', 'sas', 'sasu', 'sarl', 'eurl', 'snc'],
  ...['gmbh', 'ag', 'kg', 'ohg', 'ug', 'ev', 'eg', 'kgaa', 'mbh', 'se'],
  ...['ltd', 'limited', 'llc', 'llp', 'plc', 'inc', 'corp', 'co', 'company'],
  ...['spa', 'sapa', 'scarl', 'sl', 'slu', 'sll', 'lda', 'oy', 'oyj', 'ab', 'as', 'asa', 'aps', 'ivs'],
  ...['sro', 'as', 'kft', 'zrt', 'nyrt', 'bt', 'sp', 'zoo', 'oo', 'doo', 'dd', 'ad', 'ood', 'eood', 'ou'],
  ...['and', 'en', 'und', 'et', 'y', 'e'],
]);

/**
 * Text as registries and customers write it, folded for comparing: no accents, lower case, '&' as a
 * separator, dots and apostrophes dropped ("B.V." is "bv", "'s-Gravenhage" is "s", "gravenhage"), split
 * on everything else that is not a letter or digit. Also used for addresses (trader-address.ts).
 */
export function foldedWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[.'’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function words(name: string): string[] {
  return foldedWords(name).filter((w) => w.length > 1 && !IGNORED.has(w));
}

function sameTrader(a: readonly string[], b: readonly string[]): boolean {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const largeSet = new Set(large);
  const shared = small.filter((w) => largeSet.has(w)).length;
  if (shared === small.length) return true;
  if (shared / new Set([...a, ...b]).size >= 0.5) return true;
  const joinedSmall = small.join('');
  const joinedLarge = large.join('');
  return joinedSmall.length >= 4 && joinedLarge.includes(joinedSmall);
}

/**
 * Compares the name VIES gave (`registered`; null when it withholds it, as several member states do)
 * with the names the customer is known by (company name, own name): MATCH when any of them is the
 * registered trader's, NOT_COMPARED when there is nothing to compare.
 */
export function compareTraderNames(
  registered: string | null,
  declared: readonly (string | null | undefined)[],
): TraderNameMatch {
  const theirs = registered === null ? [] : words(registered);
  const ours = declared.flatMap((name) => (name == null ? [] : [words(name)])).filter((w) => w.length > 0);
  if (theirs.length === 0 || ours.length === 0) return 'NOT_COMPARED';
  return ours.some((name) => sameTrader(name, theirs)) ? 'MATCH' : 'MISMATCH';
}
