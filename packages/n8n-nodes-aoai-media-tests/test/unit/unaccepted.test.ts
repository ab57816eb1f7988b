/**
 * Values set for fields the chosen model does not accept. n8n drops the value of any parameter
 * that is not displayed before a node runs (resolvedParameters is n8n-workflow's own function),
 * so these tests check both halves: the value survives n8n's clean-up, and the node refuses it
 * before anything is sent.
 */
import { getModel } from '@aoai-media/core';
import { NodeHelpers, NodeOperationError, type INodeParameters } from 'n8n-workflow';
import {
  unacceptedFields,
  type UnacceptedField,
} from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/descriptions';
import { describe, expect, it } from 'vitest';
import { node, resolvedParameters, run } from './fake-context';
import { PNG_1X1 } from './media';

const failure = (e: unknown) => e;

/** What a field shows only with (Custom Size appears once Size is Custom Size). */
const SHOWN_WITH: Record<string, Record<string, unknown>> = { customSize: { size: 'custom' } };

/** The minimum an operation needs besides the field under test. */
function paramsFor(field: UnacceptedField, model: string): Record<string, unknown> {
  return {
    resource: field.resource,
    operation: field.operation,
    deployment: 'dep',
    model,
    prompt: 'a lighthouse',
    ...SHOWN_WITH[field.parameter],
  };
}

/** A value other than the field's default, of the field's type. */
function otherValue(field: UnacceptedField): unknown {
  const property = node.description.properties
    .flatMap((p) =>
      p.type === 'collection' ? [p, ...(p.options as typeof node.description.properties)] : [p],
    )
    .find((p) => p.name === field.parameter.split('.').pop() && p.displayName === field.displayName)!;
  if (property.type === 'number') return Number(field.default) + 1;
  if (property.type === 'boolean') return !field.default;
  if (property.type === 'options') {
    const values = (property.options as { value: unknown }[]).map((o) => o.value);
    return values.find((v) => v !== field.default);
  }
  if (property.type === 'multiOptions') return [(property.options as { value: unknown }[])[0]!.value];
  return 'set-by-hand';
}

function withValue(params: Record<string, unknown>, parameter: string, value: unknown) {
  const [head, child] = parameter.split('.');
  return child === undefined
    ? { ...params, [head!]: value }
    : { ...params, [head!]: { ...((params[head!] as object) ?? {}), [child]: value } };
}

const get = (values: INodeParameters, path: string) =>
  path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], values);

