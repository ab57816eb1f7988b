/**
 * Generated hostile requests for every route: broken JSON and fields, broken multipart (truncated
 * parts, wrong boundaries, huge part headers, too many parts, junk images), unknown paths and
 * methods, bad %-escapes, over-long URLs and headers, broken framing, missing or wrong keys, and
 * clients that hang up halfway. Every case is built so that no part of it is a valid paid request:
 * none of them may reach Azure. Seeded, so a failing case can be replayed.
 */
import { samplePng } from '@aoai-media/emulator';
import { encodeRequest, type RawRequest } from './raw-http.js';

/** A small, fast, seeded generator (mulberry32). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
  text(max: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 -_.!"{}[]%\\\u00e9\u4e2d'): string {
    let s = '';
    const n = this.int(0, max);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

export interface HostileCase {
  kind: string;
  request: RawRequest;
  /** The client hangs up before the request is whole: no answer is expected, only that nothing breaks. */
  hangsUp?: boolean;
}

const PNG_SQUARE = Buffer.from(samplePng(64, 64));
const PNG_WIDE = Buffer.from(samplePng(96, 64));
const PNG_SIG = PNG_SQUARE.subarray(0, 8);

interface JsonRoute {
  path: string;
  valid: Record<string, unknown>;
  required: string[];
}

const JSON_ROUTES: JsonRoute[] = [
  {
    path: '/openai/v1/images/generations',
    valid: { model: 'gpt-image-1', prompt: 'a cat', size: '1024x1024', n: 1, quality: 'low' },
    required: ['prompt', 'model'],
  },
  {
    path: '/openai/deployments/gpt-image-1/images/generations?api-version=2025-04-01-preview',
    valid: { prompt: 'a cat', size: '1024x1024', quality: 'low' },
    required: ['prompt'],
  },
  {
    path: '/openai/v1/video/generations/jobs',
    valid: { model: 'sora', prompt: 'a cat', width: 480, height: 480, n_seconds: 2, n_variants: 1 },
    required: ['prompt', 'model', 'width', 'height'],
  },
  {
    path: '/openai/v1/videos',
    valid: { model: 'sora-2', prompt: 'a cat', seconds: '4', size: '720x1280' },
    required: ['prompt', 'model'],
  },
  { path: '/openai/v1/videos/video_nope/remix', valid: { prompt: 'a cat' }, required: ['prompt'] },
  {
    path: '/openai/v1/responses',
    valid: { model: 'gpt-4.1', input: 'draw a cat', tools: [{ type: 'image_generation' }] },
    required: ['input', 'model'],
  },
];

interface FormRoute {
  path: string;
  /** Fields of a request that would otherwise be valid. */
  fields: Record<string, string>;
  /** The file fields and what a valid file for them looks like. */
  files: { name: string; bytes: Buffer; type: string; filename: string }[];
  /** Cases where junk bytes in the file make the request invalid (image fields). */
  imageFiles: boolean;
}

const FORM_ROUTES: FormRoute[] = [
  {
    path: '/openai/v1/images/edits',
    fields: { model: 'gpt-image-1', prompt: 'add a hat' },
    files: [{ name: 'image', bytes: PNG_SQUARE, type: 'image/png', filename: 'a.png' }],
    imageFiles: true,
  },
  {
    path: '/openai/deployments/dall-e-2/images/edits?api-version=2024-10-21',
    fields: { prompt: 'add a hat', size: '256x256' },
    files: [{ name: 'image', bytes: PNG_SQUARE, type: 'image/png', filename: 'a.png' }],
    imageFiles: true,
  },
  {
    path: '/openai/v1/audio/transcriptions',
    fields: { model: 'whisper' },
    files: [{ name: 'file', bytes: Buffer.from('RIFF'), type: 'audio/wav', filename: 'a.wav' }],
    imageFiles: false,
  },
  {
    path: '/openai/deployments/whisper/audio/translations?api-version=2024-10-21',
    fields: {},
    files: [{ name: 'file', bytes: Buffer.from('RIFF'), type: 'audio/wav', filename: 'a.wav' }],
    imageFiles: false,
  },
  {
    path: '/openai/v1/video/generations/jobs',
    fields: { model: 'sora', prompt: 'a cat', width: '480', height: '480', n_seconds: '2' },
    files: [{ name: 'files', bytes: PNG_SQUARE, type: 'image/png', filename: 'a.png' }],
    imageFiles: true,
  },
  {
    path: '/openai/v1/videos',
    fields: { model: 'sora-2', prompt: 'a cat', seconds: '4', size: '720x1280' },
    files: [{ name: 'input_reference', bytes: PNG_SQUARE, type: 'image/png', filename: 'a.png' }],
    imageFiles: true,
  },
  {
    path: '/openai/v1/videos/video_nope/remix',
    fields: { prompt: 'again' },
    files: [],
    imageFiles: false,
  },
];

