/**
 * What the order system sends to `scoreOrder`, checked and normalised before anything is looked up or
 * stored. The VAT number is kept as given: a malformed one is a fraud signal, not an input error. Every
 * other bad value is a BAD_USER_INPUT naming its field.
 */
import { parseIp, type ParsedIp } from '../../geo/ip-classify';
import { ValidationError } from '../errors/errors';
import {
  assertSingleLine,
  normalizeCountry,
  normalizeEmail,
  normalizeIban,
  normalizePhone,
  normalizePostalCode,
  normalizeText,
  validateCustomerInput,
  type CustomerInput,
} from '../validation';

export interface ScoreOrderAddress {
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface ScoreOrderItem {
  product: string;
  tld?: string | null;
  amountCents: number;
}

export interface ScoreOrderRequest {
  idempotencyKey: string;
  customerId?: string | null;
  customer?: CustomerInput | null;
  ipAddress: string;
  billingAddress: ScoreOrderAddress;
  vatNumber?: string | null;
  iban?: string | null;
  phone?: string | null;
  email?: string | null;
  items: ScoreOrderItem[];
  currency: string;
}

export interface NormalisedOrder {
  idempotencyKey: string;
  customerId: string | null;
  customer: CustomerInput | null;
  ip: ParsedIp;
  ipText: string;
  billingAddress: ScoreOrderAddress;
  vatNumber: string | null;
  iban: string | null;
  /**
   * `country` only when the number carries its country code; a number in national format ('06 ...') is
   * read under the billing country, so its country would be the billing country over again: null
   * (unknown), and `national` says why. It is still validated and stored as read.
   */
  phone: { e164: string; country: string | null; national: boolean } | null;
  email: string | null;
  items: { product: string; tld: string | null; amountCents: number }[];
  amountCents: number;
  currency: string;
}

const MAX_ITEMS = 50;
/** An order's total must fit the API's Int (32 bits), or every list that shows the order fails. */
const MAX_TOTAL_CENTS = 2_147_483_647;
/** ISO 4217 codes as the runtime's ICU knows them (current currencies; not 'XYZ'). */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function normaliseOrder(input: ScoreOrderRequest): NormalisedOrder {
  const key = input.idempotencyKey.trim();
  if (key.length === 0 || key.length > 200)
    throw new ValidationError('idempotencyKey', 'must be 1 to 200 characters');
  assertSingleLine(key, 'idempotencyKey');
  const hasId = input.customerId != null;
  const hasDetails = input.customer != null;
  if (hasId === hasDetails) {
    throw new ValidationError(
      'customerId',
      'give either customerId (an existing customer) or customer (a first order), not both or neither',
    );
  }
  const ip = parseIp(input.ipAddress, 'ipAddress');
  const country = normalizeCountry(input.billingAddress.country, 'billingAddress.country');
  const billingAddress = {
    street: normalizeText(input.billingAddress.street, 'billingAddress.street', {
      maxLength: 200,
      minLength: 1,
    }),
    postalCode: normalizePostalCode(input.billingAddress.postalCode, country, 'billingAddress.postalCode'),
    city: normalizeText(input.billingAddress.city, 'billingAddress.city', { maxLength: 100, minLength: 1 }),
    country,
  };
  if (input.items.length === 0 || input.items.length > MAX_ITEMS) {
    throw new ValidationError('items', `must hold 1 to ${MAX_ITEMS} items`);
  }
  const items = input.items.map((item, i) => {
    const product = normalizeText(item.product, `items.${i}.product`, { maxLength: 100, minLength: 1 });
    const tld = item.tld == null ? null : item.tld.trim().toLowerCase().replace(/^\./, '');
    if (tld !== null && !/^[a-z0-9-]{2,63}$/.test(tld))
      throw new ValidationError(`items.${i}.tld`, 'is not a top-level domain like nl or com');
    if (!Number.isSafeInteger(item.amountCents) || item.amountCents < 0) {
      throw new ValidationError(`items.${i}.amountCents`, 'must be a whole number of cents, 0 or more');
    }
    return { product, tld, amountCents: item.amountCents };
  });
  const amountCents = items.reduce((sum, item) => sum + item.amountCents, 0);
  if (amountCents > MAX_TOTAL_CENTS) {
    throw new ValidationError('items', `must total at most ${MAX_TOTAL_CENTS} cents; split the order`);
  }
  const currency = input.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !CURRENCIES.has(currency))
    throw new ValidationError('currency', 'must be an ISO 4217 currency code such as EUR');
  const vatNumber =
    input.vatNumber == null || input.vatNumber.trim() === '' ? null : input.vatNumber.trim().slice(0, 40);
  return {
    idempotencyKey: key,
    customerId: input.customerId ?? null,
    customer: hasDetails ? validateCustomerInput(input.customer!, { partial: false }) : null,
    ip,
    ipText: ip.address,
    billingAddress,
    vatNumber,
    iban: input.iban == null || input.iban.trim() === '' ? null : normalizeIban(input.iban, 'iban'),
    phone: input.phone == null || input.phone.trim() === '' ? null : orderPhone(input.phone, country),
    email: input.email == null || input.email.trim() === '' ? null : normalizeEmail(input.email, 'email'),
    items,
    amountCents,
    currency,
  };
}

function orderPhone(value: string, billingCountry: string): NonNullable<NormalisedOrder['phone']> {
  const phone = normalizePhone(value, 'phone', billingCountry);
  return {
    e164: phone.e164,
    country: phone.international ? phone.country : null,
    national: !phone.international,
  };
}
