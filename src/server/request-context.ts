/** What every resolver gets: its own entity manager, who is asking, why, and request facts for the audit. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditContext, ReadCollector } from '../../audit/audit-context';
import type { Actor } from '../auth/actor';
import type { Purpose } from '../auth/purpose';
import type { ReadOrigin } from '../db/read-replica';
import type { DataCategory } from '../personal-data/data-categories';
import type { Services } from '../platform';

export interface RequestContext {
  em: EntityManager;
  actor: Actor | null;
  purpose: Purpose | null;
  requestId: string;
  traceId: string;
  clientIp: string | null;
  userAgent: string | null;
  /** The order or contract a third party says it acts under (X-On-Behalf-Of). */
  onBehalfOf: string | null;
  services: Services;
  /** Stamped on every audit event this request makes. */
  audit: AuditContext;
  /** The personal-data categories the operation selects; set by the guard before anything runs. */
  categories: ReadonlySet<DataCategory> | null;
  /** Personal fields released so far, recorded (fail closed) before the response leaves. */
  reads: ReadCollector;
  /** Where each inspection read ran, by response key; the answer says so in `extensions.readFrom`. */
  readFrom: Map<string, ReadOrigin>;
}
