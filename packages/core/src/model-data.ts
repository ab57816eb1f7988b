/**
 * The model table as data: every fact about what Azure's media models accept and when they retire,
 * each with the sources it comes from. This is the only file to edit when Azure changes; see
 * "Updating the model table" in core's README.
 *
 * Rules for entries:
 * - Every fact names its sources by key (`SOURCES` below). Lifecycle facts live on each version;
 *   capability facts are keyed by name in `sources` (`sizes`, `edit.maxImages`, ...).
 * - Where sources conflict, the table holds what Azure's OpenAPI spec (or, failing that, Azure's own
 *   docs) states, and a `disputes` entry records the other value with its sources: requests using it
 *   are sent with a warning, never refused.
 * - Entries of one kind are listed newest first; option lists keep that order.
 */
import type { ModelEntry, OptionLabels, Source, SpeechFormatInfo } from './models.js';

const MB = 1024 * 1024;

/** Where the facts come from. Keys are short and stable; tests check every key used here exists. */
export const SOURCES = {
  'az-retirements-2026-09': {
    title: 'Azure: Model retirement schedule (updated 2026-09-02)',
    url: 'https://learn.microsoft.com/en-us/azure/foundry/openai/concepts/model-retirement-schedule',
    date: '2026-09-02',
  },
  'az-retirements-2026-04': {
    title: 'Azure docs: model retirement schedule (2026-04-23)',
    url: 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/4345ee0/articles/foundry/openai/concepts/model-retirement-schedule.md',
    date: '2026-04-23',
  },
  'az-retirements-2025-12': {
    title: 'Azure docs: retirement include for OpenAI models (2025-12-16)',
    url: 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/52bed44/articles/foundry/openai/includes/retirement/models.md',
    date: '2025-12-16',
  },
  'az-retired-models': {
    title: 'Azure docs: retired models (2026-04-23)',
    url: 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/4345ee0/articles/foundry/openai/includes/concepts-retired-models-content.md',
    date: '2026-04-23',
  },
  'az-lifecycle-policy': {
    title: 'Azure: model deprecations and retirements (notice periods, what "retired" means)',
    url: 'https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/model-retirements',
  },
  'az-image-howto': {
    title: 'Azure docs: how to use image generation models (2026-04-17) and its edit include (2026-03-20)',
    url: 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/10fd319/articles/foundry/openai/how-to/dall-e.md',
    date: '2026-04-17',
  },
  'az-image-howto-mirror': {
    title: 'Mirror of the current Azure image how-to (status column, DALL-E 3 replacement)',
    url: 'https://hobbyist-e43fa225.mintlify.app/foundry-models/dall-e',
  },
  'az-gpt-image-2-catalog': {
    title: 'Azure AI Foundry catalog: gpt-image-2',
    url: 'https://ai.azure.com/catalog/models/gpt-image-2',
  },
  'az-gpt-image-2-blog': {
    title: "Microsoft Foundry blog: Introducing OpenAI's gpt-image-2 (2026-04-21)",
    url: 'https://techcommunity.microsoft.com/blog/azure-ai-foundry-blog/introducing-openais-gpt-image-2-in-microsoft-foundry/4500571',
    date: '2026-04-21',
  },
  'az-spec-v1-preview': {
    title: 'Azure OpenAPI: v1 preview data plane (images/generations, video jobs, responses)',
    url: 'https://github.com/Azure/azure-rest-api-specs/blob/main/specification/ai/data-plane/OpenAI.v1/azure-v1-preview-generated.yaml',
  },
  'az-spec-2025-04-01-preview': {
    title: 'Azure OpenAPI: inference 2025-04-01-preview (images/edits, audio)',
    url: 'https://github.com/Azure/azure-rest-api-specs/blob/main/specification/cognitiveservices/data-plane/AzureOpenAI/inference/preview/2025-04-01-preview/inference.yaml',
  },
  'az-spec-2024-10-21': {
    title: 'Azure OpenAPI: inference 2024-10-21 GA (DALL-E 3, audio)',
    url: 'https://github.com/Azure/azure-rest-api-specs/blob/main/specification/cognitiveservices/data-plane/AzureOpenAI/inference/stable/2024-10-21/inference.json',
  },
  'az-sora-1-concepts': {
    title: 'Azure docs: video generation with Sora (Sora 1 sizes, 1080p limits)',
    url: 'https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/video-generation',
  },
  'az-sora-2-concepts': {
    title: 'Azure docs: video generation with Sora 2 (sizes, seconds, input_reference, remix)',
    url: 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/c9d6b4e/articles/foundry/openai/concepts/video-generation.md',
  },
  'az-sora-2-learn-fr': {
    title: 'Azure Learn (fr-fr): the current video generation page covers Sora 2 only',
    url: 'https://learn.microsoft.com/fr-fr/azure/foundry/openai/concepts/video-generation',
  },
  'az-whisper-quickstart': {
    title: 'Azure: Whisper quickstart (25 MB file limit)',
    url: 'https://learn.microsoft.com/en-ca/azure/ai-services/openai/whisper-quickstart',
  },
  'az-responses-image-tool': {
    title: 'Image models accepted by the Responses image_generation tool on Azure (third party)',
    url: 'https://reference.langchain.com/python/langchain-azure-ai/tools/builtin/_tools/ImageGenerationTool',
    confirmed: false,
  },
  'oai-images': {
    title: 'openai-node v7.5.0 src/resources/images.ts (parameter reference)',
    url: 'https://github.com/openai/openai-node/blob/7b7d6ca/src/resources/images.ts',
  },
  'oai-images-transparency': {
    title: 'OpenAI SDK reference: gpt-image-2 transparency (third-party reports of its shutdown)',
    url: 'https://docs.apiyi.com/en/live/2026-10/gpt-image-2-transparent-shutdown.md',
    confirmed: false,
  },
  'oai-input-fidelity-3p': {
    title: 'Third-party notes that gpt-image-2 ignores input_fidelity',
    url: 'https://modellix.ai/series/gpt-image',
    confirmed: false,
  },
  'oai-videos': {
    title: 'openai-node v7.5.0 src/resources/videos.ts (OpenAI, not Azure)',
    url: 'https://github.com/openai/openai-node/blob/7b7d6ca/src/resources/videos.ts',
  },
  'oai-transcriptions': {
    title: 'openai-node v7.5.0 src/resources/audio/transcriptions.ts',
    url: 'https://github.com/openai/openai-node/blob/7b7d6ca/src/resources/audio/transcriptions.ts',
  },
  'az-retirements-2026-07': {
    title:
      'Azure docs: model retirement schedule include (2026-07-07, page dated 2026-08-26): tts, tts-hd, gpt-4o-mini-tts',
    url: 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/00bb554/articles/foundry/openai/includes/concepts-model-retirement-schedule-content.md',
    date: '2026-07-07',
  },
  'az-tts-quickstart': {
    title:
      'Azure: text to speech quickstart (voices alloy, echo, fable, onyx, nova, shimmer; JSON request to audio/speech)',
    url: 'https://learn.microsoft.com/en-us/azure/ai-services/openai/text-to-speech-quickstart',
  },
  'oai-speech': {
    title: 'openai-node 6.49.0 src/resources/audio/speech.ts (voices, instructions, formats, speed)',
    url: 'https://github.com/openai/openai-node/blob/v6.49.0/src/resources/audio/speech.ts',
  },
  'oai-tts-guide': {
    title:
      'OpenAI: text to speech guide (output formats; mp3 by default; pcm is raw 24 kHz 16-bit signed little-endian)',
    url: 'https://platform.openai.com/docs/guides/text-to-speech',
  },
  'project-assumption': {
    title: 'Not stated by Azure: an assumption of this project. Checks built on it only warn.',
    url: 'https://github.com/aoai-media/aoai-media/blob/main/MODELS.md',
  },
} as const satisfies Record<string, Source>;

