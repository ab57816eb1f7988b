/** What the user and an AI agent read: labels, model order and the tool description of each operation. */
import { MODELS } from '@aoai-media/core';
import { NodeHelpers, type INodeProperties, type INodeType } from 'n8n-workflow';
import { isGuard } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/descriptions';
import { modelLabel, valueLabel } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/labels';
import { describe, expect, it } from 'vitest';
import { node } from './fake-context';
import { field } from './shown';

const properties = node.description.properties;
const options = (p: INodeProperties | undefined) => (p?.options ?? []) as { name: string; value: unknown }[];

describe('labels', () => {
  it("every model shows core's label", () => {
    for (const model of MODELS) expect(modelLabel(model.name), model.name).toBe(model.label);
  });

  it('model lists show labels, current models first, retired ones with their date', () => {
    const imageModels = field({ resource: 'image', operation: 'generate' }, 'model');
    expect(options(imageModels).map((o) => o.name)).toEqual([
      'GPT Image 2',
      'GPT Image 1.5',
      'GPT Image 1 Mini',
      'GPT Image 1 (retired 2026-10-23)',
      'DALL-E 3 (retired 2026-03-04)',
      'DALL-E 2 (retired 2025-01-27)',
    ]);
    // A saved version 1 workflow that never set the model keeps the model it ran with.
    expect(field({ resource: 'image', operation: 'generate' }, 'model', 1).default).toBe('gpt-image-1');
    const videoModels = field({ resource: 'video', operation: 'getJob' }, 'model', 1);
    expect(options(videoModels).map((o) => o.name)).toEqual([
      'Sora 2 (retired 2026-10-15)',
      'Sora (Sora 1) (retired 2026-02-28)',
    ]);
    expect(videoModels.default).toBe('sora');
    const speech = field({ resource: 'audio', operation: 'speech' }, 'model');
    expect(options(speech).map((o) => o.name)).toEqual(['GPT-4o Mini TTS', 'TTS HD', 'TTS']);
    // All three retire on the same day with no replacement; each says so where it is chosen.
    for (const option of speech.options as { description: string }[])
      expect(option.description).toMatch(/; retires 2026-12-15$/);
  });

  it('option values read as words, not wire values', () => {
    const quality = properties.find(
      (p) =>
        p.name === 'quality' &&
        !isGuard(p) &&
        p.displayOptions?.show?.operation?.includes('generate') &&
        (p.displayOptions.show.model as string[]).includes('dall-e-3'),
    );
    expect(options(quality).map((o) => o.name)).toEqual(['Standard', 'HD']);
    expect(valueLabel('size', '1536x1024')).toBe('1536 x 1024 (Landscape)');
    expect(valueLabel('output_format', 'webp')).toBe('WebP');
    expect(valueLabel('seconds', '8')).toBe('8 seconds');
  });

  it('no option list shows a raw wire value where a label exists', () => {
    const walk = (list: INodeProperties[]): INodeProperties[] =>
      list.flatMap((p) => (p.type === 'collection' ? [p, ...walk(p.options as INodeProperties[])] : [p]));
    for (const property of walk(properties)) {
      if (property.type !== 'options' && property.type !== 'multiOptions') continue;
      for (const option of options(property))
        expect(option.name, `${property.name}: ${String(option.value)}`).not.toMatch(/^[a-z0-9_.-]+$/);
    }
  });
});

describe('as an AI agent tool', () => {
  const tool = (resource: string, operation: string) =>
    NodeHelpers.getToolDescriptionForNode(
      {
        id: 't',
        name: 'Media',
        type: 'n8n-nodes-aoai-media.azureOpenAiMediaTool',
        typeVersion: 1,
        position: [0, 0],
        parameters: { resource, operation, descriptionType: 'auto' },
      },
      node as unknown as INodeType,
    );

  it('each operation has its own description saying what it takes and gives', () => {
    const all = properties
      .filter((p) => p.name === 'operation')
      .flatMap((p) =>
        options(p).map((o) => [p.displayOptions!.show!.resource![0] as string, String(o.value)]),
      );
    const descriptions = all.map(([resource, operation]) => tool(resource!, operation!));
    expect(new Set(descriptions).size).toBe(all.length);
    expect(tool('image', 'generate')).toBe('Generate images from a text prompt in Azure OpenAI Media');
    expect(tool('video', 'remix')).toBe('Remix a finished video with a new prompt in Azure OpenAI Media');
    expect(tool('audio', 'transcribe')).toBe('Transcribe speech to text in Azure OpenAI Media');
    expect(tool('audio', 'speech')).toBe('Generate speech from text in Azure OpenAI Media');
  });
});