const READ_PATHS = [
  '/openai/v1/video/generations/jobs',
  '/openai/v1/video/generations/jobs/task_nope',
  '/openai/v1/video/generations/gen_nope',
  '/openai/v1/video/generations/gen_nope/content/video',
  '/openai/v1/video/generations/gen_nope/content/video?quality=medium',
  '/openai/v1/video/generations/gen_nope/content/thumbnail',
  '/openai/v1/videos',
  '/openai/v1/videos?limit=0',
  '/openai/v1/videos?order=sideways',
  '/openai/v1/videos/video_nope',
  '/openai/v1/videos/video_nope/content?variant=poster',
  '/openai/v1/video/generations/jobs?limit=1000',
  '/openai/v1/video/generations/jobs?statuses=bogus',
  '/admin/stats',
  '/admin/jobs/task_nope',
  '/admin/queues',
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'FOO'];

export function key(acme: string, rng: Rng): Record<string, string> {
  return rng.chance(0.5) ? { 'api-key': acme } : { authorization: `Bearer ${acme}` };
}

interface Part {
  name?: string;
  filename?: string;
  type?: string;
  body: Buffer;
  /** Replace the part's header block entirely. */
  rawHead?: string;
}

function multipart(boundary: string, parts: Part[], close = true): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(Buffer.from(`--${boundary}\r\n`));
    if (p.rawHead !== undefined) out.push(Buffer.from(`${p.rawHead}\r\n\r\n`, 'latin1'));
    else {
      let head = `content-disposition: form-data; name="${p.name}"`;
      if (p.filename !== undefined) head += `; filename="${p.filename}"`;
      head += '\r\n';
      if (p.type) head += `content-type: ${p.type}\r\n`;
      out.push(Buffer.from(`${head}\r\n`, 'utf8'));
    }
    out.push(p.body, Buffer.from('\r\n'));
  }
  if (close) out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

/** A field no route accepts: makes a case invalid whatever else it holds. */
const GUARD: Part = { name: 'x_not_a_field', body: Buffer.from('1') };

function formParts(route: FormRoute): Part[] {
  return [
    ...Object.entries(route.fields).map(([name, v]) => ({ name, body: Buffer.from(v) })),
    ...route.files.map((f) => ({ name: f.name, filename: f.filename, type: f.type, body: f.bytes })),
  ];
}

