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
  /**
   * When the arguments name no subject: whose data the answer holds, read from it, so that each
   * person's access report shows the read (one event per person; null for entries of nobody's).
   */
  subjectsInAnswer?: (answer: unknown) => readonly (string | null)[];
  action?: AuditAction;
}

/** `subjectsInAnswer` for a connection whose nodes name their person in `key`. */
export function subjectsOfNodes(key: string): (answer: unknown) => (string | null)[] {
  return (answer) =>
    ((answer as { edges?: { node: Record<string, unknown> }[] }).edges ?? []).map((edge) => {
      const subject = edge.node[key];
      return typeof subject === 'string' ? subject : null;
    });
}

export function AuditedRead(options: AuditedReadOptions = {}) {
  const categories = options.categories ?? [DataCategory.AccessLog];
  return createMethodMiddlewareDecorator<RequestContext>(async ({ args, context, info }, next) => {
    const result: unknown = await next();
    const subject = options.subjectOf?.(args);
    const subjects =
      typeof subject === 'string' ? [subject] : [...new Set(options.subjectsInAnswer?.(result) ?? [])];
    await context.services.audit.record(
      (subjects.length === 0 ? [null] : subjects).map((subjectId) =>
        auditEvent(context.audit, {
          action: options.action ?? 'read',
          subjectId,
          categories,
          fields: [info.fieldName],
        }),
      ),
    );
    return result;
  });
}
