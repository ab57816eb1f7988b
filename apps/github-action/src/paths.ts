import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './problems.js';

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

/** A path as shown in outputs and the summary: relative to the workspace when inside it. */
export function displayPath(full: string, workspace: string): string {
  const rel = path.relative(workspace, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return full.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

function isWithin(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** The most files one glob line may match, so a stray `**` cannot walk a whole disk. */
const MAX_MATCHES = 10_000;
const MAX_DEPTH = 32;

/**
 * Every path an input names is resolved against the workspace, symbolic links followed, and must
 * end inside the workspace or one of the `allowed-roots`. Anything else is an input error naming
 * the input, found before a request is sent or a file written.
 */
export class PathPolicy {
  private constructor(
    /** The workspace as given (paths in outputs are shown relative to it). */
    readonly workspace: string,
    /** Real paths of the workspace and the allowed roots. */
    private readonly roots: readonly string[],
  ) {}

  /** `extraRoots`: the `allowed-roots` lines, absolute or relative to the workspace. */
  static async create(workspace: string, extraRoots: readonly string[] = []): Promise<PathPolicy> {
    const roots = [await realpath(workspace).catch(() => path.resolve(workspace))];
    const problems = [];
    for (const line of extraRoots) {
      const real = await realpath(path.resolve(workspace, line)).catch(() => undefined);
      const info = real ? await stat(real).catch(() => undefined) : undefined;
      if (!real || !info?.isDirectory()) {
        problems.push({ input: 'allowed-roots', message: `"${line}" is not an existing folder` });
      } else roots.push(real);
    }
    if (problems.length > 0) throw new InputError(problems);
    return new PathPolicy(path.resolve(workspace), roots);
  }

  /** The workspace with its links resolved: written files are shown relative to it. */
  get realWorkspace(): string {
    return this.roots[0]!;
  }

  private allowed(real: string): boolean {
    return this.roots.some((root) => isWithin(root, real));
  }

  private outside(input: string, value: string, real: string, via = ''): InputError {
    return new InputError([
      {
        input,
        message: `"${value}"${via} resolves to ${real}, outside the workspace; only files under the workspace${this.roots.length > 1 ? ' or allowed-roots' : ''} can be used (list other folders in allowed-roots)`,
      },
    ]);
  }

  /** One existing file: resolved, its links followed, confined. */
  async file(input: string, value: string): Promise<string> {
    const full = path.resolve(this.workspace, value);
    const real = await realpath(full).catch(() => undefined);
    if (!real) {
      // Say "outside" rather than "missing" when the path itself leaves the workspace.
      const parent = await this.realParent(full);
      if (!this.allowed(parent)) throw this.outside(input, value, full);
      throw new InputError([{ input, message: `"${value}" is not a file in the workspace` }]);
    }
    if (!this.allowed(real)) throw this.outside(input, value, real);
    if (!(await stat(real)).isFile())
      throw new InputError([{ input, message: `"${value}" is a folder, not a file` }]);
    return real;
  }

  /**
   * A folder to write into (made by the first file written). The deepest part that exists is
   * resolved, so a link to a folder outside is caught before anything is written.
   */
  async outputDir(input: string, value: string): Promise<string> {
    const real = await this.realParent(path.resolve(this.workspace, value));
    if (!this.allowed(real)) throw this.outside(input, value, real);
    return real;
  }

  /** The real path of the deepest existing folder on the way to `full`, with the rest appended. */
  private async realParent(full: string): Promise<string> {
    const rest: string[] = [];
    let current = full;
    for (;;) {
      const real = await realpath(current).catch(() => undefined);
      if (real) return path.join(real, ...rest.reverse());
      const up = path.dirname(current);
      if (up === current) return full;
      rest.push(path.basename(current));
      current = up;
    }
  }

  /**
   * Newline-separated paths and globs (`*`, `?`, `[abc]`, `**`; a line starting with `!` excludes).
   * Results are real paths, de-duplicated, in the order of the lines (sorted within a glob). Linked
   * files are followed like any other and must resolve inside the allowed folders.
   */
  async files(input: string, lines: readonly string[]): Promise<{ files: string[]; unmatched: string[] }> {
    const found: string[] = [];
    const unmatched: string[] = [];
    const excludes = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
    for (const line of lines.filter((l) => !l.startsWith('!'))) {
      const segments = line.replace(/\\/g, '/').split('/');
      const firstMagic = segments.findIndex(hasMagic);
      if (firstMagic === -1) {
        const real = await this.file(input, line).catch((error: unknown) => {
          if (error instanceof InputError && /not a file in the workspace|is a folder/.test(error.message))
            return undefined;
          throw error;
        });
        if (real) found.push(real);
        else unmatched.push(line);
        continue;
      }
      const baseText = segments.slice(0, firstMagic).join('/') || '.';
      const base = path.resolve(this.workspace, baseText);
      const realBase = await this.realParent(base);
      if (!this.allowed(realBase)) throw this.outside(input, line, realBase);
      const rest = segments.slice(firstMagic).join('/');
      const depth = rest.includes('**') ? MAX_DEPTH : segments.length - firstMagic - 1;
      const candidates: { shown: string; real: string }[] = [];
      await walk(base, depth, candidates, new Set());
      const matches = candidates
        .filter((c) => globMatch(rest, path.relative(base, c.shown).split(path.sep).join('/')))
        .sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
      if (matches.length === 0) unmatched.push(line);
      if (matches.length > MAX_MATCHES)
        throw new InputError([
          { input, message: `"${line}" matches more than ${MAX_MATCHES} files; narrow it down` },
        ]);
      for (const match of matches) {
        if (!this.allowed(match.real)) {
          const shown = displayPath(match.shown, this.workspace);
          throw this.outside(input, line, match.real, ` matches ${shown}, which`);
        }
        found.push(match.real);
      }
    }
    const excluded = (real: string) =>
      excludes.some((ex) => {
        const rel = path.relative(this.workspace, real).split(path.sep).join('/');
        return globMatch(ex.replace(/\\/g, '/'), rel) || path.resolve(this.workspace, ex) === real;
      });
    return { files: [...new Set(found)].filter((f) => !excluded(f)), unmatched };
  }
}

/** Lists files under `dir` (following links, each real folder once), as shown path and real path. */
async function walk(
  dir: string,
  depthLeft: number,
  out: { shown: string; real: string }[],
  seen: Set<string>,
): Promise<void> {
  const realDir = await realpath(dir).catch(() => undefined);
  if (!realDir || seen.has(realDir) || out.length > MAX_MATCHES) return;
  seen.add(realDir);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const shown = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let real = shown;
    if (entry.isSymbolicLink()) {
      real = (await realpath(shown).catch(() => undefined)) ?? '';
      const info = real ? await stat(real).catch(() => undefined) : undefined;
      isDir = info?.isDirectory() ?? false;
      isFile = info?.isFile() ?? false;
    } else real = path.join(realDir, entry.name);
    if (isDir) {
      if (depthLeft > 0 && entry.name !== 'node_modules' && entry.name !== '.git')
        await walk(shown, depthLeft - 1, out, seen);
    } else if (isFile) out.push({ shown, real });
  }
}
