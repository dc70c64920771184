/**
 * `@AuditedRead(...)` on an operation whose answer is personal data by its nature rather than through
 * tagged fields (who accessed a person's data; a person's requests and complaints; a whole report): the
 * answer is returned only after its own audit event is committed (fail closed).
 */
import { createMethodMiddlewareDecorator } from 'type-graphql';
import { auditEvent } from '../../audit/audit-context';
import type { AuditAction } from '../../audit/audit-event';
import { DataCategory } from '../../src/personal-data/data-categories';
import type { RequestContext } from '../../src/server/request-context';

export interface AuditedReadOptions {
  categories?: readonly string[];
  /** Which data subject the answer is about, from the arguments; null when it spans many. */
  subjectOf?: (args: Record<string, unknown>) => unknown;
  action?: AuditAction;
}

export function AuditedRead(options: AuditedReadOptions = {}) {
  const categories = options.categories ?? [DataCategory.AccessLog];
  return createMethodMiddlewareDecorator<RequestContext>(async ({ args, context, info }, next) => {
    const result: unknown = await next();
    const subject = options.subjectOf?.(args);
    await context.services.audit.record([
      auditEvent(context.audit, {
        action: options.action ?? 'read',
        subjectId: typeof subject === 'string' ? subject : null,
        categories,
        fields: [info.fieldName],
      }),
    ]);
    return result;
  });
}
