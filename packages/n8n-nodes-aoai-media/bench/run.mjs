/* global Buffer, fetch, console, process */
// Item throughput of the built node (dist/) generating images with "Items in Parallel" at 1 and at 8,
// against the emulator, in its own process, answering each request after LATENCY_MS and allowing
// RPM requests per minute. The node's own transport and retries are used; the stand-in execution context below
// sends its HTTP requests with fetch, as n8n's request helper would. At 1 item at a time the node
// stays under the limit; at 8 it reaches it within seconds and waits out Azure's retry-after.
// A fresh emulator per run, so rate windows do not carry over. Counts are fixed, so the run is
// bounded (about two and a half minutes with the defaults, most of it the limit's one-minute window).
// One run of each: a run spans the limit's window, so rounds would multiply that time.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { recorder, startNode } from '@aoai-media/bench';

const ITEMS = Number(process.env.AOAI_BENCH_N8N_ITEMS ?? 800);
const RPM = Number(process.env.AOAI_BENCH_N8N_RPM ?? 600);
const LATENCY_MS = Number(process.env.AOAI_BENCH_N8N_LATENCY_MS ?? 100);
const DEPLOYMENT = 'gpt-image-2';

const require = createRequire(import.meta.url);
const emulatorCli = join(
	dirname(require.resolve('@aoai-media/emulator/package.json')),
	'bin/aoai-emulator.js',
);
const { AzureOpenAiMedia } = require('../dist/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node.js');
const { AzureOpenAiMediaApi } = require('../dist/credentials/AzureOpenAiMediaApi.credentials.js');
const node = new AzureOpenAiMedia();
const credential = new AzureOpenAiMediaApi();
const record = recorder('n8n-nodes-aoai-media');

/** The value n8n gives a parameter: the one set, else the default of the property displayed. */
function parameter(name, values) {
	if (name in values) return values[name];
	const shown = (p) =>
		Object.entries(p.displayOptions?.show ?? {}).every(([key, allowed]) =>
			allowed.includes(parameter(key, values)),
		);
	return node.description.properties.find((p) => p.name === name && shown(p))?.default;
}

/** What the node needs of n8n's IExecuteFunctions for this operation, with requests over real HTTP. */
function executionContext(items, params, credentials) {
	const nodeInfo = {
		id: 'bench',
		name: 'Azure OpenAI Media',
		type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const send = async (options) => {
		const response = await fetch(options.url, {
			method: options.method ?? 'GET',
			headers: options.headers,
			body: options.body && options.body.length > 0 ? options.body : undefined,
			redirect: 'manual',
			signal: options.abortSignal,
		});
		return {
			body: Buffer.from(await response.arrayBuffer()),
			headers: Object.fromEntries(response.headers),
			statusCode: response.status,
			statusMessage: response.statusText,
		};
	};
	return {
		getInputData: () => items,
		getNode: () => nodeInfo,
		continueOnFail: () => true,
		getExecutionCancelSignal: () => undefined,
		getCredentials: async () => credentials,
		getNodeParameter(name, _itemIndex, fallback) {
			const [head, ...rest] = name.split('.');
			let value = parameter(head, params);
			for (const key of rest) value = value && typeof value === 'object' ? value[key] : undefined;
			if (value !== undefined) return value;
			if (arguments.length >= 3) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		helpers: {
			httpRequestWithAuthentication: async (_type, options) =>
				send(await credential.authenticate(credentials, options)),
			httpRequest: send,
			prepareBinaryData: async (buffer, fileName, mimeType) => ({
				data: buffer.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileExtension: fileName?.split('.').pop(),
				fileSize: `${buffer.byteLength} B`,
			}),
		},
	};
}

/** The emulator's admin API over HTTP. */
async function admin(emu, method, path, body) {
	const response = await fetch(`${emu.url}/_emulator/${path}`, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	});
	if (!response.ok) throw new Error(`emulator admin ${method} ${path}: ${response.status}`);
	return response.json();
}

async function run(concurrency) {
	const emu = await startNode(emulatorCli, ['--port', '0'], {
		ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
	});
	try {
		await admin(emu, 'PUT', 'limits', {
			deployments: { [DEPLOYMENT]: { requestsPerMinute: RPM } },
		});
		// Every request (429s included) takes LATENCY_MS, standing in for the time Azure spends generating.
		await admin(emu, 'POST', 'faults', {
			match: { operation: 'images.generate' },
			kind: 'delay',
			delayMs: LATENCY_MS,
			count: ITEMS * 10,
		});
		const items = Array.from({ length: ITEMS }, (_, i) => ({ json: { i } }));
		const params = {
			resource: 'image',
			operation: 'generate',
			deployment: DEPLOYMENT,
			model: 'gpt-image-2',
			prompt: 'a lighthouse at dawn',
			size: '1024x1024',
			quality: 'low',
			options: { concurrency },
		};
		const ctx = executionContext(items, params, {
			endpoint: emu.url,
			authType: 'apiKey',
			apiKey: 'emulator-key',
			apiVersion: 'preview',
		});
		const started = performance.now();
		const [output] = await node.execute.call(ctx);
		const seconds = (performance.now() - started) / 1000;
		const failed = output.filter((item) => item.json.error !== undefined);
		const images = output.filter((item) => item.binary?.data?.mimeType === 'image/png').length;
		if (output.length !== ITEMS)
			throw new Error(`${output.length} output items for ${ITEMS} input items`);
		const counters = await admin(emu, 'GET', 'counters');
		const rateLimited = Object.values(counters.rateLimited ?? {}).reduce((a, b) => a + b, 0);
		return {
			seconds,
			itemsPerSecond: ITEMS / seconds,
			images,
			failed: failed.length,
			rateLimited,
			firstError: failed[0]?.json.error,
		};
	} finally {
		await emu.stop();
	}
}

console.log(
	`image generate, ${ITEMS} items, ${LATENCY_MS} ms per request, limit ${RPM} requests per minute`,
);
const results = {};
for (const concurrency of [1, 8]) {
	const r = await run(concurrency);
	results[concurrency] = r;
	console.log(
		`  ${concurrency} at a time: ${r.seconds.toFixed(1)} s, ${r.itemsPerSecond.toFixed(1)} items/s, ${r.images} images, ${r.failed} failed items, ${r.rateLimited} answers 429`,
	);
	if (r.firstError) console.log(`    first failure: ${r.firstError}`);
}
const ratio = results[8].itemsPerSecond / results[1].itemsPerSecond;
console.log(
	`  8 / 1 items per second: ${ratio.toFixed(2)}x (the limit allows ${(RPM / 60).toFixed(1)} requests/s on average)`,
);

const label = `image generate, ${ITEMS} items, ${LATENCY_MS} ms latency, ${RPM} RPM limit`;
record({ name: `${label}: 1 at a time`, value: results[1].itemsPerSecond, unit: 'items/s' });
record({
	name: `${label}: 8 at a time (${results[8].rateLimited} 429s, ${results[8].failed} failed)`,
	value: results[8].itemsPerSecond,
	unit: 'items/s',
	baseline: { name: '1 at a time', value: results[1].itemsPerSecond },
	ratio,
	ratioMeans: 'throughput / 1 at a time',
});
record.print();
