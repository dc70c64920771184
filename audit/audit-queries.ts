/**
 * The privacy officer's questions to the log: which events match (newest first, paged), who read a
 * person's data how often and why (the recipients part of an access answer), and which actors read far
 * more people's data on a day than they or their role usually do. Only sealed events are answered from,
 * so every event shown has its sequence number and can be proved.
 */
import { ValidationError } from '../src/errors/errors';
import { checkPeriod } from '../src/validation/period';
import { assertSingleLine } from '../src/validation/text';
import { isUuid } from '../src/validation/uuid';
import {
  AuditAction,
  AuditActorKind,
  eventFromRow,
  type AuditEvent,
  type AuditEventRow,
} from './audit-event';
import type { SqlRunner } from './sql-runner';

/** The longest period `unusualAccess` compares in one call (its cost follows the period's events). */
export const UNUSUAL_ACCESS_MAX_DAYS = 366;
const PURPOSE_MAX = 200;

export interface AuditEventFilter {
  subjectId?: string | null;
  actorId?: string | null;
  actorKind?: string | null;
  category?: string | null;
  action?: string | null;
  purpose?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * Refuses a filter that cannot match anything for a reason the asker should hear about: an id that is
 * no id, a kind, action or category the log never records, a period that ends before it starts. An
 * empty answer would read as "nobody did that", which is not what such a filter shows.
 */
export function checkAuditEventFilter(filter: AuditEventFilter, categories: readonly string[]): void {
  const oneOf = (field: string, value: string | null | undefined, allowed: readonly string[]) => {
    if (value != null && !allowed.includes(value)) {
      throw new ValidationError(`filter.${field}`, `must be one of ${allowed.join(', ')}`);
    }
  };
  if (filter.subjectId != null && !isUuid(filter.subjectId)) {
    throw new ValidationError('filter.subjectId', 'is not a customer id');
  }
  if (filter.actorId != null && !isUuid(filter.actorId)) {
    throw new ValidationError('filter.actorId', 'is not an actor id');
  }
  oneOf('actorKind', filter.actorKind, Object.values(AuditActorKind));
  oneOf('action', filter.action, Object.values(AuditAction));
  oneOf('category', filter.category, categories);
  if (filter.purpose != null) {
    if (filter.purpose.length > PURPOSE_MAX) {
      throw new ValidationError('filter.purpose', `must be at most ${PURPOSE_MAX} characters`);
    }
    assertSingleLine(filter.purpose, 'filter.purpose');
  }
  checkPeriod(filter.from, filter.to, { from: 'filter.from', to: 'filter.to' });
}

/** `unusualAccess`'s period: ordered, and at most UNUSUAL_ACCESS_MAX_DAYS long. */
export function checkUnusualAccessPeriod(from: Date, to: Date): void {
  checkPeriod(from, to);
  if (to.getTime() - from.getTime() > UNUSUAL_ACCESS_MAX_DAYS * 86_400_000) {
    throw new ValidationError(
      'to',
      `must be at most ${UNUSUAL_ACCESS_MAX_DAYS} days after from; ask per year`,
    );
  }
}

/** Keyset position: events strictly older than this (time, then sequence) come next. */
export interface AuditCursor {
  occurredAt: Date;
  sequence: number;
}

export async function findAuditEvents(
  db: SqlRunner,
  filter: AuditEventFilter,
  limit: number,
  after: AuditCursor | null,
): Promise<AuditEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.subjectId != null) add('subject_id = ?', filter.subjectId);
  if (filter.actorId != null) add('actor_id = ?', filter.actorId);
  if (filter.actorKind != null) add('actor_kind = ?', filter.actorKind);
  if (filter.category != null) add('categories @> array[?]::text[]', filter.category);
  if (filter.action != null) add('action = ?', filter.action);
  if (filter.purpose != null) add('purpose = ?', filter.purpose);
  if (filter.from != null) add('occurred_at >= ?', filter.from.toISOString());
  if (filter.to != null) add('occurred_at < ?', filter.to.toISOString());
  if (after !== null) {
    where.push('(occurred_at, sequence) < (?, ?)');
    params.push(after.occurredAt.toISOString(), after.sequence);
  }
  params.push(limit);
  const rows = await db.query<AuditEventRow & { sequence: string }>(
    `select * from audit_event ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by occurred_at desc, sequence desc limit ?`,
    params,
  );
  return rows.map((row) => eventFromRow(row, Number(row.sequence)));
}

export interface AccessSummaryRow {
  actorId: string | null;
  actorKind: string;
  role: string | null;
  purpose: string | null;
  reads: number;
  categories: string[];
  firstAt: Date;
  lastAt: Date;
}

