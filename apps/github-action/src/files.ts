import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Turns one glob segment (no slashes) into a regular expression: * ? and [...] classes. */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) source += '\\[';
      else {
        let body = segment.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // Like shells, a wildcard does not match a leading dot.
  const hidden = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${hidden}${source}$`);
}

function hasMagic(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/** Does a slash-separated relative path match a glob pattern (segments, with ** for any depth)? */
export function globMatch(pattern: string, relPath: string): boolean {
  const pat = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const parts = relPath.split('/').filter((s) => s !== '');
  const memo = new Map<string, boolean>();
  const match = (pi: number, si: number): boolean => {
    const key = `${pi},${si}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (pi === pat.length) result = si === parts.length;
    else if (pat[pi] === '**') {
      result = match(pi + 1, si) || (si < parts.length && !parts[si]!.startsWith('.') && match(pi, si + 1));
    } else result = si < parts.length && segmentRegExp(pat[pi]!).test(parts[si]!) && match(pi + 1, si + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

async function walk(dir: string, depthLeft: number, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depthLeft > 0 && entry.name !== 'node_modules' && entry.name !== '.git')
        await walk(full, depthLeft - 1, out);
    } else if (entry.isFile()) out.push(full);
  }
}

export interface ResolvedFiles {
  files: string[];
  /** Lines that matched nothing (literal paths that do not exist, globs with no match). */
  unmatched: string[];
}

/**
 * Resolves newline-separated paths and globs against `root`. Lines starting with `!` exclude.
 * Results are absolute, de-duplicated and in the order of the lines (sorted within a glob).
 */
export async function resolveFiles(lines: readonly string[], root: string): Promise<ResolvedFiles> {
  const found: string[] = [];
  const unmatched: string[] = [];
  const excludes = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
  for (const line of lines.filter((l) => !l.startsWith('!'))) {
    const normal = line.replace(/\\/g, '/');
    const segments = normal.split('/');
    const firstMagic = segments.findIndex(hasMagic);
    if (firstMagic === -1) {
      const full = path.resolve(root, line);
      const info = await stat(full).catch(() => undefined);
      if (info?.isFile()) found.push(full);
      else unmatched.push(line);
      continue;
    }
    const base = path.resolve(root, segments.slice(0, firstMagic).join('/') || '.');
    const rest = segments.slice(firstMagic).join('/');
    const depth = rest.includes('**') ? 32 : segments.length - firstMagic - 1;
    const candidates: string[] = [];
    await walk(base, depth, candidates);
    const matches = candidates
      .filter((full) => globMatch(rest, path.relative(base, full).split(path.sep).join('/')))
      .sort();
    if (matches.length === 0) unmatched.push(line);
    found.push(...matches);
  }
  const excluded = (full: string) =>
    excludes.some((ex) => {
      const rel = path.relative(root, full).split(path.sep).join('/');
      return globMatch(ex.replace(/\\/g, '/'), rel) || path.resolve(root, ex) === full;
    });
  return { files: [...new Set(found)].filter((f) => !excluded(f)), unmatched };
}

/** A path as shown in outputs and the summary: relative to the workspace when inside it. */
export function displayPath(full: string, workspace: string): string {
  const rel = path.relative(workspace, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return full.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

/** Creates `dir/name`, or `dir/stem-2.ext`, ... when taken: files from earlier steps are never replaced. */
async function openUnique(dir: string, name: string) {
  await mkdir(dir, { recursive: true });
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 1; i <= 1000; i++) {
    const candidate = path.join(dir, i === 1 ? name : `${stem}-${i}${ext}`);
    try {
      return { full: candidate, handle: await open(candidate, 'wx') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`could not find a free file name for ${name} in ${dir}`);
}

/** Writes bytes to a new file in `dir`; returns its absolute path. */
export async function writeNewFile(dir: string, name: string, data: Uint8Array | string): Promise<string> {
  const { full, handle } = await openUnique(dir, name);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
  return full;
}

/** Streams a web stream to a new file in `dir`, so a large video is never held in memory. */
export async function streamToNewFile(
  dir: string,
  name: string,
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  const { full, handle } = await openUnique(dir, name);
  await handle.close();
  await pipeline(
    Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>),
    createWriteStream(full),
  );
  return full;
}

/** File names from the API become part of a path: keep them to safe characters. */
export function safeName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/\.{2,}/g, '_')
      .replace(/^[._]+/, '') || 'file'
  );
}
