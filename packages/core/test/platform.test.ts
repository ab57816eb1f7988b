/**
 * The host's timers and globals live in one module (src/platform.ts), so a bundle for a host that
 * forbids them (n8n's community-package scan) can swap that one file. These tests build core as it
 * ships and read every emitted file; and they check that timers built on `sleep` keep the event loop
 * semantics a command-line program relies on.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallSignal,
  TimeoutError,
  defaultSleep,
  timerOnSleep,
  type Sleep,
  type Timer,
} from '../src/index.js';
import { json, startServer, type TestServer } from './server.js';

/** n8n's restricted globals, including those only some scanner versions reject. */
const RESTRICTED = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'global',
  'globalThis',
  'process',
  '__dirname',
  '__filename',
  'Buffer',
  'require',
];

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'core-build-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // The main entry and the Node entry (`@aoai-media/core/node`), as they ship.
  for (const config of ['tsconfig.build.json', 'tsconfig.node.json']) {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(packageDir, config), '--outDir', outDir], {
      cwd: packageDir,
    });
  }
}, 120_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

async function builtFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (e.name.endsWith('.js') || e.name.endsWith('.d.ts')))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Identifiers in a file that could name a restricted global: every identifier except the name
 * after a `.` and the names of members, which never refer to a global. Comments and strings are
 * not identifiers, so prose may mention them.
 */
