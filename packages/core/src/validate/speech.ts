/**
 * Text-to-speech request rules (`audio/speech`), from the model table: input length, the voices
 * each model takes (disputed ones with a warning), formats, the speed range and `instructions`.
 */
import type { Issue } from '../errors.js';
import { disputesFor, type ModelSpec, type SpeechModel } from '../models.js';
import { asWarning, checkShape, issues, listWords, show, type FieldType } from './shared.js';

export const SPEECH_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  input: 'string',
  voice: 'any',
  response_format: 'string',
  speed: 'number',
  instructions: 'string',
};

/** Length in characters as people count them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function checkVoice(out: Issue[], voice: unknown, model: SpeechModel | undefined): void {
  if (voice === undefined || voice === null) return;
  if (typeof voice !== 'string') {
    const custom = typeof voice === 'object' && 'id' in voice;
    out.push(
      issues.custom(
        'voice',
        'invalid_type',
        custom
          ? `voice must be the name of a voice${model ? ` (${listWords(model.voices)})` : ''}; custom voice objects ({ id }) are an OpenAI platform feature that Azure does not document`
          : `voice must be a string (got ${show(voice)})`,
        model?.voices,
      ),
    );
    return;
  }
  if (!model) return;
  if (!model.voices.includes(voice)) {
    out.push(issues.notAllowed('voice', voice, model.voices, model.name));
    return;
  }
  for (const dispute of disputesFor(model, 'audio.speech', 'voice', voice)) {
    out.push(
      asWarning(
        issues.custom(
          'voice',
          'disputed',
          `voice ${show(voice)} on ${model.name}: ${dispute.note}; it is sent as given`,
        ),
      ),
    );
  }
}

/** `client.audio.speech` / `speechStream`. Without a model (an unknown deployment) only the shape is checked. */
export function speechIssues(request: unknown, model?: ModelSpec): Issue[] {
  const { issues: out, bad, record } = checkShape(request, SPEECH_FIELDS, ['model', 'input', 'voice']);
  if (!record || typeof request !== 'object' || request === null) return out;
  if (model && model.kind !== 'speech') {
    out.push(
      issues.custom(
        'model',
        'wrong_model',
        `model is a ${model.name} deployment, which is not a text-to-speech model`,
      ),
    );
    if (!bad.has('voice')) checkVoice(out, record.voice, undefined);
    return out;
  }
  if (!bad.has('voice')) checkVoice(out, record.voice, model);
  if (!model) return out;

  const input = record.input;
  if (typeof input === 'string' && !bad.has('input')) {
    const length = characterCount(input);
    if (length > model.inputMaxLength)
      out.push(issues.tooLong('input', length, model.inputMaxLength, model.name));
  }
  const format = record.response_format;
  if (typeof format === 'string' && !bad.has('response_format') && !model.responseFormats.includes(format)) {
    out.push(issues.notAllowed('response_format', format, model.responseFormats, model.name));
  }
  const speed = record.speed;
  if (typeof speed === 'number' && !bad.has('speed')) {
    const { min, max } = model.speed;
    if (speed < min || speed > max) {
      out.push(
        issues.custom(
          'speed',
          'out_of_range',
          `speed ${speed} is out of range for ${model.name}; use ${min} to ${max} (${model.defaultSpeed} is the normal pace)`,
          [min, max],
        ),
      );
    }
  }
  if (record.instructions !== undefined && !bad.has('instructions') && !model.instructions) {
    const accepted = Object.keys(SPEECH_FIELDS).filter((f) => f !== 'model' && f !== 'instructions');
    out.push(issues.unsupportedField('instructions', model.name, accepted));
  }
  return out;
}
