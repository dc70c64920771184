/**
 * Whether a VAT number is registered, asked of the EU's VIES service through its REST API
 * (POST {base}/check-vat-number). VIES is often slow or down per member state; scoring sits in the
 * checkout path, so every kind of trouble (timeout, network, HTTP error, unreadable answer, a member
 * state that is unavailable) becomes NOT_VERIFIED with the reason, and nothing here throws for it.
 * A number VIES could not confirm is "not verified", never "valid" (Implementing Regulation 282/2011,
 * art. 18).
 */
import { ConfigError } from '../errors/errors';
import { maskCredentials } from '../config/redact';
import { analyseVatNumber, isEuVatPrefix } from './vat-number';

/**
 * - VERIFIED: VIES says the number is registered
 * - NOT_REGISTERED: VIES answered, and the number is not registered (or not for intra-EU trade)
 * - NOT_VERIFIED: no answer to rely on (off, unavailable, timed out, bad input)
 */
export type VatVerification = 'VERIFIED' | 'NOT_REGISTERED' | 'NOT_VERIFIED';

export interface ViesResult {
  status: VatVerification;
  /** The VAT prefix asked about ('EL' for Greece) and the number without it. */
  countryCode: string;
  vatNumber: string;
  /** As registered; null when VIES withholds it ('---'), which some member states always do. */
  name: string | null;
  address: string | null;
  /** VIES's date of the check, as it sent it. */
  requestDate: string | null;
  /** VIES's consultation number, the proof of the check; only given when a requester is configured. */
  requestIdentifier: string | null;
  /** Why the status is NOT_VERIFIED or NOT_REGISTERED; null when VERIFIED. */
  reason: string | null;
}

export interface VatRegistryCheck {
  /**
   * @param countryCode VAT prefix ('NL', 'EL'); the ISO code 'GR' is accepted for Greece.
   * @param number the number with or without the prefix; separators are removed.
   */
  check(countryCode: string, number: string): Promise<ViesResult>;
}

function notVerified(countryCode: string, vatNumber: string, reason: string): ViesResult {
  return {
    status: 'NOT_VERIFIED',
    countryCode,
    vatNumber,
    name: null,
    address: null,
    requestDate: null,
    requestIdentifier: null,
    reason,
  };
}

function prepare(countryCode: string, number: string): { countryCode: string; vatNumber: string } {
  let prefix = countryCode.trim().toUpperCase();
  if (prefix === 'GR') prefix = 'EL';
  let vatNumber = number.toUpperCase().replace(/[\s.\-/]+/g, '');
  if (vatNumber.startsWith(prefix) || (prefix === 'EL' && vatNumber.startsWith('GR'))) {
    vatNumber = vatNumber.slice(2);
  }
  return { countryCode: prefix, vatNumber };
}

/** Used when no VIES URL is configured: nothing is ever verified, so no reverse charge is ever granted. */
export class DisabledVies implements VatRegistryCheck {
  async check(countryCode: string, number: string): Promise<ViesResult> {
    const request = prepare(countryCode, number);
    return notVerified(request.countryCode, request.vatNumber, 'VIES check is off');
  }
}

export interface ViesClientOptions {
  /** e.g. https://ec.europa.eu/taxation_customs/vies/rest-api (no trailing /check-vat-number). */
  baseUrl: string;
  timeoutMs: number;
  /** Our own VAT number; with it VIES returns a consultation number that proves the check was made. */
  requester?: { countryCode: string; vatNumber: string };
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** What VIES sends back; every field is treated as untrusted. */
interface ViesResponseBody {
  valid?: unknown;
  isValid?: unknown;
  name?: unknown;
  address?: unknown;
  requestDate?: unknown;
  requestIdentifier?: unknown;
  userError?: unknown;
  errorWrappers?: unknown;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '---' ? null : trimmed;
}

/** The error code VIES puts in `errorWrappers[0].error` (HTTP 4xx/5xx answers) or `userError`. */
function viesError(body: ViesResponseBody): string | null {
  if (Array.isArray(body.errorWrappers)) {
    const first: unknown = body.errorWrappers[0];
    if (typeof first === 'object' && first !== null && 'error' in first && typeof first.error === 'string') {
      return first.error;
    }
  }
  // 'VALID' and 'INVALID' are the normal answers, not errors.
  const userError = text(body.userError);
  return userError === null || userError === 'VALID' || userError === 'INVALID' ? null : userError;
}

export class ViesClient implements VatRegistryCheck {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly requester: { countryCode: string; vatNumber: string } | undefined;
  private readonly fetch: typeof fetch;

