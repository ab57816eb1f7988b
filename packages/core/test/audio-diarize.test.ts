/**
 * gpt-4o-transcribe-diarize and gpt-4o-mini-transcribe: the diarize rules (diarized_json,
 * chunking_strategy over 30 s from the file's real length, up to 4 known speakers with reference
 * clips, no prompt / logprobs / timestamp granularities), logprobs on mini, the multipart form as
 * the OpenAI SDKs send it, and results with speaker segments.
 */
import { describe, expect, it } from 'vitest';
import { AzureOpenAIMedia, checkRequest, getModel, validate, wavSeconds } from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import { makeWav, TEST_NOW } from './fixtures.js';

const diarize = getModel('gpt-4o-transcribe-diarize');
const mini = getModel('gpt-4o-mini-transcribe');
const clip = (seconds: number) => `data:audio/wav;base64,${Buffer.from(makeWav(seconds)).toString('base64')}`;

const codes = (request: Record<string, unknown>, model = diarize) =>
  validate.transcription({ model: 'd', ...request }, model).map((i) => `${i.path}:${i.code}`);

describe('gpt-4o-transcribe-diarize rules', () => {
  it('reads the length of WAV audio from its header', () => {
    const wav = makeWav(31);
    expect(wavSeconds(wav.subarray(0, 64), wav.length)).toBe(31);
    expect(wavSeconds(new Uint8Array([1, 2, 3]), 3)).toBeUndefined();
  });

  it('chunking_strategy is required over 30 s, by the real length of the audio', () => {
    expect(codes({ file: makeWav(30) })).toEqual([]);
    expect(codes({ file: makeWav(31) })).toEqual(['chunking_strategy:required']);
    const [issue] = validate.transcription({ model: 'd', file: makeWav(31) }, diarize);
    expect(issue!.message).toBe(
      'chunking_strategy is required; gpt-4o-transcribe-diarize needs it for audio over 30 s and the file is 31.0 s; use "auto" or { type: "server_vad" }',
    );
    expect(codes({ file: makeWav(31), chunking_strategy: 'auto' })).toEqual([]);
    expect(codes({ file: makeWav(31), chunking_strategy: { type: 'server_vad', threshold: 0.5 } })).toEqual(
      [],
    );
  });

  it('chunking_strategy values', () => {
    expect(codes({ file: makeWav(1), chunking_strategy: 'manual' })).toEqual([
      'chunking_strategy:not_allowed',
    ]);
    expect(codes({ file: makeWav(1), chunking_strategy: { type: 'semantic' } })).toEqual([
      'chunking_strategy.type:not_allowed',
    ]);
    expect(
      codes({ file: makeWav(1), chunking_strategy: { type: 'server_vad', threshold: 2, extra: 1 } }),
    ).toEqual(['chunking_strategy.extra:unknown_field', 'chunking_strategy.threshold:out_of_range']);
    expect(codes({ file: makeWav(1), chunking_strategy: 'auto' }, getModel('whisper'))).toEqual([
      'chunking_strategy:unsupported_field',
    ]);
  });

  it('no prompt, logprobs or timestamp granularities', () => {
    expect(
      codes({ file: makeWav(1), prompt: 'names', include: ['logprobs'], timestamp_granularities: ['word'] }),
    ).toEqual([
      'prompt:unsupported_field',
      'include:unsupported_field',
      'timestamp_granularities:unsupported_field',
    ]);
  });

  it('diarized_json only on the diarizing model', () => {
    expect(codes({ file: makeWav(1), response_format: 'diarized_json' })).toEqual([]);
    expect(codes({ file: makeWav(1), response_format: 'diarized_json' }, mini)).toEqual([
      'response_format:not_allowed',
    ]);
  });

  it('up to 4 known speakers, one reference clip each, clips of 2-10 s', () => {
    const names = ['Ana', 'Ben', 'Cy', 'Di'];
    expect(
      codes({
        file: makeWav(1),
        known_speaker_names: names,
        known_speaker_references: names.map(() => clip(3)),
      }),
    ).toEqual([]);
    expect(
      codes({
        file: makeWav(1),
        known_speaker_names: [...names, 'Ed'],
        known_speaker_references: [...names, 'Ed'].map(() => clip(3)),
      }),
    ).toEqual(['known_speaker_names:too_many']);
    expect(codes({ file: makeWav(1), known_speaker_names: ['Ana'], known_speaker_references: [] })).toEqual([
      'known_speaker_references:mismatch',
    ]);
    expect(
      codes({ file: makeWav(1), known_speaker_names: ['Ana'], known_speaker_references: ['ana.wav'] }),
    ).toEqual(['known_speaker_references[0]:invalid_type']);
    // A clip outside 2-10 s is sent, with a warning.
    const { errors, warnings } = checkRequest(
      'audio.transcribe',
      { model: 'd', file: makeWav(1), known_speaker_names: ['Ana'], known_speaker_references: [clip(1)] },
      diarize,
    );
    expect([errors, warnings.map((w) => w.message)]).toEqual([
      [],
      [
        'known_speaker_references[0] is 1.0 s of audio; reference clips should be 2 to 10 s (it is sent as given)',
      ],
    ]);
    expect(
      codes({ file: makeWav(1), known_speaker_names: ['Ana'], known_speaker_references: [clip(3)] }, mini),
    ).toEqual(['known_speaker_names:unsupported_field', 'known_speaker_references:unsupported_field']);
  });
});

