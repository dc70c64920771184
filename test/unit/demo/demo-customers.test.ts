// Demo customers: valid, canonical, deterministic, and the promised mix of countries and identifiers.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { DEMO_REFERENCE_DATE, generateDemoCustomers } from '../../../src/demo/demo-customers';
import { analyseVatNumber, isEuCountry } from '../../../src/vat/vat-number';
import { validateCustomerInput } from '../../../src/validation/customer-input';
import { ibanCountry } from '../../../src/validation/iban';

const customers = generateDemoCustomers();

describe('generateDemoCustomers', () => {
  it('makes 50 customers by default, and as many as asked', () => {
    expect(customers).toHaveLength(50);
    expect(generateDemoCustomers(3)).toHaveLength(3);
    expect(generateDemoCustomers(0)).toEqual([]);
  });

  it('passes validation unchanged: every customer is valid and already canonical', () => {
    for (const customer of customers) {
      expect(validateCustomerInput(customer, { partial: false })).toEqual(customer);
    }
  });

  it('gives the same customers for the same seed, and others for another seed', () => {
    expect(generateDemoCustomers(50, 20261125)).toEqual(customers);
    const other = generateDemoCustomers(50, 7);
    expect(other.map((c) => c.email)).not.toEqual(customers.map((c) => c.email));
  });

  it('is mostly Dutch, with Belgian, German and French customers and a few from outside the EU', () => {
    const countries = customers.map((c) => c.address.country);
    const count = (country: string) => countries.filter((c) => c === country).length;
    expect(count('NL')).toBeGreaterThan(customers.length / 3);
    for (const country of ['BE', 'DE', 'FR']) expect(count(country)).toBeGreaterThan(0);
    const outside = countries.filter((c) => !isEuCountry(c));
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.length).toBeLessThan(customers.length / 4);
    expect(new Set(outside).size).toBeGreaterThan(1);
  });

  it('has companies and consumers; Dutch companies carry a KvK number and nobody else does', () => {
    const companies = customers.filter((c) => c.companyName);
    expect(companies.length).toBeGreaterThan(5);
    expect(companies.length).toBeLessThan(customers.length);
    for (const customer of customers) {
      const dutchCompany = Boolean(customer.companyName) && customer.address.country === 'NL';
      expect(Boolean(customer.kvkNumber)).toBe(dutchCompany);
    }
  });

  it('gives companies a VAT number of their own country with a valid check digit, consumers none', () => {
    let checked = 0;
    for (const customer of customers) {
      if (!customer.companyName || customer.address.country === 'US') {
        expect(customer.vatNumber ?? null).toBeNull();
        continue;
      }
      const vat = analyseVatNumber(customer.vatNumber ?? '');
      expect(vat.checkDigitValid).toBe(true);
      expect(vat.country).toBe(customer.address.country);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('gives IBANs of the customer country, and a mobile phone number of that country', () => {
    for (const customer of customers) {
      const { country } = customer.address;
      if (country === 'US') {
        expect(customer.iban).toBeNull();
      } else {
        expect(ibanCountry(customer.iban ?? '')).toBe(country);
        expect(customer.bankName).toBeTruthy();
      }
      const phone = parsePhoneNumberFromString(customer.phone ?? '');
      expect(phone?.isValid()).toBe(true);
      expect(phone?.country).toBe(country);
    }
  });

  it('makes emails on reserved example domains, unique emails and usernames, and passwords long enough', () => {
    const emails = customers.map((c) => c.email);
    expect(new Set(emails).size).toBe(customers.length);
    for (const email of emails) expect(email).toMatch(/@example\.(com|net|org)$/);
    const usernames = customers.map((c) => c.username?.toLowerCase());
    expect(new Set(usernames).size).toBe(customers.length);
    for (const customer of customers) expect((customer.password ?? '').length).toBeGreaterThanOrEqual(12);
  });

  it('gives some customers an ID-card number and a licence plate, not all', () => {
    const withId = customers.filter((c) => c.idCardNumber).length;
    const withPlate = customers.filter((c) => c.licencePlate).length;
    expect(withId).toBeGreaterThan(0);
    expect(withId).toBeLessThan(customers.length);
    expect(withPlate).toBeGreaterThan(0);
    expect(withPlate).toBeLessThan(customers.length);
  });

  it('starts subscriptions within the three years before the reference date; some have ended since', () => {
    const threeYearsBefore = new Date(DEMO_REFERENCE_DATE);
    threeYearsBefore.setUTCFullYear(threeYearsBefore.getUTCFullYear() - 3);
    for (const customer of customers) {
      const start = customer.subscriptionStart?.getTime() ?? Number.NaN;
      expect(start).toBeGreaterThanOrEqual(threeYearsBefore.getTime());
      expect(start).toBeLessThanOrEqual(DEMO_REFERENCE_DATE.getTime());
      if (customer.subscriptionEnd) {
        expect(customer.subscriptionEnd.getTime()).toBeGreaterThanOrEqual(start);
        expect(customer.subscriptionEnd.getTime()).toBeLessThanOrEqual(DEMO_REFERENCE_DATE.getTime());
      }
    }
    const ended = customers.filter((c) => c.subscriptionEnd).length;
    expect(ended).toBeGreaterThan(0);
    expect(ended).toBeLessThan(customers.length / 2);
  });

  it('follows the reference date, so the data does not depend on the day it is made', () => {
    const earlier = new Date('2020-01-01T00:00:00Z');
    for (const customer of generateDemoCustomers(10, 1, earlier)) {
      expect(customer.subscriptionStart?.getTime()).toBeLessThanOrEqual(earlier.getTime());
    }
  });
});