/** JSON bodies with one thing wrong (the fields of these routes reject each of these values). */
function jsonCase(rng: Rng, acme: string): HostileCase {
  const route = rng.pick(JSON_ROUTES);
  const body: Record<string, unknown> = structuredClone(route.valid);
  const headers = { 'content-type': 'application/json', ...key(acme, rng) };
  const send = (b: string | Buffer, kind: string, extra: Record<string, string> = {}): HostileCase => ({
    kind,
    request: { method: 'POST', path: route.path, headers: { ...headers, ...extra }, body: Buffer.from(b) },
  });
  switch (rng.int(0, 8)) {
    case 0: {
      // Any text is a prompt and the Responses API passes most fields on: corrupt what is checked.
      const names = route.path.includes('responses')
        ? ['model']
        : Object.keys(body).filter((k) => k !== 'prompt');
      const name = rng.pick(names.length ? names : ['prompt']);
      // Not null: where Azure's spec marks a field nullable, null means "not set" and is valid.
      body[name] = rng.pick<unknown>([true, [1, 2], { a: 1 }, -5, 2_000_000_000, 0.5, `zz ${rng.text(8)}!`]);
      return send(JSON.stringify(body), 'json:field');
    }
    case 1:
      // The Responses API takes many fields the service passes on; a non-boolean stream it refuses.
      if (route.path.includes('responses')) body.stream = 'yes';
      else body[`x_${rng.text(6, 'abcdef')}`] = rng.pick<unknown>([1, 'v', [], {}]);
      return send(JSON.stringify(body), 'json:unknown-field');
    case 2:
      delete body[rng.pick(route.required)];
      return send(JSON.stringify(body), 'json:missing');
    case 3:
      return send(`{${rng.text(30)}`, 'json:broken');
    case 4:
      return send(rng.pick(['[]', '"text"', '42', 'null', '[{"model":"sora"}]', '']), 'json:not-object');
    case 5:
      return send(rng.bytes(rng.int(1, 200)), 'json:binary');
    case 6:
      return send(JSON.stringify(body), 'json:wrong-type', {
        'content-type': rng.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/jsonx',
          '',
        ]),
      });
    case 7:
      // Deeply nested JSON.
      return send(`${'['.repeat(5000)}${']'.repeat(5000)}`, 'json:deep');
    default:
      body.prompt = rng.chance(0.5) ? '' : 'x'.repeat(rng.int(40_000, 60_000));
      if (route.path.includes('responses')) body.input = 42;
      body.x_not_a_field = 1;
      return send(JSON.stringify(body), 'json:prompt');
  }
}

