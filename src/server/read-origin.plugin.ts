/**
 * Says in the answer where its inspection reads ran: `extensions.readFrom` maps the response key of
 * each such field (`auditEvents`, `accessSummary`, ...) to `{ source: "replica" | "primary", lagMs }`,
 * lagMs being how far the replica was behind the primary when the read began (at most
 * DATABASE_REPLICA_MAX_LAG_MS; 0 when it had caught up, and on the primary).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './request-context';

export function readOriginPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const readFrom = contextValue?.readFrom;
          if (readFrom === undefined || readFrom.size === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, readFrom: Object.fromEntries(readFrom) };
        },
      };
    },
  };
}
