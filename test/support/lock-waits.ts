/**
 * For tests that make a race happen: they hold a row lock, start the contenders, and go on only once
 * the database shows the contenders waiting for it.
 */
import type { Client } from 'pg';

/** Resolves once at least `count` sessions of the client's database wait for a lock; throws after `timeoutMs`. */
export async function sessionsWaitingForLocks(
  client: Client,
  count: number,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (rows[0]!.n >= count) return;
    if (Date.now() > until) throw new Error(`fewer than ${count} sessions came to wait for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