/** Multipart bodies, broken in every way we can think of. */
function multipartCase(rng: Rng, acme: string): HostileCase {
  const route = rng.pick(FORM_ROUTES);
  const boundary = `b${rng.text(20, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const headers: Record<string, string> = {
    'content-type': `multipart/form-data; boundary=${boundary}`,
    ...key(acme, rng),
  };
  const post = (body: Buffer, kind: string, h: Record<string, string> = headers): HostileCase => ({
    kind,
    request: { method: 'POST', path: route.path, headers: h, body },
  });
  const parts = formParts(route);
  const choice = rng.int(0, 17);
  switch (choice) {
    case 0: {
      // The classic: a file part that ends after a few bytes, no closing boundary.
      const name = route.files[0]?.name ?? 'image';
      return post(
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="a.png"\r\ncontent-type: image/png\r\n\r\nabc`,
        ),
        'multipart:truncated-file',
      );
    }
    case 1: {
      const whole = multipart(boundary, parts);
      // Anywhere before the closing boundary is complete.
      const cut = rng.int(1, whole.length - boundary.length - 6);
      return post(whole.subarray(0, cut), 'multipart:truncated');
    }
    case 2:
      return post(multipart(`${boundary}x`, parts), 'multipart:wrong-boundary');
    case 3:
      return post(multipart(boundary, parts), 'multipart:no-boundary', {
        ...headers,
        'content-type': rng.pick([
          'multipart/form-data',
          'multipart/form-data; boundary=',
          'multipart/form-data; boundary="unterminated',
        ]),
      });
    case 4: {
      const long = 'q'.repeat(rng.int(71, 400));
      // Longer than RFC 2046 allows, yet readable: the parser may take it, so the form is invalid too.
      return post(multipart(long, [...parts, GUARD]), 'multipart:long-boundary', {
        ...headers,
        'content-type': `multipart/form-data; boundary=${long}`,
      });
    }
    case 5: {
      const form = (junk: number) =>
        multipart(boundary, [
          {
            rawHead: `content-disposition: form-data; name="model"\r\nx-junk: ${'z'.repeat(junk)}`,
            body: Buffer.from('sora'),
          },
          ...parts,
          GUARD,
        ]);
      let junk = rng.int(20_000, 120_000);
      // Every other one (odd lengths, so a seed replays as before) ends near 64 KiB, where a socket
      // read ends: the parser fails on the header inside the first chunk while a later part goes on
      // into the next one, and nothing may wait for that part.
      if (junk % 2 === 1) junk = Math.max(17_000, 65_536 + (junk % 31) - 4 - form(0).length);
      return post(form(junk), 'multipart:huge-part-header');
    }
    case 6:
      return post(
        multipart(
          boundary,
          Array.from({ length: rng.int(60, 400) }, (_, i) => ({ name: `f${i}`, body: Buffer.from('v') })),
        ),
        'multipart:too-many-parts',
      );
    case 7: {
      if (!route.imageFiles) break;
      const junk = rng.pick([
        rng.bytes(rng.int(0, 3000)),
        Buffer.from('not an image at all'),
        Buffer.alloc(0),
      ]);
      const withJunk = parts.map((p) => (p.filename ? { ...p, body: junk } : p));
      return post(multipart(boundary, withJunk), 'multipart:junk-image');
    }
    case 8: {
      if (!route.imageFiles) break;
      // A real signature with garbage (or nothing) after it.
      const fake = Buffer.concat([
        rng.pick([PNG_SIG, Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('RIFF\0\0\0\0WEBP')]),
        rng.bytes(rng.int(0, 40)),
      ]);
      return post(
        multipart(
          boundary,
          parts.map((p) => (p.filename ? { ...p, body: fake } : p)),
        ),
        'multipart:fake-signature',
      );
    }
    case 9: {
      if (!route.imageFiles) break;
      // A real image with the wrong shape or size for the request.
      const wrong = parts.map((p) => (p.filename ? { ...p, body: PNG_WIDE } : p));
      if (route.path.includes('images/edits') && !route.path.includes('dall-e-2'))
        wrong.push({ name: 'mask', filename: 'm.png', type: 'image/png', body: PNG_SQUARE });
      // Sora 1 media of any size is fine: a variant count of 0 is not.
      if (route.path.includes('generations/jobs')) wrong.push({ name: 'n_variants', body: Buffer.from('0') });
      return post(multipart(boundary, wrong), 'multipart:wrong-dimensions');
    }
    case 10: {
      const file = route.files[0];
      if (!file) break;
      return post(
        multipart(boundary, [
          ...parts.filter((p) => !p.filename),
          { name: file.name, body: Buffer.from('a text field') },
        ]),
        'multipart:file-as-text',
      );
    }
    case 11:
      return post(
        multipart(boundary, [
          ...parts,
          {
            name: `x_${rng.text(5, 'abc')}`,
            filename: 'x.bin',
            type: 'application/octet-stream',
            body: rng.bytes(50),
          },
        ]),
        'multipart:unknown-file',
      );
    case 12:
      return post(
        multipart(boundary, [
          ...parts,
          ...parts.filter((p) => p.filename),
          ...parts.filter((p) => p.filename),
          GUARD,
        ]),
        'multipart:duplicate-files',
      );
    case 13:
      return post(
        multipart(boundary, [
          {
            rawHead: rng.pick(['', 'content-type: text/plain', `content-disposition: ${rng.text(30)}`]),
            body: Buffer.from('x'),
          },
          ...parts,
          GUARD,
        ]),
        'multipart:bad-part-head',
      );
    case 14:
      return post(rng.bytes(rng.int(0, 2000)), 'multipart:random-bytes');
    case 15:
      return post(
        multipart(boundary, [
          ...parts.filter((p) => !p.filename),
          { name: 'prompt', body: Buffer.from('y'.repeat(rng.int(300_000, 400_000))) },
        ]),
        'multipart:field-too-large',
      );
    case 16: {
      // Chunked, cut off before the last chunk.
      const whole = multipart(boundary, parts);
      const cut = whole.subarray(0, rng.int(1, Math.max(1, whole.length - 10)));
      const chunked = Buffer.concat([
        Buffer.from(`${cut.length.toString(16)}\r\n`),
        cut,
        Buffer.from('\r\n'),
      ]);
      return {
        kind: 'multipart:chunked-truncated',
        request: {
          method: 'POST',
          path: route.path,
          headers: { ...headers, 'transfer-encoding': 'chunked' },
          body: Buffer.concat([chunked, Buffer.from('0\r\n\r\n')]),
          noLength: true,
        },
      };
    }
    default:
      break;
  }
  // Fields that break the route's rules, in an otherwise well-formed body.
  const broken = parts.map((p) =>
    !p.filename && rng.chance(0.7) ? { ...p, body: Buffer.from(`zz ${rng.text(5)}!`) } : p,
  );
  // A prompt takes any text: make the failure certain.
  broken.push(rng.chance(0.5) ? { name: 'temperature', body: Buffer.from('hot') } : GUARD);
  return post(multipart(boundary, broken), `multipart:bad-fields`);
}