describe('values for fields the model does not accept', () => {
  it('are guarded for every model-dependent field the builders made', () => {
    // A field offered per model without a guard would silently lose an imported value.
    const names = new Set(unacceptedFields.map((f) => `${f.resource}:${f.operation}:${f.parameter}`));
    for (const expected of [
      'image:generate:n',
      'image:generate:quality',
      'image:generate:outputFormat',
      'image:generate:background',
      'image:generate:options.outputCompression',
      'image:generate:options.moderation',
      'image:generate:options.style',
      'image:edit:outputFormat',
      'image:generate:customSize',
      'video:generate:variants',
      'video:generate:options.quality',
      'video:getJob:jobId',
      'video:getJob:videoId',
      'video:download:generationId',
      'video:download:variant',
      'video:download:output',
      'video:download:quality',
      'audio:transcribe:options.prompt',
      'audio:transcribe:options.timestampGranularities',
      'audio:transcribe:options.include',
      'audio:transcribe:options.knownSpeakerNames',
      'audio:transcribe:options.knownSpeakerClips',
      'audio:speech:options.instructions',
    ])
      expect(names, expected).toContain(expected);
  });

  it('imported dall-e-3 with n = 2 keeps the value through n8n and stops before any request', async () => {
    const params = {
      resource: 'image',
      operation: 'generate',
      deployment: 'd3',
      model: 'dall-e-3',
      prompt: 'a lighthouse',
      n: 2,
    };
    expect(resolvedParameters(params).n).toBe(2);
    const { requests, ...rest } = await run({ params }).catch((error) => ({
      error,
      requests: [] as unknown[],
    }));
    const error = (rest as { error?: unknown }).error;
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).message).toBe('DALL-E 3 does not accept a value that is set');
    expect((error as NodeOperationError).description).toBe(
      '- Number of Images (n) is set to 2, but DALL-E 3 does not accept it.\n' +
        '  Fix: set "Number of Images" back to 1, or choose a model that accepts it (GPT Image 2, GPT Image 1.5, GPT Image 1 Mini, GPT Image 1, DALL-E 2).',
    );
    expect(requests).toHaveLength(0);
  });

  it('without the value, only the default is kept and the request goes out without it', async () => {
    const params = {
      resource: 'image',
      operation: 'generate',
      deployment: 'd3',
      model: 'dall-e-3',
      prompt: 'x',
    };
    expect(resolvedParameters(params).n).toBe(1);
    const { requests } = await run({
      params,
      respond: () => ({ body: { created: 1, data: [{ b64_json: PNG_1X1.toString('base64') }] } }),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.json).not.toHaveProperty('n');
  });

  it('an Options entry the model does not accept is refused too (Style on GPT Image 1)', async () => {
    const { ctx, requests } = (await import('./fake-context')).fakeContext({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'x',
        options: { style: 'natural', concurrency: 2 },
      },
    });
    const error = await node.execute.call(ctx).catch(failure);
    expect((error as NodeOperationError).description).toBe(
      '- Style (style) is set to "natural", but GPT Image 1 does not accept it.\n' +
        '  Fix: remove "Style" from the Options, or choose a model that accepts it (DALL-E 3).',
    );
    expect(requests).toHaveLength(0);
  });

  /** The versions a guard is in: version 1's own names only there, the others in both. */
  const versionsOf = (field: UnacceptedField) =>
    field.versions === 'version 1' ? [1] : field.versions === 'from version 2' ? [2] : [1, 2];

  it('every guarded field: kept by n8n and refused for each model that does not accept it, before any request', async () => {
    let checked = 0;
    for (const field of unacceptedFields) {
      const value = otherValue(field);
      for (const [model, typeVersion] of field.models.flatMap((m) =>
        versionsOf(field).map((v) => [m, v] as const),
      )) {
        const params = withValue(paramsFor(field, model), field.parameter, value);
        const label = `${field.resource}:${field.operation}:${field.parameter} on ${model} (version ${typeVersion})`;
        expect(get(resolvedParameters(params, typeVersion), field.parameter), label).toEqual(value);
        const { ctx, requests } = (await import('./fake-context')).fakeContext({
          params,
          items: [{ json: {} }],
          typeVersion,
        });
        const error = await node.execute.call(ctx).catch(failure);
        expect(error, label).toBeInstanceOf(NodeOperationError);
        const description = (error as NodeOperationError).description ?? '';
        expect(description, label).toContain(`${field.displayName} (${field.apiName}) is set to`);
        expect(description, label).toContain('Fix:');
        expect(requests, label).toHaveLength(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('the same values are not held back for the models that accept them', () => {
    for (const field of unacceptedFields) {
      const value = otherValue(field);
      for (const model of field.acceptedBy) {
        for (const typeVersion of versionsOf(field)) {
          const params = withValue(paramsFor(field, model), field.parameter, value);
          expect(
            get(resolvedParameters(params, typeVersion), field.parameter),
            `${field.parameter} on ${model} (version ${typeVersion})`,
          ).toEqual(value);
        }
      }
    }
  });

  it("version 1's own field names are never refused in version 2, where one Job ID serves every model", async () => {
    const params = {
      resource: 'video',
      operation: 'getJob',
      deployment: 'clips',
      model: 'sora-2',
      jobId: 'video_1',
      options: { allowRetiredModel: true },
    };
    const { requests } = await run({
      params,
      typeVersion: 2,
      respond: () => ({ body: { object: 'video', id: 'video_1', status: 'queued', size: '720x1280' } }),
    });
    expect(requests.map((r) => r.url.pathname)).toEqual(['/openai/v1/videos/video_1']);
    // In version 1 the same Job ID is Sora 1's field, refused for Sora 2 (whose field was Video ID).
    const error = await run({ params, typeVersion: 1 }).catch(failure);
    expect((error as NodeOperationError).description).toContain('Job ID (job_id) is set to "video_1"');
  });

  it('in the editor: a set value the model does not accept is drawn with its hint, an unset one is not', () => {
    // The editor resolves the saved parameters with their defaults, then draws every displayed
    // parameter that is not hidden.
    const drawn = (saved: Record<string, unknown>, name: string) => {
      const values = resolvedParameters(saved);
      return node.description.properties.filter(
        (p) =>
          p.name === name &&
          p.type !== 'hidden' &&
          NodeHelpers.displayParameter(values, p, { typeVersion: 1 }, node.description, values),
      );
    };
    const dalle2 = {
      resource: 'image',
      operation: 'generate',
      model: 'dall-e-2',
      deployment: 'd',
      prompt: 'p',
    };
    // What the editor saves after switching from GPT Image 1 with a transparent background.
    const saved = NodeHelpers.getNodeParameters(
      node.description.properties,
      { ...dalle2, background: 'transparent' },
      false,
      false,
      { typeVersion: 1 },
      node.description,
    )!;
    expect(saved.background).toBe('transparent');
    const shown = drawn(saved, 'background');
    expect(shown).toHaveLength(1);
    expect(shown[0]!.hint).toContain('does not accept Background');

    expect(drawn(dalle2, 'background')).toHaveLength(0);
    expect(drawn({ ...dalle2, model: 'dall-e-3' }, 'n')).toHaveLength(0);
    expect(
      drawn(
        { resource: 'video', operation: 'generate', model: 'sora-2', deployment: 'd', prompt: 'p' },
        'variants',
      ),
    ).toHaveLength(0);

    // Set back to the default, the value is no longer saved and the field disappears.
    const cleared = NodeHelpers.getNodeParameters(
      node.description.properties,
      { ...saved, background: 'auto' },
      false,
      false,
      { typeVersion: 1 },
      node.description,
    );
    expect(cleared).not.toHaveProperty('background');
  });

  it('guards use plain comparisons only: n8n runs a regex condition in a sandbox with a time limit', () => {
    const walk = (list: typeof node.description.properties): typeof node.description.properties =>
      list.flatMap((p) => (p.type === 'collection' ? [p, ...walk(p.options as typeof list)] : [p]));
    const conditions = walk(node.description.properties).flatMap((p) =>
      Object.values(p.displayOptions?.show ?? {}).flat(),
    );
    expect(conditions.length).toBeGreaterThan(100);
    expect(JSON.stringify(conditions)).not.toContain('regex');
  });

  it('knows the models it names', () => {
    for (const field of unacceptedFields)
      for (const model of [...field.models, ...field.acceptedBy])
        expect(getModel(model), model).toBeDefined();
  });
});
