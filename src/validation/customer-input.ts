/**
 * The customer as it arrives from a client or an import, and its validation as a whole: every field
 * normalised to its canonical form (the form that is stored and blind-indexed), and every bad field
 * reported at once in one InputValidationError. Field names are the input's own, with dot paths
 * (`address.country`). The password is checked for length only and never appears in a message.
 */
import { ValidationError } from '../errors/errors';
import { normalizeCountry } from './country';
import { normalizeEmail } from './email';
import { normalizeIban } from './iban';
import { normalizeIdCardNumber } from './id-card-number';
import { fieldMessage, InputValidationError, type FieldError } from './input-validation-error';
import { normalizeKvk } from './kvk-number';
import { normalizeLicencePlate } from './licence-plate';
import { normalizePhone } from './phone';
import { normalizePostalCode } from './postal-code';
import { normalizeText } from './text';
import { normalizeVatNumber } from './vat-number';

export interface CustomerAddressInput {
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface CustomerInput {
  companyName?: string | null;
  kvkNumber?: string | null;
  vatNumber?: string | null;
  name: string;
  address: CustomerAddressInput;
  phone?: string | null;
  email: string;
  bankName?: string | null;
  iban?: string | null;
  idCardNumber?: string | null;
  licencePlate?: string | null;
  username?: string | null;
  password?: string | null;
  mailingOptOut?: boolean;
  subscriptionStart?: Date;
  subscriptionEnd?: Date | null;
}

/**
 * An update: any field may be left out. `null` clears an optional field; for a required one it is an
 * error. The address is replaced as a whole, so when present it needs all four parts (a postal code
 * cannot be checked without its country).
 */
export type CustomerInputPatch = { [K in keyof CustomerInput]?: CustomerInput[K] | null };

export interface ValidateCustomerOptions {
  partial: boolean;
}

/** Upper bounds in characters, after normalisation; names and address lines must also be non-empty. */
export const CUSTOMER_TEXT_LIMITS = {
  companyName: 200,
  name: 200,
  street: 200,
  city: 100,
  bankName: 100,
  username: 64,
} as const;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
const USERNAME_MIN_LENGTH = 3;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: FieldError };

function attempt<T>(normalize: () => T): Outcome<T> {
  try {
    return { ok: true, value: normalize() };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { ok: false, error: { field: error.field, message: fieldMessage(error) } };
    }
    throw error;
  }
}

function normalizeUsername(value: string, field: string): string {
  const username = normalizeText(value, field, {
    minLength: USERNAME_MIN_LENGTH,
    maxLength: CUSTOMER_TEXT_LIMITS.username,
  });
  if (!/^[\p{L}\p{N}._@+-]+$/u.test(username)) {
    throw new ValidationError(field, 'may contain only letters, digits and . _ @ + -');
  }
  return username;
}

