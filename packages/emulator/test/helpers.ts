import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';

export interface Call {
  status: number;
  headers: Headers;
  text: string;
  bytes: Uint8Array;
  json: any;
}

/** A started emulator plus small request helpers bound to it. */
export interface Harness {
  emu: Emulator;
  call(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Call>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Call>;
  form(path: string, form: FormData): Promise<Call>;
  get(path: string): Promise<Call>;
}

export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ clock: 'manual', ...options });
  async function call(path: string, init: RequestInit & { json?: unknown; key?: string | null } = {}): Promise<Call> {
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

export function b64(s: string): Buffer {
  return Buffer.from(s, 'base64');
}
