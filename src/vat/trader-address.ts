/**
 * Whether the address VIES holds for a VAT number lies where the customer's billing address does.
 * Implementing Regulation 282/2011, art. 18(1)(a), has the supplier confirm a business customer's VAT
 * number "as well as the name and address associated with it". The name decides (trader-name.ts); the
 * address is only a signal, because a registered seat and a billing address differ for ordinary
 * reasons (an accounts department, a branch, a move not yet registered). So the comparison asks little
 * and is meant to catch a number registered somewhere else entirely: it MATCHes when the billing
 * postal code or the billing city appears in VIES's address, which is one line of free text whose
 * layout differs per member state ("KERKSTRAAT 00001 1234AB AMSTERDAM", "L-1234 LUXEMBOURG").
 */
import { foldedWords } from './trader-name';

export type TraderAddressMatch = 'MATCH' | 'MISMATCH' | 'NOT_COMPARED';

export interface DeclaredPlace {
  postalCode: string | null;
  city: string | null;
}

/**
 * The postal code as it may stand in an address, without spaces or dashes; also without a short letter
 * prefix such as "L-" or "AT-", which some write and others leave out. Codes of fewer than three
 * characters say too little to compare.
 */
function postalForms(postalCode: string | null): string[] {
  const words = postalCode === null ? [] : foldedWords(postalCode);
  const forms = [words.join('')];
  const [first, ...rest] = words;
  if (first !== undefined && rest.length > 0 && /^\p{L}{1,2}$/u.test(first)) forms.push(rest.join(''));
  return forms.filter((form) => form.length >= 3);
}

/** A postal code may be split over two words of the address ("1234 AB", "1000-001", "D02 X285"). */
function containsPostalCode(address: readonly string[], forms: readonly string[]): boolean {
  return address.some(
    (word, i) => forms.includes(word) || (i + 1 < address.length && forms.includes(word + address[i + 1])),
  );
}

/** Every word of the city, or its longest word if that is telling enough ("Frankfurt am Main"). */
function containsCity(address: readonly string[], city: readonly string[]): boolean {
  const words = new Set(address);
  if (city.every((w) => words.has(w))) return true;
  const longest = city.reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest.length >= 4 && words.has(longest);
}

/**
 * Compares the address VIES gave (`registered`; null when it withholds it, as Germany and Spain do)
 * with the billing address's postal code and city: NOT_COMPARED when either side has nothing to compare.
 */
export function compareTraderAddress(registered: string | null, declared: DeclaredPlace): TraderAddressMatch {
  const address = registered === null ? [] : foldedWords(registered);
  const postal = postalForms(declared.postalCode);
  // One-letter words ("s" of 's-Gravenhage) are not part of how the city is written everywhere.
  const city = declared.city === null ? [] : foldedWords(declared.city).filter((w) => w.length > 1);
  if (address.length === 0 || (postal.length === 0 && city.length === 0)) return 'NOT_COMPARED';
  const found =
    (postal.length > 0 && containsPostalCode(address, postal)) ||
    (city.length > 0 && containsCity(address, city));
  return found ? 'MATCH' : 'MISMATCH';
}
