/**
 * The register of processing, per data category: why the platform holds it, on which legal basis,
 * for how long, and where it comes from. Subject-access answers (GDPR art. 15) and the retention job
 * read it, so what the platform tells a person and what it does stay the same thing.
 */
import { DataCategory } from '../personal-data/data-categories';

export interface RetentionSettings {
  /** The policy: archived this long after the subscription ends. */
  archiveAfterYears: number;
  /** Dutch tax law: administrative records (art. 52 AWR). */
  fiscalYears: number;
  /** Records of services to consumers in other member states declared under the One Stop Shop. */
  ossYears: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { archiveAfterYears: 1, fiscalYears: 7, ossYears: 10 };

/**
 * The access log's retention: there is no end. The audit log is append-only and tamper-evident
 * (triggers refuse UPDATE, DELETE and TRUNCATE for every role, and a deletion would break the signed
 * Merkle tree), so no event is ever deleted, not by the purge either. The erasure answer says the same
 * (erasure.ts: kept with no date).
 */
export const ACCESS_LOG_RETENTION =
  'not deleted: the log of who used your data is append-only and tamper-evident, so it is kept for as long as the log itself; it holds no values of your data, only which data was used, when, by whom and why';

export interface CategoryProcessing {
  purposes: string[];
  legalBasis: string;
  retention: string;
  source: string;
}

const CONTRACT = 'GDPR art. 6(1)(b): needed to perform the hosting or domain contract';
const TAX = 'GDPR art. 6(1)(c): legal obligation (Dutch tax law, EU VAT rules)';
const FRAUD = 'GDPR art. 6(1)(f): legitimate interest in preventing VAT and identity fraud';

export function processingRegister(
  r: RetentionSettings = DEFAULT_RETENTION,
): Record<DataCategory, CategoryProcessing> {
  // What administrative obligations do not require is deleted when the customer is archived (the
  // policy's archive is for those obligations only; retention.ts and erasure.ts do it).
  const archived = `during the subscription and ${r.archiveAfterYears} year(s) after it; deleted when your data is archived, as the archive holds only what administrative obligations require`;
  const fiscal = `during the subscription and ${r.fiscalYears} years after it (${r.ossYears} years if any of your orders was a One Stop Shop supply to a consumer in another member state)`;
  const fromCustomer = 'provided by you when ordering or in the customer panel';
  const contractAndTax = `${CONTRACT}; ${TAX}`;
  return {
    [DataCategory.Company]: {
      purposes: ['contract', 'invoicing'],
      legalBasis: contractAndTax,
      retention: fiscal,
      source: fromCustomer,
    },
    [DataCategory.CompanyRegistration]: {
      purposes: ['contract', 'invoicing'],
      legalBasis: contractAndTax,
      retention: fiscal,
      source: fromCustomer,
    },
    [DataCategory.VatNumber]: {
      purposes: ['invoicing', 'VAT reverse charge'],
      legalBasis: TAX,
      retention: fiscal,
      source: `${fromCustomer}; checked with the EU VIES service`,
    },
    [DataCategory.Name]: {
      purposes: ['contract', 'invoicing', 'domain registration'],
      legalBasis: contractAndTax,
      retention: fiscal,
      source: fromCustomer,
    },
    [DataCategory.Address]: {
      purposes: ['contract', 'invoicing', 'domain registration', 'VAT place of supply'],
      legalBasis: contractAndTax,
      retention: fiscal,
      source: fromCustomer,
    },
    [DataCategory.Phone]: {
      purposes: ['contract', 'support', 'VAT place of supply'],
      legalBasis: CONTRACT,
      retention: archived,
      source: fromCustomer,
    },
    [DataCategory.Email]: {
      purposes: ['contract', 'support', 'internal mailings unless you opted out'],
      legalBasis: CONTRACT,
      retention: archived,
      source: fromCustomer,
    },
    [DataCategory.IpAddress]: {
      purposes: ['detecting VAT fraud and identity fraud', 'VAT place of supply evidence'],
      legalBasis: `${FRAUD}; ${TAX}`,
      retention: `the IP addresses seen, and those of orders that were not One Stop Shop supplies: ${archived}; the IP address of an order that was a One Stop Shop supply to a consumer in another member state, and where it was located (VAT evidence): during the subscription and ${r.ossYears} years after it`,
      source: 'recorded by our systems when you order',
    },
    [DataCategory.BankDetails]: {
      purposes: ['direct debit only'],
      legalBasis: CONTRACT,
      retention: 'until the direct debit ends',
      source: fromCustomer,
    },
    [DataCategory.IdDocument]: {
      purposes: ['domain registration where the registry requires it'],
      legalBasis: CONTRACT,
      retention: archived,
      source: fromCustomer,
    },
    [DataCategory.Vehicle]: {
      purposes: ['access to our premises and data centre'],
      legalBasis: CONTRACT,
      retention: archived,
      source: fromCustomer,
    },
    [DataCategory.PurchaseHistory]: {
      purposes: ['invoicing', 'contract'],
      legalBasis: contractAndTax,
      retention: fiscal,
      source: 'your orders',
    },
    [DataCategory.Login]: {
      purposes: ['access to the customer panel'],
      legalBasis: CONTRACT,
      retention: archived,
      source: 'chosen by you; the password is stored only as a one-way hash and can only be reset',
    },
    [DataCategory.MailingConsent]: {
      purposes: ['honouring your opt-out of internal mailings'],
      legalBasis: 'GDPR art. 6(1)(f) and art. 21',
      retention: `the history of your choices: ${archived}; from then on no mailing is sent to you`,
      source: 'your choice, with its history',
    },
    [DataCategory.Subscription]: {
      purposes: ['contract', 'invoicing'],
      legalBasis: contractAndTax,
      retention: fiscal,
      source: 'your subscription',
    },
    [DataCategory.Correspondence]: {
      purposes: ['handling your requests and complaints'],
      legalBasis: 'GDPR art. 6(1)(c): legal obligation (GDPR art. 12 to 22 and 77)',
      retention: `what your requests and complaints say, and our answers: ${fiscal}; after that only the record that they were made and answered, with their dates, stays, as evidence that the law was followed (GDPR art. 5(2)), with nothing left that identifies you`,
      source: 'your requests and complaints, and those the Autoriteit Persoonsgegevens forwards to us',
    },
    [DataCategory.OrderReview]: {
      purposes: [
        'detecting VAT fraud and identity fraud: the outcome of checking an order our systems flagged',
      ],
      legalBasis: FRAUD,
      retention: archived,
      source: 'written by our employee who reviewed your order, from what you or the order told them',
    },
    [DataCategory.AccessLog]: {
      purposes: ['accountability: who read your data, when and why'],
      legalBasis: 'GDPR art. 5(2), 6(1)(c) and 32',
      retention: ACCESS_LOG_RETENTION,
      source: 'recorded by our systems whenever an employee or third party reads your data',
    },
  };
}
