/**
 * Drives the real n8n CLI: packs this package, installs the tarball into a fresh user folder's
 * `.n8n/nodes` the way a user does, imports credentials and workflows, executes workflows.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('../../../n8n-nodes-aoai-media/', import.meta.url));
export const NODE_TYPE = 'n8n-nodes-aoai-media.azureOpenAiMedia';
export const CREDENTIAL = { id: 'aoaiEmulatorCred', name: 'Azure OpenAI (emulator)' };

/**
 * The n8n releases the tests run, as scripts/install-n8n.sh installs them: the last one on
 * Node 20, and the newest that installs from the registry, on Node 24.
 */
export const RELEASES = {
  legacy: { version: '2.8.4', node24: false },
  current: { version: '2.41.1', node24: true },
} as const;
export type Release = (typeof RELEASES)[keyof typeof RELEASES];
const NODE24_VERSION = '24.21.0';

function cacheDir(): string {
  return process.env.AOAI_CACHE_DIR ?? join(homedir(), '.cache', 'aoai-media');
}

export function n8nHome(release: Release): string {
  if (release.version === RELEASES.legacy.version && process.env.AOAI_N8N_HOME)
    return process.env.AOAI_N8N_HOME;
  return join(cacheDir(), `n8n-${release.version}`);
}

/**
 * The n8n binary installed by scripts/install-n8n.sh and the PATH it runs with (Node 24 first for
 * the current release), or a clear error saying how to get them.
 */
