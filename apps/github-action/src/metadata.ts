import { describeLifecycle, lifecycleOf, modelOperations, MODELS } from '@aoai-media/core';
import { INPUT_DOCS, OUTPUTS } from './input-docs.js';
import { INPUTS, MODEL_OPERATION, OPERATIONS } from './inputs.js';
import { DOCS_DATE, DOCS_NOW } from './model-docs.js';

/** YAML double-quoted scalar. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * action.yml, generated from the input and output lists (which read the model table), so the
 * documented inputs, their defaults and the code can never disagree.
 */
export function renderActionYml(): string {
  const lines = [
    '# Generated from src/inputs.ts by build.mjs; edit those, not this file.',
    "name: 'Azure OpenAI media'",
    "description: 'Generate and edit images, generate Sora videos, transcribe and translate audio, and speak text with Azure OpenAI.'",
    "author: 'aoai-media'",
    'branding:',
    '  icon: image',
    '  color: blue',
    'inputs:',
  ];
  for (const input of INPUTS) {
    lines.push(`  ${input.name}:`);
    lines.push(`    description: ${quote(INPUT_DOCS[input.name] ?? '')}`);
    lines.push(`    required: ${input.required ? 'true' : 'false'}`);
    lines.push(`    default: ${quote(input.default)}`);
  }
  lines.push('outputs:');
  for (const output of OUTPUTS) {
    lines.push(`  ${output.name}:`);
    lines.push(`    description: ${quote(output.description)}`);
  }
  lines.push('runs:', '  using: node24', '  main: dist/index.js', '');
  return lines.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The README's input and output tables. */
export function renderReadmeTables(): string {
  const lines = ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |'];
  for (const input of INPUTS) {
    const used = input.operations ? ` Used by: ${input.operations.join(', ')}.` : '';
    lines.push(
      `| \`${input.name}\` | ${input.required ? 'yes' : 'no'} | ${input.default ? `\`${input.default}\`` : ''} | ${escapeCell(INPUT_DOCS[input.name] ?? '')}${used} |`,
    );
  }
  lines.push('', '| Output | Description |', '| --- | --- |');
  for (const output of OUTPUTS) lines.push(`| \`${output.name}\` | ${escapeCell(output.description)} |`);
  return lines.join('\n');
}

/** The README's table of models: the operations each serves and its status, from core's table. */
export function renderModelTable(): string {
  const lines = [`| Model | Operations | Status as of ${DOCS_DATE} |`, '| --- | --- | --- |'];
  for (const model of MODELS) {
    const takes = modelOperations(model);
    const operations = OPERATIONS.filter((op) => takes.includes(MODEL_OPERATION[op]));
    lines.push(
      `| ${model.name} | ${operations.join(', ')} | ${describeLifecycle(lifecycleOf(model, DOCS_NOW))} |`,
    );
  }
  return lines.join('\n');
}
