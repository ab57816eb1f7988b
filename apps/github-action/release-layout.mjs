// Writes the Action's release layout into a folder: what the release repository holds at the root,
// so `uses: aoai-media/aoai-media-action@v1` works and the Marketplace can list it (action.yml at the
// root, one action, nothing else to run). Used by the release workflow and by the tests.
//   node release-layout.mjs <folder>
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(root, '../..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node release-layout.mjs <folder>');
  process.exit(2);
}
const out = path.resolve(target);

const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const action = await readFile(path.join(root, 'action.yml'), 'utf8');
const main = /^\s+main:\s*(\S+)\s*$/m.exec(action)?.[1];
if (main !== 'dist/index.js') throw new Error(`action.yml runs ${main}, expected dist/index.js`);

// Start from an empty folder, but keep a checkout's .git when the folder is one.
await mkdir(out, { recursive: true });
for (const entry of await readdir(out))
  if (entry !== '.git') await rm(path.join(out, entry), { recursive: true });

await cp(path.join(root, 'dist'), path.join(out, 'dist'), { recursive: true });
await writeFile(path.join(out, 'action.yml'), action);
await writeFile(path.join(out, 'README.md'), await readFile(path.join(root, 'README.md'), 'utf8'));
await writeFile(path.join(out, 'LICENSE'), await readFile(path.join(repoRoot, 'LICENSE'), 'utf8'));
if (existsSync(path.join(root, 'CHANGELOG.md')))
  await writeFile(path.join(out, 'CHANGELOG.md'), await readFile(path.join(root, 'CHANGELOG.md'), 'utf8'));
await writeFile(path.join(out, '.gitattributes'), 'dist/** linguist-generated=true\n');
// `type: module` makes Node load dist/ as ES modules. `packageManager` lets @github/local-action
// run the layout (without it, the tool lists npm dependencies and stops when there are none).
await writeFile(
  path.join(out, 'package.json'),
  `${JSON.stringify(
    {
      name: 'aoai-media-action',
      version: pkg.version,
      description: pkg.description,
      license: pkg.license,
      private: true,
      type: 'module',
      packageManager: pkg.packageManager,
      repository: { type: 'git', url: 'git+https://github.com/aoai-media/aoai-media-action.git' },
    },
    null,
    2,
  )}\n`,
);

console.log(`release layout of ${pkg.name} ${pkg.version} in ${out}`);
