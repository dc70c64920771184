/**
 * Re-encrypts stored customer fields under the newest key, after a new key is added to
 * FIELD_ENCRYPTION_KEYS. Works in batches in id order and only rewrites values under an older key, so it
 * can be interrupted and run again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCipher } from '../crypto/field-cipher';
import { CustomerEntity } from '../db/entities/customer.entity';
import { customerAad, ENCRYPTED_COLUMNS } from './customer-view';

export interface RotationProgress {
  customersSeen: number;
  valuesRewritten: number;
  total: number;
}

export async function reencryptCustomers(
  em: EntityManager,
  cipher: FieldCipher,
  onProgress: (progress: RotationProgress) => void = () => undefined,
  batchSize = 200,
): Promise<RotationProgress> {
  const total = await em.count(CustomerEntity, {});
  const progress: RotationProgress = { customersSeen: 0, valuesRewritten: 0, total };
  let lastId: string | null = null;
  for (;;) {
    const batchEm = em.fork();
    const where: Record<string, unknown> = lastId === null ? {} : { id: { $gt: lastId } };
    const rows: CustomerEntity[] = await batchEm.find(CustomerEntity, where, {
      orderBy: { id: 'asc' },
      limit: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      for (const [field, column] of Object.entries(ENCRYPTED_COLUMNS) as [
        keyof typeof ENCRYPTED_COLUMNS,
        string,
      ][]) {
        const stored = (row as unknown as Record<string, string | null>)[column];
        if (stored === null || stored === undefined || cipher.isCurrent(stored)) continue;
        (row as unknown as Record<string, string>)[column] = cipher.reencrypt(
          stored,
          customerAad(row.id, field),
        );
        progress.valuesRewritten++;
      }
    }
    await batchEm.flush();
    progress.customersSeen += rows.length;
    lastId = rows[rows.length - 1]?.id ?? lastId;
    onProgress({ ...progress });
  }
  return progress;
}
