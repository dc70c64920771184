/**
 * The one declarative place that says which customer fields are personal data and of which category.
 * The categories are the ones the privacy policy names. Everything that protects personal data builds
 * on this table: encryption at rest, role and purpose checks, the audit log and retention.
 */

export const DataCategory = {
  Company: 'company',
  CompanyRegistration: 'company_registration',
  VatNumber: 'vat_number',
  Name: 'name',
  Address: 'address',
  Phone: 'phone',
  Email: 'email',
  IpAddress: 'ip_address',
  BankDetails: 'bank_details',
  IdDocument: 'id_document',
  Vehicle: 'vehicle',
  PurchaseHistory: 'purchase_history',
  Login: 'login',
  MailingConsent: 'mailing_consent',
  Subscription: 'subscription',
  /** Who read a person's data: the audit log is itself personal data of the person it is about. */
  AccessLog: 'access_log',
  /** What a person wrote to us: data-subject requests and complaints. */
  Correspondence: 'correspondence',
  /** What an employee noted when reviewing one of the person's orders (it may name them, a call, a phone number). */
  OrderReview: 'order_review',
} as const;
export type DataCategory = (typeof DataCategory)[keyof typeof DataCategory];

export const ALL_DATA_CATEGORIES: readonly DataCategory[] = Object.values(DataCategory);

export interface PersonalFieldSpec {
  category: DataCategory;
  /** What the policy calls it, for reports a person reads. */
  description: string;
  /** Stored encrypted (the password is hashed instead and never readable). */
  encrypted: boolean;
  /** Exact-match searchable through a keyed blind index under this kind name. */
  blindIndex?: string;
}

/** Customer fields, keyed by the field name used in the domain, the API and the audit log. */
export const CUSTOMER_PERSONAL_FIELDS = {
  companyName: { category: DataCategory.Company, description: 'company name', encrypted: true },
  kvkNumber: {
    category: DataCategory.CompanyRegistration,
    description: 'Chamber of Commerce (KvK) number',
    encrypted: true,
  },
  vatNumber: {
    category: DataCategory.VatNumber,
    description: 'VAT number',
    encrypted: true,
    blindIndex: 'vat',
  },
  name: { category: DataCategory.Name, description: 'name', encrypted: true },
  address: { category: DataCategory.Address, description: 'street, postal code and city', encrypted: true },
  country: {
    category: DataCategory.Address,
    description: 'country of the billing address',
    encrypted: false,
  },
  phone: { category: DataCategory.Phone, description: 'phone number', encrypted: true },
  email: { category: DataCategory.Email, description: 'email address', encrypted: true, blindIndex: 'email' },
  ipAddresses: { category: DataCategory.IpAddress, description: 'IP addresses seen', encrypted: true },
  bankName: { category: DataCategory.BankDetails, description: 'bank name', encrypted: true },
  iban: { category: DataCategory.BankDetails, description: 'IBAN', encrypted: true, blindIndex: 'iban' },
  idCardNumber: {
    category: DataCategory.IdDocument,
    description: 'ID-card number (domain registration)',
    encrypted: true,
    blindIndex: 'id_card',
  },
  licencePlate: { category: DataCategory.Vehicle, description: 'vehicle licence plate', encrypted: true },
  username: {
    category: DataCategory.Login,
    description: 'login name',
    encrypted: true,
    blindIndex: 'username',
  },
  mailingOptOut: {
    category: DataCategory.MailingConsent,
    description: 'opt-out of internal mailings',
    encrypted: false,
  },
  subscriptionStart: {
    category: DataCategory.Subscription,
    description: 'subscription start',
    encrypted: false,
  },
  subscriptionEnd: { category: DataCategory.Subscription, description: 'subscription end', encrypted: false },
} as const satisfies Record<string, PersonalFieldSpec>;

export type CustomerPersonalField = keyof typeof CUSTOMER_PERSONAL_FIELDS;

/** Personal values an order carries (the order system sends them with each order). */
export const ORDER_PERSONAL_FIELDS = {
  orderIpAddress: {
    category: DataCategory.IpAddress,
    description: 'IP address the order came from',
    encrypted: true,
  },
  orderGeoIp: {
    category: DataCategory.IpAddress,
    description: 'where GeoIP placed that address',
    encrypted: true,
  },
  orderBillingAddress: {
    category: DataCategory.Address,
    description: 'billing address of the order',
    encrypted: true,
  },
  orderVatNumber: {
    category: DataCategory.VatNumber,
    description: 'VAT number given with the order',
    encrypted: true,
  },
  orderEmail: {
    category: DataCategory.Email,
    description: 'email address given with the order',
    encrypted: true,
  },
  orderPhone: {
    category: DataCategory.Phone,
    description: 'phone number given with the order',
    encrypted: true,
  },
  orderIban: {
    category: DataCategory.BankDetails,
    description: 'IBAN given for direct debit',
    encrypted: true,
  },
  orderItems: {
    category: DataCategory.PurchaseHistory,
    description: 'what was ordered, and for how much',
    encrypted: false,
  },
  orderVatEvidence: {
    category: DataCategory.Address,
    description:
      'countries of the billing address, IP address, bank and phone (VAT place-of-supply evidence)',
    encrypted: false,
  },
  orderReviewNote: {
    category: DataCategory.OrderReview,
    description: 'note of the review of the order',
    encrypted: true,
  },
} as const satisfies Record<string, PersonalFieldSpec>;

export type OrderPersonalField = keyof typeof ORDER_PERSONAL_FIELDS;

/** Every personal field the API can release, by the name the audit log records. */
export const PERSONAL_FIELDS = { ...CUSTOMER_PERSONAL_FIELDS, ...ORDER_PERSONAL_FIELDS };
export type PersonalFieldName = keyof typeof PERSONAL_FIELDS;

export function isCustomerPersonalField(name: string): name is CustomerPersonalField {
  return Object.prototype.hasOwnProperty.call(CUSTOMER_PERSONAL_FIELDS, name);
}

export function categoryOf(field: CustomerPersonalField): DataCategory {
  return CUSTOMER_PERSONAL_FIELDS[field].category;
}
