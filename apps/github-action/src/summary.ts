import { open, stat } from 'node:fs/promises';
import { displayPath } from './files.js';
import { describeMedia, mediaInfo } from './media-info.js';

export interface SummaryData {
  operation: string;
  deployment: string;
  model: string | undefined;
  files: string[];
  metadataFiles?: string[];
  /** File -> link to its preview artifact. */
  previews?: ReadonlyMap<string, string>;
  artifact?: { name: string; url: string } | undefined;
  workspace: string;
  revisedPrompt?: string | undefined;
  jobId?: string | undefined;
  status?: string | undefined;
  contentFiltered?: boolean;
  elapsedMs: number;
  notes: string[];
  failure?: string | undefined;
}

/** Markdown tables break on pipes and new lines in cell text. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// Image headers fit here. An MP4's index (moov) may come after the data, and audio lengths are
// counted from frames or read from the last page, so those files are read whole.
const HEAD_BYTES = 64 * 1024;
const READ_WHOLE = /\.(mp4|mp3|aac|opus|ogg|flac|wav)$/i;

/** Size in bytes and a media description of a written file. */
export async function describeFile(full: string): Promise<{ size: number; details: string }> {
  const { size } = await stat(full);
  const handle = await open(full, 'r');
  try {
    const length =
      size <= 64 * 1024 * 1024 && (READ_WHOLE.test(full) || size <= HEAD_BYTES)
        ? size
        : Math.min(size, HEAD_BYTES);
    const bytes = new Uint8Array(length);
    await handle.read(bytes, 0, length, 0);
    return { size, details: describeMedia(mediaInfo(bytes)) };
  } finally {
    await handle.close();
  }
}

export async function renderSummary(data: SummaryData): Promise<string> {
  const rows: [string, string][] = [
    ['Operation', `\`${data.operation}\``],
    ['Deployment', `\`${cell(data.deployment)}\`${data.model ? ` (${data.model})` : ''}`],
  ];
  if (data.jobId) rows.push(['Job id', `\`${cell(data.jobId)}\``]);
  if (data.status) rows.push(['Status', cell(data.status)]);
  if (data.contentFiltered) rows.push(['Content filter', 'blocked a prompt or an output']);
  if (data.artifact) rows.push(['Artifact', `[${cell(data.artifact.name)}](${data.artifact.url})`]);
  rows.push(['Elapsed', `${(data.elapsedMs / 1000).toFixed(1)} s`]);
  rows.push(['Result', data.failure ? `failed: ${cell(data.failure)}` : 'succeeded']);
  const lines = [
    `### Azure OpenAI media: ${data.operation}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ];
  if (data.files.length > 0) {
    const previews = data.previews && data.previews.size > 0;
    lines.push(
      `| File | Size | Details |${previews ? ' Preview |' : ''}`,
      `|---|---:|---|${previews ? '---|' : ''}`,
    );
    for (const file of data.files) {
      const { size, details } = await describeFile(file).catch(() => ({ size: 0, details: 'unreadable' }));
      const preview = data.previews?.get(file);
      lines.push(
        `| \`${cell(displayPath(file, data.workspace))}\` | ${formatBytes(size)} | ${cell(details)} |${previews ? ` ${preview ? `[open](${preview})` : ''} |` : ''}`,
      );
    }
    lines.push('');
    if (data.metadataFiles && data.metadataFiles.length > 0)
      lines.push(`Metadata beside each file: ${data.metadataFiles.length} JSON file(s).`, '');
  }
  if (data.revisedPrompt) lines.push(`**Revised prompt:** ${cell(data.revisedPrompt)}`, '');
  for (const note of data.notes) lines.push(`- ${cell(note)}`);
  if (data.notes.length > 0) lines.push('');
  return lines.join('\n');
}
