/**
 * A self-contained proof for one event: the event's canonical record, its inclusion proof and the
 * signed checkpoint it proves against. This is what the standalone verifier checks, with nothing else
 * from this system (hand it to a regulator together with the published public key).
 */
import { canonicalAuditRecord } from './audit-event';
import type { AuditLog } from './audit-log';
import { ProofRequestError } from './audit-proofs';
import type { EventProofBundle } from './standalone-verifier';

export async function proofBundle(
  audit: AuditLog,
  eventId: string,
): Promise<EventProofBundle & { checkpoint: { publicKey: string } }> {
  const event = await audit.eventById(eventId);
  if (event === null)
    throw new ProofRequestError('eventId', `event ${eventId} is not (yet) sealed into the log`);
  const checkpoint = await audit.latestCheckpoint();
  if (checkpoint === null) throw new ProofRequestError('eventId', 'the log has no checkpoint yet');
  const proof = await audit.inclusionProof(eventId, checkpoint.treeSize);
  return {
    event: canonicalAuditRecord(event),
    proof: { leafIndex: proof.leafIndex, treeSize: proof.treeSize, proof: proof.proof },
    checkpoint,
  };
}
