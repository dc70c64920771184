/**
 * The one byte form of an audit event that gets hashed into the log. The sealer and every verifier must
 * produce the same bytes from the same event, possibly years apart and in different programs, so the
 * form is deterministic JSON, UTF-8:
 *
 *  - object keys sorted recursively, by UTF-16 code units (the order of RFC 8785 / JCS);
 *  - no whitespace; strings and numbers written as JSON.stringify writes them;
 *  - Date as its ISO-8601 string, objects with toJSON() as what it returns;
 *  - undefined properties omitted, null kept, undefined array slots written as null.
 *
 * The rule behind the last three points: the bytes of an event equal the bytes of
 * JSON.parse(JSON.stringify(event)), so a verifier holding only the stored JSON recomputes the same leaf
 * hash as the sealer that held the live object. For plain JSON values the output is RFC 8785 (JCS).
 * Values that JSON.stringify would silently drop or alter (NaN, Infinity, bigint, functions, symbols,
 * Map, Set, class instances, cycles, invalid dates) are refused instead: an audit record must not lose
 * data without anyone noticing.
 */
import { leafHashUtf8 } from './merkle';

/** A value that has no faithful canonical form; `path` says where it is, like "$.subject.ids[2]". */
export class CanonicalEventError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot canonicalise event at ${path}: ${reason}`);
    this.name = new.target.name;
  }
}

export function canonicalEventBytes(event: Record<string, unknown>): Buffer {
  return Buffer.from(canonicalEventJson(event), 'utf8');
}

/** The canonical form as a string, e.g. for storing next to the event. */
export function canonicalEventJson(event: Record<string, unknown>): string {
  const walk: Walk = { path: [], ancestors: [] };
  if (!isPlainObject(event)) fail(walk, `an event must be a plain object, found ${kindOf(event)}`);
  return serialise(event, walk);
}

/** leafHash(canonicalEventBytes(event)): the sealer and the verifiers use this, so they cannot drift. */
export function eventLeafHash(event: Record<string, unknown>): Buffer {
  return leafHashUtf8(canonicalEventJson(event));
}

/**
 * Where the serialiser is. The path is kept as a stack of keys and only turned into text when something
 * is refused: building "$.a.b[2]" for every value would cost more than the serialising.
 */
interface Walk {
  readonly path: Array<string | number>;
  /** Objects being serialised above the current value, to tell a cycle from a shared reference. */
  readonly ancestors: object[];
}

function fail(walk: Walk, reason: string): never {
  const path = walk.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');
  throw new CanonicalEventError(`$${path}`, reason);
}

function serialise(value: unknown, walk: Walk): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : fail(walk, `${value} has no JSON form`);
    case 'object':
      return value === null ? 'null' : serialiseObject(value, walk);
    default:
      return fail(walk, `${typeof value} has no JSON form`);
  }
}

function serialiseObject(value: object, walk: Walk): string {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? fail(walk, 'invalid Date') : JSON.stringify(value.toISOString());
  }
  if (walk.ancestors.includes(value)) fail(walk, 'circular reference');
  walk.ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) text = serialiseArray(value, walk);
  else if (hasToJSON(value)) text = serialise(value.toJSON(), walk);
  else if (isPlainObject(value)) text = serialiseRecord(value, walk);
  else return fail(walk, `${kindOf(value)} has no faithful JSON form; convert it first`);
  // On a refusal the walk is abandoned, so the stacks are only unwound on success.
  walk.ancestors.pop();
  return text;
}

function serialiseArray(items: readonly unknown[], walk: Walk): string {
  let text = '[';
  // An index loop, not map(): map skips holes, which JSON.stringify writes as null.
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    walk.path.push(i);
    text += (i === 0 ? '' : ',') + (item === undefined ? 'null' : serialise(item, walk));
    walk.path.pop();
  }
  return `${text}]`;
}

function serialiseRecord(record: Record<string, unknown>, walk: Walk): string {
  let text = '{';
  // Default sort compares UTF-16 code units, which is the order JCS prescribes.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    walk.path.push(key);
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${serialise(item, walk)}`;
    walk.path.pop();
  }
  return `${text}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name.length > 0 ? `a ${name}` : 'an object';
}
