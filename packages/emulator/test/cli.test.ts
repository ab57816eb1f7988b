import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli.js';
import { loadConfig } from '../src/config.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const bin = join(pkg, 'bin', 'aoai-emulator.js');

/** The bin imports dist: build it when this checkout has not been built yet. */
function ensureBuilt(): void {
  if (existsSync(join(pkg, 'dist', 'cli.js'))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/** Start the CLI and resolve with its URL once it prints the listening line. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 20_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}: ${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('aoai-emulator CLI', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs from a config file and is driven through the admin API over HTTP', async () => {
    const config = join(dir, 'emulator.json');
    writeFileSync(
      config,
      JSON.stringify({
        apiKey: 'cli-secret-key',
        clock: 'manual',
        deployments: { 'team-images': 'gpt-image-1', 'team-video': 'sora' },
        blockedTerms: ['forbidden'],
        videoModeration: 'reject',
        limits: { deployments: { 'team-images': { requestsPerMinute: 100 } } },
      }),
    );
    const { child, url, output } = await startCli(['--port', '0', '--config', config]);
    try {
      expect(output()).not.toContain('cli-secret-key');
      const headers = { 'api-key': 'cli-secret-key', 'content-type': 'application/json' };
      const img = await fetch(`${url}/openai/v1/images/generations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'team-images', prompt: 'x', size: '1024x1024' }),
      });
      expect(img.status).toBe(200);
      expect(img.headers.get('x-ratelimit-remaining-requests')).toBe('99');
      const blocked = await fetch(`${url}/openai/v1/video/generations/jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'team-video', prompt: 'forbidden', width: 480, height: 480 }),
      });
      expect(blocked.status).toBe(400);
      const wrongKey = await fetch(`${url}/openai/v1/images/generations`, {
        method: 'POST',
        headers: { ...headers, 'api-key': 'emulator-key' },
        body: '{}',
      });
      expect(wrongKey.status).toBe(401);

      const job = await (
        await fetch(`${url}/openai/v1/video/generations/jobs`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: 'team-video', prompt: 'ok', width: 480, height: 480 }),
        })
      ).json();
      await fetch(`${url}/_emulator/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 10_000 }) });
      const done = await (
        await fetch(`${url}/openai/v1/video/generations/jobs/${job.id}`, { headers })
      ).json();
      expect(done.status).toBe('succeeded');
      const counters = await (await fetch(`${url}/_emulator/counters`)).json();
      expect(counters.videoJobsCreated['team-video']).toBe(1);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('uses the default key and deployments with no config', async () => {
    const { child, url, output } = await startCli(['--port', '0', '--host', '127.0.0.1']);
    try {
      expect(output()).toContain('emulator-key');
      const r = await fetch(`${url}/openai/deployments/dall-e-2/images/generations?api-version=2024-10-21`, {
        method: 'POST',
        headers: { 'api-key': 'emulator-key', 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', size: '256x256' }),
      });
      expect(r.status).toBe(200);
    } finally {
      await stop(child);
    }
  });

  it('explains bad arguments and bad config files', async () => {
    await expect(parseArgs(['--port', 'abc'])).rejects.toThrow(/--port must be 0-65535, got 'abc'/);
    await expect(parseArgs(['--colour'])).rejects.toThrow(/Unknown argument '--colour'/);
    await expect(parseArgs(['--clock', 'fast'])).rejects.toThrow(/--clock must be real or manual/);
    expect(await parseArgs(['--port', '4011', '--clock', 'manual', '--time-scale', '5'])).toMatchObject({
      port: 4011,
      clock: 'manual',
      timeScale: 5,
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ colour: 'red' }));
    await expect(loadConfig(bad)).rejects.toThrow(/unknown field 'colour'/);
    writeFileSync(bad, '{nope');
    await expect(loadConfig(bad)).rejects.toThrow(/not valid JSON/);
    writeFileSync(bad, JSON.stringify({ deployments: { x: 'gpt-99' } }));
    const { child } = await startCli(['--port', '0', '--config', bad]).catch((err: Error) => {
      expect(err.message).toMatch(/deployments\.x names unknown model "gpt-99"/);
      return { child: undefined };
    });
    expect(child).toBeUndefined();
  });
});
