import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';

export { displayPath, globMatch } from './paths.js';

/**
 * Where files are written: every file is first written under a temporary name in `stagingDir`
 * (the runner's temporary folder, which it empties after the job) and appears in `dir` under its
 * final name only once complete. A failed, cancelled or killed write leaves nothing in `dir`.
 */
export interface OutputFolder {
  dir: string;
  stagingDir: string;
}

/**
 * Fills a temporary file, then publishes it under a free name in the folder; returns its path.
 * `name` may be decided from the complete file (e.g. its format).
 */
export async function writeComplete(
  out: OutputFolder,
  name: string | ((tempPath: string) => Promise<string>),
  fill: (tempPath: string) => Promise<void>,
): Promise<string> {
  await mkdir(out.stagingDir, { recursive: true });
  const temp = path.join(out.stagingDir, `.${randomUUID()}.partial`);
  try {
    await fill(temp);
    return await publish(temp, out.dir, typeof name === 'string' ? name : await name(temp));
  } finally {
    await rm(temp, { force: true });
  }
}

/** Writes bytes to a new file in the folder; returns its absolute path. */
export function writeNewFile(out: OutputFolder, name: string, data: Uint8Array | string): Promise<string> {
  return writeComplete(out, name, async (temp) => {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/**
 * Gives the complete temporary file its final name: `name`, or `stem-2.ext`, ... when taken, so
 * files from earlier steps are never replaced. A hard link claims a name atomically and never
 * follows a link someone left under that name.
 */
async function publish(temp: string, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  let source = temp;
  let copied: string | undefined;
  try {
    const ext = path.extname(name);
    const stem = name.slice(0, name.length - ext.length);
    for (let i = 1; i <= 1000; i++) {
      const candidate = path.join(dir, i === 1 ? name : `${stem}-${i}${ext}`);
      try {
        await link(source, candidate);
        return candidate;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (copied === undefined && (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP')) {
          // The temporary folder is on another disk: copy beside the target first, then link.
          copied = path.join(dir, `.${randomUUID()}.partial`);
          await copyFile(temp, copied);
          source = copied;
          i--;
          continue;
        }
        throw error;
      }
    }
    throw new Error(`could not find a free file name for ${name} in ${dir}`);
  } finally {
    if (copied) await rm(copied, { force: true });
  }
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
