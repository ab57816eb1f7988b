// The speech operation against the emulator: every format checked with ffprobe, the text from a
// file confined to the workspace, bad input refused naming the input before anything is sent, the
// lifecycle of the speech models on both sides of their retirement, and a speak-then-transcribe
// round trip.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { speechSeconds } from '@aoai-media/emulator';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { clockAt, probeAudio, recordingIO, useEmulator, useTempDir, type Recorded } from './support.js';

const emu = useEmulator();
const root = useTempDir();
const ws = () => path.join(root.dir, 'workspace');

/** The emulator's speech is within this of its documented length. */
const TOLERANCE_S = 0.1;
const TEXT = 'Spoken summaries make long reports easy to follow on the move.';

async function act(inputs: Record<string, string>, clock?: () => number): Promise<Recorded> {
  await mkdir(ws(), { recursive: true });
  const rec = recordingIO({ endpoint: emu.url, 'api-key': emu.apiKey, ...inputs }, ws(), clock);
  await run(rec.io);
  return rec;
}
const sent = () => emu.admin.requests({ operation: 'audio.speech' });
const filesOf = (rec: Recorded) => JSON.parse(rec.outputs.files!) as string[];

const CONTAINERS = {
  mp3: { format: 'mp3', codec: 'mp3' },
  opus: { format: 'ogg', codec: 'opus' },
  aac: { format: 'aac', codec: 'aac' },
  flac: { format: 'flac', codec: 'flac' },
  wav: { format: 'wav', codec: 'pcm_s16le' },
  pcm: { format: 's16le', codec: 'pcm_s16le' },
} as const;