  constructor(options: ViesClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/check-vat-number`;
    this.timeoutMs = options.timeoutMs;
    this.requester = options.requester;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async check(countryCode: string, number: string): Promise<ViesResult> {
    const request = prepare(countryCode, number);
    const fail = (reason: string) => notVerified(request.countryCode, request.vatNumber, reason);
    // XI (Northern Ireland) is in VIES for trade in goods, though not an EU member state.
    if (!isEuVatPrefix(request.countryCode) && request.countryCode !== 'XI') {
      return fail(`VIES covers EU member states only, not '${request.countryCode}'`);
    }
    if (!/^[A-Z0-9+*]{2,14}$/.test(request.vatNumber)) {
      return fail('not a VAT number VIES could look up');
    }

    const payload: Record<string, string> = {
      countryCode: request.countryCode,
      vatNumber: request.vatNumber,
    };
    if (this.requester !== undefined) {
      payload.requesterMemberStateCode = this.requester.countryCode;
      payload.requesterNumber = this.requester.vatNumber;
    }

    let response: Response;
    let raw: string;
    try {
      response = await this.fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      raw = await response.text();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return fail(`VIES did not answer within ${this.timeoutMs} ms`);
      }
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return fail(`VIES could not be reached${cause}`);
    }

    let body: ViesResponseBody | null = null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        body = parsed as ViesResponseBody;
      }
    } catch {
      body = null;
    }

    const errorCode = body === null ? null : viesError(body);
    if (!response.ok) {
      return fail(`VIES answered HTTP ${response.status}${errorCode === null ? '' : ` (${errorCode})`}`);
    }
    if (body === null) return fail('VIES sent an answer that is not a JSON object');
    // With a userError such as MS_UNAVAILABLE, VIES also sends valid: false; that means "don't know".
    if (errorCode !== null) return fail(`VIES could not check the number (${errorCode})`);
    const valid = typeof body.valid === 'boolean' ? body.valid : body.isValid;
    if (typeof valid !== 'boolean') return fail('VIES sent an answer without a validity');

    return {
      status: valid ? 'VERIFIED' : 'NOT_REGISTERED',
      countryCode: request.countryCode,
      vatNumber: request.vatNumber,
      name: text(body.name),
      address: text(body.address),
      requestDate: text(body.requestDate),
      requestIdentifier: text(body.requestIdentifier),
      reason: valid ? null : 'VIES says the number is not registered for intra-EU trade',
    };
  }
}

export interface ViesConfig {
  /** Absent, null or empty: the check is off (DisabledVies). */
  baseUrl?: string | null;
  /** Default 3000 ms: long enough for a healthy VIES, short enough for a checkout. */
  timeoutMs?: number;
  requester?: { countryCode: string; vatNumber: string };
}

export const DEFAULT_VIES_TIMEOUT_MS = 3000;

/**
 * The requester VIES wants for a consultation number: our own EU VAT number, split into its prefix and
 * the rest; null when the text is no well-formed EU VAT number with a valid check digit.
 */
export function viesRequester(value: string): { countryCode: string; vatNumber: string } | null {
  const analysis = analyseVatNumber(value);
  if (!analysis.isEu || !analysis.formatValid || !analysis.checkDigitValid) return null;
  if (analysis.canonical === null || analysis.prefix === null) return null;
  return { countryCode: analysis.prefix, vatNumber: analysis.canonical.slice(analysis.prefix.length) };
}

/** Off without a URL; a URL or timeout that cannot work is a ConfigError at start-up, not a failed check later. */
export function createVatRegistryCheck(config: ViesConfig = {}): VatRegistryCheck {
  const baseUrl = config.baseUrl?.trim();
  if (!baseUrl) return new DisabledVies();
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new ConfigError(`VIES base URL must be an http(s) URL, got '${maskCredentials(baseUrl)}'`);
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_VIES_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError(`VIES timeout must be a positive whole number of milliseconds, got ${timeoutMs}`);
  }
  return new ViesClient({
    baseUrl,
    timeoutMs,
    ...(config.requester === undefined ? {} : { requester: config.requester }),
  });
}
