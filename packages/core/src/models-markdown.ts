/**
 * MODELS.md, rendered from the model table. `pnpm models` writes it at the repository root; a
 * test fails when the file and the table disagree. Statuses are shown as of the table's review
 * date, so the file changes only when the table does.
 */
import {
  describeLifecycle,
  lifecycleOf,
  MODELS,
  modelOperations,
  SOURCES,
  TABLE_REVIEWED,
  versionLifecycles,
  type AudioModel,
  type ImageModel,
  type ModelKind,
  type ModelSpec,
  type Source,
  type SpeechModel,
  type VideoModel,
} from './models.js';

const MB = 1024 * 1024;

function list(values: readonly (string | number)[]): string {
  return values.join(', ');
}

/** What other sources allow beyond the spec: sent with a warning. */
function unconfirmedEdits(e: NonNullable<ImageModel['edit']>): string {
  const extra = [
    ...(e.imageTypesUnconfirmed ?? []).map((t) => t.replace('image/', '')),
    ...(e.maxImageBytesUnconfirmed ? [`up to ${e.maxImageBytesUnconfirmed / MB} MB`] : []),
  ];
  return extra.length > 0 ? `; ${extra.join(', ')} with a warning` : '';
}

function imageAccepts(m: ImageModel): string {
  const parts: string[] = [];
  const fixed = m.sizes.filter((s) => s !== 'auto');
  if (m.freeSize) {
    const r = m.freeSize;
    parts.push(
      `size auto or any WxH: edges multiples of ${r.multipleOf}, at most ${r.maxAspectRatio}:1, ${r.minPixels.toLocaleString('en-US')} to ${r.maxPixels.toLocaleString('en-US')} px, edges up to ${r.maxEdge} px (presets ${list(fixed)})`,
    );
  } else {
    parts.push(`size ${list(m.sizes)}`);
  }
  parts.push(`n ${m.n.min}-${m.n.max}`, `quality ${list(m.qualities)}`);
  if (m.outputFormats) parts.push(`output_format ${list(m.outputFormats)}`);
  if (m.outputCompression)
    parts.push(
      `output_compression ${m.outputCompression.min}-${m.outputCompression.max} (${list(m.compressionFormats ?? [])})`,
    );
  if (m.backgrounds) parts.push(`background ${list(m.backgrounds)}`);
  if (m.styles) parts.push(`style ${list(m.styles)}`);
  if (m.responseFormats) parts.push(`response_format ${list(m.responseFormats)}`);
  parts.push(`prompt up to ${m.promptMaxLength} characters`);
  if (m.edit) {
    const e = m.edit;
    const types = list(e.imageTypes.map((t) => t.replace('image/', '')));
    parts.push(
      `edits: up to ${e.maxImages} image${e.maxImages > 1 ? 's' : ''} (${types}, under ${e.maxImageBytes / MB} MB${e.squareOnly ? ', square' : ''}${unconfirmedEdits(e)}), ${e.maskTypes.map((t) => t.replace('image/', '')).join('/')} mask on the first`,
    );
  }
  if (m.partialImages) parts.push(`stream: partial_images ${m.partialImages.min}-${m.partialImages.max}`);
  return parts.join('; ');
}

function videoAccepts(m: VideoModel): string {
  const parts = [`size ${list(m.sizes)}`];
  if (Array.isArray(m.seconds)) parts.push(`seconds ${list(m.seconds)}`);
  else {
    const range = m.seconds as { min: number; max: number };
    parts.push(`n_seconds ${range.min}-${range.max}`, `n_variants ${m.variants.min}-${m.variants.max}`);
  }
  for (const limit of m.sizeLimits) {
    parts.push(
      `at ${limit.sizes.join('/')}: up to ${limit.maxSeconds} s, ${limit.maxVariants} variant${limit.maxVariants > 1 ? 's' : ''}`,
    );
  }
  const media = list(m.mediaTypes.map((t) => t.split('/')[1]!));
  parts.push(
    m.maxReferences
      ? `${m.maxReferences} input_reference image (${media})${m.referenceMatchesSize ? ' of the video size' : ''}`
      : `media files (${media})`,
  );
  parts.push(m.remix ? 'remix' : 'no remix');
  if (m.inpaintTypes) parts.push(`inpainting (${list(m.inpaintTypes)})`);
  return parts.join('; ');
}

