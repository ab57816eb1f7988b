// Artifact uploads from the committed bundle (its real @actions/artifact code) into real blob
// storage: Azurite. The one stand-in is GitHub's results service (the Twirp API behind
// ACTIONS_RESULTS_URL), which only exists inside GitHub: a small server here answers CreateArtifact
// with a signed Azurite URL and FinalizeArtifact with an id, and records what it was told.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { EXTENDED_MODELS, useEmulator, useTempDir } from './support.js';
import { actionDir, runBundle } from './runner.js';

const emu = useEmulator();
const root = useTempDir();
const ws = () => path.join(root.dir, 'workspace');
beforeEach(() => mkdir(ws()));

// Azurite's well-known development account.
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'artifacts';

let azurite: ChildProcess;
let azuriteDir: string;
let blobUrl: string;
let service: Server;
let serviceUrl: string;
const calls: { method: string; body: Record<string, unknown> }[] = [];
const blobs = new Map<string, string>();

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  azuriteDir = await mkdtemp(path.join(tmpdir(), 'azurite-'));
  const port = await freePort();
  azurite = spawn(
    path.join(actionDir, 'node_modules/.bin/azurite-blob'),
    [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--location',
      azuriteDir,
      '--silent',
      '--skipApiVersionCheck',
    ],
    { stdio: 'ignore' },
  );
  blobUrl = `http://127.0.0.1:${port}/${ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(ACCOUNT, KEY);
  const container = new BlobServiceClient(blobUrl, credential).getContainerClient(CONTAINER);
  for (let i = 0; ; i++) {
    try {
      await container.createIfNotExists();
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let nextId = 1000;
  service = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const method = req.url!.split('/').pop()!;
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      calls.push({ method, body: { ...body, authorization: req.headers.authorization } });
      res.setHeader('content-type', 'application/json');
      if (method === 'CreateArtifact') {
        const name = body.name as string;
        const sas = generateBlobSASQueryParameters(
          {
            containerName: CONTAINER,
            blobName: name,
            permissions: BlobSASPermissions.parse('cw'),
            expiresOn: new Date(Date.now() + 3_600_000),
          },
          credential,
        ).toString();
        blobs.set(name, name);
        res.end(
          JSON.stringify({
            ok: true,
            signed_upload_url: `${blobUrl}/${CONTAINER}/${encodeURIComponent(name)}?${sas}`,
          }),
        );
      } else if (method === 'FinalizeArtifact') {
        res.end(JSON.stringify({ ok: true, artifact_id: String(nextId++) }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ msg: `no ${method} here` }));
      }
    });
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  service?.close();
  azurite?.kill();
  await new Promise((resolve) =>
    azurite.exitCode !== null ? resolve(undefined) : azurite.once('exit', resolve),
  );
  await rm(azuriteDir, { recursive: true, force: true });
});

/** The names in a zip file, from its central directory. */
function zipNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extra = zip.readUInt16LE(offset + 30);
    const comment = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extra + comment;
  }
  return names.sort();
}

async function downloadBlob(name: string): Promise<Buffer> {
  const client = new BlobServiceClient(blobUrl, new StorageSharedKeyCredential(ACCOUNT, KEY));
  return client.getContainerClient(CONTAINER).getBlobClient(name).downloadToBuffer();
}

it('uploads the files as one artifact and each image as a preview, linked from the summary', async () => {
  // A runtime token as the runner hands it to actions: a JWT whose scope names the run and job.
  const claims = Buffer.from(
    JSON.stringify({ scp: 'Actions.GenericRead Actions.Results:run-77:job-88' }),
  ).toString('base64url');
  const env = {
    ACTIONS_RUNTIME_TOKEN: `e30.${claims}.sig`,
    ACTIONS_RESULTS_URL: serviceUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/site',
    GITHUB_RUN_ID: '123',
    GITHUB_JOB: 'art',
    GITHUB_ACTION: 'cover',
  };
  const r = await runBundle(
    {
      endpoint: emu.url,
      'api-key': emu.apiKey,
      ...EXTENDED_MODELS,
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'two kites',
      n: '2',
      metadata: 'true',
      'upload-artifact': 'cover-art',
      'artifact-retention-days': '3',
      previews: 'true',
    },
    ws(),
    60_000,
    undefined,
    env,
  );
  expect(r.code, r.stdout + r.stderr).toBe(0);

  expect(calls.map((c) => [c.method, c.body.name])).toEqual([
    ['CreateArtifact', 'cover-art'],
    ['FinalizeArtifact', 'cover-art'],
    ['CreateArtifact', 'art-cover-image-1.png'],
    ['FinalizeArtifact', 'art-cover-image-1.png'],
    ['CreateArtifact', 'art-cover-image-2.png'],
    ['FinalizeArtifact', 'art-cover-image-2.png'],
  ]);
  for (const c of calls) {
    expect(c.body).toMatchObject({
      workflow_run_backend_id: 'run-77',
      workflow_job_run_backend_id: 'job-88',
    });
    expect(c.body.authorization).toBe(`Bearer ${env.ACTIONS_RUNTIME_TOKEN}`);
  }
  expect(calls[0]!.body.expires_at).toBeTruthy();
  expect(calls[1]!.body.hash).toMatch(/^sha256:[0-9a-f]{64}$/);

  expect(zipNames(await downloadBlob('cover-art'))).toEqual([
    'image-1.png',
    'image-1.png.json',
    'image-2.png',
    'image-2.png.json',
  ]);
  // A preview is the image itself, not a zip, so the link opens it.
  expect(
    Buffer.compare(
      await downloadBlob('art-cover-image-1.png'),
      await readFile(path.join(ws(), 'aoai-media-output/image-1.png')),
    ),
  ).toBe(0);

  const runUrl = 'https://github.com/acme/site/actions/runs/123/artifacts';
  expect(r.outputs['artifact-id']).toBe('1000');
  expect(r.outputs['artifact-url']).toBe(`${runUrl}/1000`);
  expect(r.summary).toContain(`| Artifact | [cover-art](${runUrl}/1000) |`);
  expect(r.summary).toContain(`| \`aoai-media-output/image-1.png\` |`);
  expect(r.summary).toMatch(
    new RegExp(`image-1\\.png\` \\| [^|]+ \\| 1024x1024 \\| \\[open\\]\\(${runUrl}/1001\\) \\|`),
  );
  expect(r.summary).toMatch(
    new RegExp(`image-2\\.png\` \\| [^|]+ \\| 1024x1024 \\| \\[open\\]\\(${runUrl}/1002\\) \\|`),
  );
});

it('an upload that fails fails the step and says where the files are', async () => {
  const r = await runBundle(
    {
      endpoint: emu.url,
      'api-key': emu.apiKey,
      ...EXTENDED_MODELS,
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a kite',
      'upload-artifact': 'x',
    },
    ws(),
  );
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    /^::error::Uploading the results failed: .*ACTIONS_RUNTIME_TOKEN.*The files are in aoai-media-output\.$/m,
  );
  expect(JSON.parse(r.outputs.files!)).toEqual(['aoai-media-output/image-1.png']);
});