function pathCase(rng: Rng, acme: string): HostileCase {
  const withKey = rng.chance(0.8) ? key(acme, rng) : {};
  switch (rng.int(0, 6)) {
    case 0: {
      const seg = rng.pick([
        '%zz',
        '%',
        '%E0%A4%A',
        '%00',
        '..%2f..%2fetc',
        '%2e%2e',
        encodeURIComponent(rng.text(10)),
      ]);
      const path = rng.pick([
        `/openai/v1/videos/${seg}`,
        `/openai/v1/video/generations/jobs/${seg}`,
        `/openai/v1/video/generations/${seg}/content/video`,
        `/openai/deployments/${seg}/images/generations?api-version=2024-10-21`,
        `/admin/jobs/${seg}`,
      ]);
      return {
        kind: 'path:escape',
        request: { method: rng.pick(['GET', 'DELETE', 'POST']), path, headers: withKey },
      };
    }
    case 1: {
      const path = `/openai/v1/videos?after=${'a'.repeat(rng.int(17_000, 40_000))}`;
      return { kind: 'path:too-long', request: { method: 'GET', path, headers: withKey } };
    }
    case 2:
      return {
        kind: 'path:health-method',
        request: {
          method: rng.pick(METHODS.filter((m) => m !== 'GET' && m !== 'HEAD')),
          path: rng.pick(['/health', '/health/live', '/health/ready', '/docs', '/docs/openapi.json']),
          headers: withKey,
          body: Buffer.from('{}'),
        },
      };
    case 3:
      return {
        kind: 'path:unknown',
        request: {
          method: rng.pick(METHODS),
          path: rng.pick([
            '/',
            '/openai',
            '/openai/v1',
            '/openai/v2/images/generations',
            `/${rng.text(20, 'abc/')}`,
            '/openai/v1/images/generations/extra',
            '/openai/deployments//images/generations',
            '/openai/v1/models',
          ]),
          headers: withKey,
        },
      };
    case 4:
      return {
        kind: 'path:wrong-method',
        request: {
          method: rng.pick(['PUT', 'PATCH', 'OPTIONS', 'DELETE']),
          path: rng.pick(JSON_ROUTES.map((r) => r.path)),
          headers: { ...withKey, 'content-type': 'application/json' },
          body: Buffer.from('{}'),
        },
      };
    case 5:
      return {
        kind: 'path:read',
        request: {
          method: rng.pick(['GET', 'HEAD', 'DELETE']),
          path: rng.pick(READ_PATHS),
          headers: withKey,
        },
      };
    default:
      return {
        kind: 'path:odd-target',
        request: {
          method: 'GET',
          path: rng.pick([
            '*',
            'http://evil.example/openai/v1/videos',
            '//openai/v1/videos',
            '/openai/v1/videos#frag',
          ]),
          headers: withKey,
        },
      };
  }
}

