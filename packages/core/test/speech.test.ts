/**
 * Text to speech: where the request goes in both URL styles and what it carries, what comes back
 * (bytes or a stream, with the format's MIME type), everything refused before sending (naming the
 * field, the value and what is allowed), and what reaches "Azure" when the answer goes wrong: a
 * paid request is resent only on answers that prove nothing was made.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AzureOpenAIMedia,
  checkRequest,
  ConnectionError,
  fieldOptions,
  getModel,
  InvalidResponseError,
  MaybeProcessedError,
  modelOptions,
  recogniseModel,
  requestSchema,
  speechFormat,
  SPEECH_FORMATS,
  validate,
  ValidationError,
  type ClientOptions,
  type SpeechModel,
  type SpeechRequest,
} from '../src/index.js';
import { capturingFetch } from './capture.js';
import { TEST_NOW } from './fixtures.js';
import { startServer, type TestServer } from './server.js';
import { openSpec, SPEC_SKIP_REASON, specAvailable } from './spec.js';

const AUDIO = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
const audioAnswer = (type = 'application/octet-stream') =>
  new Response(AUDIO, { status: 200, headers: { 'content-type': type, 'apim-request-id': 'req-1' } });

function captured(options: Partial<ClientOptions> = {}) {
  const { fetch, calls } = capturingFetch(() => audioAnswer());
  const client = new AzureOpenAIMedia({
    endpoint: 'https://r.openai.azure.com',
    auth: { apiKey: 'k' },
    deployments: { narrator: 'gpt-4o-mini-tts', classic: 'tts-hd', notes: 'whisper' },
    now: () => TEST_NOW,
    fetch,
    ...options,
  });
  return { client, calls };
}

const base: SpeechRequest = { model: 'narrator', input: 'Hello there.', voice: 'alloy' };

describe('where a speech request goes and what it carries', () => {
  it('v1 (the default): /openai/v1/audio/speech, the deployment in model, JSON', async () => {
    const { client, calls } = captured();
    await client.audio.speech({ ...base, response_format: 'wav', speed: 1.5 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://r.openai.azure.com/openai/v1/audio/speech');
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.headers['content-type']).toBe('application/json');
    expect(calls[0]!.headers['api-key']).toBe('k');
    expect(calls[0]!.body).toEqual({
      model: 'narrator',
      input: 'Hello there.',
      voice: 'alloy',
      response_format: 'wav',
      speed: 1.5,
    });
  });

  it('preview: the same path with api-version=preview', async () => {
    const { client, calls } = captured({ apiVersion: 'preview' });
    await client.audio.speech(base);
    expect(calls[0]!.url).toBe('https://r.openai.azure.com/openai/v1/audio/speech?api-version=preview');
  });

  it('a dated version: the deployment path, no model in the body', async () => {
    const { client, calls } = captured({ apiVersion: '2025-04-01-preview' });
    await client.audio.speech({ ...base, instructions: 'Calm and slow.' });
    expect(calls[0]!.url).toBe(
      'https://r.openai.azure.com/openai/deployments/narrator/audio/speech?api-version=2025-04-01-preview',
    );
    expect(calls[0]!.body).toEqual({ input: 'Hello there.', voice: 'alloy', instructions: 'Calm and slow.' });
  });

  it('buildUrl shows both paths for the operation', () => {
    const { client } = captured();
    expect(client.buildUrl({ path: 'audio/speech', deployment: 'narrator' })).toBe(
      'https://r.openai.azure.com/openai/v1/audio/speech',
    );
    const dated = captured({ apiVersion: '2025-04-01-preview' }).client;
    expect(dated.buildUrl({ path: 'audio/speech', deployment: 'a b' })).toBe(
      'https://r.openai.azure.com/openai/deployments/a%20b/audio/speech?api-version=2025-04-01-preview',
    );
  });
});

describe('what comes back', () => {
  it.each(Object.keys(SPEECH_FORMATS))(
    '%s: the bytes, with the MIME type and extension of the format asked for',
    async (format) => {
      const { client } = captured();
      const result = await client.audio.speech({ ...base, response_format: format as 'mp3' });
      expect(result.bytes).toEqual(AUDIO);
      expect(result.format).toBe(format);
      expect(result.mimeType).toBe(speechFormat(format)!.mimeType);
      expect(result.extension).toBe(speechFormat(format)!.extension);
      expect(result.requestId).toBe('req-1');
      expect(result.warnings).toEqual([]);
      if (format === 'pcm')
        expect(result.pcm).toEqual({
          sampleRate: 24000,
          channels: 1,
          bitsPerSample: 16,
          endianness: 'little',
        });
      else expect(result.pcm).toBeUndefined();
    },
  );

  it('no response_format: the model default (mp3)', async () => {
    const { client } = captured();
    const result = await client.audio.speech(base);
    expect(result).toMatchObject({ format: 'mp3', mimeType: 'audio/mpeg', extension: 'mp3' });
  });

  it('the formats table: opus is Ogg, aac is ADTS, unknown formats are undefined', () => {
    expect(speechFormat('opus')).toEqual({ mimeType: 'audio/ogg', extension: 'opus' });
    expect(speechFormat('aac')).toEqual({ mimeType: 'audio/aac', extension: 'aac' });
    expect(speechFormat('ogg')).toBeUndefined();
    expect(speechFormat('toString')).toBeUndefined();
  });
});

describe('refused before sending: the field, the value and what is allowed', () => {
  async function refused(request: Record<string, unknown>, options: Partial<ClientOptions> = {}) {
    const { client, calls } = captured(options);
    const error = await client.audio.speech(request as unknown as SpeechRequest).catch((e: unknown) => e);
    expect(calls).toHaveLength(0);
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }

  it('a voice the model does not have', async () => {
    const [issue] = await refused({ ...base, model: 'classic', voice: 'ash' });
    expect(issue).toMatchObject({ path: 'voice', code: 'not_allowed' });
    expect(issue!.message).toBe(
      'voice "ash" is not supported by tts-hd; use alloy, echo, fable, onyx, nova or shimmer',
    );
    expect(issue!.allowed).toEqual(['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer']);
  });

  it('speed outside 0.25 to 4', async () => {
    for (const speed of [0.24, 4.01, 0]) {
      const [issue] = await refused({ ...base, speed });
      expect(issue).toMatchObject({ path: 'speed', code: 'out_of_range', allowed: [0.25, 4] });
      expect(issue!.message).toContain(`speed ${speed} is out of range for gpt-4o-mini-tts; use 0.25 to 4`);
    }
    const [typed] = await refused({ ...base, speed: '1.5' });
    expect(typed).toMatchObject({ path: 'speed', code: 'invalid_type' });
  });

  it('input over 4096 characters, counted as people count them', async () => {
    const [issue] = await refused({ ...base, input: 'a'.repeat(4097) });
    expect(issue).toMatchObject({ path: 'input', code: 'too_long', allowed: [4096] });
    expect(issue!.message).toBe('input is 4097 characters; gpt-4o-mini-tts accepts at most 4096');
    // 4096 emoji are 8192 UTF-16 code units but 4096 characters: not refused.
    const { client, calls } = captured();
    await client.audio.speech({ ...base, input: '🙂'.repeat(4096) });
    expect(calls).toHaveLength(1);
  });

  it('a format Azure does not make', async () => {
    const [issue] = await refused({ ...base, response_format: 'ogg' });
    expect(issue).toMatchObject({ path: 'response_format', code: 'not_allowed' });
    expect(issue!.message).toBe(
      'response_format "ogg" is not supported by gpt-4o-mini-tts; use mp3, opus, aac, flac, wav or pcm',
    );
  });

  it('instructions on a model that does not take them', async () => {
    const [issue] = await refused({ ...base, model: 'classic', instructions: 'Whisper it.' });
    expect(issue).toMatchObject({ path: 'instructions', code: 'unsupported_field' });
    expect(issue!.message).toBe(
      'instructions is not supported by tts-hd; it accepts input, voice, response_format or speed',
    );
  });

  it('missing and empty fields, a custom voice object, all at once', async () => {
    const issues = await refused({ model: 'narrator', input: '  ', voice: { id: 'voice_123' } });
    expect(issues.map((i) => `${i.path}:${i.code}`)).toEqual(['input:empty', 'voice:invalid_type']);
    expect(issues[1]!.message).toContain('custom voice objects ({ id }) are an OpenAI platform feature');
    const missing = await refused({ model: 'narrator' });
    expect(missing.map((i) => `${i.path}:${i.code}`)).toEqual(['input:required', 'voice:required']);
    const unknown = await refused({ ...base, stream_format: 'sse' });
    expect(unknown[0]).toMatchObject({ path: 'stream_format', code: 'unknown_field' });
  });

  it('a deployment of a model that does not speak', async () => {
    const [issue] = await refused({ ...base, model: 'notes' });
    expect(issue).toMatchObject({ path: 'model', code: 'wrong_model' });
    expect(issue!.message).toBe('model is a whisper deployment, which is not a text-to-speech model');
  });

  it('validation off sends what it is given', async () => {
    const { client, calls } = captured({ validation: 'off' });
    await client.audio.speech({ ...base, model: 'classic', voice: 'ash', speed: 9 });
    expect(calls[0]!.body).toMatchObject({ voice: 'ash', speed: 9 });
  });
});

describe('sent with a warning', () => {
  it('a gpt-4o-mini-tts voice only OpenAI lists', async () => {
    const warned: string[] = [];
    const { client, calls } = captured({ logger: { warn: (m) => void warned.push(m) } });
    const result = await client.audio.speech({ ...base, voice: 'marin' });
    expect(calls).toHaveLength(1);
    expect(result.warnings).toEqual([
      expect.objectContaining({ path: 'voice', code: 'disputed', severity: 'warning' }),
    ]);
    expect(result.warnings[0]!.message).toContain(
      'voice "marin" on gpt-4o-mini-tts: OpenAI lists these voices',
    );
    expect(warned).toEqual([expect.stringContaining('audio.speech: voice "marin"')]);
  });

  it('an unknown deployment gets the generic checks only', async () => {
    const { client, calls } = captured();
    await client.audio.speech({ ...base, model: 'my-voice', voice: 'anything' });
    expect(calls).toHaveLength(1);
  });
});

describe('lifecycle on the client clock', () => {
  const retires = Date.parse('2026-12-15T00:00:00Z');

  it('the day before: sent, with a warning naming the date', async () => {
    const { client, calls } = captured({ now: () => retires - 1 });
    const result = await client.audio.speech({ ...base, model: 'classic' });
    expect(calls).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ path: 'model', code: 'model_retiring' });
    expect(result.warnings[0]!.message).toContain('tts-hd retires on Azure on 2026-12-15 (1 day from now)');
  });

  it('from the date: refused before sending, unless allowed', async () => {
    const { client, calls } = captured({ now: () => retires });
    const error = await client.audio.speech({ ...base, model: 'classic' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatchObject({ path: 'model', code: 'model_retired' });
    expect(calls).toHaveLength(0);
    const allowed = captured({ now: () => retires, allowRetiredModels: ['tts-hd'] });
    await allowed.client.audio.speech({ ...base, model: 'classic' });
    expect(allowed.calls).toHaveLength(1);
  });
});

describe('what reaches "Azure" when the answer goes wrong', () => {
  let server: TestServer;
  /** One behaviour per request, in order; the last one repeats. */
  let plan: ((res: import('node:http').ServerResponse) => void)[] = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const step = plan.length > 1 ? plan.shift()! : plan[0]!;
      step(res);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const audio = (res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': AUDIO.length });
    res.end(AUDIO);
  };
  const status = (code: number) => (res: import('node:http').ServerResponse) => {
    res.writeHead(code, { 'content-type': 'application/json', 'retry-after-ms': '1' });
    res.end(JSON.stringify({ error: { code: String(code), message: 'injected' } }));
  };
  const cutMidBody = (res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': 10_000 });
    res.write(Buffer.alloc(1000, 7), () => res.destroy());
  };
  const jsonOk = (res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  };

  const client = (extra: Partial<ClientOptions> = {}) =>
    new AzureOpenAIMedia({
      endpoint: server.url,
      auth: { apiKey: 'k' },
      now: () => TEST_NOW,
      sleep: async () => undefined,
      random: () => 0,
      ...extra,
    });

  it('429 proves nothing was made: retried, one audio', async () => {
    plan = [status(429), audio];
    const result = await client().audio.speech({ ...base, model: 'tts' });
    expect(result.bytes).toEqual(AUDIO);
    expect(server.requests).toHaveLength(2);
  });

  it('500 may have been made: MaybeProcessedError, sent once', async () => {
    plan = [status(500), audio];
    const error = await client()
      .audio.speech({ ...base, model: 'tts' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect(error).toMatchObject({ operation: 'audio.speech', status: 500 });
    expect(server.requests).toHaveLength(1);
  });

  it('a body cut short: MaybeProcessedError, sent once', async () => {
    plan = [cutMidBody, audio];
    const error = await client()
      .audio.speech({ ...base, model: 'tts' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect((error as Error).cause).toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it('a 200 that is not audio: MaybeProcessedError caused by InvalidResponseError, sent once', async () => {
    plan = [jsonOk];
    const error = await client()
      .audio.speech({ ...base, model: 'tts' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect((error as Error).cause).toBeInstanceOf(InvalidResponseError);
    expect(server.requests).toHaveLength(1);
    const streamed = await client()
      .audio.speechStream({ ...base, model: 'tts' })
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(MaybeProcessedError);
    expect(server.requests).toHaveLength(2);
  });

  it('retryAmbiguous opts in to resending', async () => {
    plan = [status(502), audio];
    const result = await client({ retryAmbiguous: true }).audio.speech({ ...base, model: 'tts' });
    expect(result.bytes).toEqual(AUDIO);
    expect(server.requests).toHaveLength(2);
  });

  it('a stream cut short ends with ConnectionError and is not resent', async () => {
    plan = [cutMidBody, audio];
    const speech = await client().audio.speechStream({ ...base, model: 'tts' });
    expect(speech.contentLength).toBe(10_000);
    const error = await new Response(speech.stream).arrayBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it('the stream is handed over before the audio has all arrived', async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    plan = [
      (res) => {
        res.writeHead(200, { 'content-type': 'audio/wav' });
        res.write(Buffer.from('RIFF'));
        void finished.then(() => res.end(Buffer.from('rest')));
      },
    ];
    const speech = await client().audio.speechStream({ ...base, model: 'tts', response_format: 'wav' });
    expect(speech).toMatchObject({ format: 'wav', mimeType: 'audio/wav', extension: 'wav' });
    expect(speech.contentLength).toBeUndefined();
    const reader = speech.stream.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('RIFF');
    finish();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += Buffer.from(r.value).toString();
    expect(rest).toBe('rest');
  });

  it('aborting while streaming ends the stream with AbortError', async () => {
    plan = [
      (res) => {
        res.writeHead(200, { 'content-type': 'audio/wav' });
        res.write(Buffer.from('RIFF'));
      },
    ];
    const controller = new AbortController();
    const speech = await client().audio.speechStream(
      { ...base, model: 'tts', response_format: 'wav' },
      { signal: controller.signal },
    );
    const reader = speech.stream.getReader();
    await reader.read();
    controller.abort();
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
  });
});

describe('one table for validators, schemas and option lists', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  it('the schema of each speech model matches its validator', () => {
    for (const name of ['gpt-4o-mini-tts', 'tts-hd', 'tts']) {
      const model = getModel(name) as SpeechModel;
      const schema = requestSchema(model, 'audio.speech')!;
      const check = ajv.compile(schema);
      for (const { value } of fieldOptions(model, 'audio.speech', 'voice')) {
        const request = { model: 'd', input: 'hi', voice: value };
        expect(check(request), `${name} ${value}`).toBe(true);
        expect(checkRequest('audio.speech', request, model).errors).toEqual([]);
      }
      for (const speed of [0.25, 4]) expect(check({ ...base, speed })).toBe(true);
      expect(check({ ...base, speed: 4.5 })).toBe(false);
      expect(check({ ...base, input: 'a'.repeat(4097) })).toBe(false);
      expect(check({ ...base, instructions: 'x' })).toBe(model.instructions);
      expect(checkRequest('audio.speech', { ...base, instructions: 'x' }, model).errors.length === 0).toBe(
        model.instructions,
      );
    }
  });

  it('labels, option lists and recognised deployment names', () => {
    expect(fieldOptions('tts', 'audio.speech', 'voice').map((o) => o.label)).toEqual([
      'Alloy',
      'Echo',
      'Fable',
      'Onyx',
      'Nova',
      'Shimmer',
    ]);
    expect(fieldOptions('tts', 'audio.speech', 'response_format').map((o) => o.value)).toEqual([
      'mp3',
      'opus',
      'aac',
      'flac',
      'wav',
      'pcm',
    ]);
    const voice = requestSchema('gpt-4o-mini-tts', 'audio.speech')!.properties as Record<string, any>;
    expect(voice.voice['x-warnings'][0]).toContain('ash, ballad, coral, sage, verse, marin, cedar');
    expect(
      modelOptions({ operation: 'audio.speech', now: Date.parse('2026-12-06T00:00:00Z') }).map(
        (o) => o.value,
      ),
    ).toEqual(['gpt-4o-mini-tts', 'tts-hd', 'tts']);
    expect(modelOptions({ kind: 'speech', now: Date.parse('2026-12-15T00:00:00Z') })).toEqual([]);
    expect(recogniseModel('voice-gpt-4o-mini-tts-eu')?.name).toBe('gpt-4o-mini-tts');
    expect(recogniseModel('tts-hd-prod')?.name).toBe('tts-hd');
    expect(recogniseModel('my-tts')?.name).toBe('tts');
    expect(recogniseModel('tts1_westeurope')?.name).toBe('tts');
    expect(recogniseModel('tts-1-hd')?.name).toBe('tts-hd');
    expect(recogniseModel('voice-tts1hd')?.name).toBe('tts-hd');
    expect(recogniseModel('gpt4ominitts')?.name).toBe('gpt-4o-mini-tts');
    // Three letters inside a word are not a model: these stay unknown (generic checks only).
    expect(recogniseModel('watts-images')).toBeUndefined();
    expect(recogniseModel('scottsdale')).toBeUndefined();
    expect(recogniseModel('watts-gpt-image-1')?.name).toBe('gpt-image-1');
    expect(validate.speech({ ...base, speed: 5 }, getModel('tts'))[0]!.path).toBe('speed');
  });
});

describe.skipIf(!specAvailable)(
  `speech bodies against Azure's spec${specAvailable ? '' : ` (${SPEC_SKIP_REASON})`}`,
  () => {
    it.each([
      ['tts', { input: 'Hello', voice: 'alloy' }],
      ['tts-hd', { input: 'Hello', voice: 'shimmer', response_format: 'flac', speed: 0.25 }],
      ['gpt-4o-mini-tts', { input: 'Hello', voice: 'nova', response_format: 'pcm', speed: 4 }],
    ] as const)('%s %j on the deployment path', async (model, fields) => {
      const { client, calls } = captured({ apiVersion: '2025-04-01-preview' });
      await client.audio.speech({ model, ...fields });
      const body = calls[0]!.body;
      const spec = openSpec('2025-04-01-preview-inference.json');
      expect(spec.checkSchema('createSpeechRequest', body)).toEqual([]);
      // The spec lists every field these models take: nothing sent lies outside it.
      const declared = spec.declaredProperties('#/components/schemas/createSpeechRequest');
      expect(Object.keys(body as object).filter((k) => !declared.has(k))).toEqual([]);
    });

    it('the check itself rejects a body the spec forbids', () => {
      const spec = openSpec('2025-04-01-preview-inference.json');
      expect(spec.checkSchema('createSpeechRequest', { input: 'x', voice: 'ash' })).not.toEqual([]);
      expect(spec.checkSchema('createSpeechRequest', { input: 'x', voice: 'alloy', speed: 5 })).not.toEqual(
        [],
      );
    });
  },
);
