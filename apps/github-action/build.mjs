// Builds the committed artefacts: dist/index.js (one minified ESM file, all dependencies inside),
// action.yml and the generated parts of README.md. `--check` builds in memory and fails when the
// files on disk, or the committed ones, differ from what the sources produce.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  write: false,
  logLevel: 'warning',
};

// @actions/core reaches @actions/http-client (and undici, ~400 KiB) only for getIDToken, which this
// action never calls. A stand-in that fails loudly keeps the bundle small and start-up fast.
const noHttpClient = {
  name: 'no-actions-http-client',
  setup(build) {
    build.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) => ({
      path: args.path,
      namespace: 'stand-in',
    }));
    build.onLoad({ filter: /.*/, namespace: 'stand-in' }, () => ({
      contents:
        "export class HttpClient { constructor() { throw new Error('OIDC tokens are not available in this action'); } }\n" +
        'export class BearerCredentialHandler {}\n',
      loader: 'js',
    }));
  },
};

const bundle = await esbuild.build({
  ...common,
  plugins: [noHttpClient],
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  minify: true,
  legalComments: 'eof',
  // @actions/core's dependencies still call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});
const bundleBytes = bundle.outputFiles[0].contents;

// The metadata module is bundled too (it reads core's model table) and evaluated here.
const meta = await esbuild.build({ ...common, entryPoints: ['src/metadata.ts'], outfile: 'metadata.js' });
const metaModule = await import(
  `data:text/javascript;base64,${Buffer.from(meta.outputFiles[0].contents).toString('base64')}`
);

const kib = (bundleBytes.length / 1024).toFixed(1);
const readmePath = path.join(root, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const generatedReadme = replaceBetween(
  replaceBetween(readme, 'inputs', metaModule.renderReadmeTables()),
  'bundle-size',
  `\`dist/index.js\` is ${kib} KiB (${bundleBytes.length} bytes), one minified ESM file with every dependency inside.`,
);

// Generated text is formatted the way the repository's prettier check expects.
const prettier = await import('prettier');
async function pretty(file, text) {
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return new TextEncoder().encode(
    await prettier.format(text, { ...options, filepath: path.join(root, file) }),
  );
}

const files = [
  { file: 'dist/index.js', bytes: bundleBytes },
  { file: 'action.yml', bytes: await pretty('action.yml', metaModule.renderActionYml()) },
  { file: 'README.md', bytes: await pretty('README.md', generatedReadme) },
];

if (!check) {
  await mkdir(path.join(root, 'dist'), { recursive: true });
  for (const { file, bytes } of files) await writeFile(path.join(root, file), bytes);
  console.log(`dist/index.js ${kib} KiB; action.yml and README.md tables written`);
} else {
  const stale = [];
  for (const { file, bytes } of files) {
    const onDisk = await readFile(path.join(root, file)).catch(() => undefined);
    if (!onDisk || Buffer.compare(onDisk, Buffer.from(bytes)) !== 0)
      stale.push(`${file} differs from its sources`);
    const committed = gitShow(file);
    if (committed !== undefined && Buffer.compare(committed, Buffer.from(bytes)) !== 0) {
      stale.push(`${file} differs from the committed version`);
    }
  }
  if (stale.length > 0) {
    console.error(
      `${stale.join('\n')}\nRun "pnpm --filter @aoai-media/github-action build" and commit the result.`,
    );
    process.exit(1);
  }
  console.log(
    `dist/index.js (${kib} KiB), action.yml and README.md match their sources and the committed versions`,
  );
}

/** The committed bytes of a file, or undefined outside a git checkout. */
function gitShow(file) {
  try {
    return execFileSync('git', ['show', `HEAD:./${file}`], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

function replaceBetween(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b < a) throw new Error(`README.md needs ${start} and ${end} markers`);
  return `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`;
}