describe('gpt-4o-mini-transcribe', () => {
  it('include logprobs with json; with text it is sent with warnings', () => {
    expect(codes({ file: makeWav(1), include: ['logprobs'] }, mini)).toEqual([]);
    expect(codes({ file: makeWav(1), include: ['tokens'] }, mini)).toEqual(['include[0]:not_allowed']);
    const { errors, warnings } = checkRequest(
      'audio.transcribe',
      { model: 'd', file: makeWav(1), include: ['logprobs'], response_format: 'text' },
      mini,
    );
    expect(errors).toEqual([]);
    expect(warnings.map((w) => `${w.path}:${w.code}`)).toEqual([
      'response_format:disputed',
      'include:ignored',
    ]);
  });
});

describe('over the wire', () => {
  function setup(answer: unknown) {
    const { fetch, calls } = capturingFetch(() => jsonResponse(200, answer));
    const client = new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      fetch,
      now: () => TEST_NOW,
    });
    return { client, calls };
  }

  it('sends chunking and known speakers the way the OpenAI SDKs do, and reads speaker segments', async () => {
    const answer = {
      task: 'transcribe',
      duration: 40,
      text: 'Hello. Hi there.',
      segments: [
        { type: 'transcript.text.segment', id: 'seg_0', start: 0, end: 20, text: 'Hello.', speaker: 'Ana' },
        { type: 'transcript.text.segment', id: 'seg_1', start: 20, end: 40, text: 'Hi there.', speaker: 'B' },
        { type: 'transcript.text.segment', id: 'seg_2', start: 40, end: 40, text: '', speaker: 'Ana' },
      ],
    };
    const { client, calls } = setup(answer);
    const result = await client.audio.transcribe({
      model: 'gpt-4o-transcribe-diarize',
      file: makeWav(40),
      response_format: 'diarized_json',
      chunking_strategy: { type: 'server_vad', threshold: 0.4 },
      known_speaker_names: ['Ana'],
      known_speaker_references: [clip(3)],
    });
    expect(result.format).toBe('diarized_json');
    expect(result.speakers).toEqual(['Ana', 'B']);
    expect(result.segments.map((s) => s.speaker)).toEqual(['Ana', 'B', 'Ana']);
    expect(result.warnings).toEqual([]);
    const form = calls[0]!.rawBody as FormData;
    expect(form.get('chunking_strategy[type]')).toBe('server_vad');
    expect(form.get('chunking_strategy[threshold]')).toBe('0.4');
    expect(form.getAll('known_speaker_names[]')).toEqual(['Ana']);
    expect(form.getAll('known_speaker_references[]')).toEqual([clip(3)]);
    expect(form.get('response_format')).toBe('diarized_json');
  });

  it('refuses a long file without chunking before sending', async () => {
    const { client, calls } = setup({ text: '' });
    await expect(
      client.audio.transcribe({ model: 'gpt-4o-transcribe-diarize', file: new Blob([makeWav(45)]) }),
    ).rejects.toThrow('needs it for audio over 30 s and the file is 45.0 s');
    expect(calls).toHaveLength(0);
  });

  it('mini: include[] and log probabilities in the result', async () => {
    const { client, calls } = setup({
      text: 'hi',
      logprobs: [{ token: 'hi', logprob: -0.1, bytes: [104, 105] }],
    });
    const result = await client.audio.transcribe({
      model: 'gpt-4o-mini-transcribe',
      file: makeWav(1),
      include: ['logprobs'],
      chunking_strategy: 'auto',
    });
    expect(result.logprobs).toEqual([{ token: 'hi', logprob: -0.1, bytes: [104, 105] }]);
    const form = calls[0]!.rawBody as FormData;
    expect(form.getAll('include[]')).toEqual(['logprobs']);
    expect(form.get('chunking_strategy')).toBe('auto');
  });
});
