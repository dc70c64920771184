// The VIES client against a fake VIES on 127.0.0.1: answers, errors, timeouts, and the off switch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors';
import { createVatRegistryCheck, DisabledVies, ViesClient } from '../../../src/vat/vies-client';

/** What the fake VIES was sent. */
interface Received {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

const received: Received[] = [];

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** A stand-in for VIES: the number asked about picks the answer. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    countryCode: string;
    vatNumber: string;
  };
  received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
  const base = { countryCode: body.countryCode, vatNumber: body.vatNumber, requestDate: '2026-11-25+01:00' };
  switch (body.vatNumber) {
    case '111111125':
      return reply(
        res,
        200,
        JSON.stringify({
          ...base,
          valid: true,
          name: 'Beispiel GmbH',
          address: 'Hauptstr. 1\n10115 Berlin',
          requestIdentifier: 'WAPIAAAAW',
        }),
      );
    case '126639095':
      // Germany never discloses name and address.
      return reply(res, 200, JSON.stringify({ ...base, valid: true, name: '---', address: '---' }));
    case '111111126':
      return reply(res, 200, JSON.stringify({ ...base, valid: false, name: '---', address: '---' }));
    case '200000001':
      return reply(
        res,
        500,
        JSON.stringify({ actionSucceed: false, errorWrappers: [{ error: 'SERVICE_UNAVAILABLE' }] }),
      );
    case '200000002':
      return reply(res, 502, '<html>Bad gateway</html>');
    case '200000003':
      return reply(res, 200, '{"valid": tru');
    case '200000004':
      return reply(res, 200, JSON.stringify({ ...base, valid: false, userError: 'MS_UNAVAILABLE' }));
    case '200000005':
      return reply(res, 200, JSON.stringify({ ...base, name: 'no validity at all' }));
    case '200000006':
      setTimeout(() => reply(res, 200, JSON.stringify({ ...base, valid: true })), 1_000).unref();
      return;
    default:
      return reply(
        res,
        400,
        JSON.stringify({ actionSucceed: false, errorWrappers: [{ error: 'INVALID_INPUT' }] }),
      );
  }
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vies/rest-api/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(timeoutMs = 2_000): ViesClient {
  return new ViesClient({ baseUrl, timeoutMs });
}

describe('ViesClient', () => {
  it('posts {countryCode, vatNumber} as JSON to {base}/check-vat-number, without the prefix in the number', async () => {
    received.length = 0;
    await client().check('DE', 'DE 111 111 125');
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/vies/rest-api/check-vat-number',
        contentType: 'application/json',
        body: { countryCode: 'DE', vatNumber: '111111125' },
      },
    ]);
  });

  it('reports a registered number as VERIFIED with name, address and consultation number', async () => {
    expect(await client().check('DE', '111111125')).toEqual({
      status: 'VERIFIED',
      countryCode: 'DE',
      vatNumber: '111111125',
      name: 'Beispiel GmbH',
      address: 'Hauptstr. 1\n10115 Berlin',
      requestDate: '2026-11-25+01:00',
      requestIdentifier: 'WAPIAAAAW',
      reason: null,
    });
  });

  it("reads VIES's '---' as no name and no address", async () => {
    const result = await client().check('DE', '126639095');
    expect(result).toMatchObject({ status: 'VERIFIED', name: null, address: null });
  });

  it('reports valid: false as NOT_REGISTERED', async () => {
    const result = await client().check('DE', '111111126');
    expect(result).toMatchObject({
      status: 'NOT_REGISTERED',
      reason: expect.stringMatching(/not registered/),
    });
  });

  it('sends the requester when configured, so VIES gives a consultation number', async () => {
    received.length = 0;
    const withRequester = new ViesClient({
      baseUrl,
      timeoutMs: 2_000,
      requester: { countryCode: 'NL', vatNumber: '010000446B01' },
    });
    await withRequester.check('DE', '111111125');
    expect(received[0]?.body).toEqual({
      countryCode: 'DE',
      vatNumber: '111111125',
      requesterMemberStateCode: 'NL',
      requesterNumber: '010000446B01',
    });
  });

  it('asks about Greek numbers with EL, whether given GR or EL', async () => {
    received.length = 0;
    const result = await client().check('GR', 'GR094259216');
    expect(received[0]?.body).toEqual({ countryCode: 'EL', vatNumber: '094259216' });
    expect(result.countryCode).toBe('EL');
  });

  it.each([
    ['HTTP 500 with a VIES error code', '200000001', /HTTP 500 \(SERVICE_UNAVAILABLE\)/],
    ['HTTP 502 with an HTML page', '200000002', /HTTP 502$/],
    ['garbage instead of JSON', '200000003', /not a JSON object/],
    ['MS_UNAVAILABLE (sent with valid: false)', '200000004', /could not check the number \(MS_UNAVAILABLE\)/],
    ['an answer without a validity', '200000005', /without a validity/],
    ['HTTP 400 INVALID_INPUT', '999999999', /HTTP 400 \(INVALID_INPUT\)/],
  ])('turns %s into NOT_VERIFIED with the reason', async (_case, number, reason) => {
    const result = await client().check('DE', number);
    expect(result.status).toBe('NOT_VERIFIED');
    expect(result.reason).toMatch(reason);
  });

  it('gives up after the timeout with NOT_VERIFIED', async () => {
    const started = Date.now();
    const result = await client(150).check('DE', '200000006');
    expect(result).toMatchObject({ status: 'NOT_VERIFIED', reason: 'VIES did not answer within 150 ms' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('reports an unreachable VIES as NOT_VERIFIED instead of throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await new ViesClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 }).check(
      'DE',
      '111111125',
    );
    expect(result.status).toBe('NOT_VERIFIED');
    expect(result.reason).toMatch(/could not be reached/);
  });

  it('does not ask about non-EU prefixes or numbers VIES cannot look up', async () => {
    received.length = 0;
    expect((await client().check('GB', '980780684')).reason).toMatch(/EU member states only/);
    expect((await client().check('DE', '')).reason).toMatch(/could look up/);
    expect(received).toEqual([]);
  });
});

describe('DisabledVies and createVatRegistryCheck', () => {
  it('is off without a base URL and then never verifies', async () => {
    for (const config of [undefined, {}, { baseUrl: null }, { baseUrl: '  ' }]) {
      const check = createVatRegistryCheck(config);
      expect(check).toBeInstanceOf(DisabledVies);
      expect(await check.check('DE', '111111125')).toMatchObject({
        status: 'NOT_VERIFIED',
        countryCode: 'DE',
        vatNumber: '111111125',
        reason: 'VIES check is off',
      });
    }
  });

  it('makes a working client from a base URL', async () => {
    const check = createVatRegistryCheck({ baseUrl, timeoutMs: 2_000 });
    expect(check).toBeInstanceOf(ViesClient);
    expect((await check.check('DE', '111111125')).status).toBe('VERIFIED');
  });

  it('refuses a configuration that cannot work, at start-up', () => {
    expect(() => createVatRegistryCheck({ baseUrl: 'not a url' })).toThrow(ConfigError);
    expect(() => createVatRegistryCheck({ baseUrl: 'ftp://vies.example' })).toThrow(ConfigError);
    expect(() => createVatRegistryCheck({ baseUrl, timeoutMs: 0 })).toThrow(ConfigError);
  });
});
