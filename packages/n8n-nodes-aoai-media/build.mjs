// Builds what n8n loads: one CommonJS file per node and credential with @aoai-media/core bundled in
// (the package has no runtime dependencies), n8n-workflow left to the n8n instance, plus the
// codex file and icons beside each node.
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

const entries = [
	'nodes/AzureOpenAiMedia/AzureOpenAiMedia.node.ts',
	'credentials/AzureOpenAiMediaApi.credentials.ts',
];
const assets = [
	'nodes/AzureOpenAiMedia/AzureOpenAiMedia.node.json',
	'nodes/AzureOpenAiMedia/azureOpenAiMedia.svg',
	'nodes/AzureOpenAiMedia/azureOpenAiMedia.dark.svg',
];

await rm(dist, { recursive: true, force: true });
await build({
	absWorkingDir: root,
	entryPoints: entries.map((entry) => ({ in: entry, out: entry.replace(/\.ts$/, '') })),
	outdir: dist,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	external: ['n8n-workflow'],
	legalComments: 'none',
	logLevel: 'warning',
});
for (const asset of assets) {
	await mkdir(dirname(join(dist, asset)), { recursive: true });
	await cp(join(root, asset), join(dist, asset));
}
console.log(`built ${entries.length} entry points and ${assets.length} assets into dist/`);
