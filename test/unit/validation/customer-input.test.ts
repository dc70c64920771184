// The whole customer: canonical output, all field errors at once, and the partial (update) mode.
import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../../src/errors/errors';
import { validateCustomerInput, type CustomerInput } from '../../../src/validation/customer-input';
import { InputValidationError } from '../../../src/validation/input-validation-error';

function validCustomer(): CustomerInput {
  return {
    companyName: '  Voorbeeld  Hosting B.V. ',
    kvkNumber: '1234 5678',
    vatNumber: 'nl 0100.00446 b01',
    name: 'Jan  Jansen',
    address: { street: 'Damrak 1', postalCode: '1012lg', city: 'Amsterdam', country: 'nl' },
    phone: '06-12345678',
    email: 'Jan.Jansen@Example.NL',
    bankName: 'ABN AMRO',
    iban: 'nl91 abna 0417 1643 00',
    idCardNumber: 'ixh0ixh01',
    licencePlate: 'ab 123 c',
    username: 'jan.jansen',
    password: 'correct horse battery',
    mailingOptOut: false,
    subscriptionStart: new Date('2024-01-01T00:00:00Z'),
    subscriptionEnd: null,
  };
}

function errorOf(run: () => unknown): InputValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputValidationError) return error;
    throw error;
  }
  throw new Error('expected an InputValidationError');
}

describe('validateCustomerInput, full', () => {
  it('returns every field in its canonical form', () => {
    expect(validateCustomerInput(validCustomer(), { partial: false })).toEqual({
      companyName: 'Voorbeeld Hosting B.V.',
      kvkNumber: '12345678',
      vatNumber: 'NL010000446B01',
      name: 'Jan Jansen',
      address: { street: 'Damrak 1', postalCode: '1012 LG', city: 'Amsterdam', country: 'NL' },
      phone: '+31612345678',
      email: 'Jan.Jansen@example.nl',
      bankName: 'ABN AMRO',
      iban: 'NL91ABNA0417164300',
      idCardNumber: 'IXH0IXH01',
      licencePlate: 'AB-123-C',
      username: 'jan.jansen',
      password: 'correct horse battery',
      mailingOptOut: false,
      subscriptionStart: new Date('2024-01-01T00:00:00Z'),
      subscriptionEnd: null,
    });
  });

  it('accepts the minimum: name, address and email; blank optional text becomes null', () => {
    const input: CustomerInput = {
      name: 'Jan',
      address: { street: 'Damrak 1', postalCode: '1012 LG', city: 'Amsterdam', country: 'NL' },
      email: 'jan@example.nl',
      phone: '  ',
    };
    expect(validateCustomerInput(input, { partial: false })).toEqual({ ...input, phone: null });
  });

  it('reports every bad field at once, with dot paths, as one BAD_USER_INPUT error', () => {
    const input = validCustomer();
    input.iban = 'NL91ABNA0517164300';
    input.email = 'not an email';
    input.address = { ...input.address, country: 'UK', postalCode: '' };
    input.kvkNumber = '1234';
    const error = errorOf(() => validateCustomerInput(input, { partial: false }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe(ErrorCode.BadUserInput);
    // Without a valid country the national phone number cannot be read either, and says so.
    expect(error.fields.map((f) => f.field)).toEqual([
      'kvkNumber',
      'address.postalCode',
      'address.country',
      'phone',
      'email',
      'iban',
    ]);
    expect(error.fields.find((f) => f.field === 'address.country')?.message).toMatch(/use GB/);
    expect(error.field).toBe('kvkNumber');
    expect(error.details.fields).toEqual(error.fields);
    expect(error.message).toMatch(/and 5 more: address\.postalCode, address\.country, phone, email, iban/);
  });

  it('requires name, address and email', () => {
    const error = errorOf(() => validateCustomerInput({} as CustomerInput, { partial: false }));
    expect(error.fields).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'address', message: 'is required' },
      { field: 'email', message: 'is required' },
    ]);
  });

  it('requires every part of the address', () => {
    const input = { ...validCustomer(), address: { street: 'Damrak 1', country: 'NL' } } as CustomerInput;
    const error = errorOf(() => validateCustomerInput(input, { partial: false }));
    expect(error.fields.map((f) => f.field)).toEqual(['address.postalCode', 'address.city']);
  });

  it('checks the postal code against the address country', () => {
    const input = validCustomer();
    input.address = { ...input.address, country: 'BE', postalCode: '1012 LG' };
    input.phone = '+31 6 12345678';
    const error = errorOf(() => validateCustomerInput(input, { partial: false }));
    expect(error.fields).toEqual([
      { field: 'address.postalCode', message: 'is not a valid postal code for BE' },
    ]);
  });

  it('reads a national phone number in the address country', () => {
    const input = validCustomer();
    input.address = { street: 'Rue de la Loi 16', postalCode: '1000', city: 'Brussel', country: 'BE' };
    input.phone = '0470 12 34 56';
    expect(validateCustomerInput(input, { partial: false }).phone).toBe('+32470123456');
  });

  it('bounds names and text fields', () => {
    const input = validCustomer();
    input.name = 'x'.repeat(201);
    input.companyName = 'x'.repeat(201);
    input.address = { ...input.address, city: 'x'.repeat(101) };
    input.bankName = 'x'.repeat(101);
    input.username = 'ab';
    const error = errorOf(() => validateCustomerInput(input, { partial: false }));
    expect(error.fields).toEqual([
      { field: 'companyName', message: 'must be at most 200 characters' },
      { field: 'name', message: 'must be at most 200 characters' },
      { field: 'address.city', message: 'must be at most 100 characters' },
      { field: 'bankName', message: 'must be at most 100 characters' },
      { field: 'username', message: 'must be at least 3 characters' },
    ]);
  });

  it('refuses a short password without repeating it', () => {
    const input = { ...validCustomer(), password: 'hunter2-ab' };
    const error = errorOf(() => validateCustomerInput(input, { partial: false }));
    expect(error.fields).toEqual([{ field: 'password', message: 'must be at least 12 characters' }]);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('hunter2');
  });

  it('keeps a password exactly as typed, spaces included', () => {
    const input = { ...validCustomer(), password: '  twelve chars ' };
    expect(validateCustomerInput(input, { partial: false }).password).toBe('  twelve chars ');
  });

  it('refuses a subscription that ends before it starts, and invalid dates', () => {
    const ended = { ...validCustomer(), subscriptionEnd: new Date('2023-12-31T00:00:00Z') };
    expect(errorOf(() => validateCustomerInput(ended, { partial: false })).fields).toEqual([
      { field: 'subscriptionEnd', message: 'must not be before subscriptionStart' },
    ]);
    const invalid = { ...validCustomer(), subscriptionStart: new Date('not a date') };
    expect(errorOf(() => validateCustomerInput(invalid, { partial: false })).fields).toEqual([
      { field: 'subscriptionStart', message: 'must be a valid date' },
    ]);
    // Dates no contract has: year 0 (which the database cannot even hold), 1900, 2999.
    for (const iso of ['0000-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '2999-01-01T00:00:00Z']) {
      const odd = { ...validCustomer(), subscriptionStart: new Date(iso), subscriptionEnd: null };
      expect(errorOf(() => validateCustomerInput(odd, { partial: false })).fields, iso).toEqual([
        { field: 'subscriptionStart', message: 'must lie between 1970 and 2100' },
      ]);
    }
  });

  it('refuses values of the wrong type, as an import file might carry', () => {
    const input = {
      ...validCustomer(),
      mailingOptOut: 'yes',
      kvkNumber: 12345678,
    } as unknown as CustomerInput;
    expect(errorOf(() => validateCustomerInput(input, { partial: false })).fields).toEqual([
      { field: 'kvkNumber', message: 'must be text' },
      { field: 'mailingOptOut', message: 'must be true or false' },
    ]);
  });

  it('does not change the input object', () => {
    const input = validCustomer();
    const before = structuredClone(input);
    validateCustomerInput(input, { partial: false });
    expect(input).toEqual(before);
  });
});

