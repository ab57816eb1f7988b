import type { SpeechRequest } from '@aoai-media/core';
import { fileName, saveFile, type OperationContext } from '../context.js';
import { defaultVoice } from '../inputs.js';

/**
 * audio/speech: the text (from `text` or `text-file`) spoken into one audio file in the output
 * folder, in the format asked for (the model's default otherwise).
 */
export async function speech(ctx: OperationContext): Promise<void> {
  const { inputs } = ctx;
  const voice = inputs.voice || defaultVoice(ctx.model);
  const result = await ctx.client.audio.speech(
    {
      model: inputs.deployment,
      input: ctx.prompt,
      // Undefined only when no speech model has an undisputed voice; core then names the field.
      voice: voice as SpeechRequest['voice'],
      // Checked by core against the model's formats, speed range and instructions before sending.
      response_format: (inputs.responseFormat || undefined) as SpeechRequest['response_format'],
      speed: inputs.speed,
      instructions: inputs.instructions || undefined,
    },
    { signal: ctx.signal },
  );
  const name = fileName(ctx, { fallback: 'speech', n: 1, ext: result.extension });
  await saveFile(
    ctx,
    name,
    { bytes: result.bytes },
    {
      voice: voice ?? null,
      format: result.format,
      mime_type: result.mimeType,
      request_id: result.requestId ?? null,
      bytes: result.bytes.byteLength,
    },
  );
  const pcm = result.pcm;
  // Raw samples have no header to describe them: say what they are and how long they last.
  const layout = pcm
    ? `, raw ${pcm.bitsPerSample}-bit ${pcm.endianness}-endian samples, ${pcm.channels === 1 ? 'mono' : `${pcm.channels} channels`} at ${pcm.sampleRate} Hz, ${(result.bytes.byteLength / ((pcm.sampleRate * pcm.channels * pcm.bitsPerSample) / 8)).toFixed(1)} s`
    : '';
  ctx.result.notes.push(`Speech: voice ${voice}, ${result.format} (${result.mimeType}${layout}).`);
  if (result.requestId) ctx.result.notes.push(`Request id: ${result.requestId}`);
}
