/**
 * Re-encrypts every stored personal value under the newest key, after a new key is added to
 * FIELD_ENCRYPTION_KEYS: the customers' fields, the values each order carries (IP address, GeoIP
 * data, billing address, VAT number, email, phone, IBAN, the review's note), what complaints say and
 * what we answered them, and a privacy request's outcome and extension reason. Works table by
 * table in batches in id order and only rewrites values under an older key, so it can be interrupted
 * and run again. Once it has run, the older key can be retired: nothing needs it any more.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCipher } from '../crypto/field-cipher';
import { CustomerEntity } from '../db/entities/customer.entity';
import { OrderEntity } from '../db/entities/order.entity';
import { ComplaintEntity, PrivacyRequestEntity } from '../db/entities/privacy.entities';
import { orderAad } from '../orders/order-view';
import type { OrderPersonalField } from '../personal-data/data-categories';
import { complaintResolutionAad, complaintSummaryAad } from '../privacy/complaints.service';
import { privacyRequestTextAad } from '../privacy/privacy-requests.service';
import { customerAad, ENCRYPTED_COLUMNS } from './customer-view';

export interface RotationProgress {
  /** Rows looked at so far, over all tables. */
  rowsSeen: number;
  valuesRewritten: number;
  /** Rows in all tables together. */
  total: number;
  /** Per table: rows seen. */
  tables: Record<RotatedTable, number>;
}

export type RotatedTable = 'customers' | 'orders' | 'complaints' | 'privacyRequests';

/** An order's encrypted columns, by the field name its associated data is bound to. */
export const ORDER_ENCRYPTED_COLUMNS = {
  orderIpAddress: 'ipAddressEnc',
  orderGeoIp: 'geoEnc',
  orderBillingAddress: 'billingAddressEnc',
  orderVatNumber: 'vatNumberEnc',
  orderEmail: 'emailEnc',
  orderPhone: 'phoneEnc',
  orderIban: 'ibanEnc',
  orderReviewNote: 'reviewNoteEnc',
} as const satisfies Partial<Record<OrderPersonalField, keyof OrderEntity>>;

interface RotatedEntity {
  id: string;
}

/** One table's encrypted columns and the associated data each value is bound to. */
interface Rotation<E extends RotatedEntity> {
  table: RotatedTable;
  entity: new () => E;
  columns: { column: string; aad: (id: string) => string }[];
}

const ROTATIONS: Rotation<RotatedEntity>[] = [
  {
    table: 'customers',
    entity: CustomerEntity,
    columns: (Object.entries(ENCRYPTED_COLUMNS) as [keyof typeof ENCRYPTED_COLUMNS, string][]).map(
      ([field, column]) => ({ column, aad: (id: string) => customerAad(id, field) }),
    ),
  },
  {
    table: 'orders',
    entity: OrderEntity,
    columns: (
      Object.entries(ORDER_ENCRYPTED_COLUMNS) as [keyof typeof ORDER_ENCRYPTED_COLUMNS, string][]
    ).map(([field, column]) => ({ column, aad: (id: string) => orderAad(id, field) })),
  },
  {
    table: 'complaints',
    entity: ComplaintEntity,
    columns: [
      { column: 'summaryEnc', aad: complaintSummaryAad },
      { column: 'resolutionEnc', aad: complaintResolutionAad },
    ],
  },
  {
    table: 'privacyRequests',
    entity: PrivacyRequestEntity,
    columns: [
      { column: 'outcomeEnc', aad: (id: string) => privacyRequestTextAad(id, 'outcome') },
      { column: 'extensionReasonEnc', aad: (id: string) => privacyRequestTextAad(id, 'extensionReason') },
    ],
  },
];

export async function reencryptStoredValues(
  em: EntityManager,
  cipher: FieldCipher,
  onProgress: (progress: RotationProgress) => void = () => undefined,
  batchSize = 200,
): Promise<RotationProgress> {
  let total = 0;
  for (const rotation of ROTATIONS) total += await em.count(rotation.entity, {});
  const progress: RotationProgress = {
    rowsSeen: 0,
    valuesRewritten: 0,
    total,
    tables: { customers: 0, orders: 0, complaints: 0, privacyRequests: 0 },
  };
  for (const rotation of ROTATIONS) {
    let lastId: string | null = null;
    for (;;) {
      const batchEm = em.fork();
      const where: Record<string, unknown> = lastId === null ? {} : { id: { $gt: lastId } };
      const rows: RotatedEntity[] = await batchEm.find(rotation.entity, where, {
        orderBy: { id: 'asc' },
        limit: batchSize,
      });
      if (rows.length === 0) break;
      for (const row of rows) {
        const values = row as unknown as Record<string, string | null | undefined>;
        for (const { column, aad } of rotation.columns) {
          const stored = values[column];
          if (stored === null || stored === undefined || cipher.isCurrent(stored)) continue;
          values[column] = cipher.reencrypt(stored, aad(row.id));
          progress.valuesRewritten++;
        }
      }
      await batchEm.flush();
      progress.rowsSeen += rows.length;
      progress.tables[rotation.table] += rows.length;
      lastId = rows[rows.length - 1]?.id ?? lastId;
      onProgress({ ...progress, tables: { ...progress.tables } });
    }
  }
  return progress;
}
