// Today's Azure in the action: model lifecycles read against the step's clock on both sides of a
// retirement date, gpt-image-2's free sizes (files decoded to check their dimensions), and
// diarized transcripts. What reached "Azure" is counted in the emulator's request log.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sampleWav } from '@aoai-media/emulator';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { mediaInfo } from '../src/media-info.js';
import { clockAt, recordingIO, useEmulator, useTempDir, type Recorded } from './support.js';

const emu = useEmulator();
const ws = useTempDir();

async function act(inputs: Record<string, string>, clock?: () => number): Promise<Recorded> {
  const rec = recordingIO({ endpoint: emu.url, 'api-key': emu.apiKey, ...inputs }, ws.dir, clock);
  await run(rec.io);
  return rec;
}
const sent = () => emu.admin.requests().filter((r) => !r.path.startsWith('/_emulator'));
const filesOf = (rec: Recorded) => JSON.parse(rec.outputs.files!) as string[];
const info = async (rel: string) => mediaInfo(new Uint8Array(await readFile(path.join(ws.dir, rel))));

describe("model lifecycle on the step's clock (whisper retires on 2026-12-15)", () => {
  const transcribe = { operation: 'transcribe', deployment: 'whisper', audio: 'talk.wav' };
  const talk = () => writeFile(path.join(ws.dir, 'talk.wav'), sampleWav(1));

  it('within 60 days of retirement it runs, with one warning naming the date', async () => {
    await talk();
    const rec = await act(transcribe, clockAt('2026-12-14T12:00:00Z'));
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning')).toEqual([
      {
        level: 'warning',
        title: 'Model retiring',
        message:
          'whisper retires on Azure on 2026-12-15 (1 day from now); Azure names no replacement; current audio models are gpt-4o-transcribe-diarize or gpt-4o-mini-transcribe',
      },
    ]);
    expect(sent()).toHaveLength(1);
  });

  it('from the retirement date it is an input error naming the date and what to use; nothing is sent', async () => {
    await talk();
    const rec = await act(transcribe, clockAt('2026-12-15T00:00:00Z'));
    expect(rec.annotations('error')).toEqual([
      {
        level: 'error',
        title: 'Invalid input: deployment',
        message:
          'Input "deployment": whisper was retired on Azure on 2026-12-15; Azure names no replacement; current audio models are gpt-4o-transcribe-diarize or gpt-4o-mini-transcribe. Deployments of a retired model answer only errors; if Azure has extended yours, set allow-retired-models: whisper',
      },
    ]);
    expect(rec.outputs).toMatchObject({ status: 'input-error', files: '[]' });
    expect(sent()).toEqual([]);
  });

  it('a replacement Azure names is named, and the model input when it says which model runs', async () => {
    emu.admin.setDeployments({ 'team-art': 'dall-e-3' });
    const rec = await act({
      operation: 'image-generate',
      deployment: 'team-art',
      model: 'dall-e-3',
      prompt: 'x',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: model']);
    expect(rec.annotations('error')[0]!.message).toBe(
      'Input "model": dall-e-3 was retired on Azure on 2026-03-04; Azure names gpt-image-1-mini as its replacement. Deployments of a retired model answer only errors; if Azure has extended yours, set allow-retired-models: dall-e-3',
    );
    expect(sent()).toEqual([]);
  });

  it('allow-retired-models sends to an extended deployment, with a warning; core agrees', async () => {
    await talk();
    const rec = await act(
      { ...transcribe, 'allow-retired-models': 'gpt-4o-transcribe\nwhisper' },
      clockAt('2026-12-15T00:00:00Z'),
    );
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Retired model']);
    expect(rec.annotations('warning')[0]!.message).toMatch(
      /^whisper was retired on Azure on 2026-12-15; .*\. It is called anyway: allow-retired-models says Azure has extended this deployment\.$/,
    );
    expect(sent()).toHaveLength(1);
    // true allows any retired model.
    const any = await act({ ...transcribe, 'allow-retired-models': 'true' }, clockAt('2027-01-01T00:00:00Z'));
    expect(any.failed).toBeUndefined();
    expect(sent()).toHaveLength(2);
  });

  it('allow-retired-models takes only names from the model table', async () => {
    const rec = await act({ ...transcribe, 'allow-retired-models': 'whisper, gpt-9, sora3' });
    expect(rec.annotations('error')).toEqual([
      {
        level: 'error',
        title: 'Invalid input: allow-retired-models',
        message: expect.stringMatching(
          /^Input "allow-retired-models": "gpt-9", "sora3" are not model names; use true, or names from the model table \(retired now: .*sora-2.*\)$/,
        ),
      },
    ]);
    expect(sent()).toEqual([]);
  });

  it('looking up a job of a retired video model is free: it runs, with a warning', async () => {
    const created = await act({
      operation: 'video-job-create',
      deployment: 'sora-2',
      prompt: 'a kite',
      'allow-retired-models': 'sora-2',
    });
    expect(created.failed).toBeUndefined();
    const got = await act({
      operation: 'video-job-get',
      deployment: 'sora-2',
      'job-id': created.outputs['job-id']!,
    });
    expect(got.failed).toBeUndefined();
    expect(got.annotations('warning')).toEqual([
      {
        level: 'warning',
        title: 'Retired model',
        message:
          'sora-2 was retired on Azure on 2026-10-15; Azure names no replacement and lists no current video model. The job is looked up anyway; a deployment Azure has not extended answers only errors.',
      },
    ]);
    expect(got.outputs['job-id']).toBe(created.outputs['job-id']);
  });

  it('creating a video with a retired model is refused without the allowance', async () => {
    const rec = await act({ operation: 'video-generate', deployment: 'sora-2', prompt: 'a kite' });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: deployment']);
    expect(rec.annotations('error')[0]!.message).toContain('set allow-retired-models: sora-2');
    expect(sent()).toEqual([]);
  });
});

