/**
 * Answering a request that is refused before its body was read (401, 404, 413, a broken multipart
 * body) so that the client reads the answer instead of a reset connection. Closing a socket that
 * still has unread bytes makes the kernel send a reset, which can destroy the answer in flight.
 * - A small remainder (at most DRAIN_LIMIT bytes) is read and thrown away first, then the answer
 *   goes out on a connection that stays open for the next request.
 * - A larger one (a 413 for a declared 2 GB, or a big upload with a wrong key) is answered at once
 *   with `connection: close`; the connection then lingers, reading and discarding, until the
 *   client closes it or LINGER_MS pass, and only then is it destroyed.
 */
import type { Socket } from 'node:net';
import type { Request, Response } from 'express';

export const DRAIN_LIMIT = 1024 * 1024;
export const LINGER_MS = 5_000;
/** A drain that stops moving for this long is given up: the answer goes out with `connection: close`. */
const DRAIN_STALL_MS = 2_000;

/** Whether nothing more of the request's body will arrive. */
export function bodyDone(req: Request): boolean {
  if (req.complete || req.readableEnded) return true;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

export function clientGone(req: Request): boolean {
  return req.socket.destroyed || !req.socket.readable;
}

/** Replace the socket's end-of-answer close with a lingering one (see above). */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('end', () => {
      clearTimeout(timer);
      this.destroy();
    });
    this.once('close', () => clearTimeout(timer));
    this.resume();
  };
}

/**
 * Send `answer` once the request can take it: see the module comment. `drain: false` answers at once
 * with `connection: close` (a body that timed out is not read any further).
 */
export function answerRefusal(
  req: Request,
  res: Response,
  answer: (close: boolean) => void,
  { drain = true } = {},
): void {
  if (res.headersSent || res.writableEnded) return;
  if (bodyDone(req)) return answer(false);
  if (clientGone(req)) return;
  const closeAndAnswer = () => {
    if (res.headersSent || res.writableEnded || clientGone(req)) return;
    lingerOnClose(req.socket);
    answer(true);
  };
  const declared = Number(req.headers['content-length']);
  if (!drain || (Number.isFinite(declared) && declared > DRAIN_LIMIT)) return closeAndAnswer();

  let read = 0;
  let finished = false;
  const stall = setTimeout(() => done(false), DRAIN_STALL_MS);
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    stall.refresh();
    if (read > DRAIN_LIMIT) done(false);
  };
  const done = (drained: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(stall);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onClose);
    if (drained) answer(false);
    else closeAndAnswer();
  };
  const onEnd = () => done(true);
  const onClose = () => done(bodyDone(req));
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('close', onClose);
  req.resume();
}
