/**
 * An inspection report for the regulator: every processing of one customer's data in a period (reads,
 * changes, exports, disclosures from the audit log; the data-subject requests and complaints) with the
 * signed checkpoint and an inclusion proof per event, so the regulator can check, without trusting this
 * system, that the events shown are the ones in the log (see audit/standalone-verifier.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalAuditRecord } from '../../audit/audit-event';
import { subjectEvents } from '../../audit/audit-export';
import type { AuditLog } from '../../audit/audit-log';
import type { SignedCheckpoint } from '../../audit/checkpoint-witness';
import type { FieldCipher } from '../crypto/field-cipher';
import { sqlRunner } from '../db/sql-runner';
import { ComplaintEntity, DisclosureEntity, PrivacyRequestEntity } from '../db/entities/privacy.entities';
import { ConflictError } from '../errors/errors';
import { ComplaintView } from './complaints.service';
import { PrivacyRequestView } from './privacy-requests.service';
import { accessEndOf, disclosureEndHistory, earliestEnd } from './third-party-access';

export interface InspectionEvent {
  /** The event exactly as hashed into the log (its canonical record). */
  event: Record<string, unknown>;
  proof: { leafIndex: number; treeSize: number; leafHash: string; proof: string[] };
}

export interface InspectionReport {
  customerId: string;
  from: string;
  to: string;
  generatedAt: string;
  checkpoint: SignedCheckpoint;
  events: InspectionEvent[];
  requests: Record<string, unknown>[];
  complaints: Record<string, unknown>[];
  disclosures: Record<string, unknown>[];
  howToVerify: string;
}

export async function buildInspectionReport(
  em: EntityManager,
  audit: AuditLog,
  cipher: FieldCipher,
  customerId: string,
  from: Date,
  to: Date,
  now: Date = new Date(),
): Promise<InspectionReport> {
  // Seal what is waiting, so the report covers the period up to now and every event has a proof.
  await audit.sealer.sealPending();
  const checkpoint = await audit.latestCheckpoint();
  if (checkpoint === null) throw new ConflictError('The audit log has no signed checkpoint yet.');
  const inPeriod = (d: Date) => d.getTime() >= from.getTime() && d.getTime() < to.getTime();
  const events = (await subjectEvents(sqlRunner(em), customerId)).filter(
    (e) => inPeriod(e.occurredAt) && e.sequence < checkpoint.treeSize,
  );
  const withProofs: InspectionEvent[] = [];
  for (const event of events) {
    const proof = await audit.inclusionProof(event.eventId, checkpoint.treeSize);
    withProofs.push({
      event: canonicalAuditRecord(event),
      proof: {
        leafIndex: proof.leafIndex,
        treeSize: proof.treeSize,
        leafHash: proof.leafHash,
        proof: proof.proof,
      },
    });
  }
  const period = { $gte: from, $lt: to };
  const requests = await em.find(
    PrivacyRequestEntity,
    { customer: customerId, receivedAt: period },
    { orderBy: { receivedAt: 'asc' } },
  );
  const complaints = await em.find(
    ComplaintEntity,
    { customer: customerId, receivedAt: period },
    { orderBy: { receivedAt: 'asc' } },
  );
  const disclosures = await em.find(
    DisclosureEntity,
    { customer: customerId, disclosedAt: period },
    { populate: ['thirdParty'], orderBy: { disclosedAt: 'asc' } },
  );
  const ends = await disclosureEndHistory(em, disclosures);
  return {
    customerId,
    from: from.toISOString(),
    to: to.toISOString(),
    generatedAt: now.toISOString(),
    checkpoint,
    events: withProofs,
    requests: requests.map((r) => ({
      id: r.id,
      kind: r.kind,
      channel: r.channel,
      identityCheck: r.identityCheck,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      extendedUntil: r.extendedUntil?.toISOString() ?? null,
      extensionReason: new PrivacyRequestView(r, cipher).extensionReason,
      status: r.status,
      outcome: new PrivacyRequestView(r, cipher).outcome,
      closedAt: r.closedAt?.toISOString() ?? null,
    })),
    complaints: complaints.map((c) => ({
      id: c.id,
      source: c.source,
      regulatorReference: c.regulatorReference,
      receivedAt: c.receivedAt.toISOString(),
      dueAt: c.dueAt.toISOString(),
      status: c.status,
      escalated: c.escalated,
      summary: new ComplaintView(c, cipher).summary,
      resolution: new ComplaintView(c, cipher).resolution,
      requestIds: c.requestIds,
      eventIds: c.eventIds,
    })),
    disclosures: disclosures.map((d) => {
      const history = ends.get(d.id) ?? [];
      const end = earliestEnd(history);
      return {
        id: d.id,
        thirdParty: d.thirdParty.name,
        disclosedAt: d.disclosedAt.toISOString(),
        categories: d.categories,
        madePublic: d.madePublic,
        purpose: d.purpose,
        reference: d.reference,
        validUntil: d.validUntil?.toISOString() ?? null,
        ended:
          end === null
            ? null
            : {
                endsAt: end.endsAt.toISOString(),
                reason: end.reason,
                recordedAt: end.recordedAt.toISOString(),
              },
        // Every end recorded, oldest first: an end brought forward keeps the one it replaced.
        ends: history.map((e) => ({
          endsAt: e.endsAt.toISOString(),
          reason: e.reason,
          recordedAt: e.recordedAt.toISOString(),
        })),
        accessEndsAt: accessEndOf(d.validUntil, end)?.toISOString() ?? null,
      };
    }),
    howToVerify:
      'For each event: leafHash = SHA-256(0x00 || canonical JSON of event); walk proof to the root (RFC 6962/9162) and compare ' +
      'with checkpoint.rootHash; check the Ed25519 signature of the checkpoint text with the published key. ' +
      'The program dist/audit/standalone-verifier.js does this for a bundle {event, proof, checkpoint}.',
  };
}
