/**
 * The node's parameter panels in the real n8n editor, written to the package's docs for its README:
 * the packed package installed into n8n 2.41.1 started on loopback, an owner set up over n8n's
 * REST API, a workflow with an image and a video node, each node opened in headless Chromium
 * (Debian's package). Run with `pnpm --filter @aoai-media/n8n-nodes-aoai-media-tests screens`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREDENTIAL,
  OWNER,
  PACKAGE_DIR,
  RELEASES,
  setUpN8n,
  startN8nServer,
  type N8nInstance,
  type N8nServer,
} from '../e2e/harness';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DOCS = join(PACKAGE_DIR, 'docs');

const workflow = {
  name: 'Azure OpenAI Media',
  active: false,
  settings: { executionOrder: 'v1' },
  connections: {
    'When clicking Execute workflow': { main: [[{ node: 'Generate an image', type: 'main', index: 0 }]] },
    'Generate an image': { main: [[{ node: 'Generate a video', type: 'main', index: 0 }]] },
    'Generate a video': { main: [[{ node: 'Generate speech', type: 'main', index: 0 }]] },
    'Generate speech': { main: [[{ node: 'Imported for DALL-E 3', type: 'main', index: 0 }]] },
  },
  nodes: [
    {
      id: 'trigger',
      name: 'When clicking Execute workflow',
      type: 'n8n-nodes-base.manualTrigger',
      typeVersion: 1,
      position: [0, 0],
      parameters: {},
    },
    {
      id: 'image',
      name: 'Generate an image',
      type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
      typeVersion: 2,
      position: [240, 0],
      credentials: { azureOpenAiMediaApi: CREDENTIAL },
      parameters: {
        resource: 'image',
        operation: 'generate',
        deployment: 'gpt-image-2-prod',
        model: 'gpt-image-2',
        prompt: 'A watercolour lighthouse at dawn',
        size: 'custom',
        customSize: '2048x1152',
        quality: 'high',
        outputFormat: 'jpeg',
        options: { outputCompression: 80, output: 'reference' },
      },
    },
    {
      id: 'video',
      name: 'Generate a video',
      type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
      typeVersion: 2,
      position: [480, 0],
      credentials: { azureOpenAiMediaApi: CREDENTIAL },
      parameters: {
        resource: 'video',
        operation: 'generate',
        deployment: 'sora-2-prod',
        model: 'sora-2',
        prompt: 'A paper boat drifting down a rainy street',
        size: '1280x720',
        seconds: '8',
        options: { allowRetiredModel: true, thumbnailProperty: 'still', pollSeconds: 10 },
      },
    },
    {
      id: 'speech',
      name: 'Generate speech',
      type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
      typeVersion: 2,
      position: [720, 0],
      credentials: { azureOpenAiMediaApi: CREDENTIAL },
      parameters: {
        resource: 'audio',
        operation: 'speech',
        deployment: 'tts-prod',
        text: 'Welcome to the quarterly update.',
        voice: 'coral',
        options: { instructions: 'Warm and unhurried.', speed: 1.1 },
      },
    },
    {
      // As an imported workflow might have it: DALL-E 3 makes one image per request and has no
      // output format.
      id: 'imported',
      name: 'Imported for DALL-E 3',
      type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
      typeVersion: 1,
      position: [960, 0],
      credentials: { azureOpenAiMediaApi: CREDENTIAL },
      parameters: {
        resource: 'image',
        operation: 'generate',
        deployment: 'dall-e-3',
        model: 'dall-e-3',
        prompt: 'A lighthouse',
        n: 2,
        outputFormat: 'webp',
      },
    },
  ],
};

let n8n: N8nInstance;
let server: N8nServer | undefined;
let browser: Browser | undefined;
let base = '';
let workflowId = '';

/** What a parameter's input shows (an option list shows the chosen option's label). */
const shown = (page: Page, parameter: string) =>
  page.locator(`[data-test-id="parameter-input-${parameter}"] input`).first().inputValue();

/** The parameter panel with its tabs, cropped from the node's details view down to its last field. */
async function shootPanel(page: Page, file: string): Promise<void> {
  const ndv = (await page.locator('[data-test-id="ndv"]').boundingBox())!;
  const parameters = page.locator('[data-test-id="node-parameters"]');
  const box = (await parameters.boundingBox())!;
  const lastField = await parameters.evaluate((panel) =>
    Math.max(
      ...[
        ...panel.querySelectorAll(
          '[data-test-id="parameter-item"], [data-test-id="collection-parameter-add"]',
        ),
      ].map((e) => e.getBoundingClientRect().bottom),
    ),
  );
  const margin = 16;
  await page.screenshot({
    path: join(DOCS, file),
    clip: {
      x: box.x - margin,
      y: ndv.y + 24,
      width: box.width + 2 * margin,
      height: lastField - ndv.y - 24 + margin,
    },
  });
}

