// Builds what n8n loads: one CommonJS file per node and credential with @aoai-media/core bundled in
// (the package has no runtime dependencies), n8n-workflow left to the n8n instance, plus the
// codex file and icons beside each node.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

const entries = [
	'nodes/AzureOpenAiMedia/AzureOpenAiMedia.node.ts',
	'credentials/AzureOpenAiMediaApi.credentials.ts',
	'credentials/AzureOpenAiMediaOAuth2Api.credentials.ts',
];
const assets = [
	'nodes/AzureOpenAiMedia/AzureOpenAiMedia.node.json',
	'nodes/AzureOpenAiMedia/azureOpenAiMedia.svg',
	'nodes/AzureOpenAiMedia/azureOpenAiMedia.dark.svg',
];

/**
 * Core keeps every timer and host global in one module, `platform.js`. n8n's package scan rejects
 * those globals anywhere in a node's JavaScript, so the bundle takes the node's own `platform.ts`
 * (built on n8n-workflow's helpers, same exports) wherever core imports its platform module.
 */
const coreDist = dirname(fileURLToPath(import.meta.resolve('@aoai-media/core')));
const corePlatform = join(coreDist, 'platform.js');
const n8nPlatform = join(root, 'nodes/AzureOpenAiMedia/platform.ts');
const replaced = new Set();
const n8nPlatformPlugin = {
	name: 'n8n-platform',
	setup(pluginBuild) {
		pluginBuild.onResolve({ filter: /(^|\/)platform(\.js)?$/ }, (args) => {
			if (!args.importer.startsWith(coreDist)) return undefined;
			const target = resolve(
				args.resolveDir,
				args.path.endsWith('.js') ? args.path : `${args.path}.js`,
			);
			if (target !== corePlatform) return undefined;
			replaced.add(args.importer);
			return { path: n8nPlatform };
		});
	},
};

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
	plugins: [n8nPlatformPlugin],
});
// A core with a platform module that no import reached would leave its timers in the bundle.
if (existsSync(corePlatform) && replaced.size === 0) {
	throw new Error(`no import of ${corePlatform} was replaced; check the n8n-platform plugin`);
}
for (const asset of assets) {
	await mkdir(dirname(join(dist, asset)), { recursive: true });
	await cp(join(root, asset), join(dist, asset));
}
console.log(`built ${entries.length} entry points and ${assets.length} assets into dist/`);