function checkPassword(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  // Counted in code points, as a person counts; the value itself is never repeated back.
  const length = [...value].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new ValidationError(field, `must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new ValidationError(field, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  return value;
}

// A subscription date outside these years is a typing error (or a probe), not a contract.
const EARLIEST_SUBSCRIPTION_DATE = Date.UTC(1970, 0, 1);
const LATEST_SUBSCRIPTION_DATE = Date.UTC(2100, 0, 1);

function checkDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(field, 'must be a valid date');
  }
  if (value.getTime() < EARLIEST_SUBSCRIPTION_DATE || value.getTime() >= LATEST_SUBSCRIPTION_DATE) {
    throw new ValidationError(field, 'must lie between 1970 and 2100');
  }
  return new Date(value.getTime());
}

function checkBoolean(value: boolean, field: string): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false');
  return value;
}

function isBlankString(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === '';
}

/** Full input: the required fields must be there. */
export function validateCustomerInput(input: CustomerInput, options: { partial: false }): CustomerInput;
/** An update (`partial: true`): only the fields present are checked and returned. */
export function validateCustomerInput(
  input: CustomerInputPatch,
  options: { partial: true },
): CustomerInputPatch;
export function validateCustomerInput(
  input: CustomerInputPatch,
  options: ValidateCustomerOptions,
): CustomerInputPatch;
export function validateCustomerInput(
  input: CustomerInputPatch,
  options: ValidateCustomerOptions,
): CustomerInputPatch {
  const errors: FieldError[] = [];
  const output: Record<string, unknown> = {};
  const source = input as Record<string, unknown>;

  /**
   * One top-level field. Absent: an error only for a required field in a full input. Null (and blank
   * text where `blankIsNull`): "none" for a nullable field, an error otherwise.
   */
  const check = <T>(
    key: keyof CustomerInput,
    normalize: (value: never, field: string) => T,
    rule: { required?: boolean; nullable?: boolean; blankIsNull?: boolean; nullMessage?: string },
  ): void => {
    const value = source[key];
    if (value === undefined) {
      if (rule.required && !options.partial) errors.push({ field: key, message: 'is required' });
      return;
    }
    if (value === null || (rule.blankIsNull && isBlankString(value))) {
      if (rule.nullable) output[key] = null;
      else if (rule.required) {
        errors.push({ field: key, message: options.partial ? 'cannot be removed' : 'is required' });
      } else errors.push({ field: key, message: rule.nullMessage ?? 'cannot be removed' });
      return;
    }
    const outcome = attempt(() => normalize(value as never, key));
    if (outcome.ok) output[key] = outcome.value;
    else errors.push(outcome.error);
  };
  const required = { required: true };
  const optional = { nullable: true, blankIsNull: true };

  const text =
    (maxLength: number) =>
    (value: string, field: string): string =>
      normalizeText(value, field, { maxLength });

  check('companyName', text(CUSTOMER_TEXT_LIMITS.companyName), optional);
  check('kvkNumber', normalizeKvk, optional);
  check('vatNumber', (value: string, field) => normalizeVatNumber(value, field).canonical, optional);
  check('name', text(CUSTOMER_TEXT_LIMITS.name), required);

  // The address country decides the postal-code format and the phone's default country.
  let country: string | null = null;
  const address = source.address;
  if (address === undefined && !options.partial) {
    errors.push({ field: 'address', message: 'is required' });
  } else if (address === null) {
    errors.push({ field: 'address', message: options.partial ? 'cannot be removed' : 'is required' });
  } else if (address !== undefined && (typeof address !== 'object' || Array.isArray(address))) {
    errors.push({ field: 'address', message: 'must be an object with street, postalCode, city and country' });
  } else if (address !== undefined) {
    const parts = address as Record<string, unknown>;
    const addressOut: Record<string, string> = {};
    const addressErrors: FieldError[] = [];
    const part = (key: keyof CustomerAddressInput, normalize: (value: string, field: string) => string) => {
      const field = `address.${key}`;
      const value = parts[key];
      if (value === undefined || value === null) {
        addressErrors.push({ field, message: 'is required' });
        return;
      }
      const outcome = attempt(() => normalize(value as string, field));
      if (outcome.ok) addressOut[key] = outcome.value;
      else addressErrors.push(outcome.error);
    };
    part('country', normalizeCountry);
    country = addressOut.country ?? null;
    const countryErrors = addressErrors.splice(0);
    part('street', text(CUSTOMER_TEXT_LIMITS.street));
    part('postalCode', (value, field) =>
      // Without a valid country only the generic shape can be checked; the country error says why.
      normalizePostalCode(value, country ?? '', field),
    );
    part('city', text(CUSTOMER_TEXT_LIMITS.city));
    errors.push(...addressErrors, ...countryErrors);
    if (addressErrors.length === 0 && countryErrors.length === 0) {
      output.address = {
        street: addressOut.street,
        postalCode: addressOut.postalCode,
        city: addressOut.city,
        country: addressOut.country,
      };
    }
  }

  check('phone', (value: string, field) => normalizePhone(value, field, country).e164, optional);
  check('email', normalizeEmail, required);
  check('bankName', text(CUSTOMER_TEXT_LIMITS.bankName), optional);
  check('iban', normalizeIban, optional);
  check('idCardNumber', normalizeIdCardNumber, optional);
  check('licencePlate', normalizeLicencePlate, optional);
  check('username', normalizeUsername, optional);
  // A password of spaces is still a password to check, not "no password".
  check('password', checkPassword, { nullable: true });
  check('mailingOptOut', checkBoolean, { nullMessage: 'must be true or false' });
  check('subscriptionStart', checkDate, {});
  check('subscriptionEnd', checkDate, { nullable: true });

  const start = output.subscriptionStart;
  const end = output.subscriptionEnd;
  if (start instanceof Date && end instanceof Date && end.getTime() < start.getTime()) {
    errors.push({ field: 'subscriptionEnd', message: 'must not be before subscriptionStart' });
  }

  if (errors.length > 0) throw new InputValidationError(errors);
  return output as CustomerInputPatch;
}
