export * from './client.js';
export * from './errors.js';
export * from './models.js';
export * from './retry.js';
export * from './resources/images.js';
export * from './resources/videos.js';
export * from './resources/audio.js';
