/**
 * Callback targets: every form of an internal address is refused, by the one check that runs when a
 * job is created and again when a delivery connects; DNS cannot move a callback after the first
 * check; redirects are never followed.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarget, refuseAddress, type Resolve } from '../src/webhooks/targets.js';
import { WebhooksService } from '../src/webhooks/webhooks.service.js';
import { KEYS, azureError, call, json, startStack, until, type Stack } from './support/stack.js';

const strict = { allowLoopback: false, allowPrivate: false };

/** Names resolved by a table instead of DNS. */
function table(entries: Record<string, string[]>): Resolve {
  return async (host) => {
    const found = entries[host];
    if (!found) throw Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

// Every URL here must be refused with the strict policy.
const REFUSED_URLS = [
  // IPv4 loopback, private, shared, link-local, metadata, reserved; and other spellings of them
  'http://127.0.0.1/h',
  'http://127.1.2.3/h',
  'http://2130706433/h',
  'http://0x7f.1/h',
  'http://017700000001/h',
  'http://127.1/h',
  'http://0.0.0.0/h',
  'http://10.0.0.8/h',
  'http://172.20.1.1/h',
  'http://192.168.0.1/h',
  'http://100.64.1.1/h',
  'http://169.254.169.254/latest/meta-data/',
  'http://169.254.1.1/h',
  'http://168.63.129.16/machine',
  'http://100.100.100.200/h',
  'http://224.0.0.1/h',
  'http://255.255.255.255/h',
  'http://192.0.2.1/h',
  // IPv6 loopback, unspecified, link-local, unique local, multicast, documentation, metadata
  'http://[::1]/h',
  'http://[::]/h',
  'http://[fe80::1]/h',
  'http://[fd00::1]/h',
  'http://[fc00::1]/h',
  'http://[ff02::1]/h',
  'http://[2001:db8::1]/h',
  'http://[fd00:ec2::254]/h',
  // IPv6 forms carrying an internal IPv4 address
  'http://[::ffff:127.0.0.1]/h',
  'http://[::ffff:7f00:1]/h',
  'http://[::ffff:169.254.169.254]/h',
  'http://[::ffff:a9fe:a9fe]/h',
  'http://[::ffff:10.0.0.1]/h',
  'http://[::127.0.0.1]/h',
  'http://[::7f00:1]/h',
  'http://[::a9fe:a9fe]/h',
  'http://[::ffff:0:127.0.0.1]/h',
  'http://[64:ff9b::127.0.0.1]/h',
  'http://[64:ff9b::7f00:1]/h',
  'http://[64:ff9b::a9fe:a9fe]/h',
  'http://[64:ff9b::10.1.2.3]/h',
  'http://[64:ff9b:1::1]/h',
  'http://[2002:7f00:1::1]/h',
  'http://[2002:a9fe:a9fe::]/h',
  'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/h',
  // names: loopback names with and without trailing dots, and names that resolve inside
  'http://localhost/h',
  'http://localhost./h',
  'http://LOCALHOST../h',
  'http://api.localhost/h',
  'http://metadata.test/computeMetadata/v1/',
  'http://metadata.test./computeMetadata/v1/',
  'http://mapped.test/h',
  'http://nat64.test/h',
  'http://mixed.test/h',
];

const RESOLVER = table({
  'metadata.test': ['169.254.169.254'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'nat64.test': ['64:ff9b::a9fe:a9fe'],
  // One good address and one internal one: the internal one decides.
  'mixed.test': ['93.184.216.34', '10.0.0.7'],
  'public.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
});

describe('the address check', () => {
  it(`refuses all ${REFUSED_URLS.length} internal forms and allows public ones`, async () => {
    const allowed: string[] = [];
    for (const url of REFUSED_URLS) {
      const checked = await checkTarget(url, strict, RESOLVER);
      if (checked.ok) allowed.push(url);
      else expect(checked.code, url).toBe('refused');
    }
    expect(allowed).toEqual([]);
    for (const url of [
      'https://93.184.216.34/h',
      'https://[2606:2800:220:1:248:1893:25c8:1946]/h',
      'https://[::ffff:93.184.216.34]/h',
      'https://[64:ff9b::93.184.216.34]/h',
      'https://public.test/h',
      'https://public.test./h',
    ]) {
      expect(await checkTarget(url, strict, RESOLVER), url).toMatchObject({ ok: true });
    }
  });

  it('loopback and private ranges only when allowed; metadata and link-local never', () => {
    const both = { allowLoopback: true, allowPrivate: true };
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', 'fd00::1', '64:ff9b::c0a8:1'])
      expect(refuseAddress(a, both), a).toBeUndefined();
    for (const a of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fe80::1',
      '168.63.129.16',
      '0.0.0.0',
      '::',
    ])
      expect(refuseAddress(a, both), a).toBeTruthy();
    expect(refuseAddress('10.0.0.1', { allowLoopback: true, allowPrivate: false })).toMatch(/private/);
  });

  it('refuses what is not an http(s) URL, carries credentials, or cannot be parsed', async () => {
    for (const [url, why] of [
      ['file:///etc/passwd', /http or https/],
      ['gopher://example.com/', /http or https/],
      ['https://user:pw@example.com/', /credentials/],
      ['not a url', /not a valid URL/],
      [42, /URL string/],
    ] as const) {
      const checked = await checkTarget(url, strict, RESOLVER);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.reason).toMatch(why);
    }
  });
});

describe('through the service', () => {
  let stack: Stack;
  let receiver: Server;
  let redirector: Server;
  const hits = { receiver: 0, redirector: 0 };
  let receiverPort = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits.receiver++;
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverPort = (receiver.address() as { port: number }).port;
    redirector = createServer((req, res) => {
      hits.redirector++;
      req.resume();
      res.writeHead(302, { location: `http://127.0.0.1:${receiverPort}/internal` }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    stack = await startStack({
      env: { WEBHOOK_ALLOW_LOOPBACK: 'false', WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_BACKOFF_MS: '50' },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((r) => receiver?.close(r));
    await new Promise((r) => redirector?.close(r));
  });

  function create(callback: string) {
    return json(stack, '/openai/v1/video/generations/jobs', {
      model: 'sora',
      prompt: 'a harbour',
      width: 480,
      height: 480,
      n_seconds: 1,
      callback_url: callback,
    });
  }

  it('refuses every internal literal and loopback name at create time with a 400 naming callback_url', async () => {
    const literal = REFUSED_URLS.filter((u) => !u.includes('.test'));
    for (const url of literal) {
      const res = await create(url.replace('/h', `:${receiverPort}/h`));
      expect(res.status, url).toBe(400);
      expect(azureError(await res.json()), url).toMatchObject({
        param: 'callback_url',
        code: 'invalid_callback_url',
      });
    }
    expect(stack.emu.admin.counters().videoJobsCreated.sora ?? 0).toBe(0);
  });

  it('checks again at delivery: a name that now resolves to loopback gets nothing', async () => {
    const webhooks = stack.app.get(WebhooksService);
    let answers = 0;
    // Public when the job is created, loopback at delivery (DNS rebinding).
    webhooks.resolve = async () => [{ address: answers++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    const res = await create(`http://rebind.test:${receiverPort}/hook`);
    expect(res.status).toBe(200);
    const job: any = await res.json();
    await until('job done', async () => {
      const j: any = await (await call(stack, `/openai/v1/video/generations/jobs/${job.id}`)).json();
      return j.status === 'succeeded';
    });
    await until('delivery refused', async () =>
      stack.logs.some((l) => /webhook target refused/.test(l) && /127\.0\.0\.1/.test(l)),
    );
    expect(answers).toBeGreaterThanOrEqual(2);
    expect(hits.receiver).toBe(0);
  });

  it('never follows a redirect', async () => {
    const webhooks = stack.app.get(WebhooksService);
    // The redirector is "public" for this test; what it redirects to is loopback.
    webhooks.resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const policy = webhooks.policy as { allowLoopback: boolean };
    policy.allowLoopback = true;
    try {
      const failed = async () =>
        ((await (await call(stack, '/admin/stats', { key: KEYS.admin })).json()) as any).queues.webhooks
          .failed as number;
      const failedBefore = await failed();
      const redirectorPort = (redirector.address() as { port: number }).port;
      const res = await create(`http://hooks.test:${redirectorPort}/hook`);
      expect(res.status).toBe(200);
      await until('the delivery failed for good', async () => (await failed()) > failedBefore);
      expect(hits.redirector).toBe(2);
      expect(hits.receiver).toBe(0);
    } finally {
      policy.allowLoopback = false;
    }
  });
});