function restrictedIdentifiers(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && RESTRICTED.includes(node.text)) {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) ||
          ts.isPropertySignature(parent) ||
          ts.isPropertyDeclaration(parent) ||
          ts.isMethodDeclaration(parent)) &&
          parent.name === node);
      if (!isMemberName) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${node.text} (line ${line + 1})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('host globals are named only in platform.ts', () => {
  it('no built file other than platform.js / platform.d.ts names a restricted global', async () => {
    const files = await builtFiles(outDir);
    expect(files.length).toBeGreaterThan(20);
    expect(files.map((f) => relative(outDir, f))).toContain(join('node', 'download-fetch.js'));
    const offenders: Record<string, string[]> = {};
    for (const file of files) {
      const name = relative(outDir, file);
      if (name === 'platform.js' || name === 'platform.d.ts') continue;
      const found = restrictedIdentifiers(name, await readFile(file, 'utf8'));
      if (found.length > 0) offenders[name] = found;
    }
    expect(offenders).toEqual({});
  });

  it('only the Node entry (node/) imports host modules; nothing in the main entry reaches it', async () => {
    const files = (await builtFiles(outDir)).filter((f) => f.endsWith('.js'));
    const importsOf = (text: string) =>
      [...text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    const offenders: Record<string, string[]> = {};
    let nodeImports = 0;
    for (const file of files) {
      const name = relative(outDir, file);
      const found = importsOf(await readFile(file, 'utf8'));
      if (name.startsWith(`node${sep}`)) {
        nodeImports += found.filter((i) => i.startsWith('node:')).length;
        continue;
      }
      const bad = found.filter((i) => i.startsWith('node:') || i.includes('/node/'));
      if (bad.length > 0) offenders[name] = bad;
    }
    expect(offenders).toEqual({});
    expect(nodeImports).toBeGreaterThan(0);
  });

  it('the check finds what platform.js names (so it can fail)', async () => {
    const found = restrictedIdentifiers('platform.js', await readFile(join(outDir, 'platform.js'), 'utf8'));
    const names = new Set(found.map((f) => f.split(' ')[0]));
    expect([...names].sort()).toEqual(['clearTimeout', 'globalThis', 'setTimeout']);
  });

  it("platform.js exports only the names a host's replacement must provide", async () => {
    const platform = await import(pathToFileURL(join(outDir, 'platform.js')).href);
    expect(Object.keys(platform).sort()).toEqual([
      'defaultFetch',
      'defaultNow',
      'defaultRandom',
      'defaultSleep',
      'nativeDecodeBase64',
    ]);
  });
});

describe('defaultSleep', () => {
  it('resolves, and rejects with the reason when aborted before or during the wait', async () => {
    await expect(defaultSleep(1)).resolves.toBeUndefined();
    const before = new AbortController();
    before.abort(new Error('stopped before'));
    await expect(defaultSleep(60_000, before.signal)).rejects.toThrow('stopped before');
    const during = new AbortController();
    const pending = defaultSleep(60_000, during.signal);
    during.abort(new Error('stopped during'));
    await expect(pending).rejects.toThrow('stopped during');
  });
});

describe('the call timeout is a cancellable timer', () => {
  /** A timer the test fires by hand, recording each one and whether it was cancelled. */
  function manualTimer() {
    const pending: { ms: number; fire: () => void; cancelled: boolean }[] = [];
    const timer: Timer = (ms, fire) => {
      const entry = { ms, fire, cancelled: false };
      pending.push(entry);
      return () => {
        entry.cancelled = true;
      };
    };
    return { timer, pending };
  }

  it('fires the timeout when its timer fires, with the call limit in the message', () => {
    const { timer, pending } = manualTimer();
    const call = new CallSignal(undefined, 1234, 'the request', timer);
    expect(pending.map((p) => p.ms)).toEqual([1234]);
    pending[0]!.fire();
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toBeInstanceOf(TimeoutError);
    expect(call.translate(new Error('aborted'))).toMatchObject({
      name: 'TimeoutError',
      message: 'the request timed out after 1234 ms',
    });
  });

  it('dispose and release cancel the timer; a late firing does not end the call', () => {
    const { timer, pending } = manualTimer();
    const disposed = new CallSignal(undefined, 1000, 'the request', timer);
    disposed.dispose();
    expect(pending[0]!.cancelled).toBe(true);
    const released = new CallSignal(undefined, 1000, 'the request', timer);
    released.release();
    expect(pending[1]!.cancelled).toBe(true);
    pending[1]!.fire();
    expect(released.signal.aborted).toBe(false);
  });

  it('the caller aborting cancels the timer too', () => {
    const { timer, pending } = manualTimer();
    const outer = new AbortController();
    const call = new CallSignal(outer.signal, 1000, 'the request', timer);
    outer.abort();
    expect(pending[0]!.cancelled).toBe(true);
    expect(call.signal.reason).toMatchObject({ name: 'AbortError' });
  });

  it('no timeout, no timer', () => {
    const { timer, pending } = manualTimer();
    new CallSignal(undefined, 0, 'the request', timer).dispose();
    new CallSignal(undefined, Number.POSITIVE_INFINITY, 'the request', timer).dispose();
    expect(pending).toEqual([]);
  });

  it('the real timer fires, is cancelled, and treats a delay past its range as never', async () => {
    const defaultTimer = defaultSleep.timer;
    let fired = 0;
    await new Promise<void>((resolve) => defaultTimer(1, resolve));
    const cancel = defaultTimer(1, () => fired++);
    cancel();
    // A later timer fires after the cancelled one would have (timers of one delay run in order).
    await new Promise<void>((resolve) => defaultTimer(5, resolve));
    expect(fired).toBe(0);
    // Node would run a delay above 2^31-1 ms after 1 ms: it must not fire at all.
    const never = new CallSignal(undefined, 2 ** 32, 'the request');
    await new Promise<void>((resolve) => defaultTimer(5, resolve));
    expect(never.signal.aborted).toBe(false);
    never.dispose();
  });

  it('a platform with only a sleep gets a timer built on it: fired by the sleep, cancelled by aborting it', async () => {
    const sleeps: { ms: number; signal: AbortSignal | undefined; wake: () => void }[] = [];
    const sleep: Sleep = (ms, signal) =>
      new Promise((resolve, reject) => {
        sleeps.push({ ms, signal, wake: resolve });
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    const timer = timerOnSleep(sleep);
    const timedOut = new CallSignal(undefined, 250, 'the request', timer);
    sleeps[0]!.wake();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(timedOut.signal.reason).toBeInstanceOf(TimeoutError);
    const finished = new CallSignal(undefined, 250, 'the request', timer);
    finished.dispose();
    expect(sleeps.map((s) => [s.ms, s.signal?.aborted])).toEqual([
      [250, false],
      [250, true],
    ]);
  });
});

describe('event loop semantics in a real process', () => {
  let server: TestServer;
  let answered = 0;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      answered++;
      // The first answer asks for a wait during which nothing else holds the process open.
      if (answered === 1) {
        json(
          res,
          429,
          { error: { code: '429', message: 'slow down' } },
          { 'retry-after-ms': '400', connection: 'close' },
        );
        return;
      }
      json(res, 200, { created: 1, data: [{ b64_json: 'iVBORw0KGgo=' }] }, { connection: 'close' });
    });
  });
  afterAll(() => server?.close());

  it('a pending retry wait keeps the process alive, and a finished call leaves no timer behind', async () => {
    const script = join(outDir, 'keepalive-check.mjs');
    await writeFile(
      script,
      [
        `import { AzureOpenAIMedia } from ${JSON.stringify(pathToFileURL(join(outDir, 'index.js')).href)};`,
        `const client = new AzureOpenAIMedia({ endpoint: ${JSON.stringify(server.url)}, auth: { apiKey: 'k' }, allowRetiredModels: true, timeoutMs: 600000 });`,
        `const result = await client.images.generate({ model: 'gpt-image-1', prompt: 'p' });`,
        `console.log('images', result.images.length);`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    // Bounded: a timer left pending (the 10-minute call timeout) would hold the process far longer.
    const killer = globalThis.setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    globalThis.clearTimeout(killer);
    expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: 'images 1', stderr: '' });
    expect(answered).toBe(2);
  }, 30_000);
});
