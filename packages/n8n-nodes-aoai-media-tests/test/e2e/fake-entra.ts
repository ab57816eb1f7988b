/**
 * Microsoft Entra ID on loopback, the boundary the tests cannot reach: a token endpoint for the
 * client credentials grant, and a gate in front of the emulator that lets a request through only
 * with a bearer token the endpoint issued and the test has not expired. Through the gate the
 * request goes to the emulator with the emulator's key, so "Azure" is still the emulator.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  grantType: string | null;
  clientId: string | null;
  clientSecret: string | null;
  scope: string | null;
  tenant: string;
}

export interface GatedRequest {
  method: string;
  path: string;
  /** The bearer token the request carried, if any. */
  token: string | undefined;
  status: number;
}

export interface FakeEntra {
  /** The authority host to put in the credential (tokens at `<host>/<tenant>/oauth2/v2.0/token`). */
  authorityHost: string;
  /** The endpoint to put in the credential: the gate in front of the emulator. */
  endpoint: string;
  tokenRequests: TokenRequest[];
  gated: GatedRequest[];
  /** Every token issued so far stops working, as it would an hour after it was issued. */
  expireAll(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

export async function startFakeEntra(options: {
  emulatorUrl: string;
  emulatorKey: string;
  clientId: string;
  clientSecret: string;
}): Promise<FakeEntra> {
  const valid = new Set<string>();
  const tokenRequests: TokenRequest[] = [];
  const gated: GatedRequest[] = [];
  let issued = 0;

  const tokens = createServer(async (req, res) => {
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.url ?? '');
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const request: TokenRequest = {
      grantType: form.get('grant_type'),
      clientId: form.get('client_id'),
      clientSecret: form.get('client_secret'),
      scope: form.get('scope'),
      tenant: match[1]!,
    };
    tokenRequests.push(request);
    res.setHeader('content-type', 'application/json');
    if (request.clientId !== options.clientId || request.clientSecret !== options.clientSecret) {
      res.writeHead(401).end(
        JSON.stringify({
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        }),
      );
      return;
    }
    const token = `entra-token-${++issued}`;
    valid.add(token);
    res.writeHead(200).end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: token }));
  });

  const emulator = new URL(options.emulatorUrl);
  const gate = createServer(async (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const entry: GatedRequest = { method: req.method ?? 'GET', path: req.url ?? '', token, status: 0 };
    gated.push(entry);
    const body = await readBody(req);
    if (!token || !valid.has(token)) {
      entry.status = 401;
      res.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: {
            code: '401',
            message:
              'Unauthorized. Access token is missing, invalid, audience is incorrect, or have expired.',
          },
        }),
      );
      return;
    }
    const headers = { ...req.headers, host: emulator.host, 'api-key': options.emulatorKey };
    delete headers.authorization;
    const upstream = httpRequest(
      { hostname: emulator.hostname, port: emulator.port, method: req.method, path: req.url, headers },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  });

  const [authorityHost, endpoint] = await Promise.all([listen(tokens), listen(gate)]);
  return {
    authorityHost,
    endpoint,
    tokenRequests,
    gated,
    expireAll: () => valid.clear(),
    close: async () => {
      await Promise.all(
        [tokens, gate].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
