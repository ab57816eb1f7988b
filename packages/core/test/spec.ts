/**
 * Azure's OpenAPI specs as JSON Schema validators, for conformance tests. The specs are read from
 * `../shared/azure-openai-spec/` beside the repository (or AOAI_SPEC_DIR) and never copied into it;
 * tests skip with SPEC_SKIP_REASON when that folder is absent, and fail when CI=true.
 *
 *   const spec = openSpec('v1-preview.json');
 *   spec.checkRequest('/images/generations', 'post', body)        // -> string[] of problems
 *   spec.checkResponse('/images/generations', 'post', 200, json)
 *   spec.checkSchema('AzureErrorResponse', json)
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

export const SPEC_DIR = specDir();
export const specAvailable = existsSync(SPEC_DIR);
export const SPEC_SKIP_REASON =
  'skipped: Azure OpenAPI specs not found in ../shared/azure-openai-spec/ beside the repository (conformance needs them)';
// In CI a missing spec is a failure: a conformance suite that silently skips checks nothing.
if (!specAvailable && process.env.CI === 'true') {
  throw new Error(
    `CI=true and Azure's OpenAPI specs are missing from ${SPEC_DIR}; conformance tests cannot be skipped in CI`,
  );
}

/** `../shared/azure-openai-spec/` beside the repository, or AOAI_SPEC_DIR. */
function specDir(): string {
  const fromEnv = process.env.AOAI_SPEC_DIR;
  if (fromEnv) return fromEnv.endsWith('/') ? fromEnv : `${fromEnv}/`;
  return fileURLToPath(new URL('../../../../shared/azure-openai-spec/', import.meta.url));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Json> } };

/** Keys that are documentation or vendor extensions, not validation. */
const DROP = new Set([
  'example',
  'examples',
  'x-ms-enum',
  'x-ms-discriminator-value',
  'xml',
  'externalDocs',
  'discriminator',
]);

/** OpenAPI 3.0 schema -> JSON Schema (draft 7): `nullable` becomes a null alternative. */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    // `properties` maps names to schemas: convert the schemas, keep every name.
    out[key] =
      key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]))
        : toJsonSchema(value);
  }
  if ((node as Record<string, Json>).nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

export interface OpenSpec {
  file: string;
  doc: Doc;
  /** The JSON Schema `$ref` of an operation's request body for a content type. */
  requestRef(path: string, method: string, contentType?: string): string;
  responseRef(path: string, method: string, status: number | 'default', contentType?: string): string;
  /** Problems (empty when valid). Multipart bodies: pass `{ coerce: true }` so "2" counts as 2. */
  checkRequest(
    path: string,
    method: string,
    body: unknown,
    options?: { contentType?: string; coerce?: boolean },
  ): string[];
  checkResponse(path: string, method: string, status: number | 'default', body: unknown): string[];
  checkSchema(name: string, value: unknown, options?: { coerce?: boolean }): string[];
  /** Top-level property names a component schema declares (following allOf). */
  declaredProperties(ref: string): Set<string>;
}

const cache = new Map<string, OpenSpec>();

export function openSpec(file: string): OpenSpec {
  const cached = cache.get(file);
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(`${SPEC_DIR}${file}`, 'utf8')) as Doc;
  const id = `spec:${file}`;
  const converted = { $id: id, components: { schemas: toJsonSchema(doc.components.schemas as Json) } };
  const make = (coerce: boolean) => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: coerce });
    ajv.addSchema(converted as object);
    return ajv;
  };
  const plain = make(false);
  const coercing = make(true);
  const compiled = new Map<string, ValidateFunction>();
  const run = (ref: string, value: unknown, coerce = false): string[] => {
    const key = `${coerce}:${ref}`;
    let fn = compiled.get(key);
    if (!fn) {
      fn = (coerce ? coercing : plain).compile({ $ref: `${id}${ref}` });
      compiled.set(key, fn);
    }
    // Coercion rewrites the value; work on a copy.
    const data = coerce ? structuredClone(value) : value;
    return fn(data)
      ? []
      : (fn.errors ?? []).map(
          (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        );
  };
  const operation = (path: string, method: string) => {
    const op = doc.paths[path]?.[method];
    if (!op) throw new Error(`${file} has no ${method.toUpperCase()} ${path}`);
    return op;
  };
  const refOf = (content: any, contentType: string, where: string): string => {
    const schema = content?.[contentType]?.schema;
    if (!schema)
      throw new Error(
        `${where} declares no ${contentType} schema (has ${Object.keys(content ?? {}).join(', ')})`,
      );
    if (typeof schema.$ref !== 'string') throw new Error(`${where}: inline schemas are not supported here`);
    return schema.$ref as string;
  };
  const spec: OpenSpec = {
    file,
    doc,
    requestRef: (path, method, contentType = 'application/json') =>
      refOf(operation(path, method).requestBody?.content, contentType, `${file} ${method} ${path} request`),
    responseRef: (path, method, status, contentType = 'application/json') => {
      const responses = operation(path, method).responses;
      const response = responses[String(status)] ?? responses.default;
      return refOf(response?.content, contentType, `${file} ${method} ${path} ${status}`);
    },
    checkRequest: (path, method, body, options = {}) =>
      run(spec.requestRef(path, method, options.contentType), body, options.coerce),
    checkResponse: (path, method, status, body) => run(spec.responseRef(path, method, status), body),
    checkSchema: (name, value, options = {}) => run(`#/components/schemas/${name}`, value, options.coerce),
    declaredProperties: (ref) => {
      const names = new Set<string>();
      const visit = (schema: any) => {
        if (!schema || typeof schema !== 'object') return;
        if (typeof schema.$ref === 'string')
          return visit(doc.components.schemas[schema.$ref.split('/').pop()!]);
        for (const name of Object.keys(schema.properties ?? {})) names.add(name);
        for (const part of schema.allOf ?? []) visit(part);
      };
      visit({ $ref: ref });
      return names;
    },
  };
  cache.set(file, spec);
  return spec;
}

/** A multipart form as the plain object a JSON schema describes: files become strings, `x[]` becomes `x: [...]`. */
export function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of form.entries()) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const item = typeof value === 'string' ? value : `<binary ${value.size} bytes>`;
    if (isArray) out[key] = [...((out[key] as unknown[] | undefined) ?? []), item];
    else out[key] = item;
  }
  return out;
}
