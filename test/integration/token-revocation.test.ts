import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorService } from '../../src/actors/actor.service';
import { RevocationListener } from '../../src/actors/revocation-listener';
import { hashApiToken } from '../../src/crypto/api-token';
import { UnauthenticatedError } from '../../src/errors/errors';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

/** Polls `check` until it holds, for at most `ms`; the cache under test lives for an hour. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe('token revocation across processes', () => {
  let t: TestPlatform;
  const em = () => t.platform.db.orm.em.fork();
  const logged: string[] = [];
  let listener: RevocationListener;
  /** This "process" caches tokens for an hour: only a revocation it hears can end one early. */
  let cached: ActorService;
  /** Another process, such as the command line: it revokes and does not listen. */
  const elsewhere = new ActorService();

  beforeAll(async () => {
    t = await createTestPlatform();
    listener = new RevocationListener(t.db.url, { log: (line) => logged.push(line), retryAfterMs: 50 });
    cached = new ActorService({ revocations: listener, ttlMs: 3_600_000 });
  });
  afterAll(async () => {
    await listener?.stop();
    await t?.close();
  });

  const newToken = async () =>
    (await elsewhere.create(em(), { kind: 'employee', role: 'support', name: 'Revocable' })).token;
  const rejects = (token: string) =>
    cached.authenticate(em(), token).then(
      () => false,
      (error: unknown) => error instanceof UnauthenticatedError,
    );
  /** Revoked in the table alone, as nothing the platform does would: no NOTIFY is sent. */
  const revokeSilently = async (token: string) => {
    await em().execute(`update api_token set revoked_at = now() where token_hash = ?`, [hashApiToken(token)]);
  };

  it('a token revoked in another process stops working here at once, not when the cache expires', async () => {
    const token = await newToken();
    await cached.authenticate(em(), token);
    expect(await eventually(() => listener.listening)).toBe(true);
    await cached.authenticate(em(), token); // cached now

    // The cache is really used: a revocation nobody announces goes unseen while listening.
    const unannounced = await newToken();
    await cached.authenticate(em(), unannounced);
    await revokeSilently(unannounced);
    expect(await rejects(unannounced)).toBe(false);

    await elsewhere.revoke(em(), { token });
    expect(await eventually(() => rejects(token))).toBe(true);
  });

  it('while not listening, every authentication looks the token up', async () => {
    const token = await newToken();
    expect(await eventually(() => listener.listening)).toBe(true);
    await cached.authenticate(em(), token);

    const sql = await t.db.superuser();
    await sql.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and query = 'listen api_token_revoked'`,
    );
    expect(await eventually(() => !listener.listening)).toBe(true);
    await revokeSilently(token);
    // Unheard, yet refused: the cache is not trusted while a revocation could be missed.
    expect(await rejects(token)).toBe(true);
    expect(logged.some((line) => line.startsWith('Token revocations: not listening'))).toBe(true);

    // It listens again by itself, and uses its cache again.
    expect(await eventually(() => listener.listening)).toBe(true);
  });
});