function headerCase(rng: Rng, acme: string): HostileCase {
  const route = rng.pick(JSON_ROUTES);
  const body = Buffer.from(JSON.stringify({ ...route.valid, n: -1, prompt: '' }));
  const base = { 'content-type': 'application/json', ...key(acme, rng) };
  switch (rng.int(0, 6)) {
    case 0:
      return {
        kind: 'header:huge',
        request: {
          method: 'POST',
          path: route.path,
          headers: { ...base, 'x-big': 'h'.repeat(rng.int(17_000, 60_000)) },
          body,
        },
      };
    case 1: {
      const many: Record<string, string> = { ...base };
      for (let i = 0; i < rng.int(200, 600); i++) many[`x-h${i}`] = 'y'.repeat(60);
      return { kind: 'header:many', request: { method: 'POST', path: route.path, headers: many, body } };
    }
    case 2:
      return {
        kind: 'header:bad-length',
        request: {
          method: 'POST',
          path: route.path,
          headers: { ...base, 'content-length': rng.pick(['abc', '-1', '1e3', '99999999999999999999']) },
          body,
        },
      };
    case 3:
      return {
        kind: 'header:length-and-chunked',
        request: {
          method: 'POST',
          path: route.path,
          headers: { ...base, 'content-length': String(body.length), 'transfer-encoding': 'chunked' },
          body,
        },
      };
    case 4:
      return {
        kind: 'header:bad-chunks',
        request: {
          method: 'POST',
          path: route.path,
          headers: { ...base, 'transfer-encoding': 'chunked' },
          body: Buffer.from(`zz\r\n${rng.text(10)}\r\n0\r\n\r\n`),
          noLength: true,
        },
      };
    case 5:
      return {
        kind: 'header:declared-too-large',
        request: {
          method: 'POST',
          path: route.path,
          headers: { ...base, 'content-length': String(rng.int(200_000_000, 2_000_000_000)) },
          body,
        },
      };
    default:
      return {
        kind: 'framing:garbage',
        request: {
          method: 'GET',
          path: '/',
          raw: Buffer.concat([
            Buffer.from(
              rng.pick([
                'GET / HTTP/9.9\r\n\r\n',
                'NOT HTTP AT ALL\r\n\r\n',
                'GET /\r\n\r\n',
                'POST /openai/v1/videos HTTP/1.1\r\nhost: x\r\nbad header line\r\n\r\n',
                'GET /health HTTP/1.1\r\nho st: x\r\n\r\n',
              ]),
            ),
            rng.bytes(rng.int(0, 20)),
          ]),
        },
      };
  }
}

function keyCase(rng: Rng): HostileCase {
  const route = rng.pick([
    ...JSON_ROUTES.map((r) => r.path),
    ...FORM_ROUTES.map((r) => r.path),
    ...READ_PATHS,
  ]);
  const headers = rng.pick<Record<string, string>>([
    {},
    { 'api-key': '' },
    { 'api-key': rng.text(30, 'abcdef0123') || 'k' },
    { authorization: 'Bearer' },
    { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    { authorization: `Bearer ${rng.text(40, 'xyz') || 'k'}` },
  ]);
  const bytes = rng.int(0, 3) === 0 ? rng.bytes(rng.int(1000, 60_000)) : Buffer.from('{}');
  return {
    kind: 'key',
    request: {
      method: 'POST',
      path: route,
      headers: { ...headers, 'content-type': 'application/json' },
      body: bytes,
    },
  };
}

function hangUpCase(rng: Rng, acme: string): HostileCase {
  const useForm = rng.chance(0.5);
  let request: RawRequest;
  if (useForm) {
    const route = rng.pick(FORM_ROUTES);
    const boundary = 'hangupboundary';
    request = {
      method: 'POST',
      path: route.path,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...key(acme, rng) },
      body: multipart(boundary, formParts(route)),
    };
  } else {
    const route = rng.pick(JSON_ROUTES);
    request = {
      method: 'POST',
      path: route.path,
      headers: { 'content-type': 'application/json', ...key(acme, rng) },
      body: Buffer.from(JSON.stringify(route.valid)),
    };
  }
  const total = encodeRequest(request).length;
  return { kind: 'hang-up', hangsUp: true, request: { ...request, hangUpAfter: rng.int(1, total - 1) } };
}

/** One generated case. */
export function hostileCase(rng: Rng, acme: string): HostileCase {
  const r = rng.next();
  if (r < 0.22) return jsonCase(rng, acme);
  if (r < 0.55) return multipartCase(rng, acme);
  if (r < 0.72) return pathCase(rng, acme);
  if (r < 0.84) return headerCase(rng, acme);
  if (r < 0.94) return keyCase(rng);
  return hangUpCase(rng, acme);
}
