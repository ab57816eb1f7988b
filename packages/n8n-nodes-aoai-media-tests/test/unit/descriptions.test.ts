import {
  lifecycleOf,
  modelOptions,
  MODELS,
  videoCapabilities,
  type ImageModel,
  type ModelOperation,
  type VideoModel,
} from '@aoai-media/core';
import type { INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { AzureOpenAiMediaApi } from 'n8n-nodes-aoai-media/credentials/AzureOpenAiMediaApi.credentials';
import { DEFAULT_MODELS, isGuard } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/descriptions';
import { LISTED_AT } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/labels';
import { node } from './fake-context';
import { field, optionValues as values, shown } from './shown';

const properties = node.description.properties;
/** The fields of an operation (guards, which show only stale values, left out). */
const forOperation = (operation: string, name: string) =>
  properties.filter(
    (p) => p.name === name && p.displayOptions?.show?.operation?.includes(operation) && !isGuard(p),
  );

/** Each operation, the model operation of core's table it lists models for, and its default models. */
const OPERATIONS: [string, string, ModelOperation, { 1: string; 2: string }][] = [
  ['image', 'generate', 'images.generate', DEFAULT_MODELS.image],
  ['image', 'edit', 'images.edit', DEFAULT_MODELS.image],
  ['video', 'generate', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'createJob', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'getJob', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'listJobs', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'deleteJob', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'download', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'generateFromMedia', 'videos.create', DEFAULT_MODELS.video],
  ['video', 'remix', 'videos.remix', DEFAULT_MODELS.video],
  ['audio', 'transcribe', 'audio.transcribe', DEFAULT_MODELS.transcribe],
  ['audio', 'translate', 'audio.translate', DEFAULT_MODELS.translate],
  ['audio', 'speech', 'audio.speech', DEFAULT_MODELS.speech],
];

describe('node description', () => {
  it('is usable as a tool and needs the credential the Authentication parameter picks', () => {
    expect(node.description.usableAsTool).toBe(true);
    const authentication = properties.find((p) => p.name === 'authentication');
    expect(values(authentication)).toEqual(['azureOpenAiMediaApi', 'azureOpenAiMediaOAuth2Api']);
    expect(authentication?.default).toBe('azureOpenAiMediaApi');
    expect(node.description.credentials).toEqual(
      values(authentication).map((name) => ({
        name,
        required: true,
        displayOptions: { show: { authentication: [name] } },
      })),
    );
  });

  it('has versions 1 and 2; new nodes get version 2', () => {
    expect(node.description.version).toEqual([1, 2]);
    expect(node.description.defaultVersion).toBe(2);
  });

  it('offers every operation of the three resources, each with deployment and model', () => {
    const operations = properties.filter((p) => p.name === 'operation').flatMap((p) => values(p));
    expect(operations.sort()).toEqual(OPERATIONS.map(([, operation]) => operation).sort());
    for (const [resource, operation] of OPERATIONS)
      for (const version of [1, 2]) {
        const params = { resource, operation };
        expect(shown(params, 'deployment', version), `${operation} ${version}`).toHaveLength(1);
        expect(shown(params, 'model', version), `${operation} ${version}`).toHaveLength(1);
      }
  });

  it("lists core's models, current ones first, retired ones marked, each with its lifecycle", () => {
    for (const [resource, operation, modelOperation] of OPERATIONS) {
      const listed = modelOptions({ operation: modelOperation, now: LISTED_AT, includeRetired: true });
      // Generate From Media places media at any frame: the models whose capabilities say so.
      const expected = listed.filter(
        (o) => operation !== 'generateFromMedia' || videoCapabilities(o.value)?.inpaint,
      );
      for (const version of [1, 2]) {
        const model = field({ resource, operation }, 'model', version);
        expect(model.options, `${operation} ${version}`).toEqual(
          expected.map((o) => ({ name: o.label, value: o.value, description: o.description })),
        );
      }
    }
    const image = field({ resource: 'image', operation: 'generate' }, 'model');
    const labels = (image.options as { name: string }[]).map((o) => o.name);
    expect(labels.slice(0, 2)).toEqual(['GPT Image 2', 'GPT Image 1.5']);
    expect(labels).toContain('DALL-E 3 (retired 2026-03-04)');
    expect((image.options as { description: string }[])[0]!.description).toMatch(
      /^GA; retires \d{4}-\d{2}-\d{2}$/,
    );
  });

  it('version 1 keeps its default models; version 2 defaults to current ones', () => {
    for (const [resource, operation, modelOperation, defaults] of OPERATIONS) {
      const names = values(field({ resource, operation }, 'model'));
      const pick = (name: string) => (names.includes(name) ? name : names[0]);
      expect(field({ resource, operation }, 'model', 1).default, operation).toBe(pick(defaults[1]));
      expect(field({ resource, operation }, 'model', 2).default, operation).toBe(pick(defaults[2]));
      // Current when version 2 was made, wherever Azure still has a model for the operation.
      const current = modelOptions({ operation: modelOperation, now: LISTED_AT }).map((o) => o.value);
      if (current.length > 0) expect(current, operation).toContain(pick(defaults[2]));
    }
    expect(field({ resource: 'image', operation: 'generate' }, 'model', 1).default).toBe('gpt-image-1');
    expect(field({ resource: 'image', operation: 'generate' }, 'model', 2).default).toBe('gpt-image-2');
    expect(field({ resource: 'audio', operation: 'transcribe' }, 'model', 1).default).toBe('whisper');
    // Azure has retired every video model it offered: version 2 starts from the last one.
    expect(modelOptions({ kind: 'video', now: LISTED_AT })).toEqual([]);
    expect(field({ resource: 'video', operation: 'generate' }, 'model', 2).default).toBe('sora-2');
  });

  it('shows each model exactly its own sizes and qualities; free sizes with Custom Size', () => {
    for (const model of MODELS.filter((m): m is ImageModel => m.kind === 'image')) {
      const params = { resource: 'image', operation: 'generate', model: model.name };
      const size = field(params, 'size');
      expect(values(size), model.name).toEqual(model.freeSize ? [...model.sizes, 'custom'] : model.sizes);
      expect(shown({ ...params, size: 'custom' }, 'customSize'), model.name).toHaveLength(
        model.freeSize ? 1 : 0,
      );
      const quality = shown(params, 'quality');
      if (model.qualities.length > 1) expect(values(quality[0])).toEqual(model.qualities);
      else expect(quality).toHaveLength(0);
    }
    const gptImage2 = { resource: 'image', operation: 'generate', model: 'gpt-image-2' };
    expect(shown(gptImage2, 'customSize')).toHaveLength(0);
    expect(field({ ...gptImage2, size: 'custom' }, 'customSize').description).toContain(
      'both edges multiples of 16',
    );
    for (const model of MODELS.filter((m): m is VideoModel => m.kind === 'video')) {
      const params = { resource: 'video', operation: 'generate', model: model.name };
      expect(values(field(params, 'size'))).toEqual(model.sizes);
      const seconds = field(params, 'seconds');
      if (Array.isArray(model.seconds)) {
        expect(seconds.type).toBe('options');
        expect(values(seconds)).toEqual(model.seconds);
        expect(model.seconds).toContain(seconds.default);
      } else {
        const range = model.seconds as { min: number; max: number };
        expect(seconds.type).toBe('number');
        expect(seconds.typeOptions).toMatchObject({ minValue: range.min, maxValue: range.max });
      }
      expect(shown(params, 'variants'), model.name).toHaveLength(model.variants.max > 1 ? 1 : 0);
      expect(shown(params, 'inputReference'), model.name).toHaveLength(1);
    }
  });

  it("version 1 keeps its size defaults; version 2 takes the table's", () => {
    const image = (model: string, version: number) =>
      field({ resource: 'image', operation: 'generate', model }, 'size', version).default;
    expect([image('gpt-image-1', 1), image('gpt-image-2', 1)]).toEqual(['1024x1024', '1024x1024']);
    expect([image('gpt-image-1', 2), image('gpt-image-2', 2)]).toEqual(['auto', 'auto']);
    expect(image('dall-e-3', 2)).toBe('1024x1024');
    const video = (model: string, version: number) =>
      field({ resource: 'video', operation: 'generate', model }, 'size', version).default;
    expect(video('sora-2', 1)).toBe('1280x720');
    const sora2 = MODELS.find((m): m is VideoModel => m.name === 'sora-2')!;
    expect(video('sora-2', 2)).toBe(sora2.defaultSize);
    expect(sora2.defaultSize).toBe('720x1280');
    // What the table does not default stays as version 1 had it.
    const format = (version: number) =>
      field({ resource: 'image', operation: 'generate', model: 'gpt-image-2' }, 'outputFormat', version);
    expect([format(1).default, format(2).default]).toEqual(['png', 'png']);
  });

  it('version 1 names the job by its API (Job ID, Video ID, Generation ID); version 2 has one Job ID', () => {
    for (const model of MODELS.filter((m): m is VideoModel => m.kind === 'video')) {
      const sora1 = videoCapabilities(model).api === 'jobs';
      for (const operation of ['getJob', 'deleteJob', 'download']) {
        const params = { resource: 'video', operation, model: model.name };
        const v1 = (name: string) => shown(params, name, 1).length === 1;
        expect(v1('videoId'), `${operation} ${model.name}`).toBe(!sora1);
        expect(v1(operation === 'download' ? 'generationId' : 'jobId'), `${operation} ${model.name}`).toBe(
          sora1,
        );
        expect(shown(params, 'jobId', 2), `${operation} ${model.name}`).toHaveLength(1);
        expect(shown(params, 'videoId', 2)).toHaveLength(0);
        expect(shown(params, 'generationId', 2)).toHaveLength(0);
      }
      const download = { resource: 'video', operation: 'download', model: model.name };
      expect(values(field(download, 'content', 2))).toEqual(videoCapabilities(model).contents);
      expect(shown(download, 'quality', 2)).toHaveLength(
        videoCapabilities(model).qualities.length > 0 ? 1 : 0,
      );
      expect(shown(download, 'output', 2)).toHaveLength(model.variants.max > 1 ? 1 : 0);
    }
    expect(
      values(field({ resource: 'video', operation: 'download', model: 'sora-2' }, 'variant', 1)),
    ).toEqual(['video', 'thumbnail', 'spritesheet']);
    // Only the models whose downloads come in qualities offer one in the waiting operations'
    // options; for the others the entry is a guard, displayed only when an imported workflow set it.
    for (const model of MODELS.filter((m): m is VideoModel => m.kind === 'video')) {
      const [options, ...more] = forOperation('generate', 'options').filter((p) =>
        (p.displayOptions?.show?.model as string[] | undefined)?.includes(model.name),
      );
      expect(more, model.name).toHaveLength(0);
      const quality = (options!.options as INodeProperties[]).find((o) => o.name === 'quality');
      expect(quality, model.name).toBeDefined();
      expect(isGuard(quality!), model.name).toBe(videoCapabilities(model).qualities.length === 0);
    }
  });

  it('offers Allow Retired Model from version 2, for the operations Azure bills', () => {
    const paid = [
      'image:generate',
      'image:edit',
      'video:generate',
      'video:createJob',
      'video:generateFromMedia',
      'video:remix',
      'audio:transcribe',
      'audio:translate',
      'audio:speech',
    ];
    for (const [resource, operation] of OPERATIONS) {
      const options = field({ resource, operation }, 'options', 2);
      const entry = (options.options as INodeProperties[]).find((o) => o.name === 'allowRetiredModel');
      expect(entry !== undefined, `${resource}:${operation}`).toBe(paid.includes(`${resource}:${operation}`));
      if (entry) {
        expect(entry.type).toBe('boolean');
        expect(entry.default).toBe(true);
        expect(entry.displayOptions).toEqual({ show: { '@version': [{ _cnd: { gte: 2 } }] } });
      }
    }
  });

  it('gives every parameter a default', () => {
    const walk = (list: INodeProperties[]): void => {
      for (const p of list) {
        expect(p, p.name).toHaveProperty('default');
        if (p.type === 'collection') walk(p.options as INodeProperties[]);
      }
    };
    walk(properties);
  });

  it('knows when the lists were made', () => {
    // The editor shows what the table states on the day it was reviewed, whatever the calendar says.
    expect(
      lifecycleOf(
        MODELS.find((m) => m.name === 'gpt-image-1')!,
        LISTED_AT,
      ).status,
    ).toBe('retired');
  });
});

describe('credential', () => {
  const credential = new AzureOpenAiMediaApi();

  it('keeps the key and token in password fields', () => {
    for (const name of ['apiKey', 'bearerToken']) {
      expect(credential.properties.find((p) => p.name === name)?.typeOptions?.password).toBe(true);
    }
  });

  it('sends the key as api-key, or the Entra ID token as a bearer token', async () => {
    const withKey = await credential.authenticate(
      { authType: 'apiKey', apiKey: 'k1' },
      { url: 'x', headers: { accept: 'a' } },
    );
    expect(withKey.headers).toEqual({ accept: 'a', 'api-key': 'k1' });
    const withToken = await credential.authenticate(
      { authType: 'entraToken', bearerToken: 't1' },
      { url: 'x' },
    );
    expect(withToken.headers).toEqual({ Authorization: 'Bearer t1' });
  });

  it('tests the credential with an authenticated request that creates nothing', () => {
    expect(credential.test.request.method).toBe('GET');
    expect(credential.test.request.url).toBe('/openai/v1/models');
    expect(credential.test.request.qs).toBeUndefined();
  });
});
