import { MODELS, type ImageModel, type VideoModel } from '@aoai-media/core';
import { newestFirst } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/labels';
import type { INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { AzureOpenAiMediaApi } from 'n8n-nodes-aoai-media/credentials/AzureOpenAiMediaApi.credentials';
import { isGuard } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/descriptions';
import { node } from './fake-context';

const properties = node.description.properties;
/** The fields of an operation as the model shows them (guards, which show only stale values, left out). */
const forOperation = (operation: string, name: string) =>
  properties.filter(
    (p) => p.name === name && p.displayOptions?.show?.operation?.includes(operation) && !isGuard(p),
  );
const values = (p: INodeProperties | undefined) =>
  (p?.options as { value: string }[] | undefined)?.map((o) => o.value) ?? [];

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

  it('offers every operation of the three resources, each with deployment and model', () => {
    const operations = properties.filter((p) => p.name === 'operation').flatMap((p) => values(p));
    expect(operations.sort()).toEqual(
      [
        'generate',
        'edit',
        'generate',
        'createJob',
        'getJob',
        'listJobs',
        'deleteJob',
        'download',
        'generateFromMedia',
        'remix',
        'transcribe',
        'translate',
      ].sort(),
    );
    for (const operation of new Set(operations)) {
      expect(forOperation(operation, 'deployment').length, operation).toBeGreaterThan(0);
      expect(forOperation(operation, 'model').length, operation).toBeGreaterThan(0);
    }
  });

  it('takes model lists from the model table, newest first with labels', () => {
    const imageNames = newestFirst(MODELS.filter((m) => m.kind === 'image')).map((m) => m.name);
    expect(
      values(
        forOperation('generate', 'model').find((p) => p.displayOptions?.show?.resource?.includes('image')),
      ),
    ).toEqual(imageNames);
    expect(values(forOperation('edit', 'model')[0])).toEqual(
      newestFirst(MODELS.filter((m) => m.kind === 'image' && m.edit)).map((m) => m.name),
    );
    expect(values(forOperation('translate', 'model')[0])).toEqual(
      newestFirst(MODELS.filter((m) => m.kind === 'audio' && m.operations.includes('translate'))).map(
        (m) => m.name,
      ),
    );
    const video = (api?: string) =>
      newestFirst(MODELS.filter((m) => m.kind === 'video' && (api === undefined || m.api === api))).map(
        (m) => m.name,
      );
    for (const operation of ['generate', 'createJob', 'getJob', 'listJobs', 'deleteJob', 'download']) {
      const model = forOperation(operation, 'model').find((p) =>
        p.displayOptions?.show?.resource?.includes('video'),
      );
      expect(values(model), operation).toEqual(video());
    }
    expect(values(forOperation('generateFromMedia', 'model')[0])).toEqual(video('jobs'));
    expect(values(forOperation('remix', 'model')[0])).toEqual(video('videos'));
    expect(video('videos').length).toBeGreaterThan(0);
  });

  it('shows each model exactly its own sizes and qualities', () => {
    for (const model of MODELS.filter((m): m is ImageModel => m.kind === 'image')) {
      const shown = forOperation('generate', 'size').filter((p) =>
        (p.displayOptions?.show?.model as string[]).includes(model.name),
      );
      expect(shown, model.name).toHaveLength(1);
      expect(values(shown[0])).toEqual(model.sizes);
      expect(model.sizes).toContain(shown[0]!.default);
      const quality = forOperation('generate', 'quality').filter((p) =>
        (p.displayOptions?.show?.model as string[]).includes(model.name),
      );
      if (model.qualities.length > 1) expect(values(quality[0])).toEqual(model.qualities);
      else expect(quality).toHaveLength(0);
    }
    for (const model of MODELS.filter((m): m is VideoModel => m.kind === 'video')) {
      const forModel = (name: string) =>
        forOperation('generate', name).filter((p) =>
          (p.displayOptions?.show?.model as string[] | undefined)?.includes(model.name),
        );
      const size = forModel('size');
      expect(size, model.name).toHaveLength(1);
      expect(values(size[0])).toEqual(model.sizes);
      const [seconds, ...more] = forModel('seconds');
      expect(more, model.name).toHaveLength(0);
      if (Array.isArray(model.seconds)) {
        // Sora 2: one of the listed strings.
        expect(seconds?.type).toBe('options');
        expect(values(seconds)).toEqual(model.seconds);
        expect(model.seconds).toContain(seconds?.default);
      } else {
        const range = model.seconds as { min: number; max: number };
        expect(seconds?.type).toBe('number');
        expect(seconds?.typeOptions).toMatchObject({ minValue: range.min, maxValue: range.max });
      }
      expect(forModel('variants'), model.name).toHaveLength(model.variants.max > 1 ? 1 : 0);
      expect(forModel('inputReference'), model.name).toHaveLength(model.api === 'videos' ? 1 : 0);
    }
  });

  it('names the job by its API: Job ID for Sora 1, Video ID for Sora 2', () => {
    for (const model of MODELS.filter((m): m is VideoModel => m.kind === 'video')) {
      for (const operation of ['getJob', 'deleteJob', 'download']) {
        const shown = (name: string) =>
          forOperation(operation, name).some((p) =>
            (p.displayOptions?.show?.model as string[] | undefined)?.includes(model.name),
          );
        expect(shown('videoId'), `${operation} ${model.name}`).toBe(model.api === 'videos');
        expect(shown(operation === 'download' ? 'generationId' : 'jobId'), `${operation} ${model.name}`).toBe(
          model.api === 'jobs',
        );
      }
    }
    const variant = forOperation('download', 'variant')[0];
    expect(values(variant)).toEqual(['video', 'thumbnail', 'spritesheet']);
    // Only Sora 1 has a quality choice, in Download and in the waiting operations' options; for
    // Sora 2 the entry is a guard, displayed only when an imported workflow set it.
    for (const model of MODELS.filter((m): m is VideoModel => m.kind === 'video')) {
      const [options, ...more] = forOperation('generate', 'options').filter((p) =>
        (p.displayOptions?.show?.model as string[] | undefined)?.includes(model.name),
      );
      expect(more, model.name).toHaveLength(0);
      const quality = (options!.options as INodeProperties[]).find((o) => o.name === 'quality');
      expect(quality, model.name).toBeDefined();
      expect(isGuard(quality!), model.name).toBe(model.api !== 'jobs');
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
