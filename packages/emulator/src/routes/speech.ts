/** `audio/speech`: text to speech, JSON (as Azure's quickstart and the SDKs send it) or multipart (as the spec declares). */
import { characterCount, type ModelSpec } from '@aoai-media/core';
import { badRequest, HttpError, invalidValue, missingParameter } from '../errors.js';
import type { Ctx, Reply } from '../http.js';
import type { SpeechFileFormat } from '../media/speech.js';
import type { EmulatorState } from '../state.js';
import { modelOfKind, numberIn, oneOf, onlyFields, optionalString } from '../validate.js';

/** Answers stream in pieces of this size, chunked, without a length (as OpenAI documents for this call). */
const CHUNK_BYTES = 64 * 1024;

async function* chunks(bytes: Buffer): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
}

export async function create(ctx: Ctx, emu: EmulatorState, spec: ModelSpec): Promise<Reply> {
  const model = modelOfKind(spec, 'speech', 'audioSpeech');
  if (ctx.body.files.length > 0)
    throw badRequest(`audio/speech takes no files (got '${ctx.body.files[0]!.field}').`);
  const f = ctx.body.fields;
  const fields = ['model', 'input', 'voice', 'response_format', 'speed'];
  if (model.instructions) fields.push('instructions');
  onlyFields(f, fields, model.name);

  const input = f.input;
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input !== 'string') throw invalidValue('input', input, 'Expected a string.');
  if (input.trim() === '') throw badRequest("'input' must not be empty.", 'input', 'invalid_value');
  const length = characterCount(input);
  if (length > model.inputMaxLength) {
    throw new HttpError(400, {
      code: 'string_above_max_length',
      message: `Invalid 'input': string too long. Expected a string with maximum length ${model.inputMaxLength}, but got a string with length ${length} instead.`,
      param: 'input',
      type: 'invalid_request_error',
    });
  }
  if (f.voice === undefined || f.voice === null) throw missingParameter('voice');
  // Every voice any source lists for the model is accepted: the emulator refuses only what Azure surely would.
  const voice = oneOf('voice', f.voice, model.voices, model.name)!;
  const format = (oneOf('response_format', f.response_format, model.responseFormats, model.name) ??
    model.defaultResponseFormat) as SpeechFileFormat;
  const speed = numberIn('speed', f.speed, model.speed) ?? model.defaultSpeed;
  optionalString('instructions', f.instructions);

  const bytes = await emu.speech.render({ input, voice, speed, format });
  emu.count('speechGenerated', ctx.deployment ?? model.name);
  // Azure's spec declares the answer as application/octet-stream whatever the format: the format
  // asked for says what the bytes are (core maps it to a MIME type).
  return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: chunks(bytes) };
}
