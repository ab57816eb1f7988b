import type { Issue } from '@aoai-media/core';
import type { InputProblem } from './inputs.js';

/** Inputs that cannot be used; each problem becomes an error annotation naming its input. */
export class InputError extends Error {
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    super(problems.map((p) => `${p.input}: ${p.message}`).join('; '));
    this.problems = problems;
  }
}

/** Request field (Azure's wire name) -> the action input that sets it. */
const FIELD_INPUT: Record<string, string> = {
  model: 'deployment',
  prompt: 'prompt',
  n: 'n',
  size: 'size',
  quality: 'quality',
  output_format: 'output-format',
  output_compression: 'output-compression',
  background: 'background',
  style: 'style',
  moderation: 'moderation',
  image: 'images',
  mask: 'mask',
  width: 'width',
  height: 'height',
  n_seconds: 'seconds',
  seconds: 'seconds',
  n_variants: 'variants',
  file: 'audio',
  response_format: 'response-format',
  language: 'language',
  input: 'text',
  jobId: 'job-id',
  videoId: 'job-id',
};

/** For video operations, fields whose inputs differ from the image ones. */
const VIDEO_FIELD_INPUT: Record<string, string> = {
  size: 'width',
  media: 'input-reference',
  variants: 'variants',
};

/** The input a user sets for a request field; `fromFile` when the prompt or text came from a file. */
function inputFor(field: string, fromFile: boolean, video = false): string {
  const input =
    (video ? VIDEO_FIELD_INPUT[field] : undefined) ?? FIELD_INPUT[field] ?? field.replace(/_/g, '-');
  return fromFile && (input === 'prompt' || input === 'text') ? `${input}-file` : input;
}

/**
 * Core's validation issues, named by the input a user sets, in the words of the inputs: the
 * message's field names (`n_seconds`, `file`) become input names (`seconds`, `audio`).
 */
export function issuesToProblems(issues: readonly Issue[], fromFile: boolean, video = false): InputProblem[] {
  return issues.map((issue) => {
    const field = /^[A-Za-z_]+/.exec(issue.path)?.[0] ?? issue.path;
    const input = inputFor(field, fromFile, video);
    let message = issue.message.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) =>
      name in FIELD_INPUT ? inputFor(name, fromFile, video) : name,
    );
    // A video's size is set by two inputs: "size 640x480 ..." reads "width x height 640x480 ...".
    const named = video && field === 'size' ? 'width x height' : input;
    if (message.startsWith(`${field} `)) message = `${named}${message.slice(field.length)}`;
    // Listed values help with choices; a number (a size limit) is already said in the message.
    const choices = (issue.allowed ?? []).filter((v) => typeof v === 'string');
    const allowed =
      choices.length > 0 && !message.includes(String(choices[0])) ? ` (allowed: ${choices.join(', ')})` : '';
    return { input, message: `${message}${allowed}` };
  });
}
