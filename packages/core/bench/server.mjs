/* global Buffer */
// The stub "Azure" for core's benchmarks, run in its own process: canned bytes, no logic.
//   POST .../images/generations  a fixed JSON answer with a 2 KB b64_json image
//   GET  .../content/video       VIDEO_BYTES of video (SMALL_VIDEO_BYTES for gen_small, to warm a
//                                client up), 1 MiB chunks, honouring backpressure
//   GET  /warm-up                 "ok"
import { createServer } from 'node:http';
import { announce } from '@aoai-media/bench';
import { IMAGE_ANSWER, SMALL_VIDEO_BYTES, VIDEO_BYTES } from './fixtures.mjs';

const answer = Buffer.from(IMAGE_ANSWER);
const chunk = Buffer.alloc(1024 * 1024, 0x42);

const server = createServer((req, res) => {
  if (req.url === '/warm-up') return void res.end('ok');
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': answer.length,
        'apim-request-id': 'bench',
      });
      res.end(answer);
    });
    return;
  }
  const total = req.url?.includes('/gen_small/') ? SMALL_VIDEO_BYTES : VIDEO_BYTES;
  res.writeHead(200, {
    'content-type': 'video/mp4',
    'content-length': total,
    'accept-ranges': 'bytes',
  });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
