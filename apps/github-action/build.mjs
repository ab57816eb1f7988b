// Builds the committed artefacts: dist/ (minified ESM: index.js, the chunk loaded only for artifact
// uploads, their source maps, and licenses.txt with the licence of every bundled package),
// action.yml and the generated parts of README.md. `--check` builds in memory and fails when the
// files on disk, or the committed ones, differ from what the sources produce.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(root, '../..');
const check = process.argv.includes('--check');

/** Licences a bundled package may have (SPDX ids); anything else fails the build. */
const ALLOWED_LICENSES = new Set([
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
]);

/** Licence names some older packages use, as SPDX ids. */
const LICENSE_ALIASES = { 'MIT/X11': 'MIT' };

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
// action never calls. A stand-in for core's import keeps start-up fast; the artifact chunk, which
// needs the real client, still gets it.
const noHttpClientForCore = {
  name: 'no-http-client-for-actions-core',
  setup(build) {
    build.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer) &&
      !/[\\/]@actions[\\/]artifact[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'stand-in' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stand-in' }, (args) => ({
      contents: args.path.startsWith('@actions/http-client')
        ? "export class HttpClient { constructor() { throw new Error('OIDC tokens are not available in this action'); } }\n" +
          'export class BearerCredentialHandler {}\n'
        : "export function Parse() { throw new Error('downloading artifacts is not part of this action'); }\n" +
          'export default { Parse };\n',
      loader: 'js',
    }));
  },
};

// @actions/artifact's client also downloads artifacts, through unzip-stream and its dependencies;
// this action only uploads, so that module is left out.
const noArtifactDownloads = {
  name: 'no-artifact-downloads',
  setup(build) {
    build.onResolve({ filter: /^unzip-stream$/ }, (args) => ({ path: args.path, namespace: 'stand-in' }));
  },
};

