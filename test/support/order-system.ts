/** An order-system service actor and the audit context its scoring runs under, for tests that score orders directly. */
import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../../audit/audit-context';
import type { TestPlatform } from './test-platform';

export async function orderSystemContext(t: TestPlatform): Promise<AuditContext> {
  const { actor } = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
    kind: 'service',
    role: 'order_system',
    name: 'orders',
  });
  return {
    actorId: actor.id,
    actorKind: 'service',
    role: 'order_system',
    onBehalfOf: null,
    purpose: 'fraud-prevention',
    requestId: randomUUID(),
    traceId: null,
    clientIp: null,
    userAgent: null,
  };
}