async function openNode(page: Page, nodeId: string): Promise<void> {
  await page.goto(`${base}/workflow/${workflowId}/${nodeId}`);
  await page.locator('[data-test-id="node-parameters"]').waitFor({ timeout: 30_000 });
  // Option lists render their labels once the node type has loaded.
  await page.locator('[data-test-id="parameter-input-model"]').waitFor({ timeout: 30_000 });
}

describe('parameter panels in the n8n editor', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM)`);
    const release = RELEASES.current;
    n8n = await setUpN8n({
      release,
      binaryMode: 'filesystem',
      endpoint: 'http://127.0.0.1:9',
      apiKey: 'screens',
    });
    server = await startN8nServer(n8n);
    base = server.base;
    const cookie = server.cookie;
    const created = await fetch(`${base}/rest/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(workflow),
    });
    expect(created.status).toBe(200);
    workflowId = ((await created.json()) as { data: { id: string } }).data.id;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-dev-shm-usage',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await n8n?.cleanup();
  });

  async function signedInPage(): Promise<Page> {
    // Tall enough that the whole parameter list shows without scrolling.
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1700 }, deviceScaleFactor: 1 });
    await page.goto(`${base}/signin`);
    await page.fill('input[type=email]', OWNER.email);
    await page.fill('input[type=password]', OWNER.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 30_000 });
    return page;
  }

  it('Image → Generate (version 2): GPT Image 2 first, a custom size, only the fields it accepts', async () => {
    const page = await signedInPage();
    await openNode(page, 'image');
    await expect.poll(() => shown(page, 'model'), { timeout: 10_000 }).toBe('GPT Image 2');
    expect(await shown(page, 'size')).toBe('Custom Size');
    expect(await shown(page, 'customSize')).toBe('2048x1152');
    expect(await shown(page, 'quality')).toBe('High');
    expect(await shown(page, 'outputFormat')).toBe('JPEG');
    expect(await shown(page, 'output')).toBe('Binary Files and References');
    await shootPanel(page, 'image-generate-parameters.png');
  });

  it('Video → Generate (version 2): Sora 2 marked retired, allowed for an extended deployment', async () => {
    const page = await signedInPage();
    await openNode(page, 'video');
    await expect.poll(() => shown(page, 'model'), { timeout: 10_000 }).toBe('Sora 2 (retired 2026-10-15)');
    expect(await shown(page, 'size')).toBe('1280 x 720 (Landscape)');
    expect(await shown(page, 'seconds')).toBe('8 seconds');
    expect(await shown(page, 'thumbnailProperty')).toBe('still');
    // Sora 2 makes one video per request: no Variants field.
    expect(await page.locator('[data-test-id="parameter-input-variants"]').count()).toBe(0);
    await shootPanel(page, 'video-generate-parameters.png');
  });

  it('Audio → Generate Speech (version 2): the default model, voices and options in words', async () => {
    const page = await signedInPage();
    await openNode(page, 'speech');
    await expect.poll(() => shown(page, 'model'), { timeout: 10_000 }).toBe('GPT-4o Mini TTS');
    expect(await shown(page, 'voice')).toBe('Coral');
    expect(await shown(page, 'responseFormat')).toBe('MP3');
    expect(await shown(page, 'instructions')).toBe('Warm and unhurried.');
    await shootPanel(page, 'audio-speech-parameters.png');
  });

  it('values an imported workflow set that DALL-E 3 does not accept stay visible, with how to clear them', async () => {
    const page = await signedInPage();
    await openNode(page, 'imported');
    await expect.poll(() => shown(page, 'model'), { timeout: 10_000 }).toBe('DALL-E 3 (retired 2026-03-04)');
    expect(await shown(page, 'n')).toBe('2');
    expect(await shown(page, 'outputFormat')).toBe('WebP');
    await expect
      .poll(() =>
        page.getByText('The chosen model does not accept Number of Images', { exact: false }).count(),
      )
      .toBeGreaterThan(0);
    await shootPanel(page, 'unaccepted-values.png');
  });
});
