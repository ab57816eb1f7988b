import { link, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { OperationResult } from './context.js';
import type { Inputs } from './inputs.js';
import type { ActionIO } from './io.js';

const PREVIEW_TYPES = new Set(['.png', '.jpg', '.jpeg', '.webp']);
const MAX_PREVIEWS = 20;

/**
 * Uploads what the step wrote: one zipped artifact (`upload-artifact`) and, with `previews`, each
 * image as its own unzipped artifact, which opens in the browser. @actions/artifact is loaded only
 * here, so steps that upload nothing do not pay for it at start-up.
 */
export async function uploadResults(
  io: ActionIO,
  inputs: Inputs,
  result: OperationResult,
  outDir: string,
): Promise<void> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const env = io.env;
  const runUrl = `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  const options = inputs.artifactRetentionDays ? { retentionDays: inputs.artifactRetentionDays } : {};

  if (inputs.uploadArtifact) {
    const files = [...result.files, ...result.metadataFiles];
    const { id } = await client.uploadArtifact(inputs.uploadArtifact, files, outDir, options);
    if (id === undefined) throw new Error(`the artifact service gave no id for ${inputs.uploadArtifact}`);
    result.artifact = { id, name: inputs.uploadArtifact, url: `${runUrl}/artifacts/${id}` };
    io.info(`Uploaded ${files.length} file(s) as artifact ${inputs.uploadArtifact}: ${result.artifact.url}`);
  }

  if (inputs.previews) {
    const images = result.files.filter((f) => PREVIEW_TYPES.has(path.extname(f).toLowerCase()));
    if (images.length > MAX_PREVIEWS)
      result.notes.push(`Previews for the first ${MAX_PREVIEWS} of ${images.length} images only.`);
    // An unzipped artifact is named after its file, and names are unique within a run: the job
    // and step make them so (two steps may both write image-1.png).
    const prefix = [env.GITHUB_JOB, env.GITHUB_ACTION]
      .filter(Boolean)
      .join('-')
      .replace(/[^A-Za-z0-9._-]+/g, '_');
    const dir = await mkdtemp(path.join(io.tempDir, 'previews-'));
    try {
      for (const file of images.slice(0, MAX_PREVIEWS)) {
        const named = path.join(dir, `${prefix ? `${prefix}-` : ''}${path.basename(file)}`);
        try {
          await link(file, named);
          const { id } = await client.uploadArtifact(path.basename(named), [named], dir, {
            ...options,
            skipArchive: true,
          });
          if (id !== undefined) result.previews.set(file, `${runUrl}/artifacts/${id}`);
        } catch (error) {
          io.warning(
            `No preview for ${path.basename(file)}: ${(error as Error).message}`,
            'Preview not uploaded',
          );
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
