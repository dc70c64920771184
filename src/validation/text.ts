/**
 * Text as clients send it. Plain text fields (names, street, city, bank name, username): one canonical
 * form so that equal text gives equal blind indexes, and bounds so that nobody stores a novel in a name
 * field. Free text over several lines (notes, summaries, policies), and single-line keys and filter
 * values: the control characters each may not hold.
 */
import { ValidationError } from '../errors/errors';

export interface TextRules {
  /** Inclusive, counted in characters after normalisation. */
  maxLength: number;
  minLength?: number;
}

// Control characters have no business in a name or an address and break CSV exports and logs.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// Text-direction overrides make a name read differently from what it holds ("Trojan Source"), in the
// officer's lists and in exports alike.
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
// Half of a UTF-16 pair without the other: PostgreSQL would store U+FFFD instead, silently.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Zero-width and other format characters: a value of only these looks empty.
const INVISIBLE = /[\p{Cf}\s]/gu;

/**
 * Canonical text: Unicode NFC (a composed and a decomposed 'é' must index alike), trimmed, inner
 * whitespace collapsed to single spaces.
 */
export function normalizeText(value: string, field: string, rules: TextRules): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (LONE_SURROGATE.test(value)) throw new ValidationError(field, 'is not valid Unicode text');
  const text = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  // Counted in characters as a person sees them (code points), not UTF-16 units: an emoji is one.
  const length = [...text].length;
  const minLength = rules.minLength ?? 1;
  if (text.replace(INVISIBLE, '').length === 0) throw new ValidationError(field, 'must not be empty');
  if (length < minLength) throw new ValidationError(field, `must be at least ${minLength} characters`);
  if (length > rules.maxLength) {
    throw new ValidationError(field, `must be at most ${rules.maxLength} characters`);
  }
  if (CONTROL_CHARACTERS.test(text)) throw new ValidationError(field, 'must not contain control characters');
  if (DIRECTION_CONTROLS.test(text)) {
    throw new ValidationError(field, 'must not contain text-direction control characters');
  }
  return text;
}

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE_AND_TAB = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * Free text that may run over several lines (a summary, an outcome, a policy): NFC, trimmed, line ends
 * as '\n', and bounded; unlike names its inner whitespace is kept because it carries layout.
 */
export function requireLongText(value: string, field: string, maxLength: number, minLength = 1): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  const text = value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (text.length === 0) throw new ValidationError(field, 'must not be empty');
  if (text.length < minLength) throw new ValidationError(field, `must be at least ${minLength} characters`);
  if (text.length > maxLength) throw new ValidationError(field, `must be at most ${maxLength} characters`);
  if (CONTROL_EXCEPT_NEWLINE_AND_TAB.test(text)) {
    throw new ValidationError(field, 'must not contain control characters');
  }
  return text;
}

// One line of text a client sends as a key or filter value: no control characters at all.
// eslint-disable-next-line no-control-regex
const SINGLE_LINE_CONTROL_CHARACTERS = /[\u0000-\u001F\u007F]/;

/** Refuses any control character, line breaks and tabs included (keys, filter values). */
export function assertSingleLine(value: string, field: string): void {
  if (SINGLE_LINE_CONTROL_CHARACTERS.test(value)) {
    throw new ValidationError(field, 'must not contain control characters');
  }
}

/** Reject oversized input before any library parses it. */
export function assertMaxLength(value: string, field: string, maxLength: number): void {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > maxLength) throw new ValidationError(field, `must be at most ${maxLength} characters`);
}
