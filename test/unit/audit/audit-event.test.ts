import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auditLeafHash,
  canonicalAuditJson,
  canonicalAuditRecord,
  type AuditEvent,
} from '../../../audit/audit-event';
import { canonicalEventJson, eventLeafHash } from '../../../audit/canonical-event';

const strings = [
  '',
  'a',
  'Ä',
  'ünïcödé',
  '"quoted"',
  'back\\slash',
  'line\nbreak',
  '\u2028',
  '😀',
  'Zeta',
  'alpha',
];
const pick = <T>(values: readonly T[], i: number): T => values[i % values.length]!;

function event(i: number): AuditEvent {
  const maybe = (v: string) => (i % 3 === 0 ? null : v);
  return {
    sequence: i * 7919,
    eventId: randomUUID(),
    occurredAt: new Date(1_700_000_000_000 + i * 1234567),
    actorId: maybe(randomUUID()),
    actorKind: pick(['employee', 'third_party', 'service', 'system'] as const, i),
    role: maybe(pick(strings, i + 1)),
    onBehalfOf: maybe(pick(strings, i + 2)),
    subjectId: maybe(randomUUID()),
    categories: strings.slice(0, i % 5).reverse(),
    fields: strings.slice(i % 4, (i % 4) + (i % 6)),
    action: pick(['read', 'export', 'create', 'update', 'erase', 'disclose'] as const, i),
    purpose: maybe(pick(strings, i + 3)),
    requestId: maybe(pick(strings, i + 4)),
    traceId: maybe('0af7651916cd43dd8448eb211c80319c'),
    clientIp: maybe('2001:db8::1'),
    userAgent: maybe(pick(strings, i + 5)),
  };
}

describe('canonicalAuditJson', () => {
  it('writes exactly the bytes the general canonical serialiser writes, for many shapes of event', () => {
    for (let i = 0; i < 500; i++) {
      const e = event(i);
      expect(canonicalAuditJson(e)).toBe(canonicalEventJson(canonicalAuditRecord(e)));
      expect(auditLeafHash(e).equals(eventLeafHash(canonicalAuditRecord(e)))).toBe(true);
    }
  });

  it('changes with every field', () => {
    const e = event(1);
    const base = canonicalAuditJson(e);
    expect(canonicalAuditJson({ ...e, sequence: e.sequence + 1 })).not.toBe(base);
    expect(canonicalAuditJson({ ...e, purpose: 'other' })).not.toBe(base);
    expect(canonicalAuditJson({ ...e, fields: [...e.fields, 'x'] })).not.toBe(base);
    expect(canonicalAuditJson({ ...e, occurredAt: new Date(e.occurredAt.getTime() + 1) })).not.toBe(base);
  });
});
