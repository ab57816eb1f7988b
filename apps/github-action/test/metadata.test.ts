import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OUTPUTS } from '../src/input-docs.js';
import { INPUTS } from '../src/inputs.js';
import { renderSummary } from '../src/summary.js';
import { subtitleText } from '../src/operations/audio-common.js';
import { actionDir } from './runner.js';

describe('action.yml', () => {
  it('declares every input with its description and default, every output, and node24', async () => {
    const yml = await readFile(`${actionDir}/action.yml`, 'utf8');
    expect(yml).toMatch(/^name: /m);
    expect(yml).toMatch(/^description: /m);
    expect(yml).toMatch(/^branding:\n {2}icon: \S+\n {2}color: \S+$/m);
    expect(yml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
    for (const input of INPUTS) {
      const block = new RegExp(
        `^ {2}${input.name}:\\n {4}description: .+\\n {4}required: (true|false)\\n {4}default: (.*)$`,
        'm',
      ).exec(yml);
      expect(block, input.name).not.toBeNull();
      expect(block![2]).toBe(`'${input.default}'`);
    }
    for (const output of OUTPUTS)
      expect(yml).toMatch(new RegExp(`^ {2}${output.name}:\\n {4}description: .+$`, 'm'));
  });

  it('the README lists every input and output', async () => {
    const readme = await readFile(`${actionDir}/README.md`, 'utf8');
    for (const input of INPUTS) expect(readme, input.name).toContain(`| \`${input.name}\``);
    for (const output of OUTPUTS) expect(readme, output.name).toContain(`| \`${output.name}\``);
    for (const op of [
      'image-generate',
      'image-edit',
      'video-generate',
      'video-job-create',
      'video-job-get',
      'transcribe',
      'translate',
      'speech',
    ]) {
      expect(readme).toContain(`operation: ${op}`);
    }
  });
});

describe('renderSummary', () => {
  it('escapes table cells and lists notes', async () => {
    const md = await renderSummary({
      operation: 'image-generate',
      deployment: 'art|prod',
      model: 'gpt-image-2',
      files: [],
      workspace: '/',
      revisedPrompt: 'a | b\nc',
      jobId: undefined,
      elapsedMs: 1234,
      notes: ['one note'],
    });
    expect(md).toContain('| Deployment | `art\\|prod` (gpt-image-2) |');
    expect(md).toContain('| Elapsed | 1.2 s |');
    expect(md).toContain('**Revised prompt:** a \\| b c');
    expect(md).toContain('- one note');
    expect(md).toContain('| Result | succeeded |');
  });
});

describe('subtitleText', () => {
  it('keeps the words of SRT and WebVTT', () => {
    expect(
      subtitleText(
        '1\n00:00:00,000 --> 00:00:01,000\nHello there\n\n2\n00:00:01,000 --> 00:00:02,000\nworld\n',
      ),
    ).toBe('Hello there world');
    expect(subtitleText('WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n')).toBe('Hi');
  });
});
