/**
 * Which server answers an inspection read: the privacy officer's questions to the audit log
 * (`auditEvents`, `accessSummary`, `unusualAccess`, the `audit export` command) and finance's VAT
 * reports (`vatMismatches`, `vatEvidenceSummary`, the `finance vat-report` command). They are heavy and
 * write nothing, so with DATABASE_REPLICA_URL set they run on a small pool to that streaming replica,
 * when it is fit to answer; otherwise, and for everything else, the primary answers. The read's own
 * audit events, all writes, and the proofs, checkpoints and verification (which must see the newest
 * tree) never come here.
 *
 * Fit means, checked before every read: the server is in recovery (a standby; a primary or a promoted
 * standby is refused, and the log says so), it is a standby of the same cluster as the primary, and it
 * is at most `maxLagMs` behind. Behind is measured by what it has replayed: none when its replay
 * position has reached the primary's current WAL position (read at the same time), so an idle primary
 * does not make a caught-up replica look stale; otherwise the age of the last transaction it replayed.
 * The read's queries start after that check, and replay only moves forward, so an answer from the
 * replica holds every event committed before the read began, or before at most `maxLagMs` ago.
 *
 * A replica that cannot be reached is not tried again for a few seconds. A read that fails on the
 * replica (it went away, or cancelled the query for a conflict with recovery) is run again on the
 * primary. Each reason for answering from the primary is logged when it starts, rate-limited.
 */
import type { SqlRunner } from '../../audit/sql-runner';
import { maskCredentials } from '../config/redact';
import { DomainError, errorMessage } from '../errors/errors';
import { poolRunner, type PoolRunner } from './pg-pool-runner';

export type ReadSource = 'primary' | 'replica';

/** Where an inspection read ran, as the answer reports it. */
export interface ReadOrigin {
  source: ReadSource;
  /** How far the replica was behind the primary when the read began; 0 when caught up, and on the primary. */
  lagMs: number;
}

export interface InspectionRead<T> {
  value: T;
  origin: ReadOrigin;
}

/** The replica's condition at one check; only `fit` lets it answer. */
export type ReplicaState =
  | { kind: 'none' }
  | { kind: 'fit'; lagMs: number }
  | { kind: 'behind'; lagMs: number | null }
  | { kind: 'not-in-recovery' }
  | { kind: 'other-cluster'; replicaSystemId: string; primarySystemId: string }
  | { kind: 'unreachable'; detail: string };

export interface ReplicaOptions {
  url: string;
  maxLagMs: number;
  log: (line: string) => void;
  /** Connections to the replica; inspection reads are few and long. */
  poolMax?: number;
  /** How long a replica that could not be reached is left alone. */
  retryAfterMs?: number;
  connectTimeoutMs?: number;
  /** The least time between two log lines about the replica. */
  logIntervalMs?: number;
}

const PRIMARY: ReadOrigin = { source: 'primary', lagMs: 0 };

export class InspectionReads {
  private readonly replica: PoolRunner | null;
  private readonly shownUrl: string;
  private unreachableUntil = 0;
  private lastUnreachable: ReplicaState = { kind: 'unreachable', detail: '' };
  private readonly stateLog: StateLog;

  /** Without `replica` every read runs on the primary. */
  constructor(
    private readonly primary: SqlRunner,
    private readonly options?: ReplicaOptions,
  ) {
    this.shownUrl = options === undefined ? '' : maskCredentials(options.url);
    this.stateLog = new StateLog(options?.log ?? (() => undefined), options?.logIntervalMs ?? 60_000);
    this.replica = null;
    if (options !== undefined) {
      const { log } = options;
      this.replica = poolRunner(
        options.url,
        options.poolMax ?? 4,
        (error) => log(`Replica: an idle connection was ended by the server (${error.message})`),
        options.connectTimeoutMs ?? 3_000,
      );
    }
  }

  /** Runs `work` (queries only: it may be run twice) on the replica if it is fit now, else on the primary. */
  async read<T>(work: (db: SqlRunner) => Promise<T>): Promise<InspectionRead<T>> {
    if (this.replica !== null) {
      const state = await this.state();
      if (state.kind === 'fit') {
        try {
          return { value: await work(this.replica), origin: { source: 'replica', lagMs: state.lagMs } };
        } catch (error) {
          // The asker's mistake is the same on either server; anything else is the replica's failure.
          if (error instanceof DomainError) throw error;
          this.stateLog.enter(
            'failed',
            `Inspection reads: a read failed on the replica (${errorMessage(error)}); the primary answers it`,
          );
        }
      }
    }
    return { value: await work(this.primary), origin: PRIMARY };
  }

