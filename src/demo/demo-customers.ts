/**
 * Fake but realistic customers for demos and tests: mostly Dutch, some Belgian, German and French, a
 * few from outside the EU (GB, US, CH); consumers and companies. Identifiers are valid where a check
 * exists (VAT check digits by jsvat, IBANs by ibantools, phones by libphonenumber-js), so the fraud and
 * VAT logic sees what real input looks like. Everything is canonical already, so validating a demo
 * customer returns it unchanged.
 *
 * Deterministic: the same count, seed and reference date give the same customers, on any day. Email
 * addresses use the reserved example domains (RFC 2606), so no demo mail can reach a real person.
 */
import { analyseVatNumber } from '../vat/vat-number';
import type { CustomerInput } from '../validation/customer-input';
import { normalizePostalCode } from '../validation/postal-code';
import { normalizeEmail } from '../validation/email';
import { ibantools } from '../validation/ibantools';
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { fakerModule, type Faker, type LocaleDefinition } from './faker';

export const DEMO_SEED = 20261125;
/** "Now" for the demo data: subscriptions start within the three years before it. */
export const DEMO_REFERENCE_DATE = new Date('2026-11-25T12:00:00.000Z');

type DemoCountry = 'NL' | 'BE' | 'DE' | 'FR' | 'GB' | 'US' | 'CH';

interface Bank {
  name: string;
  /** The bank code that starts the BBAN, where it is letters people recognise (NL, GB). */
  code?: string;
}

interface CountryProfile {
  weight: number;
  locale: LocaleDefinition[];
  /** '#' is a random digit; null where the country has no VAT number for us to show. */
  vatTemplate: string | null;
  banks: Bank[];
  /** Licence-plate layout: 'L' a letter, '#' a digit, anything else literal. */
  plateTemplate: string;
}

const { Faker, base, de, de_CH, en, en_GB, en_US, fr, nl, nl_BE } = fakerModule;

const PROFILES: Record<DemoCountry, CountryProfile> = {
  NL: {
    weight: 60,
    locale: [nl, en, base],
    vatTemplate: 'NL#########B01',
    banks: [
      { name: 'ABN AMRO', code: 'ABNA' },
      { name: 'ING', code: 'INGB' },
      { name: 'Rabobank', code: 'RABO' },
      { name: 'SNS', code: 'SNSB' },
      { name: 'Triodos Bank', code: 'TRIO' },
      { name: 'bunq', code: 'BUNQ' },
    ],
    plateTemplate: 'LL-###-L',
  },
  BE: {
    weight: 10,
    locale: [nl_BE, nl, en, base],
    vatTemplate: 'BE0#########',
    banks: [{ name: 'BNP Paribas Fortis' }, { name: 'KBC' }, { name: 'Belfius' }, { name: 'Argenta' }],
    plateTemplate: '#-LLL-###',
  },
  DE: {
    weight: 10,
    locale: [de, en, base],
    vatTemplate: 'DE#########',
    banks: [
      { name: 'Deutsche Bank' },
      { name: 'Commerzbank' },
      { name: 'Sparkasse KölnBonn' },
      { name: 'DKB' },
    ],
    plateTemplate: 'L-LL-####',
  },
  FR: {
    weight: 8,
    locale: [fr, en, base],
    vatTemplate: 'FR###########',
    banks: [{ name: 'BNP Paribas' }, { name: 'Crédit Agricole' }, { name: 'Société Générale' }],
    plateTemplate: 'LL-###-LL',
  },
  GB: {
    weight: 4,
    locale: [en_GB, en, base],
    vatTemplate: 'GB#########',
    banks: [
      { name: 'Barclays', code: 'BARC' },
      { name: 'NatWest', code: 'NWBK' },
      { name: 'Lloyds', code: 'LOYD' },
    ],
    plateTemplate: 'LL##-LLL',
  },
  US: {
    weight: 4,
    locale: [en_US, en, base],
    // US sales tax has no VAT number; US companies give none.
    vatTemplate: null,
    banks: [{ name: 'Chase' }, { name: 'Bank of America' }, { name: 'Wells Fargo' }],
    plateTemplate: 'LLL-####',
  },
  CH: {
    weight: 4,
    locale: [de_CH, de, en, base],
    vatTemplate: 'CHE#########',
    banks: [{ name: 'UBS' }, { name: 'PostFinance' }, { name: 'Raiffeisen' }],
    plateTemplate: 'ZH-######',
  },
};

