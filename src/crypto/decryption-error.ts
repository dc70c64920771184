/**
 * The one error a stored ciphertext can produce when it cannot be turned back into plaintext: tampered,
 * bound to another row or field, written under a key that is no longer configured, or simply malformed.
 * It deliberately carries no plaintext, AAD or key material, only what helps an operator find the value.
 */

export class DecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecryptionError';
  }
}
