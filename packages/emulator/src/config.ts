/** The JSON config file for the CLI: the same fields as `EmulatorOptions`. */
import { readFile } from 'node:fs/promises';
import type { EmulatorOptions } from './options.js';
import { isRecord } from './util.js';

const KNOWN = new Set([
  'port',
  'host',
  'apiKey',
  'bearerTokens',
  'deployments',
  'replaceDefaultDeployments',
  'clock',
  'timeScale',
  'startTime',
  'blockedTerms',
  'videoModeration',
  'limits',
  'videoTimings',
  'videoRetentionMs',
  'imageUrlTtlMs',
  'ffmpegPath',
  'apiVersions',
  'requestLogLimit',
]);

export async function loadConfig(file: string): Promise<EmulatorOptions> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read config file ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`Config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(value)) throw new Error(`Config file ${file} must hold a JSON object`);
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key))
      throw new Error(`Config file ${file}: unknown field '${key}'. Known fields: ${[...KNOWN].join(', ')}`);
  }
  if (value.clock !== undefined && value.clock !== 'real' && value.clock !== 'manual') {
    throw new Error(`Config file ${file}: clock is ${JSON.stringify(value.clock)}; allowed: real, manual`);
  }
  if (
    value.videoModeration !== undefined &&
    value.videoModeration !== 'reject' &&
    value.videoModeration !== 'fail'
  ) {
    throw new Error(
      `Config file ${file}: videoModeration is ${JSON.stringify(value.videoModeration)}; allowed: reject, fail`,
    );
  }
  return value as EmulatorOptions;
}
