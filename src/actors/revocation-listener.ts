/**
 * Tells this process at once when a token or actor was revoked anywhere (another API process, or the
 * command line, which is a process of its own): `ActorService.revoke` sends a PostgreSQL NOTIFY on the
 * `api_token_revoked` channel in its transaction, delivered when it commits, and this listener, on a
 * connection of its own, clears the token cache. Without it the cache would keep a revoked token working
 * for up to its time to live in every other process.
 *
 * While the listening connection is not up (before it is, after the server ended it, while it is
 * reconnecting) a revocation could go unheard, so the cache must not be trusted then: `listening` says
 * so, and the connection is opened again after a pause.
 */
import { Client } from 'pg';
import { errorMessage } from '../errors/errors';

export const REVOCATION_CHANNEL = 'api_token_revoked';

export interface RevocationListenerOptions {
  log: (line: string) => void;
  /** Pause before opening the connection again after it failed or ended. */
  retryAfterMs?: number;
}

export class RevocationListener {
  private client: Client | null = null;
  private up = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** Said once per outage, not at every failed attempt to reconnect. */
  private saidLost = false;
  private readonly subscribers: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly options: RevocationListenerOptions,
  ) {}

  /** `forget` is called for every revocation heard, and when listening (re)starts: one may have been missed. */
  onRevoked(forget: () => void): void {
    this.subscribers.push(forget);
  }

  /** Whether a revocation committed now would be heard: only then may the token cache be used. */
  get listening(): boolean {
    return this.up;
  }

  /**
   * Opens the connection and listens, unless it is open or a reopening is already scheduled; resolves
   * once listening or once the attempt has failed.
   */
  async start(): Promise<void> {
    if (this.stopped || this.client !== null || this.retry !== null) return;
    const client = new Client({ connectionString: this.url });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === REVOCATION_CHANNEL) this.revoked();
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'the connection ended'));
    try {
      await client.connect();
      await client.query(`listen ${REVOCATION_CHANNEL}`);
      if (this.client !== client) return; // lost or stopped meanwhile
      this.up = true;
      this.saidLost = false;
      // Anything cached before now may predate a revocation this process did not hear.
      this.revoked();
    } catch (error) {
      this.lost(client, errorMessage(error));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.up = false;
    await client?.end().catch(() => undefined);
  }

  private revoked(): void {
    for (const forget of this.subscribers) forget();
  }

  private lost(client: Client, why: string): void {
    if (this.client !== client) return;
    this.client = null;
    this.up = false;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (!this.saidLost) {
      this.saidLost = true;
      this.options.log(
        `Token revocations: not listening (${why}); tokens are looked up on every request until it reconnects`,
      );
    }
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, this.options.retryAfterMs ?? 2_000);
    this.retry.unref();
  }
}