/** Human labels for option values, one place for every consumer (n8n lists, Action docs, OpenAPI). */
export const OPTION_LABELS = {
  quality: { auto: 'Auto', low: 'Low', medium: 'Medium', high: 'High', standard: 'Standard', hd: 'HD' },
  output_format: { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' },
  background: { auto: 'Auto', opaque: 'Opaque', transparent: 'Transparent' },
  moderation: { auto: 'Auto', low: 'Low' },
  style: { vivid: 'Vivid', natural: 'Natural' },
  response_format: {
    url: 'URL',
    b64_json: 'Base64 JSON',
    json: 'JSON',
    text: 'Text',
    srt: 'SRT subtitles',
    vtt: 'WebVTT subtitles',
    verbose_json: 'Verbose JSON (timestamps)',
    diarized_json: 'Diarized JSON (speakers)',
    mp3: 'MP3',
    opus: 'Opus (Ogg)',
    aac: 'AAC (ADTS)',
    flac: 'FLAC',
    wav: 'WAV',
    pcm: 'PCM (raw 24 kHz 16-bit mono)',
  },
  voice: {
    alloy: 'Alloy',
    ash: 'Ash',
    ballad: 'Ballad',
    cedar: 'Cedar',
    coral: 'Coral',
    echo: 'Echo',
    fable: 'Fable',
    marin: 'Marin',
    nova: 'Nova',
    onyx: 'Onyx',
    sage: 'Sage',
    shimmer: 'Shimmer',
    verse: 'Verse',
  },
  input_fidelity: { low: 'Low', high: 'High' },
  timestamp_granularities: { word: 'Word', segment: 'Segment' },
  include: { logprobs: 'Log probabilities' },
  chunking_strategy: { auto: 'Auto', server_vad: 'Server voice activity detection' },
  seconds: { '4': '4 seconds', '8': '8 seconds', '12': '12 seconds' },
  size: { auto: 'Auto' },
} as const satisfies OptionLabels;

/** When the table was last checked against its sources; MODELS.md shows statuses as of this day. */
export const TABLE_REVIEWED = '2026-12-06';

/** Azure's "at least 60 days' notice" for GA models: a model this close to retirement warns. */
export const RETIREMENT_WARNING_DAYS = 60;
export const RETIREMENT_WARNING_SOURCES = ['az-lifecycle-policy'] as const;

const GPT_IMAGE_GENERATE_FIELDS = [
  'n',
  'size',
  'quality',
  'output_format',
  'output_compression',
  'background',
  'moderation',
  'user',
] as const;

const GPT_IMAGE_EDIT_FIELDS = [
  'n',
  'size',
  'quality',
  'output_format',
  'output_compression',
  'background',
  'input_fidelity',
  'user',
] as const;

const GPT_IMAGE_FIXED_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536'] as const;

/** Facts every gpt-image model shares, with their sources. */
const GPT_IMAGE = {
  kind: 'image',
  family: 'gpt-image',
  promptMaxLength: 32000,
  n: { min: 1, max: 10 },
  qualities: ['low', 'medium', 'high', 'auto'],
  generateFields: GPT_IMAGE_GENERATE_FIELDS,
  outputFormats: ['png', 'jpeg', 'webp'],
  defaultOutputFormat: 'png',
  outputCompression: { min: 0, max: 100 },
  compressionFormats: ['jpeg', 'webp'],
  backgrounds: ['transparent', 'opaque', 'auto'],
  transparentFormats: ['png', 'webp'],
  moderations: ['low', 'auto'],
  defaultResponseFormat: 'b64_json',
  edit: {
    maxImages: 16,
    imageTypes: ['image/png', 'image/jpeg'],
    maxImageBytes: 25 * MB,
    imageTypesUnconfirmed: ['image/webp'],
    maxImageBytesUnconfirmed: 50 * MB,
    squareOnly: false,
    maskTypes: ['image/png'],
    maxMaskBytes: 4 * MB,
    inputFidelities: ['high', 'low'],
    fields: GPT_IMAGE_EDIT_FIELDS,
  },
  streaming: true,
  partialImages: { min: 0, max: 3 },
} as const;

const GPT_IMAGE_SOURCES = {
  promptMaxLength: ['az-spec-v1-preview', 'oai-images'],
  n: ['az-spec-v1-preview', 'az-image-howto'],
  sizes: ['az-spec-v1-preview', 'az-image-howto'],
  qualities: ['az-spec-v1-preview', 'az-image-howto'],
  generateFields: ['az-spec-v1-preview'],
  outputFormats: ['az-spec-v1-preview'],
  defaultOutputFormat: ['az-spec-v1-preview', 'az-image-howto'],
  outputCompression: ['az-spec-v1-preview', 'az-image-howto'],
  compressionFormats: ['az-spec-v1-preview', 'oai-images'],
  backgrounds: ['az-spec-v1-preview'],
  transparentFormats: ['az-spec-v1-preview'],
  moderations: ['az-spec-v1-preview'],
  defaultResponseFormat: ['az-image-howto'],
  'edit.maxImages': ['oai-images'],
  'edit.imageTypes': ['az-spec-2025-04-01-preview', 'az-image-howto'],
  'edit.maxImageBytes': ['az-spec-2025-04-01-preview'],
  'edit.imageTypesUnconfirmed': ['oai-images'],
  'edit.maxImageBytesUnconfirmed': ['az-image-howto', 'oai-images'],
  'edit.squareOnly': ['az-spec-2025-04-01-preview'],
  'edit.maskTypes': ['az-spec-2025-04-01-preview', 'az-image-howto'],
  'edit.maxMaskBytes': ['az-spec-2025-04-01-preview'],
  'edit.inputFidelities': ['az-image-howto', 'oai-images'],
  'edit.fields': ['az-spec-2025-04-01-preview', 'az-image-howto'],
  streaming: ['az-spec-v1-preview', 'az-responses-image-tool'],
  partialImages: ['az-spec-v1-preview'],
} as const;

/** Azure's how-to says WEBP output isn't supported; the v1 spec lists it. Sent, with a warning. */
const WEBP_OUTPUT_DISPUTE = {
  field: 'output_format',
  values: ['webp'],
  note: "Azure's image how-to says WEBP output isn't supported on Azure, while Azure's v1 spec lists it; Azure may refuse it",
  sources: ['az-image-howto', 'az-spec-v1-preview'],
} as const;

/**
 * What each text-to-speech `response_format` is: its MIME type and file extension, and for `pcm`
 * the layout of the raw samples (there is no header to say it) [oai-tts-guide]. Azure's spec
 * declares the answer only as `application/octet-stream`, so the requested format decides.
 */
export const SPEECH_FORMATS = {
  mp3: { mimeType: 'audio/mpeg', extension: 'mp3' },
  opus: { mimeType: 'audio/ogg', extension: 'opus' },
  aac: { mimeType: 'audio/aac', extension: 'aac' },
  flac: { mimeType: 'audio/flac', extension: 'flac' },
  wav: { mimeType: 'audio/wav', extension: 'wav' },
  pcm: {
    mimeType: 'audio/pcm',
    extension: 'pcm',
    pcm: { sampleRate: 24_000, channels: 1, bitsPerSample: 16, endianness: 'little' },
  },
} as const satisfies Record<string, SpeechFormatInfo>;

/** The voices Azure's speech spec and quickstart list (for every text-to-speech model). */
const AZURE_VOICES = ['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer'] as const;

/** Facts every text-to-speech model shares, with their sources. */
const SPEECH = {
  kind: 'speech',
  inputMaxLength: 4096,
  responseFormats: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'],
  defaultResponseFormat: 'mp3',
  speed: { min: 0.25, max: 4 },
  defaultSpeed: 1,
} as const;

const SPEECH_SOURCES = {
  inputMaxLength: ['az-spec-2025-04-01-preview', 'oai-speech'],
  voices: ['az-spec-2025-04-01-preview', 'az-tts-quickstart'],
  responseFormats: ['az-spec-2025-04-01-preview', 'oai-tts-guide'],
  defaultResponseFormat: ['oai-tts-guide'],
  speed: ['az-spec-2025-04-01-preview', 'oai-speech'],
  defaultSpeed: ['az-spec-2025-04-01-preview'],
  instructions: ['oai-speech'],
} as const;

/** tts and tts-hd: listed in the same schedules with the same dates. */
const TTS_VERSIONS = (status: 'preview' | 'ga') =>
  [
    {
      version: '001',
      status,
      retires: '2026-12-15',
      sources: ['az-retirements-2026-07', 'az-retirements-2026-04'],
      note: 'The April 2026 schedule gave 2026-06-18.',
    },
  ] as const;

/**
 * The table. Each kind is listed newest first (option lists keep that order). Older models stay,
 * marked retired, so requests naming them get a clear error instead of an unknown-model note.
 */
/** Facts gpt-4o-transcribe and gpt-4o-mini-transcribe share, with their sources. */
const GPT_4O_TRANSCRIBE = {
  kind: 'audio',
  responseFormats: ['json', 'text'],
  fileExtensions: ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm'],
  maxFileBytes: 25 * MB,
  temperature: { min: 0, max: 1 },
  timestampGranularities: [],
  operations: ['transcribe'],
  chunkingStrategies: ['auto', 'server_vad'],
  include: ['logprobs'],
  disputes: [
    {
      field: 'response_format',
      values: ['text'],
      note: "OpenAI's reference lists json as the only format for this model; Azure's spec lists text for transcriptions in general",
      sources: ['oai-transcriptions', 'az-spec-2025-04-01-preview'],
    },
  ],
  sources: {
    responseFormats: ['az-spec-2025-04-01-preview', 'oai-transcriptions'],
    fileExtensions: ['oai-transcriptions'],
    maxFileBytes: ['az-whisper-quickstart'],
    temperature: ['az-spec-2025-04-01-preview'],
    timestampGranularities: ['oai-transcriptions'],
    operations: ['oai-transcriptions'],
    chunkingStrategies: ['oai-transcriptions'],
    include: ['oai-transcriptions'],
  },
} as const;

export const MODEL_DATA = [
  // Images
  {
    ...GPT_IMAGE,
    name: 'gpt-image-2',
    label: 'GPT Image 2',
    // Presets for option lists; any size that meets `freeSize` is accepted.
    sizes: [
      ...GPT_IMAGE_FIXED_SIZES,
      '2048x2048',
      '2048x1152',
      '1152x2048',
      '2560x1440',
      '1440x2560',
      '3072x1024',
      '1024x3072',
    ],
    freeSize: {
      multipleOf: 16,
      maxAspectRatio: 3,
      minPixels: 655_360,
      maxPixels: 8_294_400,
      maxEdge: 3840,
      maxEdgeDisputed: true,
    },
    versions: [
      {
        version: '2026-04-21',
        status: 'ga',
        retires: '2027-10-21',
        sources: ['az-retirements-2026-09', 'az-image-howto', 'az-gpt-image-2-blog'],
        note: 'The April 2026 how-to table said "Public preview"; the blog, the how-to of 2026-04-17 and the September schedule say GA.',
      },
    ],
    disputes: [
      {
        field: 'size',
        note: "the long edge is 3840 px: Azure's how-to allows up to 3840 px, the Azure catalog says below 3840 px",
        sources: ['az-image-howto', 'az-gpt-image-2-catalog'],
      },
      {
        field: 'background',
        values: ['transparent'],
        note: 'transparent backgrounds on gpt-image-2 are unconfirmed on Azure; OpenAI offered them in preview and later returned 400 for them',
        sources: ['oai-images', 'oai-images-transparency'],
      },
      {
        field: 'input_fidelity',
        operations: ['images.edit'],
        note: 'the Azure catalog lists high input fidelity for gpt-image-2, third-party reports say the model ignores the parameter',
        sources: ['az-gpt-image-2-catalog', 'oai-input-fidelity-3p'],
      },
      {
        field: 'model',
        operations: ['images.stream'],
        note: 'the Responses image_generation tool is documented on Azure for gpt-image-1, gpt-image-1-mini and gpt-image-1.5; gpt-image-2 is unconfirmed',
        sources: ['az-responses-image-tool'],
      },
      WEBP_OUTPUT_DISPUTE,
    ],
    sources: {
      ...GPT_IMAGE_SOURCES,
      sizes: ['az-image-howto'],
      freeSize: ['az-image-howto', 'az-gpt-image-2-catalog', 'oai-images'],
      n: ['oai-images', 'az-image-howto'],
      qualities: ['oai-images', 'az-image-howto'],
      streaming: ['az-image-howto'],
    },
  },
  {
    ...GPT_IMAGE,
    name: 'gpt-image-1.5',
    label: 'GPT Image 1.5',
    sizes: GPT_IMAGE_FIXED_SIZES,
    versions: [
      {
        version: '2025-12-16',
        status: 'ga',
        retires: '2027-06-16',
        sources: ['az-retirements-2026-09'],
        note: 'The April 2026 schedule gave 2026-12-16; the September schedule moved it to 2027-06-16.',
      },
    ],
    disputes: [WEBP_OUTPUT_DISPUTE],
    sources: GPT_IMAGE_SOURCES,
  },
  {
    ...GPT_IMAGE,
    name: 'gpt-image-1-mini',
    label: 'GPT Image 1 Mini',
    sizes: GPT_IMAGE_FIXED_SIZES,
    versions: [
      { version: '2025-10-06', status: 'ga', retires: '2027-04-07', sources: ['az-retirements-2026-09'] },
    ],
    disputes: [
      {
        field: 'input_fidelity',
        operations: ['images.edit'],
        note: "Azure's image how-to says gpt-image-1-mini doesn't support input fidelity; Azure may refuse or ignore it",
        sources: ['az-image-howto'],
      },
      WEBP_OUTPUT_DISPUTE,
    ],
    sources: GPT_IMAGE_SOURCES,
  },
  {
    ...GPT_IMAGE,
    name: 'gpt-image-1',
    label: 'GPT Image 1',
    sizes: GPT_IMAGE_FIXED_SIZES,
    versions: [
      {
        version: '2025-04-15',
        status: 'preview',
        retires: '2026-10-23',
        sources: ['az-retirements-2026-09', 'az-retirements-2026-04'],
        note: 'The April 2026 schedule gave 2026-05-15; the September schedule moved it to 2026-10-23.',
      },
    ],
    disputes: [WEBP_OUTPUT_DISPUTE],
    sources: GPT_IMAGE_SOURCES,
  },
  {
    kind: 'image',
    name: 'dall-e-3',
    label: 'DALL-E 3',
    family: 'dall-e-3',
    promptMaxLength: 4000,
    n: { min: 1, max: 1 },
    sizes: ['1024x1024', '1792x1024', '1024x1792'],
    qualities: ['standard', 'hd'],
    generateFields: ['n', 'size', 'quality', 'style', 'response_format', 'user'],
    responseFormats: ['url', 'b64_json'],
    defaultResponseFormat: 'url',
    styles: ['vivid', 'natural'],
    streaming: false,
    versions: [
      {
        version: '3.0',
        status: 'retired',
        retires: '2026-03-04',
        replacement: 'gpt-image-1-mini',
        sources: ['az-retirements-2025-12', 'az-image-howto-mirror'],
      },
    ],
    sources: {
      promptMaxLength: ['az-spec-2024-10-21'],
      n: ['az-spec-2024-10-21'],
      sizes: ['az-spec-2024-10-21'],
      qualities: ['az-spec-2024-10-21'],
      generateFields: ['az-spec-2024-10-21'],
      responseFormats: ['az-spec-2024-10-21'],
      defaultResponseFormat: ['az-spec-2024-10-21'],
      styles: ['az-spec-2024-10-21'],
      streaming: ['az-responses-image-tool'],
    },
  },
  {
    kind: 'image',
    name: 'dall-e-2',
    label: 'DALL-E 2',
    family: 'dall-e-2',
    promptMaxLength: 1000,
    n: { min: 1, max: 10 },
    sizes: ['256x256', '512x512', '1024x1024'],
    qualities: ['standard'],
    generateFields: ['n', 'size', 'quality', 'response_format', 'user'],
    responseFormats: ['url', 'b64_json'],
    defaultResponseFormat: 'url',
    edit: {
      maxImages: 1,
      imageTypes: ['image/png'],
      maxImageBytes: 4 * MB,
      squareOnly: true,
      maskTypes: ['image/png'],
      maxMaskBytes: 4 * MB,
      fields: ['n', 'size', 'quality', 'response_format', 'user'],
    },
    streaming: false,
    versions: [
      {
        version: '2.0',
        status: 'retired',
        retires: '2025-01-27',
        replacement: 'gpt-image-1',
        sources: ['az-retired-models'],
      },
    ],
    sources: {
      promptMaxLength: ['az-spec-v1-preview'],
      n: ['az-spec-v1-preview'],
      sizes: ['az-spec-v1-preview'],
      qualities: ['az-spec-v1-preview'],
      generateFields: ['az-spec-v1-preview'],
      responseFormats: ['az-spec-v1-preview'],
      defaultResponseFormat: ['az-spec-v1-preview'],
      'edit.maxImages': ['oai-images'],
      'edit.imageTypes': ['oai-images'],
      'edit.maxImageBytes': ['oai-images'],
      'edit.squareOnly': ['oai-images'],
      'edit.maskTypes': ['oai-images'],
      'edit.maxMaskBytes': ['oai-images'],
      // `quality: standard` is the one quality DALL-E 2 has; the spec's edit request takes `quality`.
      'edit.fields': ['az-spec-2025-04-01-preview', 'oai-images'],
      streaming: ['az-responses-image-tool'],
    },
  },

  // Video
  {
    kind: 'video',
    name: 'sora-2',
    label: 'Sora 2',
    api: 'videos',
    promptMaxLength: 32000,
    sizes: ['720x1280', '1280x720'],
    defaultSize: '720x1280',
    seconds: ['4', '8', '12'],
    defaultSeconds: 4,
    variants: { min: 1, max: 1 },
    sizeLimits: [],
    mediaTypes: ['image/jpeg', 'image/png', 'image/webp'],
    maxReferences: 1,
    referenceMatchesSize: true,
    remix: true,
    framesPerSecond: 30,
    versions: [
      {
        version: '2025-10-06',
        status: 'preview',
        retires: '2026-07-15',
        replacement: 'sora-2',
        sources: ['az-retirements-2026-09', 'az-retirements-2026-04'],
        note: 'Replaced by version 2025-12-08. The April 2026 schedule gave 2026-06-03.',
      },
      {
        version: '2025-12-08',
        status: 'preview',
        retires: '2026-10-15',
        sources: ['az-retirements-2026-09'],
        note: 'The September 2026 schedule names no replacement. OpenAI shut its own Sora API down on 2026-09-24.',
      },
    ],
    sources: {
      promptMaxLength: ['oai-videos'],
      sizes: ['az-sora-2-concepts'],
      defaultSize: ['az-sora-2-concepts'],
      seconds: ['az-sora-2-concepts'],
      defaultSeconds: ['az-sora-2-concepts'],
      variants: ['az-sora-2-concepts'],
      sizeLimits: ['az-sora-2-concepts'],
      mediaTypes: ['az-sora-2-concepts'],
      maxReferences: ['az-sora-2-concepts'],
      referenceMatchesSize: ['az-sora-2-concepts'],
      remix: ['az-sora-2-concepts'],
      framesPerSecond: ['project-assumption'],
    },
  },
  {
    kind: 'video',
    name: 'sora',
    label: 'Sora (Sora 1)',
    api: 'jobs',
    promptMaxLength: 32000,
    sizes: [
      '480x480',
      '854x480',
      '480x854',
      '720x720',
      '1280x720',
      '720x1280',
      '1080x1080',
      '1920x1080',
      '1080x1920',
    ],
    seconds: { min: 1, max: 20 },
    defaultSeconds: 5,
    variants: { min: 1, max: 5 },
    sizeLimits: [
      {
        sizes: ['1920x1080', '1080x1920'],
        maxSeconds: 10,
        maxVariants: 1,
        source: 'Azure video generation concepts: 1080p jobs are limited to 10 s and have variants disabled',
      },
      {
        sizes: ['1080x1080'],
        maxSeconds: 20,
        maxVariants: 2,
        source: 'Azure video generation concepts: fewer variants allowed at larger sizes',
      },
    ],
    mediaTypes: ['image/png', 'image/jpeg', 'image/webp', 'video/mp4'],
    maxMediaBytes: 25 * MB,
    framesPerSecond: 30,
    // The v1 spec's InpaintItem.type is described as "either 'image' or 'video'" (its enum lists only image).
    inpaintTypes: ['image', 'video'],
    remix: false,
    versions: [
      {
        version: '2025-05-02',
        status: 'retired',
        retires: '2026-02-28',
        retiresNoEarlierThan: true,
        replacement: 'sora-2',
        sources: ['az-retirements-2025-12', 'az-sora-2-learn-fr'],
        note: 'Announced for "no earlier than 2026-02-28"; gone from the 2026 schedules and from the current video pages.',
      },
    ],
    sources: {
      promptMaxLength: ['az-sora-1-concepts'],
      sizes: ['az-spec-v1-preview'],
      seconds: ['az-spec-v1-preview'],
      defaultSeconds: ['az-spec-v1-preview'],
      variants: ['az-spec-v1-preview'],
      sizeLimits: ['az-sora-1-concepts'],
      mediaTypes: ['az-sora-1-concepts'],
      maxMediaBytes: ['az-sora-1-concepts'],
      framesPerSecond: ['project-assumption'],
      inpaintTypes: ['az-spec-v1-preview'],
      remix: ['az-spec-v1-preview'],
    },
  },

  // Audio
  {
    kind: 'audio',
    name: 'gpt-4o-transcribe-diarize',
    label: 'GPT-4o Transcribe Diarize',
    responseFormats: ['json', 'text', 'diarized_json'],
    fileExtensions: ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm'],
    maxFileBytes: 25 * MB,
    temperature: { min: 0, max: 1 },
    timestampGranularities: [],
    operations: ['transcribe'],
    chunkingStrategies: ['auto', 'server_vad'],
    unsupportedFields: ['prompt', 'include', 'timestamp_granularities'],
    diarization: {
      chunkingRequiredOverSeconds: 30,
      maxKnownSpeakers: 4,
      referenceSeconds: { min: 2, max: 10 },
    },
    versions: [
      {
        version: '2025-10-15',
        status: 'ga',
        retires: '2027-04-15',
        sources: ['az-retirements-2026-09', 'az-retirements-2026-04'],
      },
    ],
    sources: {
      responseFormats: ['oai-transcriptions'],
      fileExtensions: ['oai-transcriptions'],
      maxFileBytes: ['az-whisper-quickstart'],
      temperature: ['az-spec-2025-04-01-preview'],
      timestampGranularities: ['oai-transcriptions'],
      operations: ['oai-transcriptions'],
      chunkingStrategies: ['oai-transcriptions'],
      unsupportedFields: ['oai-transcriptions'],
      diarization: ['oai-transcriptions'],
    },
  },
  {
    ...GPT_4O_TRANSCRIBE,
    name: 'gpt-4o-mini-transcribe',
    label: 'GPT-4o Mini Transcribe',
    versions: [
      {
        version: '2025-03-20',
        status: 'ga',
        retires: '2026-10-15',
        sources: ['az-retirements-2026-09'],
        note: 'The April 2026 schedule gave 2026-06-01.',
      },
      {
        version: '2025-12-15',
        status: 'ga',
        retires: '2027-06-15',
        sources: ['az-retirements-2026-09'],
        note: 'The April 2026 schedule gave 2026-12-15.',
      },
    ],
  },
  {
    ...GPT_4O_TRANSCRIBE,
    name: 'gpt-4o-transcribe',
    label: 'GPT-4o Transcribe',
    versions: [
      {
        version: '2025-03-20',
        status: 'ga',
        retires: '2026-10-15',
        sources: ['az-retirements-2026-09', 'az-retirements-2026-04'],
        note: 'The April 2026 schedule gave 2026-06-01.',
      },
    ],
  },
  {
    kind: 'audio',
    name: 'whisper',
    label: 'Whisper',
    responseFormats: ['json', 'text', 'srt', 'vtt', 'verbose_json'],
    fileExtensions: ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm'],
    maxFileBytes: 25 * MB,
    temperature: { min: 0, max: 1 },
    timestampGranularities: ['word', 'segment'],
    operations: ['transcribe', 'translate'],
    versions: [
      {
        version: '001',
        status: 'ga',
        retires: '2026-12-15',
        sources: ['az-retirements-2026-09', 'az-retirements-2026-04'],
        note: 'The April 2026 schedule gave 2026-06-18.',
      },
    ],
    sources: {
      responseFormats: ['az-spec-2024-10-21'],
      fileExtensions: ['oai-transcriptions'],
      maxFileBytes: ['az-whisper-quickstart'],
      temperature: ['az-spec-2024-10-21'],
      timestampGranularities: ['az-spec-2025-04-01-preview'],
      operations: ['az-spec-2024-10-21'],
    },
  },

  // Text to speech
  {
    ...SPEECH,
    name: 'gpt-4o-mini-tts',
    label: 'GPT-4o Mini TTS',
    voices: [...AZURE_VOICES, 'ash', 'ballad', 'coral', 'sage', 'verse', 'marin', 'cedar'],
    instructions: true,
    versions: [
      {
        version: '2025-03-20',
        status: 'preview',
        retires: '2026-10-15',
        sources: ['az-retirements-2026-07', 'az-retirements-2026-04'],
        note: 'The April 2026 schedule gave 2026-06-01.',
      },
      {
        version: '2025-12-15',
        status: 'ga',
        retires: '2026-12-15',
        sources: ['az-retirements-2026-07', 'az-retirements-2026-04'],
      },
    ],
    disputes: [
      {
        field: 'voice',
        values: ['ash', 'ballad', 'coral', 'sage', 'verse', 'marin', 'cedar'],
        operations: ['audio.speech'],
        note: "OpenAI lists these voices for gpt-4o-mini-tts; Azure's speech spec and quickstart list only alloy, echo, fable, onyx, nova and shimmer, so Azure may refuse them",
        sources: ['oai-speech', 'az-spec-2025-04-01-preview'],
      },
    ],
    sources: { ...SPEECH_SOURCES, voices: [...SPEECH_SOURCES.voices, 'oai-speech'] },
  },
  {
    ...SPEECH,
    name: 'tts-hd',
    label: 'TTS HD',
    voices: AZURE_VOICES,
    instructions: false,
    versions: TTS_VERSIONS('ga'),
    sources: SPEECH_SOURCES,
  },
  {
    ...SPEECH,
    name: 'tts',
    label: 'TTS',
    voices: AZURE_VOICES,
    instructions: false,
    versions: TTS_VERSIONS('preview'),
    sources: SPEECH_SOURCES,
  },
] as const satisfies readonly ModelEntry[];
