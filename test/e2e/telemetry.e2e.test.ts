/**
 * OpenTelemetry export, switched on by the standard OTEL_* variables, against a local fake OTLP/HTTP
 * collector: the service (the build) sends the spans of a request there; with no variables it sends none.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess } from '../support/service-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('OpenTelemetry export', () => {
  let t: TestPlatform;
  let collector: http.Server;
  const received: { path: string; body: string }[] = [];
  let collectorUrl: string;

  beforeAll(async () => {
    t = await createTestPlatform();
    collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    collectorUrl = `http://127.0.0.1:${(collector.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    collector?.close();
    await t?.close();
  });

  const runService = (env: Record<string, string>) =>
    startServiceProcess({ ...t.env, OTEL_SDK_DISABLED: 'false', RETENTION_INTERVAL_MS: '0', ...env });

  it('sends the spans of a request to the OTLP endpoint when OTEL_TRACES_EXPORTER=otlp', async () => {
    const service = await runService({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'pfp-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const response = await fetch(service.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    for (let i = 0; i < 50 && !received.some((r) => r.path === '/v1/traces'); i++)
      await new Promise((r) => setTimeout(r, 100));
    service.child.kill('SIGTERM');
    await service.exited;
    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const body = traces.map((r) => r.body).join('\n');
    expect(body).toContain('pfp-under-test');
    expect(body).toMatch(/POST|graphql/i);
  });

  it('stops at once on SIGTERM, exit code 0, when the collector accepts connections but never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const service = await runService({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      });
      const response = await fetch(service.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(200);
      const started = Date.now();
      service.child.kill('SIGTERM');
      const code = await service.exited;
      expect(code, service.output()).toBe(0);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(service.output()).toMatch(/Telemetry: the last spans were not sent/);
      expect(service.output()).toContain('Stopped.');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 30_000);

  it('sends nothing by default', async () => {
    received.length = 0;
    const service = await runService({ OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl });
    await fetch(service.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await new Promise((r) => setTimeout(r, 1500));
    service.child.kill('SIGTERM');
    await service.exited;
    expect(received).toEqual([]);
  });
});
