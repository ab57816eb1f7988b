import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';

export interface Call {
  status: number;
  headers: Headers;
  text: string;
  bytes: Uint8Array;
  json: any;
}

/** A started emulator plus small request functions bound to it. */
export interface Harness {
  emu: Emulator;
  call(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Call>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Call>;
  form(path: string, form: FormData): Promise<Call>;
  get(path: string): Promise<Call>;
}

export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ clock: 'manual', ...options });
  async function call(
    path: string,
    init: RequestInit & { json?: unknown; key?: string | null } = {},
  ): Promise<Call> {
    const headers = new Headers(init.headers);
    if (init.key !== null) headers.set('api-key', init.key ?? emu.apiKey);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${emu.url}${path}`, { ...init, headers, body });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, bytes, json };
  }
  return {
    emu,
    call,
    post: (path, body, headers) => call(path, { method: 'POST', json: body, headers: headers ?? {} }),
    form: (path, form) => call(path, { method: 'POST', body: form }),
    get: (path) => call(path),
  };
}

/**
 * One harness for a describe block (or file): started before its tests, reset before each test,
 * closed after them. Its members are usable inside tests and hooks.
 */
export function useHarness(options: EmulatorOptions = {}): Harness {
  let current: Harness | undefined;
  const started = (): Harness => {
    if (!current) throw new Error('the harness starts in beforeAll; use it inside tests and hooks');
    return current;
  };
  beforeAll(async () => {
    current = await harness(options);
  });
  afterAll(() => current?.emu.close());
  beforeEach(() => started().emu.admin.reset());
  return {
    get emu() {
      return started().emu;
    },
    call: (path, init) => started().call(path, init),
    post: (path, body, headers) => started().post(path, body, headers),
    form: (path, form) => started().form(path, form),
    get: (path) => started().get(path),
  };
}

export function b64(s: string): Buffer {
  return Buffer.from(s, 'base64');
}

export function blob(bytes: Uint8Array, type: string): Blob {
  return new Blob([bytes.slice().buffer as ArrayBuffer], { type });
}

/** Width, height, duration and codec of a video, read by ffprobe. */
export async function probeVideo(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; duration: number; codec: string }> {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFile } = await import('node:child_process');
  const dir = await mkdtemp(join(tmpdir(), 'emu-test-'));
  const file = join(dir, 'v.mp4');
  try {
    await writeFile(file, bytes);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'ffprobe',
        [
          '-v',
          'error',
          '-show_entries',
          'stream=width,height,codec_name:format=duration',
          '-of',
          'json',
          file,
        ],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const info = JSON.parse(out) as {
      streams: { width: number; height: number; codec_name: string }[];
      format: { duration: string };
    };
    const s = info.streams[0]!;
    return { width: s.width, height: s.height, codec: s.codec_name, duration: Number(info.format.duration) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Split an SSE body into events (event name + parsed data). */
export function parseSse(text: string): { event: string; data: any }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(
        lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n'),
      );
      return { event, data };
    });
}
