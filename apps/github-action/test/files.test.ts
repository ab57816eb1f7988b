import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayPath, globMatch, resolveFiles, safeName, writeNewFile } from '../src/files.js';
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

describe('resolveFiles', () => {
  let ws: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    ws = await tempDir();
    await mkdir(path.join(ws.dir, 'img/sub'), { recursive: true });
    for (const f of ['img/b.png', 'img/a.png', 'img/skip.png', 'img/sub/c.png', 'img/notes.txt', 'top.jpg']) {
      await writeFile(path.join(ws.dir, f), 'x');
    }
  });
  afterEach(() => ws.remove());

  it('expands globs in line order, sorted within a glob, and applies exclusions', async () => {
    const { files, unmatched } = await resolveFiles(['top.jpg', 'img/*.png', '!img/skip.png'], ws.dir);
    expect(files.map((f) => path.relative(ws.dir, f))).toEqual(['top.jpg', 'img/a.png', 'img/b.png']);
    expect(unmatched).toEqual([]);
  });

  it('walks ** and removes duplicates', async () => {
    const { files } = await resolveFiles(['img/**/*.png', 'img/a.png'], ws.dir);
    expect(files.map((f) => path.relative(ws.dir, f))).toEqual([
      'img/a.png',
      'img/b.png',
      'img/skip.png',
      'img/sub/c.png',
    ]);
  });

  it('reports lines that match nothing', async () => {
    const { files, unmatched } = await resolveFiles(['missing.png', 'img/*.gif', 'img'], ws.dir);
    expect(files).toEqual([]);
    expect(unmatched).toEqual(['missing.png', 'img/*.gif', 'img']);
  });
});

describe('file writing', () => {
  it('never replaces an existing file', async () => {
    const ws = await tempDir();
    try {
      const first = await writeNewFile(path.join(ws.dir, 'out'), 'image-1.png', 'one');
      const second = await writeNewFile(path.join(ws.dir, 'out'), 'image-1.png', 'two');
      expect(path.basename(first)).toBe('image-1.png');
      expect(path.basename(second)).toBe('image-1-2.png');
      expect(await readFile(first, 'utf8')).toBe('one');
      expect(displayPath(second, ws.dir)).toBe('out/image-1-2.png');
      expect(displayPath('/elsewhere/x.png', ws.dir)).toBe('/elsewhere/x.png');
    } finally {
      await ws.remove();
    }
  });

  it('keeps names from the API to safe characters', () => {
    expect(safeName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeName('gen_01 abc')).toBe('gen_01_abc');
  });
});
