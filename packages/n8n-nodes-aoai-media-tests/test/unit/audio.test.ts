import { sampleWav } from '@aoai-media/emulator';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { binaryItem, node, run } from './fake-context';

const speech = () =>
  binaryItem({
    data: { bytes: sampleWav(0.1, { toneHz: 0 }), fileName: 'speech.wav', mimeType: 'audio/wav' },
  });

describe('audio', () => {
  it('Transcribe uploads the file with format, language, prompt and temperature', async () => {
    const { output, requests } = await run({
      params: {
        resource: 'audio',
        operation: 'transcribe',
        deployment: 'whisper-eu',
        model: 'whisper',
        responseFormat: 'json',
        options: { language: 'de', prompt: 'Guten Tag', temperature: 0.2 },
      },
      items: [speech()],
      respond: () => ({ body: { text: 'Guten Tag zusammen' } }),
    });
    const request = requests[0]!;
    expect(request.url.pathname).toBe('/openai/deployments/whisper-eu/audio/transcriptions');
    const form = request.form!;
    expect((form.get('file') as File).name).toBe('speech.wav');
    expect(form.get('response_format')).toBe('json');
    expect(form.get('language')).toBe('de');
    expect(form.get('prompt')).toBe('Guten Tag');
    expect(form.get('temperature')).toBe('0.2');
    expect(output[0]!.json).toMatchObject({
      text: 'Guten Tag zusammen',
      format: 'json',
      deployment: 'whisper-eu',
      model: 'whisper',
    });
    expect(output[0]!.pairedItem).toEqual({ item: 0 });
  });

  it('Transcribe with verbose JSON returns segments and words', async () => {
    const segments = [{ id: 0, start: 0, end: 1.2, text: 'Hello there' }];
    const words = [{ word: 'Hello', start: 0, end: 0.5 }];
    const { output, requests } = await run({
      params: {
        resource: 'audio',
        operation: 'transcribe',
        deployment: 'whisper',
        model: 'whisper',
        responseFormat: 'verbose_json',
        options: { timestampGranularities: ['word', 'segment'] },
      },
      items: [speech()],
      respond: () => ({
        body: {
          task: 'transcribe',
          language: 'english',
          duration: 1.2,
          text: 'Hello there',
          segments,
          words,
        },
      }),
    });
    expect(requests[0]!.form!.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    expect(output[0]!.json).toMatchObject({
      text: 'Hello there',
      language: 'english',
      duration: 1.2,
      segments,
      words,
    });
  });

  it('Translate sends no language and reads subtitle formats as text', async () => {
    const srt = '1\n00:00:00,000 --> 00:00:01,200\nHello there\n';
    const { output, requests } = await run({
      params: {
        resource: 'audio',
        operation: 'translate',
        deployment: 'whisper',
        model: 'whisper',
        responseFormat: 'srt',
      },
      items: [speech()],
      respond: () => ({ body: srt }),
    });
    expect(requests[0]!.url.pathname).toBe('/openai/deployments/whisper/audio/translations');
    expect(requests[0]!.form!.get('language')).toBeNull();
    expect(output[0]!.json).toMatchObject({ text: srt, format: 'srt' });
  });

  it('offers only the response formats and operations each model has', () => {
    const formats = node.description.properties.filter(
      (p) => p.name === 'responseFormat' && p.displayOptions?.show?.operation?.includes('transcribe'),
    );
    const forModel = (name: string) =>
      (
        formats.find((p) => (p.displayOptions?.show?.model as string[]).includes(name))?.options as {
          value: string;
        }[]
      ).map((o) => o.value);
    expect(forModel('whisper')).toContain('verbose_json');
    expect(forModel('gpt-4o-transcribe')).toEqual(['json', 'text']);
  });

  it('rejects a temperature outside the model range before sending', async () => {
    const error = await run({
      params: {
        resource: 'audio',
        operation: 'transcribe',
        deployment: 'whisper',
        model: 'whisper',
        options: { temperature: 3 },
      },
      items: [speech()],
      respond: () => ({ body: { text: 'x' } }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).description).toContain('temperature');
  });
});
