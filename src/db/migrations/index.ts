/**
 * The checked-in migrations, in order. Listed explicitly (not globbed) so the same list works from the
 * compiled build, from tests and from the command line. Migrations run at start; the schema is never
 * synchronised from the entities.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000001_foundation } from './Migration20261125000001_foundation';
import { Migration20261125000002_audit_log } from './Migration20261125000002_audit_log';
import { Migration20261125000003_orders } from './Migration20261125000003_orders';
import { Migration20261125000004_privacy } from './Migration20261125000004_privacy';
import { Migration20261201000005_order_iban_customer_index } from './Migration20261201000005_order_iban_customer_index';
import { Migration20261202000006_disclosure_valid_until } from './Migration20261202000006_disclosure_valid_until';
import { Migration20261203000007_disclosure_end } from './Migration20261203000007_disclosure_end';
import { Migration20261204000008_third_party_on_behalf_of } from './Migration20261204000008_third_party_on_behalf_of';
import { Migration20261205000009_third_party_changes } from './Migration20261205000009_third_party_changes';
import { Migration20261206000011_identity_match_indexes } from './Migration20261206000011_identity_match_indexes';
import { Migration20261207000012_retention_notices } from './Migration20261207000012_retention_notices';
import { Migration20261208000013_disclosure_end_history } from './Migration20261208000013_disclosure_end_history';
import { Migration20261209000014_reasons_without_ip_city } from './Migration20261209000014_reasons_without_ip_city';
import { Migration20261210000015_personal_texts_encrypted } from './Migration20261210000015_personal_texts_encrypted';
import { Migration20261211000016_key_fingerprints } from './Migration20261211000016_key_fingerprints';
import { Migration20261212000017_audit_inbox_take } from './Migration20261212000017_audit_inbox_take';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000001_foundation', class: Migration20261125000001_foundation },
  { name: 'Migration20261125000002_audit_log', class: Migration20261125000002_audit_log },
  { name: 'Migration20261125000003_orders', class: Migration20261125000003_orders },
  { name: 'Migration20261125000004_privacy', class: Migration20261125000004_privacy },
  {
    name: 'Migration20261201000005_order_iban_customer_index',
    class: Migration20261201000005_order_iban_customer_index,
  },
  {
    name: 'Migration20261202000006_disclosure_valid_until',
    class: Migration20261202000006_disclosure_valid_until,
  },
  { name: 'Migration20261203000007_disclosure_end', class: Migration20261203000007_disclosure_end },
  {
    name: 'Migration20261204000008_third_party_on_behalf_of',
    class: Migration20261204000008_third_party_on_behalf_of,
  },
  { name: 'Migration20261205000009_third_party_changes', class: Migration20261205000009_third_party_changes },
  {
    name: 'Migration20261206000011_identity_match_indexes',
    class: Migration20261206000011_identity_match_indexes,
  },
  { name: 'Migration20261207000012_retention_notices', class: Migration20261207000012_retention_notices },
  {
    name: 'Migration20261208000013_disclosure_end_history',
    class: Migration20261208000013_disclosure_end_history,
  },
  {
    name: 'Migration20261209000014_reasons_without_ip_city',
    class: Migration20261209000014_reasons_without_ip_city,
  },
  {
    name: 'Migration20261210000015_personal_texts_encrypted',
    class: Migration20261210000015_personal_texts_encrypted,
  },
  { name: 'Migration20261211000016_key_fingerprints', class: Migration20261211000016_key_fingerprints },
  { name: 'Migration20261212000017_audit_inbox_take', class: Migration20261212000017_audit_inbox_take },
];
