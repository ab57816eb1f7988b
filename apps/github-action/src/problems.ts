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
  jobId: 'job-id',
  videoId: 'job-id',
};

/** Core's validation issues, named by the input a user sets. */
export function issuesToProblems(issues: readonly Issue[], promptFromFile: boolean): InputProblem[] {
  return issues.map((issue) => {
    const field = /^[A-Za-z_]+/.exec(issue.path)?.[0] ?? issue.path;
    let input = FIELD_INPUT[field] ?? field.replace(/_/g, '-');
    if (input === 'prompt' && promptFromFile) input = 'prompt-file';
    const allowed =
      issue.allowed && issue.allowed.length > 0 && !issue.message.includes(String(issue.allowed[0]))
        ? ` (allowed: ${issue.allowed.join(', ')})`
        : '';
    return { input, message: `${issue.message}${allowed}` };
  });
}
