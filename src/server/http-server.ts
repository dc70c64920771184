/**
 * The HTTP face of the platform: GraphQL at /graphql, liveness at /healthz, readiness (database reachable,
 * migrations applied) at /readyz. Shutdown drains in-flight requests before the pool closes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { trace } from '@opentelemetry/api';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import { buildPlatformSchema } from '../../resolvers/schema';
import { parsePurpose, PURPOSE_HEADER } from '../auth/purpose';
import { pendingMigrations } from '../db/orm';
import { DomainError, UnauthenticatedError, ValidationError } from '../errors/errors';
import { ReadCollector } from '../../audit/audit-context';
import { createErrorFormatter, formatHttpError, toRequestError } from '../errors/format-error';
import type { Platform } from '../platform';
import { ON_BEHALF_OF_HEADER, onBehalfOfFor } from '../privacy/third-party-access';
import { auditPlugin } from './audit.plugin';
import { guardPlugin } from './guard.plugin';
import { readOriginPlugin } from './read-origin.plugin';
import { MAX_EXPANDED_SELECTIONS, queryLimitsRule } from './query-limits.rule';
import { assertPersonalDataTagged } from './personal-data-check';
import type { RequestContext } from './request-context';

export interface RunningServer {
  url: string;
  port: number;
  schema: GraphQLSchema;
  /** The Node HTTP server underneath, for instrumentation (the benchmarks time requests on it). */
  httpServer: http.Server;
  stop(): Promise<void>;
}

/** The largest request body accepted; a larger one is answered 413 before it is read further. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerOptions {
  port?: number;
  host?: string;
}

export async function startHttpServer(
  platform: Platform,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const { config, services, db } = platform;
  const schema = await buildPlatformSchema();
  assertPersonalDataTagged(schema);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const log = (message: string, error: unknown) =>
    platform.log(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // A document is bounded three times before anything runs: its length in tokens (the parser stops),
    // its depth and expanded size (validation), its cost (the guard).
    parseOptions: { maxTokens: config.graphql.maxTokens },
    validationRules: [
      queryLimitsRule({ maxDepth: config.graphql.maxDepth, maxSelections: MAX_EXPANDED_SELECTIONS }),
    ],
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter({ log }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      guardPlugin({
        maxComplexity: config.graphql.maxComplexity,
        maxSelections: MAX_EXPANDED_SELECTIONS,
      }),
      auditPlugin(platform.log),
      readOriginPlugin(),
      ...(config.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.orm.em.getConnection().execute('select 1');
      const pending = await pendingMigrations(db.orm);
      if (pending.length > 0) {
        res.status(503).json({ status: 'migrations pending', pending });
        return;
      }
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        const requestId = requestIdFrom(req.header('x-request-id'));
        res.setHeader('X-Request-Id', requestId);
        const em = db.orm.em.fork();
        try {
          const token = bearerToken(req.header('authorization'));
          const actor = token === null ? null : await services.actors.authenticate(em, token);
          const purposeHeader = req.header(PURPOSE_HEADER);
          const purpose =
            purposeHeader === undefined || purposeHeader.trim() === '' ? null : parsePurpose(purposeHeader);
          const traceId = currentTraceId();
          const clientIp = req.ip ?? null;
          const userAgent = req.header('user-agent')?.slice(0, 300) ?? null;
          const behalf = onBehalfOfFor(actor, onBehalfOf(req.header(ON_BEHALF_OF_HEADER)));
          return {
            em,
            actor,
            purpose,
            requestId,
            traceId,
            clientIp,
            userAgent,
            onBehalfOf: behalf,
            services,
            audit: {
              actorId: actor?.id ?? null,
              actorKind: actor?.kind ?? 'system',
              role: actor?.role ?? null,
              onBehalfOf: behalf,
              purpose: purpose?.text ?? null,
              requestId,
              traceId,
              clientIp,
              userAgent,
            },
            categories: null,
            reads: new ReadCollector(),
            readFrom: new Map(),
          };
        } catch (error) {
          if (error instanceof DomainError) throw toRequestError(error);
          throw error;
        }
      },
    }),
  );

  // Errors raised before Apollo sees the request (a body that is not JSON, or too large) are answered
  // in GraphQL's error shape, not with Express's HTML page and its stack trace.
  const httpErrors: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = formatHttpError(error, { log });
    res.status(status).json(body);
  };
  app.use(httpErrors);

  const port = options.port ?? config.http.port;
  const host = options.host ?? config.http.host;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use; set PORT to a free port.`, { cause: error })
          : error,
      );
    });
    httpServer.listen(port, host, resolve);
  });
  const address = httpServer.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost === '127.0.0.1' ? 'localhost' : shownHost}:${address.port}/graphql`,
    port: address.port,
    schema,
    httpServer,
    stop: async () => {
      // Apollo's drain plugin stops accepting connections and waits for in-flight requests.
      await apollo.stop();
    },
  };
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
  }
  return match[1] ?? null;
}

function onBehalfOf(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  if (!/^[A-Za-z0-9._:/#-]{1,100}$/.test(header.trim())) {
    throw new ValidationError(
      ON_BEHALF_OF_HEADER,
      'must be an order or contract reference of letters, digits and ._:/#-',
    );
  }
  return header.trim();
}

function requestIdFrom(header: string | undefined): string {
  return header !== undefined && /^[A-Za-z0-9._-]{8,128}$/.test(header) ? header : randomUUID();
}

/** The OpenTelemetry trace id of this request, or a fresh random one when tracing is off. */
function currentTraceId(): string {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id !== undefined && id !== '00000000000000000000000000000000' ? id : randomBytes(16).toString('hex');
}
