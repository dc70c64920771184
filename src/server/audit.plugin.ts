/**
 * Fail closed: personal data released during a request leaves only after its audit events are
 * committed. Apollo awaits `willSendResponse` before it writes the response, so the events are recorded
 * there; if that fails, the data is removed from the response and the client gets an error instead.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './request-context';

export const AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE';

export function auditPlugin(log: (line: string) => void): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const reads = contextValue?.reads;
          if (reads === undefined || reads.isEmpty) return;
          try {
            await contextValue.services.audit.record(reads.events(contextValue.audit));
          } catch (error) {
            log(
              `audit write failed, response withheld (request ${contextValue.requestId}): ${String(error)}`,
            );
            response.http.status = 503;
            response.body = {
              kind: 'single',
              singleResult: {
                data: null,
                errors: [
                  {
                    message:
                      'The audit log could not record this access, so no personal data was released. Try again later.',
                    extensions: { code: AUDIT_UNAVAILABLE, requestId: contextValue.requestId },
                  },
                ],
              },
            };
          }
        },
      };
    },
  };
}
