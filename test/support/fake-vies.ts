/** A local stand-in for the EU VIES REST service: answers check-vat-number from a fixed register. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeVies {
  url: string;
  /** What was asked; `requester` is the requester's number when the check named one. */
  requests: { countryCode: string; vatNumber: string; requester: string | null }[];
  close(): Promise<void>;
}

/** Per VAT number (with its prefix): the registered name, or the name and address. */
export type FakeViesRegister = Record<string, string | { name: string; address: string }>;

export async function startFakeVies(registered: FakeViesRegister): Promise<FakeVies> {
  const requests: FakeVies['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { countryCode, vatNumber, requesterNumber } = JSON.parse(body) as {
        countryCode: string;
        vatNumber: string;
        requesterNumber?: string;
      };
      requests.push({ countryCode, vatNumber, requester: requesterNumber ?? null });
      const entry = registered[`${countryCode}${vatNumber}`];
      const { name, address } =
        typeof entry === 'string' ? { name: entry, address: undefined } : (entry ?? {});
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          countryCode,
          vatNumber,
          valid: name !== undefined,
          name: name ?? '---',
          address: address ?? '---',
          requestDate: new Date().toISOString(),
          // As VIES: a consultation number only for a check that names its requester.
          ...(requesterNumber === undefined ? {} : { requestIdentifier: `WAPIAAAAZ${requests.length}` }),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
