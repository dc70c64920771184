/**
 * `@AccessLogRead()` on a privacy-officer query: reading who accessed a person's data is itself a
 * processing of that person's data, so the query's answer is returned only after its own audit event
 * is committed.
 */
import { createMethodMiddlewareDecorator } from 'type-graphql';
import { auditEvent } from '../../audit/audit-context';
import { DataCategory } from '../../src/personal-data/data-categories';
import type { RequestContext } from '../../src/server/request-context';

export function AccessLogRead(subjectOf: (args: Record<string, unknown>) => unknown = () => null) {
  return createMethodMiddlewareDecorator<RequestContext>(async ({ args, context, info }, next) => {
    const result: unknown = await next();
    const subject = subjectOf(args);
    await context.services.audit.record([
      auditEvent(context.audit, {
        action: 'read',
        subjectId: typeof subject === 'string' ? subject : null,
        categories: [DataCategory.AccessLog],
        fields: [info.fieldName],
      }),
    ]);
    return result;
  });
}
