/**
 * Upstream sign-in with Entra ID through @azure/identity's ManagedIdentityCredential, as on Azure App
 * Service: the credential asks the platform's token endpoint (IDENTITY_ENDPOINT, with the
 * IDENTITY_HEADER secret), here a fake one on loopback that counts what it is asked. The built
 * service runs as a child process, as it does in production, with no API key at all.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from './support/child.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { json, serviceEnv } from './support/stack.js';

const TOKEN = 'token-from-the-managed-identity';
const HEADER_SECRET = 'identity-header-secret';

let emu: Emulator;
let redis: TestRedis;
let storageDir: string;
let tokenServer: Server;
let tokenUrl: string;
/** What the token endpoint was asked, and whether it should fail. */
const asked: { resource: string | null; apiVersion: string | null; header: string | undefined }[] = [];
let failing = false;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, apiKey: 'a-key-the-service-does-not-have', bearerTokens: [TOKEN] });
  redis = await startRedis();
  storageDir = mkdtempSync(join(tmpdir(), 'aoai-identity-'));
  tokenServer = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    asked.push({
      resource: url.searchParams.get('resource'),
      apiVersion: url.searchParams.get('api-version'),
      header: req.headers['x-identity-header'] as string | undefined,
    });
    if (failing || req.headers['x-identity-header'] !== HEADER_SECRET) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        access_token: TOKEN,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
      }),
    );
  });
  await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as { port: number }).port}/msi/token`;
});
afterAll(async () => {
  for (const s of services) await s.kill('SIGTERM');
  tokenServer?.close();
  await emu?.close();
  await redis?.stop();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  if (redis) rmSync(redis.dir, { recursive: true, force: true });
});

async function service(extra: Record<string, string>): Promise<ServiceProcess> {
  const { AZURE_OPENAI_API_KEY: _none, ...env } = serviceEnv(emu, redis.url, storageDir, {
    AZURE_OPENAI_AUTH: 'entra',
    AZURE_CREDENTIAL: 'managed-identity',
    IDENTITY_ENDPOINT: tokenUrl,
    IDENTITY_HEADER: HEADER_SECRET,
    ...extra,
  });
  const s = await startService(env);
  services.push(s);
  return s;
}

const image = { model: 'gpt-image-1-mini', prompt: 'a lighthouse', size: '1024x1024', quality: 'low' };

describe('managed identity (Entra ID) for Azure OpenAI', () => {
  it('signs every call with the identity token, asks the token endpoint once, and sends no key', async () => {
    const svc = await service({});
    const before = emu.admin.requests().length;
    for (let i = 0; i < 3; i++) {
      const res = await json(svc, '/openai/v1/images/generations', image);
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).data[0].b64_json.length).toBeGreaterThan(100);
    }
    const calls = emu.admin.requests().slice(before);
    expect(calls.filter((r) => r.operation === 'images.generate').map((r) => r.auth)).toEqual([
      'bearer',
      'bearer',
      'bearer',
    ]);
    expect(calls.every((r) => r.auth === 'bearer')).toBe(true);
    // The scope's resource, App Service's protocol, the platform's secret header; cached after.
    expect(asked).toEqual([
      { resource: 'https://cognitiveservices.azure.com', apiVersion: '2019-08-01', header: HEADER_SECRET },
    ]);
    const ready: any = await (await fetch(`${svc.url}/health/ready`)).json();
    expect(ready.info.upstream.status).toBe('up');
  });

  it('a credential that gets no token: 502 in Azure shape, nothing reaches Azure, readiness says why', async () => {
    failing = true;
    const svc = await service({});
    const before = emu.admin.requests().length;
    const res = await json(svc, '/openai/v1/images/generations', image);
    expect(res.status).toBe(502);
    const body: any = await res.json();
    expect(body.error.code).toBe('upstream_auth');
    expect(emu.admin.requests().length - before).toBe(0);
    const ready = await fetch(`${svc.url}/health/ready`);
    expect(ready.status).toBe(503);
    const report: any = await ready.json();
    expect(report.error.upstream.message).toMatch(/no token/);
    failing = false;
  });

  it('refuses a configuration that asks for neither a key nor Entra ID, naming the variables', async () => {
    const { AZURE_OPENAI_API_KEY: _k, ...env } = serviceEnv(emu, redis.url, storageDir);
    await expect(startService(env)).rejects.toThrow(
      /AZURE_OPENAI_API_KEY is required.*AZURE_OPENAI_AUTH=entra/s,
    );
    await expect(
      startService({ ...env, AZURE_OPENAI_AUTH: 'entra', AZURE_CREDENTIAL: 'magic' }),
    ).rejects.toThrow(/AZURE_CREDENTIAL="magic" must be one of default, managed-identity/);
  });
});
