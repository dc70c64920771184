/**
 * When a data-subject request may be closed, and how. A request the platform carries out itself
 * (erasure, rectification, restriction, mailing opt-out) is completed only by carrying it out: its
 * carry-out makes the change, tells the recipients (art. 19) and closes the request in one transaction.
 * Marking such a request completed by hand would put in the register, the access answer and the
 * inspection report a change that never happened; closing by hand may only reject it.
 *
 * Completing any request needs a verified identity: an access or portability answer hands the data to
 * the requester, an objection changes how the person's data is used, and a carried-out change changes
 * the data itself; none of these may be done for someone we could not identify. Rejecting needs no
 * identity (a failed identity check is one reason to reject).
 */
import { IdentityCheck, RequestKind, RequestStatus } from '../db/entities/privacy.entities';
import { ConflictError } from '../errors/errors';

/** The request kinds carried out by an operation of their own, by that operation's name. */
export const CARRY_OUT_OPERATIONS: Readonly<Partial<Record<RequestKind, string>>> = {
  [RequestKind.Erasure]: 'carryOutErasure',
  [RequestKind.Rectification]: 'carryOutRectification',
  [RequestKind.Restriction]: 'carryOutRestriction',
  [RequestKind.MailingOptOut]: 'carryOutMailingOptOut',
};

export interface ClosableRequest {
  id: string;
  kind: RequestKind;
  identityCheck: IdentityCheck;
}

/**
 * Throws ConflictError unless the request may be closed with `status`. `carriedOut` is true only for
 * the carry-out that has just made the change; closing by hand (closePrivacyRequest) passes false.
 */
export function assertMayClose(
  request: ClosableRequest,
  status: typeof RequestStatus.Completed | typeof RequestStatus.Rejected,
  carriedOut: boolean,
): void {
  if (status !== RequestStatus.Completed) return;
  const operation = CARRY_OUT_OPERATIONS[request.kind];
  if (operation !== undefined && !carriedOut) {
    throw new ConflictError(
      `Privacy request ${request.id} is a ${request.kind} request: it is completed by carrying it out with ${operation}, ` +
        'which makes the change and tells the recipients; closePrivacyRequest can only reject it (status REJECTED).',
      { requestId: request.id, kind: request.kind, operation },
    );
  }
  if (request.identityCheck === IdentityCheck.Failed) {
    throw new ConflictError(
      `Privacy request ${request.id} failed its identity check; it can be rejected, not completed.`,
      { requestId: request.id, identityCheck: request.identityCheck },
    );
  }
  if (request.identityCheck !== IdentityCheck.Verified) {
    throw new ConflictError(
      `Privacy request ${request.id}: the requester's identity has not been verified (${request.identityCheck}); ` +
        'record the check with setPrivacyRequestIdentityCheck before completing it, or reject the request.',
      { requestId: request.id, identityCheck: request.identityCheck },
    );
  }
}
