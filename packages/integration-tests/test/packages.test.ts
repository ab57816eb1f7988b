/**
 * What users download: `pnpm pack` of every publishable package holds what its manifest points at
 * and nothing else (no sources, tests, source maps or secrets), with the fields npm shows.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLISHED = ['packages/core', 'packages/emulator', 'packages/n8n-nodes-aoai-media'];
const out = mkdtempSync(join(tmpdir(), 'aoai-packs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Packed {
  files: string[];
  manifest: Record<string, any>;
  text: Map<string, string>;
}

function pack(dir: string): Packed {
  const before = new Set(execFileSync('ls', [out], { encoding: 'utf8' }).split('\n'));
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: join(root, dir), stdio: 'pipe' });
  const tarball = execFileSync('ls', [out], { encoding: 'utf8' })
    .split('\n')
    .find((f) => f.endsWith('.tgz') && !before.has(f));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${dir}`);
  const unpacked = mkdtempSync(join(out, 'x-'));
  execFileSync('tar', ['xzf', join(out, tarball), '-C', unpacked]);
  const files = execFileSync('tar', ['tzf', join(out, tarball)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const text = new Map(files.map((f) => [f, readFileSync(join(unpacked, 'package', f), 'utf8')]));
  return { files, manifest: JSON.parse(text.get('package.json')!), text };
}

/** Every file a manifest names: main, types, exports, bin, and n8n's node and credential lists. */
function referenced(manifest: Record<string, any>): string[] {
  const paths: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') paths.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk([manifest.main, manifest.types, manifest.bin, manifest.n8n?.nodes, manifest.n8n?.credentials]);
  for (const [key, value] of Object.entries(manifest.exports ?? {}))
    if (key !== './package.json') walk(value);
  return paths.filter(Boolean).map((p) => p.replace(/^\.\//, ''));
}

describe.each(PUBLISHED)('pnpm pack of %s', (dir) => {
  const packed = pack(dir);

  it('contains every file its manifest points at', () => {
    const wanted = referenced(packed.manifest);
    expect(wanted.length).toBeGreaterThan(0);
    for (const path of wanted) expect(packed.files, `${path} is named in package.json`).toContain(path);
  });

  it('contains only built code, its manifest and its README', () => {
    for (const file of packed.files) {
      expect(file, file).toMatch(/^(dist\/|bin\/|package\.json$|README\.md$|LICENSE$)/);
      expect(file, file).not.toMatch(/\.test\.|\.map$|(?<!\.d)\.ts$/);
    }
    expect(packed.files).toContain('README.md');
  });

  it('has the fields npm shows and no workspace links', () => {
    const m = packed.manifest;
    expect(m.license).toBe('MIT');
    expect(m.repository?.directory).toBe(dir);
    expect(m.engines?.node).toMatch(/^>=20/);
    expect(Array.isArray(m.keywords) && m.keywords.length > 0).toBe(true);
    expect(JSON.stringify(m)).not.toContain('workspace:');
  });

  it('carries no secrets and no machine paths', () => {
    for (const [file, content] of packed.text) {
      expect(content, file).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(content, file).not.toMatch(
        /\b(sk-[A-Za-z0-9]{20,}|[0-9a-f]{32}(?![0-9a-f]))\b(?=.*(key|token))/i,
      );
      expect(content, file).not.toMatch(/\/(home|root|Users)\/[A-Za-z0-9_.-]+\//);
    }
  });
});

describe('the n8n package', () => {
  it('has no runtime dependencies and n8n-workflow only as a peer', () => {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages/n8n-nodes-aoai-media/package.json'), 'utf8'),
    );
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(manifest.keywords).toContain('n8n-community-node-package');
    expect(manifest.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
  });
});