describe('speech', () => {
  it.each(Object.keys(CONTAINERS) as (keyof typeof CONTAINERS)[])(
    '%s: one decodable file of the documented length, in the outputs and the summary',
    async (format) => {
      const rec = await act({
        operation: 'speech',
        deployment: 'gpt-4o-mini-tts',
        text: TEXT,
        voice: 'alloy',
        'response-format': format,
        speed: '1.25',
        instructions: 'Warm and unhurried.',
      });
      expect(rec.failed).toBeUndefined();
      expect(filesOf(rec)).toEqual([`aoai-media-output/speech.${format}`]);
      expect(rec.outputs.file).toBe(`aoai-media-output/speech.${format}`);
      expect(rec.outputs.status).toBe('succeeded');
      // Said once, though core also finds it when it checks the request.
      expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Model retiring']);
      const probe = probeAudio(path.join(ws(), rec.outputs.file!));
      expect({ format: probe.format, codec: probe.codec }).toEqual(CONTAINERS[format]);
      const expected = speechSeconds(TEXT, 1.25);
      expect(Math.abs(probe.durationSeconds - expected)).toBeLessThanOrEqual(TOLERANCE_S);
      // The summary's length, read by the action from the file itself, agrees with ffprobe.
      const row = new RegExp(
        `\\| \`aoai-media-output/speech\\.${format}\` \\| [\\d.]+ KiB \\| ([\\d.]+) s \\|`,
      );
      if (format === 'pcm') {
        // Raw samples carry no header: the summary says what they are from the format asked for.
        expect(rec.summary).toMatch(/\| `aoai-media-output\/speech\.pcm` \| [\d.]+ KiB \| {2}\|/);
        const said = /raw 16-bit little-endian samples, mono at 24000 Hz, ([\d.]+) s/.exec(rec.summary);
        expect(Math.abs(Number(said?.[1]) - probe.durationSeconds)).toBeLessThanOrEqual(0.05);
      } else {
        const shown = Number(row.exec(rec.summary)?.[1]);
        expect(Math.abs(shown - probe.durationSeconds)).toBeLessThanOrEqual(0.05);
      }
      expect(sent()).toHaveLength(1);
      expect(sent()[0]!.path).toBe('/openai/v1/audio/speech');
      expect(sent()[0]!.fields).toEqual({
        model: 'gpt-4o-mini-tts',
        input: TEXT,
        voice: 'alloy',
        response_format: format,
        speed: 1.25,
        instructions: 'Warm and unhurried.',
      });
    },
  );

  it("without voice and format: the model's first voice and default format", async () => {
    const rec = await act({ operation: 'speech', deployment: 'tts-hd', text: 'Hello.' });
    expect(rec.failed).toBeUndefined();
    expect(filesOf(rec)).toEqual(['aoai-media-output/speech.mp3']);
    expect(sent()[0]!.fields).toEqual({ model: 'tts-hd', input: 'Hello.', voice: 'alloy' });
    expect(probeAudio(path.join(ws(), filesOf(rec)[0]!)).format).toBe('mp3');
    expect(rec.summary).toContain('Speech: voice alloy, mp3 (audio/mpeg).');
  });

  it('reads text-file, names the file from its words, and writes metadata with the text', async () => {
    await mkdir(path.join(ws(), 'scripts'), { recursive: true });
    await writeFile(path.join(ws(), 'scripts/welcome.txt'), 'Welcome to the quarterly update.\n');
    const rec = await act({
      operation: 'speech',
      deployment: 'gpt-4o-mini-tts',
      'text-file': 'scripts/welcome.txt',
      'file-name': 'voice-{slug}',
      'response-format': 'wav',
      metadata: 'true',
    });
    expect(rec.failed).toBeUndefined();
    expect(filesOf(rec)).toEqual(['aoai-media-output/voice-welcome-to-the-quarterly-update.wav']);
    const meta = JSON.parse(await readFile(path.join(ws(), `${filesOf(rec)[0]!}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(meta).toMatchObject({
      operation: 'speech',
      model: 'gpt-4o-mini-tts',
      text: 'Welcome to the quarterly update.\n',
      voice: 'alloy',
      format: 'wav',
      mime_type: 'audio/wav',
    });
  });

  it('a text-file outside the workspace is refused, by path or through a link; nothing is sent', async () => {
    await writeFile(path.join(root.dir, 'secret.txt'), 'not for speaking');
    await mkdir(ws(), { recursive: true });
    await symlink(path.join(root.dir, 'secret.txt'), path.join(ws(), 'link.txt'));
    for (const file of ['../secret.txt', 'link.txt']) {
      const rec = await act({ operation: 'speech', deployment: 'tts', 'text-file': file });
      expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: text-file']);
      expect(rec.annotations('error')[0]!.message).toMatch(/outside the workspace/);
      expect(rec.outputs.status).toBe('input-error');
    }
    expect(sent()).toEqual([]);
  });

  it.each([
    ['an unknown voice', { voice: 'robot' }, 'voice', /"robot"/],
    ['a speed out of range', { speed: '9' }, 'speed', /9/],
    ['a speed that is not a number', { speed: 'fast' }, 'speed', /"fast" is not allowed/],
    ['a format speech does not come in', { 'response-format': 'ogg' }, 'response-format', /"ogg"/],
    ['a text of 4097 characters', { text: 'x'.repeat(4097) }, 'text', /4096/],
  ])('%s is an input error naming it; nothing is sent', async (_, extra, input, message) => {
    const rec = await act({ operation: 'speech', deployment: 'gpt-4o-mini-tts', text: TEXT, ...extra });
    expect(rec.annotations('error').map((a) => a.title)).toEqual([`Invalid input: ${input}`]);
    expect(rec.annotations('error')[0]!.message).toMatch(message);
    expect(rec.outputs.status).toBe('input-error');
    expect(sent()).toEqual([]);
  });

  it('instructions on a model that takes none are refused, naming instructions', async () => {
    const rec = await act({ operation: 'speech', deployment: 'tts', text: TEXT, instructions: 'Cheerful.' });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: instructions']);
    expect(sent()).toEqual([]);
  });

  it('a voice only OpenAI lists is sent, with a warning naming voice', async () => {
    const rec = await act({ operation: 'speech', deployment: 'gpt-4o-mini-tts', text: TEXT, voice: 'coral' });
    expect(rec.failed).toBeUndefined();
    // gpt-4o-mini-tts is also within Azure's notice period before its retirement.
    expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Model retiring', 'Check input: voice']);
    expect(rec.annotations('warning')[1]!.message).toMatch(
      /^Input "voice": voice "coral" on gpt-4o-mini-tts: /,
    );
    expect(sent()).toHaveLength(1);
  });

  it('a deployment with an unrecognised name gets a voice every speech model takes', async () => {
    emu.admin.setDeployments({ narrator: 'tts' });
    const rec = await act({ operation: 'speech', deployment: 'narrator', text: 'Hi.' });
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Model not recognised']);
    expect(sent()[0]!.fields).toMatchObject({ voice: 'alloy' });
  });

  it('speak, then transcribe the file: the same text comes back', async () => {
    for (const format of ['wav', 'mp3']) {
      const spoken = await act({
        operation: 'speech',
        deployment: 'gpt-4o-mini-tts',
        text: TEXT,
        'response-format': format,
      });
      expect(spoken.failed).toBeUndefined();
      const heard = await act({
        operation: 'transcribe',
        deployment: 'gpt-4o-mini-transcribe',
        audio: spoken.outputs.file!,
      });
      expect(heard.failed).toBeUndefined();
      expect(heard.outputs.text).toBe(TEXT);
    }
    expect(emu.admin.requests({ operation: 'audio.transcribe' })).toHaveLength(2);
  });
});

describe("the speech models' retirement (Azure's schedule: 2026-12-15, no replacement)", () => {
  it('the day before, speech is made, with a warning naming the date', async () => {
    const rec = await act(
      { operation: 'speech', deployment: 'gpt-4o-mini-tts', text: 'Hi.' },
      clockAt('2026-12-14T12:00:00Z'),
    );
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning')).toEqual([
      {
        level: 'warning',
        title: 'Model retiring',
        message:
          'gpt-4o-mini-tts retires on Azure on 2026-12-15 (1 day from now); Azure names no replacement and lists no current speech model',
      },
    ]);
    expect(sent()).toHaveLength(1);
  });

  it('from that day, an input error naming the date and how to allow it; nothing is sent', async () => {
    const rec = await act(
      { operation: 'speech', deployment: 'gpt-4o-mini-tts', text: 'Hi.' },
      clockAt('2026-12-15T00:00:00Z'),
    );
    expect(rec.annotations('error')).toEqual([
      {
        level: 'error',
        title: 'Invalid input: deployment',
        message:
          'Input "deployment": gpt-4o-mini-tts was retired on Azure on 2026-12-15; Azure names no replacement and lists no current speech model. Deployments of a retired model answer only errors; if Azure has extended yours, set allow-retired-models: gpt-4o-mini-tts',
      },
    ]);
    expect(rec.failed).toBe('1 input problem (deployment); nothing was sent');
    expect(rec.outputs.status).toBe('input-error');
    expect(sent()).toEqual([]);
  });

  it('allow-retired-models lets an extended deployment speak, with a warning', async () => {
    const rec = await act(
      {
        operation: 'speech',
        deployment: 'gpt-4o-mini-tts',
        text: 'Hi.',
        'allow-retired-models': 'gpt-4o-mini-tts',
      },
      clockAt('2026-12-15T00:00:00Z'),
    );
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning')).toEqual([
      {
        level: 'warning',
        title: 'Retired model',
        message:
          'gpt-4o-mini-tts was retired on Azure on 2026-12-15; Azure names no replacement and lists no current speech model. It is called anyway: allow-retired-models says Azure has extended this deployment.',
      },
    ]);
    expect(sent()).toHaveLength(1);
  });
});
