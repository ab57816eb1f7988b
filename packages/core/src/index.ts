export * from './client.js';
export * from './errors.js';
export * from './models.js';
export * from './schema.js';
export * from './retry.js';
export * from './operations.js';
export * from './base64.js';
export * from './uploads.js';
export * from './sse.js';
export { normaliseType, type Download, type DownloadSink, type PipeOptions } from './download.js';
export * from './validate/index.js';
export * from './resources/images.js';
export * from './resources/videos.js';
export * from './resources/audio.js';
export type {
  SpeechAudioInfo,
  SpeechFormat,
  SpeechRequest,
  SpeechResult,
  SpeechStream,
  SpeechVoice,
} from './resources/speech.js';
