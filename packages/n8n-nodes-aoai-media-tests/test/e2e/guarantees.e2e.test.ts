/**
 * The node's guarantees inside real n8n, in filesystem binary mode (the 2.x default), in both
 * releases: nothing paid for is lost to a field collision or a value n8n would drop, Entra ID
 * sign-in renews itself, and every kind of media comes back valid from n8n's files.
 */
import { pngDimensions } from '@aoai-media/core';
import { sampleWav, startEmulator, type Emulator } from '@aoai-media/emulator';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeEntra, type FakeEntra } from './fake-entra';
import {
  addBinaryCode,
  binaryBytes,
  CREDENTIAL,
  chain,
  codeNode,
  mediaNode,
  nodeItems,
  parseOutput,
  RELEASES,
  setUpN8n,
  startN8nServer,
  type N8nInstance,
} from './harness';

const CLIENT = { id: 'app-client-id', secret: 'app-client-secret' };
const ENTRA = { id: 'entraCred', name: 'Azure OpenAI (Entra ID app)' };
const ENTRA_WRONG = { id: 'entraWrongCred', name: 'Azure OpenAI (wrong secret)' };

const generateImage = {
  resource: 'image',
  operation: 'generate',
  deployment: 'gpt-image-1',
  model: 'gpt-image-1',
  prompt: 'a lighthouse at dawn',
  size: '1024x1024',
};
const entraNode = (name: string, credential: { id: string; name: string }) =>
  mediaNode(
    name,
    { ...generateImage, authentication: 'azureOpenAiMediaOAuth2Api' },
    { credentials: { azureOpenAiMediaOAuth2Api: credential } },
  );

const workflows = [
  chain('thumbnailCollision', [
    mediaNode('Video', {
      resource: 'video',
      operation: 'generate',
      deployment: 'sora-2',
      model: 'sora-2',
      prompt: 'a paper boat',
      size: '720x1280',
      seconds: '4',
      binaryPropertyOutput: 'thumbnail',
    }),
  ]),
  chain('unacceptedValue', [
    mediaNode(
      'Generate',
      {
        resource: 'image',
        operation: 'generate',
        deployment: 'dall-e-3',
        model: 'dall-e-3',
        prompt: 'a lighthouse',
        // DALL-E 3 makes one image per request; the editor never shows Number of Images for it.
        n: 2,
        options: { outputCompression: 50 },
      },
      { onError: 'continueRegularOutput' },
    ),
  ]),
  chain('entra', [entraNode('Generate', ENTRA)]),
  chain('entraWrongSecret', [entraNode('Generate', ENTRA_WRONG)]),
  chain('roundTrip', [
    mediaNode('Generate', generateImage),
    mediaNode('Edit', {
      resource: 'image',
      operation: 'edit',
      deployment: 'gpt-image-1',
      model: 'gpt-image-1',
      prompt: 'give the lighthouse a red roof',
      imageProperties: 'data',
      size: '1024x1024',
      outputFormat: 'png',
      binaryPropertyOutput: 'edited',
    }),
    mediaNode('Video', {
      resource: 'video',
      operation: 'generate',
      deployment: 'sora-2',
      model: 'sora-2',
      prompt: 'waves against the lighthouse',
      size: '720x1280',
      seconds: '4',
      options: { pollSeconds: 1, waitMinutes: 2, thumbnailProperty: 'still' },
    }),
    codeNode('Audio File', addBinaryCode('audio', sampleWav(1.2), 'waves.wav', 'audio/wav')),
    mediaNode('Transcribe', {
      resource: 'audio',
      operation: 'transcribe',
      deployment: 'whisper',
      model: 'whisper',
      binaryPropertyName: 'audio',
      responseFormat: 'verbose_json',
    }),
  ]),
];

async function probe(file: string): Promise<{ width: number; height: number; duration: number }> {
  const { stdout } = await promisify(execFile)('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height:format=duration',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout);
  return { ...parsed.streams[0], duration: Number(parsed.format.duration) };
}

