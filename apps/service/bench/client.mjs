/* global Buffer */
// The load generator's HTTP client: node:http over keep-alive connections, the same code for both
// sides of every comparison, so only the server differs.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * An agent that keeps up to `sockets` connections open. Idle ones are closed after 2 s, before the
 * servers' own keep-alive timeout (5 s) can close them under a request being sent.
 */
export const pool = (sockets) => new http.Agent({ keepAlive: true, maxSockets: sockets, timeout: 2000 });

/**
 * Sends one request; resolves `{ status, body, ms }` (ms from send to the last byte). A request
 * that finds its kept-alive connection closed by the server is sent again once, on a new one.
 */
export async function send(agent, url, options) {
  try {
    return await sendOnce(agent, url, options);
  } catch (error) {
    if (error.code !== 'ECONNRESET' || !error.reusedSocket) throw error;
    return sendOnce(agent, url, options);
  }
}

function sendOnce(agent, url, { method = 'POST', headers = {}, body }) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: body ? { ...headers, 'content-length': body.length } : headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks), ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** Like send, but anything but 200 is an error naming the URL and the answer. */
export async function ok(agent, url, options) {
  const answer = await send(agent, url, options);
  if (answer.status !== 200) {
    throw new Error(`${url} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`);
  }
  return answer;
}

/** A multipart/form-data body with text fields and one file, built once. */
export function multipart(fields, file) {
  const boundary = `----aoai-bench-${Date.now().toString(36)}`;
  const parts = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.filename}"\r\n` +
        `content-type: ${file.contentType}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
