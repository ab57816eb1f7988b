import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayPath, globMatch, safeName, writeComplete, writeNewFile } from '../src/files.js';
import { PathPolicy } from '../src/paths.js';
import { InputError } from '../src/problems.js';
import { tempDir } from './support.js';

describe('globMatch', () => {
  it.each([
    ['*.png', 'a.png', true],
    ['*.png', 'dir/a.png', false],
    ['**/*.png', 'a.png', true],
    ['**/*.png', 'x/y/z.png', true],
    ['img/?.jpg', 'img/1.jpg', true],
    ['img/?.jpg', 'img/10.jpg', false],
    ['img/[ab].webp', 'img/b.webp', true],
    ['img/[!ab].webp', 'img/b.webp', false],
    ['img/[!ab].webp', 'img/c.webp', true],
    ['*.png', '.hidden.png', false],
    ['a+b(1).png', 'a+b(1).png', true],
    ['**', 'a/b/c', true],
  ])('%s against %s is %s', (pattern, file, expected) => {
    expect(globMatch(pattern, file)).toBe(expected);
  });
});

describe('PathPolicy', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let ws: string;
  let policy: PathPolicy;
  beforeEach(async () => {
    root = await tempDir();
    ws = path.join(root.dir, 'ws');
    await mkdir(path.join(ws, 'img/sub'), { recursive: true });
    await mkdir(path.join(root.dir, 'outside'));
    for (const f of ['img/b.png', 'img/a.png', 'img/skip.png', 'img/sub/c.png', 'img/notes.txt', 'top.jpg']) {
      await writeFile(path.join(ws, f), 'x');
    }
    await writeFile(path.join(root.dir, 'outside/secret.png'), 'secret');
    policy = await PathPolicy.create(ws);
  });
  afterEach(() => root.remove());
  const rel = (files: string[]) => files.map((f) => path.relative(ws, f));

  it('expands globs in line order, sorted within a glob, and applies exclusions', async () => {
    const { files, unmatched } = await policy.files('images', ['top.jpg', 'img/*.png', '!img/skip.png']);
    expect(rel(files)).toEqual(['top.jpg', 'img/a.png', 'img/b.png']);
    expect(unmatched).toEqual([]);
  });

  it('walks ** and removes duplicates', async () => {
    const { files } = await policy.files('images', ['img/**/*.png', 'img/a.png']);
    expect(rel(files)).toEqual(['img/a.png', 'img/b.png', 'img/skip.png', 'img/sub/c.png']);
  });

  it('reports lines that match nothing', async () => {
    const { files, unmatched } = await policy.files('images', ['missing.png', 'img/*.gif', 'img']);
    expect(files).toEqual([]);
    expect(unmatched).toEqual(['missing.png', 'img/*.gif', 'img']);
  });

  it('follows a linked file inside the workspace, in a glob as with a literal path', async () => {
    await symlink(path.join(ws, 'img/a.png'), path.join(ws, 'img/link.png'));
    expect(rel((await policy.files('images', ['img/l*.png'])).files)).toEqual(['img/a.png']);
    expect(rel((await policy.files('images', ['img/link.png'])).files)).toEqual(['img/a.png']);
  });

  it.each([
    ['..', '../outside/secret.png'],
    ['absolute', 'ABS'],
    ['glob', '../outside/*.png'],
    ['glob through a linked folder', 'img/out/*.png'],
    ['linked file', 'img/secret-link.png'],
    ['linked file matched by a glob', 'img/secret-*.png'],
  ])('refuses a path that leaves the workspace: %s', async (_, line) => {
    await symlink(path.join(root.dir, 'outside/secret.png'), path.join(ws, 'img/secret-link.png'));
    await symlink(path.join(root.dir, 'outside'), path.join(ws, 'img/out'));
    const value = line === 'ABS' ? path.join(root.dir, 'outside/secret.png') : line;
    const error = await policy.files('images', [value]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]!.input).toBe('images');
    expect((error as InputError).problems[0]!.message).toMatch(/outside the workspace/);
    await expect(
      policy.file('prompt-file', value.replace('secret-*', 'secret-link').replace('*', 'secret')),
    ).rejects.toThrow(/outside the workspace/);
  });

  it('refuses an output folder that is, or goes through, a link to outside', async () => {
    await symlink(path.join(root.dir, 'outside'), path.join(ws, 'out-link'));
    await expect(policy.outputDir('output-dir', 'out-link/new/deeper')).rejects.toThrow(
      /outside the workspace/,
    );
    await expect(policy.outputDir('output-dir', '../elsewhere')).rejects.toThrow(/outside the workspace/);
    expect(await policy.outputDir('output-dir', 'fresh/dir')).toBe(path.join(ws, 'fresh/dir'));
  });

  it('allows a folder listed in allowed-roots, and names that input when one is not a folder', async () => {
    const wider = await PathPolicy.create(ws, [path.join(root.dir, 'outside')]);
    expect(await wider.file('audio', '../outside/secret.png')).toBe(
      path.join(root.dir, 'outside/secret.png'),
    );
    const error = await PathPolicy.create(ws, ['nope']).catch((e: unknown) => e);
    expect((error as InputError).problems).toEqual([
      { input: 'allowed-roots', message: '"nope" is not an existing folder' },
    ]);
  });
});

describe('file writing', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(() => root.remove());
  const out = () => ({ dir: path.join(root.dir, 'out'), stagingDir: path.join(root.dir, 'staging') });

  it('never replaces an existing file', async () => {
    const first = await writeNewFile(out(), 'image-1.png', 'one');
    const second = await writeNewFile(out(), 'image-1.png', 'two');
    expect(path.basename(first)).toBe('image-1.png');
    expect(path.basename(second)).toBe('image-1-2.png');
    expect(await readFile(first, 'utf8')).toBe('one');
    expect(displayPath(second, root.dir)).toBe('out/image-1-2.png');
    expect(displayPath('/elsewhere/x.png', root.dir)).toBe('/elsewhere/x.png');
    expect(await readdir(out().stagingDir)).toEqual([]);
  });

  it('leaves nothing behind when filling the file fails', async () => {
    const error = await writeComplete(out(), 'video.mp4', async (temp) => {
      await writeFile(temp, 'half a video');
      throw new Error('connection reset');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('connection reset');
    expect(await readdir(root.dir)).toEqual(['staging']);
    expect(await readdir(out().stagingDir)).toEqual([]);
  });

  it('does not write through a link left under the chosen name', async () => {
    await mkdir(out().dir);
    await writeFile(path.join(root.dir, 'target.txt'), 'keep');
    await symlink(path.join(root.dir, 'target.txt'), path.join(out().dir, 'a.txt'));
    const written = await writeNewFile(out(), 'a.txt', 'new');
    expect(path.basename(written)).toBe('a-2.txt');
    expect(await readFile(path.join(root.dir, 'target.txt'), 'utf8')).toBe('keep');
  });

  it('keeps names from the API to safe characters', () => {
    expect(safeName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeName('gen_01 abc')).toBe('gen_01_abc');
  });
});