  /**
   * Checks the replica now, and logs a change. A replica's failure is a state; only a primary that
   * cannot be asked for its WAL position throws (the read could not be answered there either).
   */
  async state(): Promise<ReplicaState> {
    if (this.replica === null || this.options === undefined) return { kind: 'none' };
    if (Date.now() < this.unreachableUntil) return this.lastUnreachable;
    const state = await this.check(this.replica, this.options.maxLagMs);
    if (state.kind === 'unreachable') {
      this.unreachableUntil = Date.now() + (this.options.retryAfterMs ?? 5_000);
      this.lastUnreachable = state;
    }
    this.stateLog.enter(state.kind, () => this.describeState(state));
    return state;
  }

  async end(): Promise<void> {
    await this.replica?.end();
  }

  private async check(replica: SqlRunner, maxLagMs: number): Promise<ReplicaState> {
    // Both at once: whichever is read first, once the replica's replay position has reached the
    // primary's, it holds everything committed on the primary before this check.
    const [primaryRows, replicaRows] = await Promise.all([
      this.primary.query<{ lsn: string; system_id: string }>(
        `select pg_current_wal_lsn()::text as lsn,
           (select system_identifier::text from pg_control_system()) as system_id`,
      ),
      replica
        .query<{
          in_recovery: boolean;
          replay_lsn: string | null;
          replay_age_ms: number | null;
          system_id: string;
        }>(
          `select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn()::text as replay_lsn,
             (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8
               as replay_age_ms,
             (select system_identifier::text from pg_control_system()) as system_id`,
        )
        .catch((error: unknown) => error as Error),
    ]);
    if (replicaRows instanceof Error) return { kind: 'unreachable', detail: errorMessage(replicaRows) };
    const primaryNow = primaryRows[0]!;
    const standby = replicaRows[0]!;
    if (!standby.in_recovery) return { kind: 'not-in-recovery' };
    if (standby.system_id !== primaryNow.system_id) {
      return {
        kind: 'other-cluster',
        replicaSystemId: standby.system_id,
        primarySystemId: primaryNow.system_id,
      };
    }
    if (standby.replay_lsn !== null && lsnValue(standby.replay_lsn) >= lsnValue(primaryNow.lsn)) {
      return { kind: 'fit', lagMs: 0 };
    }
    // Not caught up: behind by the age of the last transaction replayed (unknown if none was, yet).
    const lagMs = standby.replay_age_ms === null ? null : Math.max(0, Math.ceil(standby.replay_age_ms));
    return lagMs !== null && lagMs <= maxLagMs ? { kind: 'fit', lagMs } : { kind: 'behind', lagMs };
  }

  private describeState(state: ReplicaState): string {
    const max = this.options?.maxLagMs ?? 0;
    const fallback = 'the primary answers inspection reads';
    switch (state.kind) {
      case 'none':
        return 'Inspection reads: no replica configured';
      case 'fit':
        return `Inspection reads: the replica ${this.shownUrl} answers them (${state.lagMs} ms behind the primary, at most ${max} allowed)`;
      case 'behind':
        return state.lagMs === null
          ? `Inspection reads: the replica has not caught up and has replayed no transaction since it started, so its lag is unknown; ${fallback}`
          : `Inspection reads: the replica is ${state.lagMs} ms behind the primary, more than DATABASE_REPLICA_MAX_LAG_MS (${max}); ${fallback}`;
      case 'not-in-recovery':
        return `Inspection reads: DATABASE_REPLICA_URL (${this.shownUrl}) is not a replica: the server is not in recovery (a primary, or a promoted standby), so it is not used; ${fallback}. Point it at a streaming replica of DATABASE_URL.`;
      case 'other-cluster':
        return `Inspection reads: DATABASE_REPLICA_URL (${this.shownUrl}) is a standby of another cluster (system identifier ${state.replicaSystemId}, the primary's is ${state.primarySystemId}), so it is not used; ${fallback}`;
      case 'unreachable':
        return `Inspection reads: the replica ${this.shownUrl} cannot be reached (${state.detail}); ${fallback} until it can`;
    }
  }
}

/** A WAL position (`16/B374D848`) as a number that orders like it. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * Logs a state when the replica enters it, each state at most once per interval: a replica that flaps
 * between fit and behind does not fill the log. A state entered too soon after it was last logged is
 * logged once the interval has passed, if it still holds, so the log ends up telling the state that lasts.
 */
class StateLog {
  private current: string | undefined;
  private pending = false;
  private readonly loggedAt = new Map<string, number>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalMs: number,
  ) {}

  enter(kind: string, line: string | (() => string)): void {
    if (kind !== this.current) {
      this.current = kind;
      this.pending = true;
    }
    const now = Date.now();
    if (!this.pending || now - (this.loggedAt.get(kind) ?? -Infinity) < this.intervalMs) return;
    this.pending = false;
    this.loggedAt.set(kind, now);
    this.log(typeof line === 'string' ? line : line());
  }
}
