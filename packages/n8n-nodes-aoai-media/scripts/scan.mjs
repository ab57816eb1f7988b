/* global console, process */
// n8n's verification scan, run here: packs this package as it would be published, unpacks the
// tarball and lints it the way @n8n/scan-community-package does (its own configuration, the
// built bundle included on purpose), then lints the sources with the scanner's source patterns.
// Its CLI needs the public registry and a provenance record, so this runs the module it exports.
// Fails on any error or warning; `--json` prints the result instead. Run after `node build.mjs`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const scannerPath = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
const scanner = await import(pathToFileURL(scannerPath).href);
// The scanner's own ESLint, so the counts come from the same engine analyzePackage() uses.
const { ESLint } = await import(pathToFileURL(createRequire(scannerPath).resolve('eslint')).href);

/** The patterns analyzePackage() is given for the unpacked tarball by the scanner's CLI. */
export const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

/** Lints `dir` as analyzePackage() does and returns every message with its file. */
async function lint(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const results = await eslint.lintFiles(patterns);
	const messages = results.flatMap((result) =>
		result.messages.map((m) => ({
			file: relative(dir, result.filePath),
			line: m.line,
			severity: m.severity === 2 ? 'error' : 'warning',
			rule: m.ruleId,
			message: m.message,
		})),
	);
	return { files: results.length, messages };
}

/** Packs the package with pnpm (as it is published) and unpacks the tarball into a new folder. */
export function packAndUnpack(into) {
	execFileSync('pnpm', ['pack', '--pack-destination', into], { cwd: packageDir, stdio: 'pipe' });
	const tarball = readdirSync(into).find((f) => f.endsWith('.tgz'));
	if (!tarball) throw new Error(`pnpm pack left no tarball in ${into}`);
	const unpacked = join(into, 'package');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', join(into, tarball), '-C', unpacked, '--strip-components=1']);
	return { tarball: join(into, tarball), unpacked };
}

/** Both legs of the scan; `verdict` is analyzePackage()'s own answer for the tarball. */
export async function scan() {
	const work = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
	try {
		const { unpacked } = packAndUnpack(work);
		// A tarball without the built files would pass the scan with nothing in it.
		const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
		const missing = [...manifest.n8n.nodes, ...manifest.n8n.credentials].filter(
			(file) => !existsSync(join(unpacked, file)),
		);
		if (missing.length > 0)
			throw new Error(`the packed package lacks ${missing.join(', ')}: run node build.mjs first`);
		const verdict = await scanner.analyzePackage(unpacked, TARBALL_PATTERNS);
		const tarball = await lint(unpacked, TARBALL_PATTERNS);
		const source = await lint(packageDir, scanner.SOURCE_FILE_PATTERNS);
		return { verdict, tarball, source };
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const { verdict, tarball, source } = await scan();
	// --json: the whole result for a test to read.
	if (process.argv.includes('--json')) {
		console.log(JSON.stringify({ verdict: { ...verdict, error: undefined }, tarball, source }));
		process.exit(0);
	}
	let failed = !verdict.passed;
	for (const [leg, { files, messages }] of Object.entries({ tarball, source })) {
		const errors = messages.filter((m) => m.severity === 'error').length;
		console.log(
			`scan of the ${leg}: ${files} files, ${errors} errors, ${messages.length - errors} warnings`,
		);
		for (const m of messages)
			console.log(`  ${m.file}:${m.line} ${m.severity} ${m.message} (${m.rule})`);
		if (messages.length > 0) failed = true;
	}
	if (!verdict.passed) console.log(`analyzePackage(): ${verdict.message}`);
	process.exit(failed ? 1 : 0);
}
