/**
 * Pure request validators, one per operation. Each returns every issue at once (an empty array
 * when the request is fine); the client throws ValidationError with them before sending anything.
 */
import { validateImageEdit, validateImageGenerate } from './images.js';
import { videoCreate, videoJob, videoRemix } from './videos.js';
import { imageStream } from './image-stream.js';
import { transcription, translation } from './audio.js';

export { IMAGE_EDIT_FIELDS, IMAGE_GENERATE_FIELDS, type ImageEditFiles } from './images.js';
export type { FieldType } from './shared.js';
export { videoFileName, type MediaFacts } from './videos.js';
export { IMAGE_STREAM_FIELDS } from './image-stream.js';

export const validate = {
  imageGenerate: validateImageGenerate,
  imageEdit: validateImageEdit,
  imageStream,
  videoJob,
  videoCreate,
  videoRemix,
  transcription,
  translation,
};