describe('validateCustomerInput, partial', () => {
  it('returns only the fields that were given, normalised', () => {
    expect(validateCustomerInput({ email: ' a@Example.COM ', iban: null }, { partial: true })).toEqual({
      email: 'a@example.com',
      iban: null,
    });
    expect(validateCustomerInput({}, { partial: true })).toEqual({});
  });

  it('still validates what is present', () => {
    const error = errorOf(() =>
      validateCustomerInput({ vatNumber: 'NL123456789B01', name: ' ' }, { partial: true }),
    );
    expect(error.fields).toEqual([
      { field: 'vatNumber', message: 'the check digit does not match; please check for a typo' },
      { field: 'name', message: 'must not be empty' },
    ]);
  });

  it('refuses to clear a required field', () => {
    const error = errorOf(() =>
      validateCustomerInput({ name: null, email: null, address: null }, { partial: true }),
    );
    expect(error.fields).toEqual([
      { field: 'name', message: 'cannot be removed' },
      { field: 'address', message: 'cannot be removed' },
      { field: 'email', message: 'cannot be removed' },
    ]);
  });

  it('clears the password and the end date with null, but not the opt-out flag or the start date', () => {
    const patch = { password: null, subscriptionEnd: null, mailingOptOut: null, subscriptionStart: null };
    const error = errorOf(() => validateCustomerInput(patch, { partial: true }));
    expect(error.fields).toEqual([
      { field: 'mailingOptOut', message: 'must be true or false' },
      { field: 'subscriptionStart', message: 'cannot be removed' },
    ]);
    expect(validateCustomerInput({ password: null, subscriptionEnd: null }, { partial: true })).toEqual({
      password: null,
      subscriptionEnd: null,
    });
  });

  it('replaces the address as a whole, so all of it must be given', () => {
    const patch = { address: { city: 'Utrecht' } } as unknown as Parameters<typeof validateCustomerInput>[0];
    const error = errorOf(() => validateCustomerInput(patch, { partial: true }));
    expect(error.fields.map((f) => f.field)).toEqual([
      'address.street',
      'address.postalCode',
      'address.country',
    ]);
  });

  it('needs the international form for a phone number when no address gives the country', () => {
    const error = errorOf(() => validateCustomerInput({ phone: '06-12345678' }, { partial: true }));
    expect(error.fields[0]?.message).toMatch(/country code/);
    expect(validateCustomerInput({ phone: '+31 6 12345678' }, { partial: true })).toEqual({
      phone: '+31612345678',
    });
  });
});
