/**
 * Blind indexes make encrypted fields searchable by exact match (e.g. "find the customer with this
 * email") without storing the plaintext: the column holds a keyed hash, and a lookup hashes the search
 * term the same way. Each kind of value gets its own derived key, so the email index and the phone
 * index of one person cannot be joined, and without the key the hashes cannot be brute-forced offline.
 *
 * Callers must canonicalise values first (trim, lowercase an email, E.164 for a phone, ...): the index
 * only matches byte-identical input, and a stored index cannot be fixed up later without the plaintext.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { ConfigError } from '../errors/errors';

const KEY_BYTES = 32;
// Separates these derived keys from anything else that might one day be derived from the same secret.
const HKDF_SALT = Buffer.from('pfp/blind-index/v1', 'utf8');

export class BlindIndex {
  private readonly masterKey: Buffer;
  private readonly kindKeys = new Map<string, Buffer>();

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new ConfigError(`Blind index key is ${key.length} bytes; expected ${KEY_BYTES}`);
    }
    this.masterKey = Buffer.from(key);
  }

  /**
   * Lowercase hex HMAC-SHA-256 of `kind + '\0' + canonicalValue` under the key derived for `kind`.
   * `kind` names the field (e.g. `customer.email`) and must stay stable, or existing indexes stop matching.
   */
  compute(kind: string, canonicalValue: string): string {
    if (kind === '' || kind.includes('\0')) {
      // A NUL in the kind would make the `kind\0value` message ambiguous.
      throw new TypeError('BlindIndex: kind must be non-empty and contain no NUL character');
    }
    if (canonicalValue === '') {
      // Every empty value would share one index entry and "match" each other.
      throw new TypeError(`BlindIndex: refusing to index an empty value for kind "${kind}"`);
    }
    return createHmac('sha256', this.keyFor(kind)).update(`${kind}\0${canonicalValue}`, 'utf8').digest('hex');
  }

  private keyFor(kind: string): Buffer {
    let key = this.kindKeys.get(kind);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.masterKey, HKDF_SALT, Buffer.from(kind, 'utf8'), KEY_BYTES));
      this.kindKeys.set(kind, key);
    }
    return key;
  }
}
