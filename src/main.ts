/**
 * Entry point of the service. Reads the configuration, starts OpenTelemetry, and only then loads the
 * application, so the instrumented modules (http, express, graphql, pg) are patched when first loaded.
 */
import 'reflect-metadata';
import { loadConfig } from './config/config';
import { ConfigError } from './errors/errors';
import { startTelemetry } from './telemetry/telemetry';

async function main(): Promise<void> {
  const config = loadConfig();
  const telemetry = startTelemetry(config.telemetry);
  const { runService } = await import('./service.js');
  await runService(config, telemetry);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('The service could not start:', error instanceof Error ? error.message : error);
    if (error instanceof Error && error.cause !== undefined) console.error('  cause:', error.cause);
  }
  process.exit(1);
});
