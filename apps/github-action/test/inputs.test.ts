import { describe, expect, it } from 'vitest';
import { INPUT_DOCS } from '../src/input-docs.js';
import { INPUTS, OPERATIONS, readInputs } from '../src/inputs.js';

const base = {
  operation: 'image-generate',
  endpoint: 'https://r.openai.azure.com',
  'api-key': 'k',
  deployment: 'gpt-image-2',
  prompt: 'a cat',
};
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('readInputs', () => {
  it('applies the documented defaults when inputs are absent', () => {
    const { inputs, problems } = readInputs(reader(base));
    expect(problems).toEqual([]);
    expect(inputs.outputDir).toBe('aoai-media-output');
    expect(inputs.timeoutMinutes).toBe(30);
    expect(inputs.failOnContentFilter).toBe(true);
    // Core's default: Azure's GA v1 API, without an api-version.
    expect(inputs.apiVersion).toBe('v1');
    // A video's size: the model's default unless both are given.
    expect(inputs.width).toBeUndefined();
    expect(inputs.height).toBeUndefined();
    expect(inputs.allowRetiredModels).toBe(false);
    expect(inputs.n).toBeUndefined();
  });

  it('reports every problem at once, each naming its input and value', () => {
    const { problems } = readInputs(
      reader({
        operation: 'paint',
        endpoint: 'ftp://x',
        n: 'two',
        'timeout-minutes': '0',
        'fail-on-content-filter': 'maybe',
        model: 'gpt-9',
      }),
    );
    const byInput = Object.fromEntries(problems.map((p) => [p.input, p.message]));
    expect(byInput.operation).toContain('"paint"');
    expect(byInput.operation).toContain('image-generate');
    expect(byInput.endpoint).toContain('"ftp://x"');
    expect(byInput['api-key']).toContain('api-key or bearer-token');
    expect(byInput.deployment).toContain('required');
    expect(byInput.n).toContain('"two"');
    expect(byInput['timeout-minutes']).toContain('"0"');
    expect(readInputs(reader({ ...base, 'timeout-minutes': '99999' })).problems).toEqual([
      {
        input: 'timeout-minutes',
        message: '"99999" is not allowed; use a number of minutes above 0, at most 7200',
      },
    ]);
    expect(byInput['fail-on-content-filter']).toContain('"maybe"');
    expect(byInput.model).toContain('"gpt-9"');
    expect(byInput.model).toContain('gpt-image-2');
  });

  it('requires what each operation needs', () => {
    const need = (operation: string, extra: Record<string, string> = {}) =>
      readInputs(reader({ ...base, prompt: '', ...extra, operation })).problems.map((p) => p.input);
    expect(need('image-generate')).toEqual(['prompt']);
    expect(need('image-edit')).toEqual(['prompt', 'images']);
    expect(need('video-generate')).toEqual(['prompt']);
    expect(need('video-job-create')).toEqual(['prompt']);
    expect(need('video-job-get')).toEqual(['job-id']);
    expect(need('transcribe')).toEqual(['audio']);
    expect(need('translate')).toEqual(['audio']);
    expect(need('speech')).toEqual(['text']);
    expect(need('speech', { text: 'hi', 'text-file': 't.txt' })).toEqual(['text-file']);
    expect(need('video-generate', { prompt: 'x', width: '1280' })).toEqual(['height']);
    expect(need('video-generate', { prompt: 'x', height: '720' })).toEqual(['width']);
    expect(need('image-generate', { prompt: 'x', 'prompt-file': 'p.txt' })).toEqual(['prompt-file']);
    expect(need('image-generate', { 'api-key': 'a', 'bearer-token': 'b', prompt: 'x' })).toEqual([
      'bearer-token',
    ]);
  });

  it('splits images into lines and drops blanks and comments', () => {
    const { inputs } = readInputs(
      reader({ ...base, operation: 'image-edit', images: ' a.png \n\n# note\r\nimgs/*.png\n!imgs/skip.png' }),
    );
    expect(inputs.images).toEqual(['a.png', 'imgs/*.png', '!imgs/skip.png']);
  });

  it('names inputs the operation ignores, but not defaults passed by the runner', () => {
    const { unused } = readInputs(
      reader({ ...base, audio: 'a.wav', 'output-dir': 'aoai-media-output', 'poll-interval-seconds': '10' }),
    );
    expect(unused).toEqual(['audio']);
  });

  it('documents every input with a description and every operation', () => {
    expect(Object.keys(INPUT_DOCS).sort()).toEqual(INPUTS.map((i) => i.name).sort());
    for (const input of INPUTS) expect(INPUT_DOCS[input.name]!.length, input.name).toBeGreaterThan(10);
    const doc = (name: string) => INPUT_DOCS[name]!;
    for (const op of OPERATIONS) expect(doc('operation')).toContain(op);
    // Allowed values come from the model table.
    // Retired models are shown as such, with the date (as of the day the table was reviewed).
    expect(doc('size')).toContain('dall-e-3 (retired 2026-03-04): 1024x1024, 1792x1024, 1024x1792');
    expect(doc('size')).toContain(
      'gpt-image-2: auto or any WIDTHxHEIGHT with both edges multiples of 16, the long edge at most 3 times the short one, 655,360 to 8,294,400 pixels and edges up to 3840 px',
    );
    expect(doc('output-compression')).toBe(
      'Compression level. gpt-image-2, gpt-image-1.5, gpt-image-1-mini, gpt-image-1 (retired 2026-10-23): 0-100 for jpeg and webp output (other formats ignore it).',
    );
    expect(doc('model')).toMatch(
      /^.*Models as of 2026-12-06: gpt-image-2, .*; retired on Azure: .*dall-e-3 \(retired 2026-03-04\)/,
    );
    expect(doc('voice')).toMatch(/^The voice\. Default: alloy\. /);
  });
});
