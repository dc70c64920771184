/**
 * What a configuration error may show of a value. The operator needs to see what was wrong, but the
 * message lands in terminals, logs and CI output, so a secret must never appear in it: the value of a
 * variable that holds a secret (a key, a password, a token) is not shown at all, and in any other value
 * whatever looks like the password of a URL (`user:password@`, a `password=` parameter) is masked. A
 * value is shown because it is malformed, so the masking does not rely on it parsing as a URL.
 */

const MASK = '***';
const SECRET_VARIABLE = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/*/;
const SECRET_PARAMETER = /([?&;][^=&;#]*(?:password|secret|token|key)[^=&;#]*=)[^&;#]*/gi;

/** A variable's value as an error message may show it. */
export function shownValue(name: string, value: string): string {
  return SECRET_VARIABLE.test(name) ? '<hidden>' : maskCredentials(value);
}

/**
 * The value with a URL's password masked. The user information is taken to run up to the last `@`: a
 * password may hold an unencoded `/`, `?` or `@` in a malformed URL, and masking too much is harmless.
 * User information without a colon may itself be a token, so all of it is masked.
 */
export function maskCredentials(value: string): string {
  let masked = value;
  const at = masked.lastIndexOf('@');
  if (at >= 0) {
    const scheme = SCHEME.exec(masked)?.[0] ?? '';
    const userInfo = masked.slice(scheme.length, at);
    const colon = userInfo.indexOf(':');
    const shownUser = colon >= 0 ? `${userInfo.slice(0, colon)}:${MASK}` : MASK;
    masked = `${scheme}${shownUser}${masked.slice(at)}`;
  }
  return masked.replace(SECRET_PARAMETER, `$1${MASK}`);
}
