/**
 * OpenTelemetry: the Node SDK with HTTP, Express, GraphQL and PostgreSQL instrumentation. It must start
 * before the instrumented modules are loaded, so `main.ts` starts it first and only then loads the
 * application. Exporters follow the standard OTEL_* variables and are off by default; spans are still
 * created then, so each request has a trace id (taken from an incoming `traceparent` when present) that
 * the audit log can store.
 */
import type { Context } from '@opentelemetry/api';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { Config } from '../config/config';
import { errorMessage } from '../errors/errors';

/** Keeps spans (and so trace ids) without sending them anywhere. */
class DiscardingSpanProcessor implements tracing.SpanProcessor {
  onStart(_span: tracing.Span, _parentContext: Context): void {}
  onEnd(_span: tracing.ReadableSpan): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

export function startTelemetry(settings: Config['telemetry']): Telemetry {
  if (!settings.enabled) return { shutdown: async () => undefined };
  // The SDK reads these itself and defaults to OTLP when they are unset; our default is "off".
  process.env.OTEL_METRICS_EXPORTER ??= settings.metricsExporter;
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const exportTraces = settings.tracesExporter.split(',').some((e) => e.trim() !== 'none');
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    ...(exportTraces ? {} : { spanProcessors: [new DiscardingSpanProcessor()] }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/readyz',
      }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ mergeItems: true, allowValues: false }),
      // Statement text only, never parameter values: they may hold personal data.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** How long shutdown waits for the exporters to send what they still hold. */
export const TELEMETRY_SHUTDOWN_MS = 3_000;

/**
 * Stops telemetry as the last step of a shutdown, when the service itself has stopped cleanly: a
 * collector that is down or does not answer costs the last spans, never the shutdown (the exporter would
 * otherwise hold it for its own 10 s timeout and then fail it with exit code 1).
 */
export async function stopTelemetry(
  telemetry: Telemetry,
  log: (line: string) => void,
  timeoutMs: number = TELEMETRY_SHUTDOWN_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  const outcome = await Promise.race([telemetry.shutdown().then(() => null, errorMessage), timedOut]);
  clearTimeout(timer);
  if (outcome !== null) log(`Telemetry: the last spans were not sent (${outcome}); stopping without them.`);
}