/** Enough for any check digit by chance (1 in 97 at worst); reaching it means a broken template. */
const MAX_ATTEMPTS = 10_000;

function retry<T>(what: string, make: () => T | null): T {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const value = make();
    if (value !== null) return value;
  }
  throw new Error(`demo data: no valid ${what} after ${MAX_ATTEMPTS} attempts`);
}

function fill(f: Faker, template: string): string {
  return template.replace(/[#L]/g, (c) =>
    c === '#' ? f.string.numeric(1) : f.string.alpha({ length: 1, casing: 'upper' }),
  );
}

function vatNumber(f: Faker, template: string): string {
  return retry('VAT number', () => {
    const analysis = analyseVatNumber(fill(f, template));
    return analysis.checkDigitValid && analysis.canonical !== null ? analysis.canonical : null;
  });
}

/** The characters each BBAN position may hold, read from ibantools' layout, e.g. ^[A-Z]{4}[0-9]{10}$. */
function bbanLayout(country: string): string[] {
  const pattern = ibantools.countrySpecs[country]?.bban_regexp;
  if (pattern === undefined) return [];
  const sets: Record<string, string> = {
    'A-Z': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0-9': '0123456789',
    'A-Z0-9': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  };
  const layout: string[] = [];
  for (const [, set, count] of pattern.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)) {
    const characters = sets[set ?? ''];
    if (characters === undefined) throw new Error(`demo data: unexpected BBAN layout ${pattern}`);
    for (let i = 0; i < Number(count); i++) layout.push(characters);
  }
  return layout;
}

function iban(f: Faker, country: string, bank: Bank): string | null {
  const layout = bbanLayout(country);
  if (layout.length === 0) return null;
  const code = bank.code ?? '';
  return retry('IBAN', () => {
    // Digits only where letters are optional, as most real accounts are.
    const rest = layout
      .slice(code.length)
      .map((set) => f.string.fromCharacters(set.length === 26 ? set : '0123456789'))
      .join('');
    const composed = ibantools.composeIBAN({ countryCode: country, bban: code + rest });
    // National account checks (BE, FR) reject most random numbers; QR-IBANs are for Swiss invoices only.
    return composed !== null && ibantools.isValidIBAN(composed) && !ibantools.isQRIBAN(composed)
      ? composed
      : null;
  });
}

function mobilePhone(f: Faker, country: DemoCountry): string {
  const example = getExampleNumber(country as CountryCode, mobileExamples);
  if (example === undefined) throw new Error(`demo data: no example phone number for ${country}`);
  const national = example.nationalNumber;
  return retry('phone number', () => {
    // Keep the example's first digit (the mobile range in most plans), vary the rest.
    const digits = national.slice(0, 1) + f.string.numeric(national.length - 1);
    const phone = parsePhoneNumberFromString(`+${example.countryCallingCode}${digits}`);
    const type = phone?.getType();
    const mobile = type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
    return phone !== undefined && mobile && phone.country === country ? phone.number : null;
  });
}

function postalCode(f: Faker, country: DemoCountry): string {
  return retry('postal code', () => {
    try {
      // Faker's formats are looser than the real ones (French codes above 95, Dutch 'SS').
      return normalizePostalCode(f.location.zipCode(), country, 'postalCode');
    } catch {
      return null;
    }
  });
}

