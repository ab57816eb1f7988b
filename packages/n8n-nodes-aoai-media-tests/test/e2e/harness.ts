/**
 * Drives the real n8n CLI: packs this package, installs the tarball into a fresh user folder's
 * `.n8n/nodes` the way a user does, imports credentials and workflows, executes workflows.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('../../../n8n-nodes-aoai-media/', import.meta.url));
export const N8N_VERSION = '2.8.4';
export const NODE_TYPE = 'n8n-nodes-aoai-media.azureOpenAiMedia';
export const CREDENTIAL = { id: 'aoaiEmulatorCred', name: 'Azure OpenAI (emulator)' };

export function n8nHome(): string {
  return process.env.AOAI_N8N_HOME ?? join(homedir(), '.cache', 'aoai-media', `n8n-${N8N_VERSION}`);
}

/** The n8n binary installed by scripts/install-n8n.sh, or a clear error saying how to get it. */
export function findN8n(): string {
  const home = n8nHome();
  const bin = join(home, 'node_modules', '.bin', 'n8n');
  if (!existsSync(join(home, `.installed-n8n-${N8N_VERSION}`)) || !existsSync(bin)) {
    throw new Error(
      `n8n ${N8N_VERSION} is not installed in ${home}. Run scripts/install-n8n.sh from the repository root ` +
        '(set AOAI_N8N_HOME to use another folder), then run these tests again.',
    );
  }
  return bin;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 180_000,
        maxBuffer: 512 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

async function mustRun(
  command: string,
  args: string[],
  options: Parameters<typeof run>[2] = {},
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface N8nInstance {
  dir: string;
  env: NodeJS.ProcessEnv;
  installedPackage: string;
  importWorkflows(workflows: object[]): Promise<void>;
  execute(workflowId: string): Promise<{ code: number; output: any; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

/** Packs the package and installs it into a new n8n user folder with one credential for the emulator. */
export async function setUpN8n(endpoint: string, apiKey: string): Promise<N8nInstance> {
  const n8n = findN8n();
  const dir = await mkdtemp(join(tmpdir(), 'aoai-n8n-e2e-'));
  const userFolder = join(dir, 'user');
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  await mkdir(nodesDir, { recursive: true });

  await mustRun(process.execPath, ['build.mjs'], { cwd: PACKAGE_DIR });
  await mustRun('pnpm', ['pack', '--pack-destination', dir], { cwd: PACKAGE_DIR });
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack left no tarball in ${dir}`);

  // As a user installs a community package by hand. n8n provides n8n-workflow, so the peer is not
  // installed (n8n's own installer drops peerDependencies for the same reason).
  await writeFile(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
  await mustRun(
    'npm',
    ['install', join(dir, tarball), '--omit=peer', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: nodesDir },
  );
  const installedPackage = join(nodesDir, 'node_modules', 'n8n-nodes-aoai-media');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The test runner sets NODE_ENV=test, which silences the n8n CLI's output.
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_DEFAULT_BINARY_DATA_MODE: 'default',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
  };

  const credentialsFile = join(dir, 'credentials.json');
  await writeFile(
    credentialsFile,
    JSON.stringify([
      {
        ...CREDENTIAL,
        type: 'azureOpenAiMediaApi',
        data: { endpoint, authType: 'apiKey', apiKey, apiVersion: 'preview' },
      },
    ]),
  );
  await mustRun(n8n, ['import:credentials', `--input=${credentialsFile}`], { env });
  await rm(credentialsFile);

  return {
    dir,
    env,
    installedPackage,
    async importWorkflows(workflows) {
      const folder = join(dir, 'workflows');
      await mkdir(folder, { recursive: true });
      for (const [i, workflow] of workflows.entries())
        await writeFile(join(folder, `${i}.json`), JSON.stringify(workflow));
      await mustRun(n8n, ['import:workflow', '--separate', `--input=${folder}`], { env });
    },
    async execute(workflowId) {
      const result = await run(n8n, ['execute', `--id=${workflowId}`, '--rawOutput'], { env });
      return { ...result, output: parseOutput(result.stdout) };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * n8n prints log lines before the JSON (and, when the workflow fails, a report after it): parse
 * from the first line starting with `{` to the last line that closes it.
 */
export function parseOutput(stdout: string): any {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('{'));
  if (start < 0) return undefined;
  for (let end = lines.length; end > start; end--) {
    if (!lines[end - 1]!.startsWith('}')) continue;
    try {
      return JSON.parse(lines.slice(start, end).join('\n'));
    } catch {
      // not the closing line of the document: keep looking
    }
  }
  return undefined;
}

/** The items a node produced in the first run of an execution. */
export function nodeItems(output: any, nodeName: string): any[] {
  const runs = output?.data?.resultData?.runData?.[nodeName];
  if (!runs)
    throw new Error(`node "${nodeName}" did not run; output: ${JSON.stringify(output)?.slice(0, 2000)}`);
  return runs[0].data.main[0];
}

// ---- workflow building -------------------------------------------------------------------------

export interface WorkflowNode {
  name: string;
  type: string;
  typeVersion: number;
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  onError?: string;
}

export function mediaNode(
  name: string,
  parameters: Record<string, unknown>,
  extra: Partial<WorkflowNode> = {},
): WorkflowNode {
  return {
    name,
    type: NODE_TYPE,
    typeVersion: 1,
    parameters,
    credentials: { azureOpenAiMediaApi: CREDENTIAL },
    ...extra,
  };
}

export function codeNode(name: string, jsCode: string): WorkflowNode {
  return { name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

/** A workflow whose nodes run one after the other, after a manual trigger. */
export function chain(id: string, nodes: WorkflowNode[]): object {
  const all: WorkflowNode[] = [
    { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
    ...nodes,
  ];
  const connections: Record<string, unknown> = {};
  for (let i = 0; i < all.length - 1; i++) {
    connections[all[i]!.name] = { main: [[{ node: all[i + 1]!.name, type: 'main', index: 0 }]] };
  }
  return {
    id,
    name: `e2e ${id}`,
    active: false,
    settings: { executionOrder: 'v1' },
    connections,
    nodes: all.map((node, i) => ({ id: `${id}-${i}`, position: [i * 220, 0], ...node })),
  };
}

/** Code node source that adds a binary field to every incoming item, keeping what it had. */
export function addBinaryCode(field: string, bytes: Uint8Array, fileName: string, mimeType: string): string {
  return [
    `const file = { data: '${Buffer.from(bytes).toString('base64')}', mimeType: '${mimeType}', fileName: '${fileName}', fileExtension: '${fileName.split('.').pop()}' };`,
    `return $input.all().map((item) => ({ json: item.json, binary: { ...(item.binary ?? {}), '${field}': file } }));`,
  ].join('\n');
}