function audioAccepts(m: AudioModel): string {
  const parts = [
    `${m.operations.join(' and ')}`,
    `response_format ${list(m.responseFormats)}`,
    `files ${list(m.fileExtensions)} up to ${m.maxFileBytes / MB} MB`,
  ];
  if (m.timestampGranularities.length)
    parts.push(`timestamp_granularities ${list(m.timestampGranularities)}`);
  if (m.include) parts.push(`include ${list(m.include)}`);
  if (m.chunkingStrategies) parts.push(`chunking_strategy ${list(m.chunkingStrategies)}`);
  if (m.diarization) {
    const d = m.diarization;
    parts.push(
      `chunking_strategy required over ${d.chunkingRequiredOverSeconds} s`,
      `up to ${d.maxKnownSpeakers} known speakers with ${d.referenceSeconds.min}-${d.referenceSeconds.max} s clips`,
    );
  }
  if (m.unsupportedFields?.length) parts.push(`no ${m.unsupportedFields.join(', ')}`);
  return parts.join('; ');
}

function speechAccepts(m: SpeechModel): string {
  return [
    `voice ${list(m.voices)}`,
    `response_format ${list(m.responseFormats)} (default ${m.defaultResponseFormat})`,
    `speed ${m.speed.min}-${m.speed.max} (default ${m.defaultSpeed})`,
    `input up to ${m.inputMaxLength} characters`,
    m.instructions ? 'instructions' : 'no instructions',
  ].join('; ');
}

function accepts(m: ModelSpec): string {
  switch (m.kind) {
    case 'image':
      return imageAccepts(m);
    case 'video':
      return videoAccepts(m);
    case 'audio':
      return audioAccepts(m);
    case 'speech':
      return speechAccepts(m);
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const KIND_TITLES: Record<ModelKind, string> = {
  image: 'Images',
  video: 'Video',
  audio: 'Audio',
  speech: 'Text to speech',
};

/** The whole MODELS.md document. */
export function modelsMarkdown(): string {
  const asOf = Date.parse(`${TABLE_REVIEWED}T00:00:00Z`);
  const out: string[] = [
    '# Models',
    '',
    `What each Azure OpenAI media model accepts and where it is in its lifecycle, generated from core's model table (\`packages/core/src/model-data.ts\`) by \`pnpm models\`. Do not edit this file by hand; change the table and run \`pnpm models\`.`,
    '',
    `Statuses are as of ${TABLE_REVIEWED}, when the table was last reviewed. The client works them out from its own clock: a retired model is refused with its date and replacement (unless \`allowRetiredModels\` says otherwise), a deprecated one or one within 60 days of retirement gives a warning. Source keys in brackets are listed at the end.`,
    '',
  ];
  for (const kind of ['image', 'video', 'audio', 'speech'] as const) {
    out.push(`## ${KIND_TITLES[kind]}`, '');
    out.push(
      '| Model | Versions | Status | Replacement | Operations | Accepts |',
      '|---|---|---|---|---|---|',
    );
    for (const m of MODELS.filter((x) => x.kind === kind)) {
      const state = lifecycleOf(m, asOf);
      const versions = versionLifecycles(m, asOf)
        .map((v) => `${v.version}: ${describeLifecycle(v)} [${v.sources.join(', ')}]`)
        .join('<br>');
      out.push(
        `| **${m.name}** (${cell(m.label)}) | ${cell(versions)} | ${state.status} | ${state.replacement ?? '—'} | ${modelOperations(m).join(', ')} | ${cell(accepts(m))} |`,
      );
    }
    out.push('');
    const disputes = MODELS.filter((x) => x.kind === kind).flatMap((m) =>
      (m.disputes ?? []).map(
        (d) =>
          `- ${m.name}, \`${d.field}\`${d.values ? ` ${d.values.join(', ')}` : ''}${d.operations ? ` (${d.operations.join(', ')})` : ''}: ${d.note}. Sent with a warning [${d.sources.join(', ')}].`,
      ),
    );
    if (disputes.length > 0) out.push('Where the sources disagree:', '', ...disputes, '');
    const notes = MODELS.filter((x) => x.kind === kind).flatMap((m) =>
      m.versions.filter((v) => v.note).map((v) => `- ${m.name} ${v.version}: ${v.note}`),
    );
    if (notes.length > 0) out.push('Notes:', '', ...notes, '');
  }
  out.push('## Sources', '');
  for (const [key, source] of Object.entries(SOURCES) as [string, Source][]) {
    const flags = [source.date, source.confirmed === false ? 'unconfirmed' : undefined].filter(Boolean);
    out.push(`- **${key}**: [${source.title}](${source.url})${flags.length ? ` (${flags.join(', ')})` : ''}`);
  }
  out.push('');
  return out.join('\n');
}
