/**
 * Server-sent events, as the HTML standard defines the format: lines end with CRLF, LF or CR;
 * `data:` lines join with "\n"; lines starting with ":" are comments; a blank line ends an event.
 * Bytes may be split anywhere (inside a line, a CRLF or a UTF-8 character). Unlike a browser,
 * a last event without its closing blank line is still delivered: a stream that ends is complete.
 */

export interface ServerSentEvent {
  /** The `event:` field, `message` when absent. */
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  #buffer = '';
  /** The previous chunk ended with CR: an LF at the start of the next one belongs to it. */
  #pendingCR = false;
  #started = false;
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  #retry: number | undefined;
  #hasFields = false;

  /** Feed bytes; returns the events they completed. */
  push(chunk: Uint8Array): ServerSentEvent[] {
    return this.#feed(this.#decoder.decode(chunk, { stream: true }));
  }

  /** The stream ended: returns what the last bytes completed, including an unterminated last event. */
  end(): ServerSentEvent[] {
    const out = this.#feed(this.#decoder.decode());
    if (this.#buffer !== '') {
      this.#line(this.#buffer, out);
      this.#buffer = '';
    }
    this.#dispatch(out);
    return out;
  }

  #feed(text: string): ServerSentEvent[] {
    const out: ServerSentEvent[] = [];
    if (text === '') return out;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#pendingCR && text.charCodeAt(0) === 10) text = text.slice(1);
    this.#pendingCR = false;
    let buffer = this.#buffer + text;
    let start = 0;
    // Remember the next CR and LF so a long run of lines is scanned once, not once per line.
    let cr = -2;
    let lf = -2;
    for (;;) {
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = buffer.indexOf('\n', start);
      if (cr < 0 && lf < 0) break;
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      this.#line(buffer.slice(start, end), out);
      if (end === cr && buffer.charCodeAt(end + 1) === 10) start = end + 2;
      else if (end === cr && end === buffer.length - 1) {
        this.#pendingCR = true;
        start = end + 1;
      } else start = end + 1;
    }
    buffer = buffer.slice(start);
    this.#buffer = buffer;
    return out;
  }

  #line(line: string, out: ServerSentEvent[]): void {
    if (line === '') {
      this.#dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        this.#hasFields = true;
        break;
      case 'data':
        this.#data.push(value);
        this.#hasFields = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        // Unknown fields are ignored, as the standard says.
        break;
    }
  }

  #dispatch(out: ServerSentEvent[]): void {
    if (this.#hasFields && this.#data.length > 0) {
      const event: ServerSentEvent = { event: this.#event || 'message', data: this.#data.join('\n') };
      if (this.#id !== undefined) event.id = this.#id;
      if (this.#retry !== undefined) event.retry = this.#retry;
      out.push(event);
    }
    this.#event = '';
    this.#data = [];
    this.#hasFields = false;
    this.#retry = undefined;
  }
}

/** Events from a byte stream, one at a time. Returning early from the loop cancels the stream. */
export async function* readServerSentEvents(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const parser = new SseParser();
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        yield* parser.end();
        return;
      }
      yield* parser.push(value);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
