/**
 * `@aoai-media/core/node`: what only Node can do, kept out of the main entry so the package still
 * bundles for other hosts. Large downloads at the wire's speed in a fixed amount of memory:
 *
 *   const client = new AzureOpenAIMedia({ endpoint, auth, downloadFetch: nodeDownloadFetch() });
 *   const video = await client.videos.downloadContent(task);
 *   await video.pipeTo(fileSink('video.mp4'));
 */
export { nodeDownloadFetch, type NodeDownloadFetchOptions } from './download-fetch.js';
export { fileSink, type FileSinkOptions } from './file-sink.js';