function asciiWord(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

function idCardNumber(f: Faker, country: DemoCountry): string {
  // Dutch cards: two letters, six letters or digits, one digit; the letter O is never used.
  const letters = 'ABCDEFGHIJKLMNPQRSTUVWXYZ';
  if (country === 'NL') {
    return (
      f.string.fromCharacters(letters, 2) +
      f.string.fromCharacters(letters + '0123456789', 6) +
      f.string.numeric(1)
    );
  }
  return f.string.alphanumeric({ length: 9, casing: 'upper' });
}

/**
 * Countries in proportion to their weights (largest remainder), shuffled: drawing each at random could
 * leave out the small countries altogether, and the demo should always show them.
 */
function countryMix(driver: Faker, count: number): DemoCountry[] {
  const countries = Object.keys(PROFILES) as DemoCountry[];
  const total = countries.reduce((sum, c) => sum + PROFILES[c].weight, 0);
  const shares = countries.map((country) => {
    const exact = (PROFILES[country].weight * count) / total;
    return { country, whole: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let missing = count - shares.reduce((sum, s) => sum + s.whole, 0);
  for (const share of [...shares].sort((a, b) => b.rest - a.rest)) {
    if (missing-- <= 0) break;
    share.whole++;
  }
  return driver.helpers.shuffle(shares.flatMap((s) => Array<DemoCountry>(s.whole).fill(s.country)));
}

/**
 * @param count how many customers
 * @param seed the same seed gives the same customers
 * @param referenceDate "now" for subscription dates; fixed so that the data does not change with the day
 */
export function generateDemoCustomers(
  count = 50,
  seed = DEMO_SEED,
  referenceDate: Date = DEMO_REFERENCE_DATE,
): CustomerInput[] {
  // Own instances, so that nothing else seeding or drawing from faker's shared instances changes our data.
  const driver = new Faker({ locale: [en, base], seed });
  const local = new Map<DemoCountry, Faker>();
  const fakerFor = (country: DemoCountry): Faker => {
    let f = local.get(country);
    if (f === undefined) {
      f = new Faker({ locale: PROFILES[country].locale, seed });
      local.set(country, f);
    }
    return f;
  };

  const threeYearsBefore = new Date(referenceDate);
  threeYearsBefore.setUTCFullYear(threeYearsBefore.getUTCFullYear() - 3);
  const usernames = new Set<string>();
  const emails = new Set<string>();
  const customers: CustomerInput[] = [];

  for (const country of countryMix(driver, count)) {
    const profile = PROFILES[country];
    const f = fakerFor(country);
    const isCompany = driver.datatype.boolean(0.4);
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();

    let email = normalizeEmail(
      f.internet.exampleEmail({ firstName: asciiWord(firstName), lastName: asciiWord(lastName) }),
      'email',
    );
    while (emails.has(email)) email = email.replace('@', `.${driver.string.numeric(2)}@`);
    emails.add(email);

    let username = `${asciiWord(firstName).slice(0, 12)}.${asciiWord(lastName).slice(0, 20)}`;
    // Usernames are unique regardless of case (the blind index folds case).
    while (usernames.has(username.toLowerCase()) || username.length < 3) username += driver.string.numeric(1);
    usernames.add(username.toLowerCase());

    const bank = driver.helpers.arrayElement(profile.banks);
    const accountIban = iban(driver, country, bank);
    const start = driver.date.between({ from: threeYearsBefore, to: referenceDate });
    start.setUTCMilliseconds(0);
    const ended = driver.datatype.boolean(0.2);
    const end = ended ? driver.date.between({ from: start, to: referenceDate }) : null;
    end?.setUTCMilliseconds(0);

    customers.push({
      companyName: isCompany ? f.company.name() : null,
      kvkNumber:
        isCompany && country === 'NL' ? driver.string.numeric({ length: 8, allowLeadingZeros: false }) : null,
      vatNumber: isCompany && profile.vatTemplate !== null ? vatNumber(driver, profile.vatTemplate) : null,
      name: `${firstName} ${lastName}`,
      address: {
        street: f.location.streetAddress(),
        postalCode: postalCode(f, country),
        city: f.location.city(),
        country,
      },
      phone: mobilePhone(driver, country),
      email,
      bankName: accountIban === null ? null : bank.name,
      iban: accountIban,
      idCardNumber: driver.datatype.boolean(0.3) ? idCardNumber(driver, country) : null,
      licencePlate: driver.datatype.boolean(0.3) ? fill(driver, profile.plateTemplate) : null,
      username,
      password: driver.internet.password({ length: 16 }),
      mailingOptOut: driver.datatype.boolean(0.25),
      subscriptionStart: start,
      subscriptionEnd: end,
    });
  }
  return customers;
}
