/* global process, URL */
// The servers compared by run.mjs, each started in its own process:
//   node server.mjs emulator          the emulator (dist/), on a free port
//   node server.mjs canned <file>     a bare node:http server answering the file's bytes to every request
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { announce } from '@aoai-media/bench';

const [mode, file] = process.argv.slice(2);
if (mode === 'emulator') {
  const { startEmulator } = await import('../dist/index.js');
  const emu = await startEmulator({ port: 0, requestLogLimit: 1000 });
  process.send?.({ ready: { port: Number(new URL(emu.url).port) } });
} else if (mode === 'canned') {
  const body = readFileSync(file);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => announce(server));
} else {
  throw new Error(`unknown mode ${mode}`);
}