describe.each([RELEASES.legacy, RELEASES.current])(
  'guarantees inside n8n $version (filesystem binary mode)',
  (release) => {
    let emulator: Emulator;
    let entra: FakeEntra;
    let n8n: N8nInstance;
    let setupError: unknown;
    const requests = (operation: string) =>
      emulator.admin.requests().filter((r) => r.operation === operation);

    beforeAll(async () => {
      try {
        emulator = await startEmulator({ port: 0 });
        entra = await startFakeEntra({
          emulatorUrl: emulator.url,
          emulatorKey: emulator.apiKey,
          clientId: CLIENT.id,
          clientSecret: CLIENT.secret,
        });
        const entraCredential = (credential: typeof ENTRA, clientSecret: string) => ({
          ...credential,
          type: 'azureOpenAiMediaOAuth2Api',
          data: {
            endpoint: entra.endpoint,
            tenantId: 'contoso-tenant',
            authorityHost: entra.authorityHost,
            clientId: CLIENT.id,
            clientSecret,
            apiVersion: 'preview',
          },
        });
        n8n = await setUpN8n({
          release,
          binaryMode: 'filesystem',
          endpoint: emulator.url,
          apiKey: emulator.apiKey,
          credentials: [
            entraCredential(ENTRA, CLIENT.secret),
            entraCredential(ENTRA_WRONG, 'not-the-secret'),
          ],
        });
        await n8n.importWorkflows(workflows);
      } catch (error) {
        setupError = error;
      }
    });

    // A missing n8n (or a failed install) fails every test with the reason, rather than skipping them.
    beforeEach(() => {
      if (setupError) throw setupError;
    });

    afterAll(async () => {
      await entra?.close();
      await emulator?.close();
      await n8n?.cleanup();
    });

    it('refuses a thumbnail field that would replace the video before anything is created', async () => {
      const before = emulator.admin.requests().length;
      const { code, stdout } = await n8n.execute('thumbnailCollision');
      expect(code).toBe(1);
      const error = parseOutput(stdout)?.data?.resultData?.error;
      expect(error?.message).toBe(
        'The video and its thumbnail would both be written to the field "thumbnail"',
      );
      expect(error?.description).toContain('Nothing was sent to Azure');
      expect(requests('videos.create')).toHaveLength(0);
      expect(emulator.admin.requests().length).toBe(before);
    });

    it('refuses values for fields DALL-E 3 does not accept, naming each as the editor does, before any request', async () => {
      const before = requests('images.generate').length;
      const { code, output, stderr } = await n8n.execute('unacceptedValue');
      expect(code, stderr).toBe(0);
      const [item] = nodeItems(output, 'Generate');
      expect(item.json.error).toBe('DALL-E 3 does not accept 2 values that are set');
      expect(item.json.description).toContain(
        'Number of Images (n) is set to 2, but DALL-E 3 does not accept it.',
      );
      expect(item.json.description).toContain('Fix: set "Number of Images" back to 1');
      expect(item.json.description).toContain(
        'Output Compression (output_compression) is set to 50, but DALL-E 3 does not accept it.',
      );
      expect(requests('images.generate').length).toBe(before);
    });

    it('signs in with Entra ID: fetches a token, sends it as a bearer token, fetches a new one when it expires', async () => {
      const generated = requests('images.generate').length;
      const first = await n8n.execute('entra');
      expect(first.code, first.stderr).toBe(0);
      expect(nodeItems(first.output, 'Generate')[0].binary.data.mimeType).toBe('image/png');
      expect(entra.tokenRequests).toEqual([
        {
          grantType: 'client_credentials',
          clientId: CLIENT.id,
          clientSecret: CLIENT.secret,
          scope: 'https://cognitiveservices.azure.com/.default',
          tenant: 'contoso-tenant',
        },
      ]);
      const gated = () => entra.gated.map((r) => [r.method, r.path.split('?')[0], r.token, r.status]);
      const IMAGES = '/openai/v1/images/generations';
      const MODELS = '/openai/v1/models';
      expect(gated()).toEqual([['POST', IMAGES, 'entra-token-1', 200]]);

      // An hour later: n8n still holds the first token, Azure refuses it, n8n fetches another.
      entra.expireAll();
      const second = await n8n.execute('entra');
      expect(second.code, second.stderr).toBe(0);
      expect(entra.tokenRequests).toHaveLength(2);
      // Refused, n8n renews the token on the credential's cheap test read, and the request goes again.
      expect(gated()).toEqual([
        ['POST', IMAGES, 'entra-token-1', 200],
        ['POST', IMAGES, 'entra-token-1', 401],
        ['GET', MODELS, 'entra-token-1', 401],
        ['GET', MODELS, 'entra-token-2', 200],
        ['POST', IMAGES, 'entra-token-2', 200],
      ]);
      // The refused request never reached Azure: one generation per execution, none twice.
      expect(requests('images.generate').length - generated).toBe(2);
      expect(`${first.stdout}${second.stdout}`).not.toContain('entra-token-');
    });

    it('names the credential when Entra ID refuses its secret, and asks for one token only', async () => {
      const tokenRequests = entra.tokenRequests.length;
      const { code, stdout } = await n8n.execute('entraWrongSecret');
      expect(code).toBe(1);
      const error = parseOutput(stdout)?.data?.resultData?.error;
      expect(error?.message).toBe(`Microsoft Entra ID did not sign in the credential "${ENTRA_WRONG.name}"`);
      expect(error?.description).toContain('tenant ID, client ID and client secret');
      expect(entra.tokenRequests.length - tokenRequests).toBe(1);
      expect(stdout).not.toContain('not-the-secret');
    });

    it('round trip in filesystem binary mode: generate, edit, video, transcribe, each file valid on disk', async () => {
      const { code, output, stderr } = await n8n.execute('roundTrip');
      expect(code, stderr).toBe(0);

      const [generated] = nodeItems(output, 'Generate');
      expect(generated.binary.data.id).toMatch(/^filesystem/);
      const png = await binaryBytes(n8n, generated.binary.data);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(pngDimensions(png)).toEqual({ width: 1024, height: 1024 });

      const [edited] = nodeItems(output, 'Edit');
      expect(edited.binary.edited.id).toMatch(/^filesystem/);
      expect(pngDimensions(await binaryBytes(n8n, edited.binary.edited))).toEqual({
        width: 1024,
        height: 1024,
      });
      // The edit uploaded the generated image, read back from n8n's file.
      const upload = requests('images.edit').at(-1)!;
      expect(upload.files).toEqual([
        expect.objectContaining({ field: 'image', contentType: 'image/png', size: png.length }),
      ]);

      const [video] = nodeItems(output, 'Video');
      expect(Object.keys(video.binary).sort()).toEqual(['data', 'still']);
      expect(video.binary.data.id).toMatch(/^filesystem/);
      const mp4 = await binaryBytes(n8n, video.binary.data);
      expect(mp4.subarray(4, 8).toString('ascii')).toBe('ftyp');
      expect(video.binary.data.fileSize).toBeDefined();
      const file = join(n8n.dir, `round-trip-${release.version}.mp4`);
      await writeFile(file, mp4);
      const probed = await probe(file);
      expect({ width: probed.width, height: probed.height }).toEqual({ width: 720, height: 1280 });
      expect(probed.duration).toBeCloseTo(4, 0);
      const still = await binaryBytes(n8n, video.binary.still);
      expect(still.subarray(8, 12).toString('ascii')).toBe('WEBP');

      const [transcript] = nodeItems(output, 'Transcribe');
      expect(transcript.json.format).toBe('verbose_json');
      expect(transcript.json.text.length).toBeGreaterThan(0);
      expect(transcript.json.duration).toBeCloseTo(1.2, 1);
    });

    it("the credentials' Test in n8n: passes with a working key or app, fails with the answer of a wrong one", async () => {
      const server = await startN8nServer(n8n);
      try {
        const test = async (credentials: object) => {
          const response = await fetch(`${server.base}/rest/credentials/test`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie: server.cookie },
            body: JSON.stringify({ credentials }),
          });
          expect(response.status, await response.clone().text()).toBe(200);
          return ((await response.json()) as { data: { status: string; message: string } }).data;
        };
        const apiKey = (key: string) => ({
          ...CREDENTIAL,
          type: 'azureOpenAiMediaApi',
          data: { endpoint: emulator.url, authType: 'apiKey', apiKey: key, apiVersion: 'preview' },
        });
        // Test reads the resource's models: it works on every resource and creates nothing.
        const listed = () => requests('models.list').map((r) => r.status);
        const before = listed().length;
        expect((await test(apiKey(emulator.apiKey))).status).toBe('OK');
        expect(await test(apiKey('wrong-key'))).toMatchObject({ status: 'Error' });
        // n8n tries a refused test read again: one success, then refusals only.
        const [good, ...refused] = listed().slice(before);
        expect(good).toBe(200);
        expect(refused.length).toBeGreaterThan(0);
        expect(new Set(refused)).toEqual(new Set([401]));

        const app = (secret: string, credential: typeof ENTRA) => ({
          ...credential,
          type: 'azureOpenAiMediaOAuth2Api',
          data: {
            endpoint: entra.endpoint,
            tenantId: 'contoso-tenant',
            authorityHost: entra.authorityHost,
            clientId: CLIENT.id,
            clientSecret: secret,
            apiVersion: 'preview',
          },
        });
        const tokens = entra.tokenRequests.length;
        expect((await test(app(CLIENT.secret, ENTRA))).status).toBe('OK');
        const wrong = await test(app('not-the-secret', ENTRA_WRONG));
        expect(wrong.status).toBe('Error');
        expect(wrong.message).toMatch(/client/i);
        expect(entra.tokenRequests.length).toBeGreaterThan(tokens);
      } finally {
        await server.stop();
      }
    });
  },
);