describe('gpt-image-2 free sizes', () => {
  it.each(['2048x1152', '1152x2048', '3072x1024', '1008x1792'])(
    '%s: the file has the size asked for',
    async (size) => {
      const rec = await act({
        operation: 'image-generate',
        deployment: 'gpt-image-2',
        prompt: 'a harbour',
        size,
      });
      expect(rec.failed).toBeUndefined();
      expect(rec.annotations('warning')).toEqual([]);
      const [width, height] = size.split('x').map(Number);
      expect(await info(filesOf(rec)[0]!)).toEqual({ format: 'png', width, height });
      expect(rec.summary).toContain(`| ${size} |`);
      expect(sent()[0]!.fields).toMatchObject({ model: 'gpt-image-2', size });
    },
  );

  it('a 3840 px edge, which the sources disagree on, is sent with a warning naming size', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a harbour',
      size: '3840x2160',
      'output-format': 'jpeg',
    });
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Check input: size']);
    expect(rec.annotations('warning')[0]!.message).toMatch(/^Input "size": .*3840/);
    expect(await info(filesOf(rec)[0]!)).toEqual({ format: 'jpeg', width: 3840, height: 2160 });
  });

  it.each([
    ['2000x1000', 'multiples of 16'],
    ['4096x1024', 'at most 3 times the short edge'],
    ['800x800', 'total pixel count (640000)'],
    ['4000x2000', 'the long edge may be at most 3840 px'],
  ])('%s is an input error naming size and the rule; nothing is sent', async (size, rule) => {
    const rec = await act({ operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'x', size });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: size']);
    expect(rec.annotations('error')[0]!.message).toContain(size);
    expect(rec.annotations('error')[0]!.message).toContain(rule);
    expect(sent()).toEqual([]);
  });
});

describe('diarized transcripts', () => {
  it('gpt-4o-transcribe-diarize writes speaker-labelled lines beside the JSON', async () => {
    // Over 30 s: Azure (and the emulator) refuse it without a chunking strategy.
    await writeFile(path.join(ws.dir, 'meeting.wav'), sampleWav(40));
    const rec = await act({
      operation: 'transcribe',
      deployment: 'gpt-4o-transcribe-diarize',
      audio: 'meeting.wav',
      'response-format': 'diarized_json',
    });
    expect(rec.failed).toBeUndefined();
    expect(sent()[0]!.fields).toMatchObject({ response_format: 'diarized_json', chunking_strategy: 'auto' });
    expect(filesOf(rec)).toEqual([
      'aoai-media-output/meeting.transcript.txt',
      'aoai-media-output/meeting.transcript.json',
    ]);
    const json = JSON.parse(await readFile(path.join(ws.dir, filesOf(rec)[1]!), 'utf8')) as {
      segments: { start: number; end: number; text: string; speaker: string }[];
    };
    const lines = (await readFile(path.join(ws.dir, filesOf(rec)[0]!), 'utf8')).trimEnd().split('\n');
    expect(json.segments.length).toBeGreaterThan(1);
    expect(lines).toHaveLength(json.segments.length);
    lines.forEach((line, i) => {
      const s = json.segments[i]!;
      expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\] \S+: /);
      expect(line.endsWith(`] ${s.speaker}: ${s.text}`)).toBe(true);
    });
    expect(lines[0]!.startsWith('[00:00:00.000 --> ')).toBe(true);
    expect(rec.outputs.text).toBe(json.segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'));
    const speakers = [...new Set(json.segments.map((s) => s.speaker))];
    expect(speakers.length).toBeGreaterThan(1);
    expect(rec.summary).toContain(`Speakers: ${speakers.join(', ')} (${json.segments.length} segments).`);
  });

  it('the diarizing model takes no prompt: an input error naming prompt; nothing is sent', async () => {
    await writeFile(path.join(ws.dir, 'meeting.wav'), sampleWav(2));
    const rec = await act({
      operation: 'transcribe',
      deployment: 'gpt-4o-transcribe-diarize',
      audio: 'meeting.wav',
      prompt: 'Speakers: Ana and Ben',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: prompt']);
    expect(sent()).toEqual([]);
  });

  it('diarized audio above the size limit is refused rather than split; nothing is sent', async () => {
    await writeFile(path.join(ws.dir, 'long.wav'), sampleWav(830));
    const rec = await act({
      operation: 'transcribe',
      deployment: 'gpt-4o-transcribe-diarize',
      audio: 'long.wav',
      'response-format': 'diarized_json',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: audio']);
    expect(rec.annotations('error')[0]!.message).toMatch(
      /a diarized transcript cannot be made in parts, as speakers cannot be matched across them/,
    );
    expect(sent()).toEqual([]);
  });
});
