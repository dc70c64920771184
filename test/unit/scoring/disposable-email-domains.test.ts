// The disposable-email list: well-known services, subdomains, whole addresses, and no false friends.
import { describe, expect, it } from 'vitest';
import {
  DISPOSABLE_EMAIL_DOMAINS,
  disposableEmailDomainOf,
  isDisposableEmailDomain,
} from '../../../src/scoring/disposable-email-domains';

describe('isDisposableEmailDomain', () => {
  it.each([
    'mailinator.com',
    'guerrillamail.com',
    'sharklasers.com',
    '10minutemail.com',
    'yopmail.com',
    'temp-mail.org',
    'trashmail.com',
    'dispostable.com',
    'maildrop.cc',
    'getnada.com',
    'wegwerpmailadres.nl',
  ])('knows %s', (domain) => {
    expect(isDisposableEmailDomain(domain)).toBe(true);
  });

  it.each([
    'gmail.com',
    'outlook.com',
    'hotmail.com',
    'ziggo.nl',
    'kpnmail.nl',
    'xs4all.nl',
    'proton.me',
    'web.de',
    'example.nl',
  ])('leaves the ordinary provider %s alone', (domain) => {
    expect(isDisposableEmailDomain(domain)).toBe(false);
  });

  it('matches subdomains of a listed domain and names the listed one', () => {
    expect(disposableEmailDomainOf('a.b.mailinator.com')).toBe('mailinator.com');
    expect(disposableEmailDomainOf('inbox.mailinator.co.uk')).toBe('mailinator.co.uk');
  });

  it('takes a whole address, in any case, with a trailing dot or spaces', () => {
    expect(disposableEmailDomainOf('Jan.Jansen@YopMail.com')).toBe('yopmail.com');
    expect(disposableEmailDomainOf(' jan@trashmail.com. ')).toBe('trashmail.com');
    expect(disposableEmailDomainOf('"odd@name"@mailinator.com')).toBe('mailinator.com');
  });

  it('does not match a name that merely contains or extends a listed domain', () => {
    expect(isDisposableEmailDomain('xmailinator.com')).toBe(false);
    expect(isDisposableEmailDomain('mailinator.com.example.nl')).toBe(false);
    expect(isDisposableEmailDomain('com')).toBe(false);
    expect(isDisposableEmailDomain('')).toBe(false);
    expect(isDisposableEmailDomain('jan@')).toBe(false);
  });

  it('holds a few hundred lower-case domain names', () => {
    expect(DISPOSABLE_EMAIL_DOMAINS.size).toBeGreaterThanOrEqual(300);
    for (const domain of DISPOSABLE_EMAIL_DOMAINS) {
      expect(domain).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    }
  });
});
