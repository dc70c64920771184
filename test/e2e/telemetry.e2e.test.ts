/**
 * OpenTelemetry export, switched on by the standard OTEL_* variables, against a local fake OTLP/HTTP
 * collector: the service (the build) sends the spans of a request there; with no variables it sends none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const root = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

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

  async function runService(
    env: Record<string, string>,
  ): Promise<{ url: string; child: ChildProcess; exited: Promise<unknown> }> {
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        ...t.env,
        OTEL_SDK_DISABLED: 'false',
        PORT: String(port),
        SEED_DEMO_DATA: 'false',
        RETENTION_INTERVAL_MS: '0',
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pfp-otel-')),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 150 && !output.includes('GraphQL API at'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('GraphQL API at');
    return { url: `http://127.0.0.1:${port}/graphql`, child, exited };
  }

  it('sends the spans of a request to the OTLP endpoint when OTEL_TRACES_EXPORTER=otlp', async () => {
    const service = await runService({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'pfp-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const response = await fetch(service.url, {
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

  it('sends nothing by default', async () => {
    received.length = 0;
    const service = await runService({ OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl });
    await fetch(service.url, {
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
