#!/usr/bin/env node
// Azure's OpenAPI specs, the conformance tests' source of truth, live beside the repository in
// ../shared/azure-openai-spec/ and are never copied into it. This script pins them (scripts/azure-specs.json:
// repository path, commit and sha256 of each file) and either checks a folder against the pins or,
// where the folder is not provided (the GitHub workflow), downloads the pinned files and checks them.
//   node scripts/azure-specs.mjs check [dir]   every pinned file present with its sha256, derived JSON equal to its YAML
//   node scripts/azure-specs.mjs fetch [dir]   download the pinned files, verify their sha256, write the derived JSON
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const manifest = JSON.parse(await readFile(new URL('./azure-specs.json', import.meta.url), 'utf8'));
const [command, dirArg] = process.argv.slice(2);
const dir = path.resolve(
  dirArg ?? fileURLToPath(new URL('../../shared/azure-openai-spec/', import.meta.url)),
);

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function fetchPinned(file) {
  const url = `https://raw.githubusercontent.com/${manifest.repository}/${file.commit}/${file.path}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${file.name}: ${url} answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (sha256(bytes) !== file.sha256) {
    throw new Error(`${file.name}: sha256 ${sha256(bytes)} from ${url} is not the pinned ${file.sha256}`);
  }
  return bytes;
}

/** Written whole or not at all: a half-written spec would fail the tests in confusing ways. */
async function writeAtomically(target, bytes) {
  const temporary = `${target}.${process.pid}.partial`;
  await writeFile(temporary, bytes);
  await rename(temporary, target);
}

const derivedJson = (yamlText) => `${JSON.stringify(parse(yamlText), null, 2)}\n`;

if (command === 'fetch') {
  await mkdir(dir, { recursive: true });
  for (const file of manifest.files) {
    await writeAtomically(path.join(dir, file.name), await fetchPinned(file));
    console.log(`${file.name}: ${file.path} at ${file.commit.slice(0, 12)}, sha256 verified`);
  }
  for (const derived of manifest.derived) {
    const yamlText = await readFile(path.join(dir, derived.from), 'utf8');
    await writeAtomically(path.join(dir, derived.name), derivedJson(yamlText));
    console.log(`${derived.name}: converted from ${derived.from}`);
  }
} else if (command === 'check') {
  const problems = [];
  for (const file of manifest.files) {
    const bytes = await readFile(path.join(dir, file.name)).catch(() => undefined);
    if (!bytes) problems.push(`${file.name} is missing`);
    else if (sha256(bytes) !== file.sha256)
      problems.push(`${file.name} has sha256 ${sha256(bytes)}, pinned ${file.sha256}`);
  }
  for (const derived of manifest.derived) {
    const [json, yamlText] = await Promise.all(
      [derived.name, derived.from].map((name) =>
        readFile(path.join(dir, name), 'utf8').catch(() => undefined),
      ),
    );
    if (json === undefined) problems.push(`${derived.name} is missing`);
    else if (yamlText !== undefined && JSON.stringify(JSON.parse(json)) !== JSON.stringify(parse(yamlText)))
      problems.push(`${derived.name} is not the same document as ${derived.from}`);
  }
  if (problems.length > 0) {
    console.error(
      `Azure OpenAPI specs in ${dir} do not match scripts/azure-specs.json:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(
    `Azure OpenAPI specs in ${dir}: ${manifest.files.length} pinned files and ${manifest.derived.length} derived files verified`,
  );
} else {
  console.error('usage: node scripts/azure-specs.mjs check|fetch [dir]');
  process.exit(2);
}
