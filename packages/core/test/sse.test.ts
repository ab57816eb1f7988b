import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SseParser, readServerSentEvents, type ServerSentEvent } from '../src/sse.js';

const encoder = new TextEncoder();

function parseChunks(chunks: Uint8Array[]): ServerSentEvent[] {
  const parser = new SseParser();
  const out: ServerSentEvent[] = [];
  for (const c of chunks) out.push(...parser.push(c));
  out.push(...parser.end());
  return out;
}

function parseText(text: string): ServerSentEvent[] {
  return parseChunks([encoder.encode(text)]);
}

/** Cuts bytes at the given (sorted, deduplicated) offsets. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

describe('SseParser', () => {
  it('parses events, names and ids', () => {
    expect(parseText('event: a\ndata: one\nid: 7\n\ndata: two\n\n')).toEqual([
      { event: 'a', data: 'one', id: '7' },
      // The last event id carries over, as the standard says.
      { event: 'message', data: 'two', id: '7' },
    ]);
  });

  it('joins multi-line data with newlines', () => {
    expect(parseText('data: first\ndata: second\ndata:third\n\n')).toEqual([
      { event: 'message', data: 'first\nsecond\nthird' },
    ]);
  });

  it('ignores comments and unknown fields; an event without data is not dispatched', () => {
    expect(parseText(': keep-alive\n\nevent: ping\n\nfoo: bar\ndata: x\n: note\n\n')).toEqual([
      { event: 'message', data: 'x' },
    ]);
  });

  it('accepts CRLF, CR and LF line endings, mixed', () => {
    expect(parseText('data: a\r\n\r\ndata: b\r\rdata: c\n\n')).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('delivers a last event that has no trailing blank line', () => {
    expect(parseText('data: a\n\ndata: last')).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'last' },
    ]);
  });

  it('keeps a CRLF split across two chunks as one line ending', () => {
    const events = parseChunks([
      encoder.encode('data: a\r'),
      encoder.encode('\ndata: b\r'),
      encoder.encode('\n\r\n'),
    ]);
    expect(events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('decodes a UTF-8 character split across chunks and drops a leading BOM', () => {
    const bytes = encoder.encode('\uFEFFdata: caf\u00e9 \u{1F3A8}\n\n');
    const events = parseChunks([...bytes].map((b) => new Uint8Array([b])));
    expect(events).toEqual([{ event: 'message', data: 'caf\u00e9 \u{1F3A8}' }]);
  });

  it('reads retry values that are digits only', () => {
    expect(parseText('retry: 1500\ndata: x\n\nretry: soon\ndata: y\n\n')).toEqual([
      { event: 'message', data: 'x', retry: 1500 },
      { event: 'message', data: 'y' },
    ]);
  });

  // Any split of the same byte stream yields the same events.
  it('is independent of how the bytes are chunked (property)', () => {
    const line = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ':', 'é', '\u{1F3A8}', '{', '"', '9'),
      maxLength: 12,
    });
    const event = fc.record({
      name: fc.constantFrom('', 'message', 'response.completed', 'error'),
      data: fc.array(line, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
    });
    const stream = fc.record({
      events: fc.array(event, { minLength: 1, maxLength: 6 }),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      trailingBlank: fc.boolean(),
    });
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), ({ events, eol, trailingBlank }, cuts) => {
        const blocks = events.map((e) => {
          const lines: string[] = [];
          if (e.comment) lines.push(': comment');
          if (e.name) lines.push(`event: ${e.name}`);
          for (const d of e.data) lines.push(`data: ${d}`);
          return lines.map((l) => l + eol).join('');
        });
        const text = blocks.join(eol) + (trailingBlank ? eol : '');
        const bytes = encoder.encode(text);
        const expected = events.map((e) => ({ event: e.name || 'message', data: e.data.join('\n') }));
        expect(parseChunks([bytes])).toEqual(expected);
        expect(parseChunks(split(bytes, cuts))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('readServerSentEvents', () => {
  it('reads a byte stream and cancels it when the reader stops early', async () => {
    let cancelled = false;
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls > 100) return controller.close();
        controller.enqueue(encoder.encode(`data: ${pulls}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const seen: string[] = [];
    for await (const event of readServerSentEvents(stream)) {
      seen.push(event.data);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['1', '2', '3']);
    expect(cancelled).toBe(true);
  });
});