export function findN8n(release: Release): { bin: string; path: string } {
  const home = n8nHome(release);
  const bin = join(home, 'node_modules', '.bin', 'n8n');
  const missing = (what: string) =>
    new Error(
      `${what} is not installed in ${cacheDir()}. Run scripts/install-n8n.sh from the repository root ` +
        '(AOAI_CACHE_DIR moves the cache), then run these tests again.',
    );
  if (!existsSync(join(home, `.installed-n8n-${release.version}`)) || !existsSync(bin))
    throw missing(`n8n ${release.version}`);
  if (!release.node24) return { bin, path: process.env.PATH ?? '' };
  const nodeBin = join(cacheDir(), `node-${NODE24_VERSION}`, 'node_modules', 'node', 'bin');
  if (!existsSync(join(nodeBin, 'node'))) throw missing(`Node ${NODE24_VERSION}`);
  return { bin, path: `${nodeBin}:${process.env.PATH ?? ''}` };
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
          const how = error.signal ? ` (signal ${error.signal})` : '';
          reject(
            new Error(
              `${command} ${args.join(' ')} failed${how}: ${error.message}\n${stderr}\n${stdout.slice(-4000)}`,
            ),
          );
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

export async function freePort(): Promise<number> {
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
  release: Release;
  binaryMode: BinaryMode;
  installedPackage: string;
  /** Where n8n keeps binary data in filesystem mode. */
  storage: string;
  importWorkflows(workflows: object[]): Promise<void>;
  execute(workflowId: string): Promise<{ code: number; output: any; stdout: string; stderr: string }>;
  /** The bytes of a binary that n8n stored as a file (filesystem mode), by its id. */
  readBinary(id: string): Promise<Buffer>;
  cleanup(): Promise<void>;
}

export type BinaryMode = 'default' | 'filesystem';

export interface SetUpOptions {
  release: Release;
  binaryMode: BinaryMode;
  endpoint: string;
  apiKey: string;
  /** More credentials to import, as `n8n import:credentials` takes them. */
  credentials?: object[];
}

/**
 * Packs the package and installs it into a new n8n user folder with one credential for the
 * emulator (plus any others given).
 */
export async function setUpN8n(options: SetUpOptions): Promise<N8nInstance> {
  const { release, binaryMode, endpoint, apiKey } = options;
  const n8n = findN8n(release);
  const dir = await mkdtemp(join(tmpdir(), 'aoai-n8n-e2e-'));
  const userFolder = join(dir, 'user');
  const storage = join(dir, 'storage');
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
    PATH: n8n.path,
    // The test runner sets NODE_ENV=test, which silences the n8n CLI's output.
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_STORAGE_PATH: storage,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
  };
  // n8n 2.41 evaluates expressions in isolated-vm by default. Its prebuilt binary for Node 24 is
  // built against a newer V8 than the registry's newest Node 24 (24.21.0), whose headers it does
  // not compile against, and it crashes n8n now and then (SIGSEGV in V8's platform tasks). n8n's
  // other sandboxed engine, QuickJS (WebAssembly), has no native code.
  if (release.node24) env.N8N_EXPRESSION_ENGINE = 'quickjs';

  const credentialsFile = join(dir, 'credentials.json');
  await writeFile(
    credentialsFile,
    JSON.stringify([
      {
        ...CREDENTIAL,
        type: 'azureOpenAiMediaApi',
        data: { endpoint, authType: 'apiKey', apiKey, apiVersion: 'preview' },
      },
      ...(options.credentials ?? []),
    ]),
  );
  await mustRun(n8n.bin, ['import:credentials', `--input=${credentialsFile}`], { env });
  await rm(credentialsFile);

  return {
    dir,
    env,
    release,
    binaryMode,
    installedPackage,
    storage,
    async importWorkflows(workflows) {
      const folder = join(dir, 'workflows');
      await mkdir(folder, { recursive: true });
      for (const [i, workflow] of workflows.entries())
        await writeFile(join(folder, `${i}.json`), JSON.stringify(workflow));
      await mustRun(n8n.bin, ['import:workflow', '--separate', `--input=${folder}`], { env });
    },
    async execute(workflowId) {
      const result = await run(n8n.bin, ['execute', `--id=${workflowId}`, '--rawOutput'], { env });
      return { ...result, output: parseOutput(result.stdout) };
    },
    async readBinary(id) {
      // `filesystem-v2:workflows/<id>/executions/<id>/binary_data/<uuid>`, under the storage folder.
      const [, path] = id.split(':');
      const file = join(storage, path!);
      if (!file.startsWith(storage + '/') || !existsSync(file))
        throw new Error(`binary ${id} is not a file under ${storage}`);
      return await readFile(file);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export const OWNER = {
  email: 'owner@example.com',
  firstName: 'Ada',
  lastName: 'Owner',
  password: 'Test-0wner-password',
};

export interface N8nServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The owner's session cookie, for n8n's REST API. */
  cookie: string;
  stop(): Promise<void>;
}

/**
 * `n8n start` on loopback for an instance set up by setUpN8n, with its owner set up over the REST
 * API. Waits (bounded) until the REST API answers; its health check answers earlier.
 */
export async function startN8nServer(n8n: N8nInstance, timeoutMs = 120_000): Promise<N8nServer> {
  // freePort's port can be taken again before n8n binds it; n8n then exits at once, and another
  // process may answer on that port. Such a start is retried on a new port (a few times at most).
  for (let attempt = 1; ; attempt++) {
    const started = await tryStartN8nServer(n8n, timeoutMs);
    if (started !== 'port taken') return started;
    if (attempt === 3)
      throw new Error(
        'n8n start exited with 1 three times: its port was taken each time, or n8n cannot start here (run it by hand to see why)',
      );
  }
}

async function tryStartN8nServer(n8n: N8nInstance, timeoutMs: number): Promise<N8nServer | 'port taken'> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(findN8n(n8n.release).bin, ['start'], {
    env: {
      ...n8n.env,
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_PORT: String(port),
      N8N_SECURE_COOKIE: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
    },
    stdio: 'ignore',
  });
  const exited = () => server.exitCode !== null || server.signalCode !== null;
  const stop = async () => {
    if (exited()) return;
    const done = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await done;
  };
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const ready = await fetch(`${base}/rest/settings`).then(
        (r) => r.ok,
        () => false,
      );
      // Ready only counts while our n8n runs: otherwise something else answered on the port.
      if (exited())
        return server.exitCode === 1 ? 'port taken' : fail(`n8n start exited with ${server.exitCode}`);
      if (ready) break;
      if (Date.now() > until)
        throw new Error(`n8n did not answer ${base}/rest/settings within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // n8n answers /rest/settings before every REST route is registered: until then the owner setup
    // is a 404, or the editor's page without a session. Ask again until it is the real answer.
    let cookie: string | null = null;
    for (;;) {
      const setup = await fetch(`${base}/rest/owner/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(OWNER),
      });
      const text = await setup.text();
      cookie = setup.headers.get('set-cookie');
      if (setup.status === 200 && cookie) break;
      if (setup.status !== 404 && setup.status !== 200)
        throw new Error(`owner setup answered ${setup.status}: ${text.slice(0, 500)}`);
      if (exited()) throw new Error(`n8n start exited with ${server.exitCode} during owner setup`);
      if (Date.now() > until)
        throw new Error(`owner setup still answered ${setup.status} without a session after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { base, cookie: cookie.split(';')[0]!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function fail(message: string): never {
  throw new Error(message);
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

/** The bytes of a binary in an execution's output: inline base64, or n8n's file in filesystem mode. */
export async function binaryBytes(n8n: N8nInstance, binary: { data: string; id?: string }): Promise<Buffer> {
  return binary.id ? await n8n.readBinary(binary.id) : Buffer.from(binary.data, 'base64');
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