const bundle = await esbuild.build({
  ...common,
  plugins: [noHttpClientForCore, noArtifactDownloads],
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  metafile: true,
  // Stack traces name the TypeScript sources; the sources themselves stay out of the repository.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  // CommonJS dependencies still call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

const outputs = bundle.outputFiles.map((f) => ({
  file: path.relative(root, f.path).split(path.sep).join('/'),
  bytes: f.contents,
}));
const licenses = await collectLicenses(bundle.metafile);
outputs.push({ file: 'dist/licenses.txt', bytes: new TextEncoder().encode(licenses) });
const jsBytes = (keep) =>
  outputs.filter((o) => o.file.endsWith('.js') && keep(o.file)).reduce((n, o) => n + o.bytes.length, 0);
// What every step loads, and the chunk only steps that upload artifacts load.
const startupBytes = jsBytes((f) => !f.includes('/artifact-'));
const artifactBytes = jsBytes((f) => f.includes('/artifact-'));

// The metadata module is bundled too (it reads core's model table) and evaluated here.
const meta = await esbuild.build({ ...common, entryPoints: ['src/metadata.ts'], outfile: 'metadata.js' });
const metaModule = await import(
  `data:text/javascript;base64,${Buffer.from(meta.outputFiles[0].contents).toString('base64')}`
);

const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const major = `v${pkg.version.split('.')[0]}`;
const kib = (n) => (n / 1024).toFixed(1);
const readmePath = path.join(root, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const generatedReadme = replaceBetween(
  replaceBetween(
    replaceBetween(readme, 'inputs', metaModule.renderReadmeTables()),
    'models',
    metaModule.renderModelTable(),
  ),
  'bundle-size',
  `A step loads ${kib(startupBytes)} KiB (${startupBytes} bytes) of minified ESM at start-up: \`dist/index.js\` and the chunks it imports, every dependency inside. The chunk for artifact uploads, ${kib(artifactBytes)} KiB, is loaded only by steps that upload.`,
  // Examples name the release repository at the current major version (one source: package.json).
)
  .replace(/(aoai-media\/aoai-media-action)@v\d+/g, `$1@${major}`)
  .replace(/`@v\d+`/g, `\`@${major}\``)
  .replace(/`@v\d+\.\d+\.\d+`/g, `\`@v${pkg.version}\``);

// Generated text is formatted the way the repository's prettier check expects.
const prettier = await import('prettier');
async function pretty(file, text) {
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return new TextEncoder().encode(
    await prettier.format(text, { ...options, filepath: path.join(root, file) }),
  );
}

const files = [
  ...outputs,
  { file: 'action.yml', bytes: await pretty('action.yml', metaModule.renderActionYml()) },
  { file: 'README.md', bytes: await pretty('README.md', generatedReadme) },
];
const distFiles = new Set(outputs.map((o) => o.file));

if (!check) {
  // dist/ holds exactly what this build made: stale chunks from an earlier build go.
  for (const old of await listFiles(path.join(root, 'dist'))) {
    if (!distFiles.has(old)) await rm(path.join(root, old));
  }
  for (const { file, bytes } of files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), bytes);
  }
  console.log(
    `dist/: ${kib(startupBytes)} KiB at start-up, ${kib(artifactBytes)} KiB for uploads; licenses.txt, action.yml and README.md written`,
  );
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
  for (const extra of await listFiles(path.join(root, 'dist')))
    if (!distFiles.has(extra)) stale.push(`${extra} is not made by the build`);
  if (stale.length > 0) {
    console.error(
      `${stale.join('\n')}\nRun "pnpm --filter @aoai-media/github-action build" and commit the result.`,
    );
    process.exit(1);
  }
  console.log(
    `dist/ (${kib(startupBytes)} KiB at start-up), licenses, action.yml and README.md match their sources and the committed versions`,
  );
}

/** dist-relative paths ("dist/x.js") of the files under a folder. */
async function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/**
 * The licence of every package with code in the bundle, with its text, as one file beside the
 * bundle. A package whose licence is not in ALLOWED_LICENSES, or that ships no licence text
 * (other than this repository's own packages), stops the build.
 */
async function collectLicenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (input.startsWith('stand-in:')) continue;
    const dir = await packageDir(path.resolve(root, input));
    if (dir && !packages.has(dir))
      packages.set(dir, JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')));
  }
  const problems = [];
  const entries = [];
  for (const [dir, pkgJson] of packages) {
    if (dir === root) continue;
    const declared = typeof pkgJson.license === 'string' ? pkgJson.license : pkgJson.license?.type;
    const license = LICENSE_ALIASES[declared] ?? declared;
    const ours =
      !path.relative(repoRoot, dir).startsWith('..') && !dir.includes(`${path.sep}node_modules${path.sep}`);
    if (!license || !allowedExpression(license)) {
      problems.push(
        `${pkgJson.name}@${pkgJson.version}: licence ${JSON.stringify(declared ?? null)} is not allowed`,
      );
      continue;
    }
    const names = (await readdir(dir)).filter((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)).sort();
    let text = names.length > 0 ? await readFile(path.join(dir, names[0]), 'utf8') : undefined;
    if (!text && ours) text = await readFile(path.join(repoRoot, 'LICENSE'), 'utf8');
    // Some packages state their licence only in the README, or only in package.json.
    text ??= await readmeLicense(dir);
    text ??= `No licence file in the package; its package.json declares ${license}${pkgJson.repository ? ` (source: ${typeof pkgJson.repository === 'string' ? pkgJson.repository : pkgJson.repository.url})` : ''}.`;
    entries.push({ id: `${pkgJson.name}@${pkgJson.version}`, license, text: text.trim() });
  }
  if (problems.length > 0) {
    console.error(`Bundled packages with licence problems:\n${problems.join('\n')}`);
    process.exit(1);
  }
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (
    `Licences of the packages bundled into dist/ (${entries.length}), collected by build.mjs.\n\n` +
    entries.map((e) => `${e.id}\n${e.license}\n\n${e.text}\n`).join('\n-----\n\n')
  );
}

/** An SPDX expression all of whose AND terms, or any of whose OR alternatives, are allowed. */
function allowedExpression(expression) {
  return expression
    .replace(/[()]/g, ' ')
    .split(/\s+OR\s+/)
    .some((alternative) => alternative.split(/\s+AND\s+/).every((id) => ALLOWED_LICENSES.has(id.trim())));
}

/** The "License" section of a package's README, when it has one. */
async function readmeLicense(dir) {
  const readmeName = (await readdir(dir)).find((f) => /^readme(\.|$)/i.test(f));
  if (!readmeName) return undefined;
  const readme = await readFile(path.join(dir, readmeName), 'utf8');
  const m = /^#+\s*licen[cs]e\b.*$([\s\S]*?)(?=^#+\s|(?![\s\S]))/im.exec(readme);
  return m && m[1].trim() ? `From the package's README:\n${m[1].trim()}` : undefined;
}

/**
 * The folder of the package a bundled file belongs to: the topmost of the nested package.json
 * files with the same name (packages put small ones with a name in dist/esm and the like).
 */
async function packageDir(file) {
  let found;
  let dir = path.dirname(file);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(await readFile(manifest, 'utf8'));
      if (json.name && found && json.name !== found.name) return found.dir;
      if (json.name) found = { dir, name: json.name };
    }
    const up = path.dirname(dir);
    if (up === dir || path.basename(dir) === 'node_modules') return found?.dir;
    dir = up;
  }
}

/** The committed bytes of a file, or undefined outside a git checkout. */
function gitShow(file) {
  try {
    return execFileSync('git', ['show', `HEAD:./${file}`], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
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
