// Email addresses: trimming, domain case, and what isEmail refuses.
import { describe, expect, it } from 'vitest';
import { emailMailbox, normalizeEmail } from '../../../src/validation/email';
import { expectValidationError } from './expect-validation-error';

describe('normalizeEmail', () => {
  it('trims and lower-cases the domain but keeps the case of the local part', () => {
    expect(normalizeEmail('  Jan.Jansen@Example.NL ', 'email')).toBe('Jan.Jansen@example.nl');
  });

  it('accepts international addresses', () => {
    expect(normalizeEmail('jän@exämple.de', 'email')).toBe('jän@exämple.de');
  });

  it.each([
    'a@b',
    'a@localhost',
    'x@[127.0.0.1]',
    'Jan <jan@x.nl>',
    'jan@ex ample.nl',
    'a..b@x.nl',
    'no-at-sign',
  ])('refuses %j', (value) => {
    expectValidationError(() => normalizeEmail(value, 'email'), 'email', /name@example\.com/);
  });

  it('refuses empty and overlong addresses', () => {
    expectValidationError(() => normalizeEmail('   ', 'email'), 'email', /must not be empty/);
    expectValidationError(() => normalizeEmail(`${'a'.repeat(250)}@x.nl`, 'email'), 'email', /at most 254/);
  });
});

describe('emailMailbox', () => {
  it.each([
    ['name+1@gmail.com', 'name@gmail.com'],
    ['Na.Me+shop@GoogleMail.com', 'name@gmail.com'],
    ['n.a.m.e@gmail.com', 'name@gmail.com'],
    ['Jan.Jansen+order-4@example.nl', 'jan.jansen@example.nl'],
    ['jan.jansen@example.nl', 'jan.jansen@example.nl'],
    ['+tag@example.nl', '+tag@example.nl'],
    ['jan+a+b@example.nl', 'jan@example.nl'],
  ])('reads %j as the mailbox %j', (email, mailbox) => {
    expect(emailMailbox(email)).toBe(mailbox);
  });
});