/** Per actor and purpose: how often this person's data was read or exported, which categories, first and last time. */
export async function accessSummary(
  db: SqlRunner,
  subjectId: string,
  from: Date | null,
  to: Date | null,
): Promise<AccessSummaryRow[]> {
  const rows = await db.query<{
    actor_id: string | null;
    actor_kind: string;
    role: string | null;
    purpose: string | null;
    reads: string;
    categories: string[];
    first_at: Date;
    last_at: Date;
  }>(
    // Category lists differ in length, so they are joined to text per group and split again to dedupe.
    `select actor_id, actor_kind, role, purpose, count(*) as reads,
       array(select distinct c from unnest(string_to_array(string_agg(array_to_string(categories, ','), ','), ',')) c
             where c <> '' order by c) as categories,
       min(occurred_at) as first_at, max(occurred_at) as last_at
     from audit_event
     where subject_id = ? and action in ('read', 'export')
       and (?::timestamptz is null or occurred_at >= ?::timestamptz)
       and (?::timestamptz is null or occurred_at < ?::timestamptz)
     group by actor_id, actor_kind, role, purpose
     order by max(occurred_at) desc`,
    [subjectId, iso(from), iso(from), iso(to), iso(to)],
  );
  return rows.map((r) => ({
    actorId: r.actor_id,
    actorKind: r.actor_kind,
    role: r.role,
    purpose: r.purpose,
    reads: Number(r.reads),
    categories: r.categories,
    firstAt: new Date(r.first_at),
    lastAt: new Date(r.last_at),
  }));
}

export interface UnusualAccessRow {
  actorId: string;
  role: string | null;
  day: string;
  distinctSubjects: number;
  /** The actor's mean distinct subjects per active day in the baseline window (null when it has none). */
  ownBaseline: number | null;
  /** The mean over all actors of the same role in the baseline window. */
  roleBaseline: number | null;
  /** distinctSubjects divided by the actor's own baseline, or its role's when it has none (at least 1). */
  ratio: number;
  reason: string;
}

export interface UnusualAccessOptions {
  /** Days before `from` that make the baseline. */
  baselineDays?: number;
  /** How many times the usual level counts as far above it. */
  factor?: number;
  /** Below this many people in a day nothing is flagged, whatever the ratio. */
  minimumSubjects?: number;
}

/**
 * Actor-days in [from, to) whose count of distinct people read is at least `factor` times the actor's
 * own usual level, or (for actors with no history) the role's usual level.
 */
export async function unusualAccess(
  db: SqlRunner,
  from: Date,
  to: Date,
  options: UnusualAccessOptions = {},
): Promise<UnusualAccessRow[]> {
  const baselineDays = options.baselineDays ?? 30;
  const factor = options.factor ?? 3;
  const minimum = options.minimumSubjects ?? 10;
  // The baseline is whole UTC days before the day `from` falls in; the period's figures count only the
  // reads in [from, to), so a `from` within a day neither adds that day's earlier reads to them nor cuts
  // the first baseline day short.
  const fromDayStart = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const baselineFrom = new Date(fromDayStart - baselineDays * 86_400_000);
  const daily = await db.query<{ actor_id: string; role: string | null; day: string; subjects: string }>(
    `select actor_id, role, to_char(date_trunc('day', occurred_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
       count(distinct subject_id) as subjects
     from audit_event
     where action in ('read', 'export') and actor_id is not null and subject_id is not null
       and occurred_at >= ? and occurred_at < ? and (occurred_at < ? or occurred_at >= ?)
     group by 1, 2, 3`,
    [baselineFrom.toISOString(), to.toISOString(), new Date(fromDayStart).toISOString(), from.toISOString()],
  );
  const fromDay = from.toISOString().slice(0, 10);
  const baseline = daily.filter((d) => d.day < fromDay);
  const mean = (values: number[]) =>
    values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  const own = new Map<string, number[]>();
  const byRole = new Map<string, number[]>();
  for (const d of baseline) {
    own.set(d.actor_id, [...(own.get(d.actor_id) ?? []), Number(d.subjects)]);
    byRole.set(d.role ?? '', [...(byRole.get(d.role ?? '') ?? []), Number(d.subjects)]);
  }
  const flagged: UnusualAccessRow[] = [];
  for (const d of daily.filter((x) => x.day >= fromDay)) {
    const count = Number(d.subjects);
    if (count < minimum) continue;
    const ownBaseline = mean(own.get(d.actor_id) ?? []);
    const roleBaseline = mean(byRole.get(d.role ?? '') ?? []);
    const reference = ownBaseline ?? roleBaseline;
    const base = {
      actorId: d.actor_id,
      role: d.role,
      day: d.day,
      distinctSubjects: count,
      ownBaseline,
      roleBaseline,
    };
    if (reference === null) {
      const reason = `no earlier reads by this actor or its role to compare with; ${count} people in a day`;
      flagged.push({ ...base, ratio: count, reason });
      continue;
    }
    const ratio = count / Math.max(reference, 1);
    if (ratio >= factor) {
      const basis =
        ownBaseline !== null
          ? `its own usual ${ownBaseline.toFixed(1)}`
          : `its role's usual ${roleBaseline?.toFixed(1)}`;
      flagged.push({ ...base, ratio, reason: `${count} people in a day, ${ratio.toFixed(1)}x ${basis}` });
    }
  }
  return flagged.sort((a, b) => b.ratio - a.ratio);
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
