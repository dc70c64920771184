/**
 * Input validation: one normaliser per kind of value, each returning the canonical form that is stored
 * and blind-indexed, or throwing a ValidationError that names the field; and the whole-customer check.
 */
export { normalizeCountry, isCountryCode } from './country';
export {
  validateCustomerInput,
  CUSTOMER_TEXT_LIMITS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type CustomerAddressInput,
  type CustomerInput,
  type CustomerInputPatch,
  type ValidateCustomerOptions,
} from './customer-input';
export { emailMailbox, normalizeEmail, EMAIL_MAX_LENGTH } from './email';
export { normalizeIban, ibanCountry } from './iban';
export { normalizeIdCardNumber } from './id-card-number';
export { InputValidationError, type FieldError } from './input-validation-error';
export { normalizeKvk } from './kvk-number';
export { normalizeLicencePlate } from './licence-plate';
export { normalizePhone, type NormalizedPhone } from './phone';
export { normalizePostalCode } from './postal-code';
export { assertSingleLine, normalizeText, requireLongText, type TextRules } from './text';
export { normalizeVatNumber, type NormalizedVatNumber } from './vat-number';
