/**
 * Sentences about models for the input docs (action.yml, the README table) and for messages, read
 * from core's model table. Nothing here states a model fact of its own.
 *
 * Docs are generated at build time, so lifecycles in them are read as of the day the table was last
 * reviewed (`TABLE_REVIEWED`): the committed action.yml does not change with the calendar. Runs read
 * lifecycles against the runner's clock.
 */
import {
  lifecycleOf,
  modelOperations,
  MODELS,
  TABLE_REVIEWED,
  type ModelKind,
  type ModelOperation,
  type ModelSpec,
} from '@aoai-media/core';

/** The moment the generated docs describe. */
export const DOCS_NOW = Date.parse(`${TABLE_REVIEWED}T00:00:00Z`);
export const DOCS_DATE = TABLE_REVIEWED;

/** Models of a kind, newest first, as the table lists them. */
export function modelsOf<K extends ModelKind>(kind: K): Extract<ModelSpec, { kind: K }>[] {
  return MODELS.filter((m): m is Extract<ModelSpec, { kind: K }> => m.kind === kind);
}

export function isRetired(model: ModelSpec, now = DOCS_NOW): boolean {
  return lifecycleOf(model, now).status === 'retired';
}

/** "dall-e-3 (retired 2026-03-04)" for a retired model, else its name. */
export function shownName(model: ModelSpec, now = DOCS_NOW): string {
  const state = lifecycleOf(model, now);
  if (state.status !== 'retired') return model.name;
  return `${model.name} (retired${state.retires ? ` ${state.retires}` : ''})`;
}

/**
 * One field of the table per model, models with the same values grouped:
 * "gpt-image-2, gpt-image-1.5: a, b; dall-e-3 (retired 2026-03-04): c". Models without the field
 * are left out.
 */
export function perModel<M extends ModelSpec>(
  models: readonly M[],
  pick: (m: M) => readonly (string | number)[] | string | undefined,
): string {
  const groups = new Map<string, string[]>();
  for (const m of models) {
    const values = pick(m);
    if (values === undefined || values.length === 0) continue;
    const key = typeof values === 'string' ? values : values.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), shownName(m)]);
  }
  return [...groups].map(([values, names]) => `${names.join(', ')}: ${values}`).join('; ');
}

/** Values of a field the sources disagree on for a model (sent with a warning). */
export function disputedValues(model: ModelSpec, operation: ModelOperation, field: string): string[] {
  return (model.disputes ?? [])
    .filter((d) => d.field === field && (!d.operations || d.operations.includes(operation)))
    .flatMap((d) => (d.values ?? []).map(String));
}

/** Every model: current ones first, then the retired ones with their dates. */
export function modelList(now: number): string {
  const current = MODELS.filter((m) => !isRetired(m, now)).map((m) => m.name);
  const retired = MODELS.filter((m) => isRetired(m, now)).map((m) => shownName(m, now));
  return `${current.join(', ')}${retired.length > 0 ? `; retired on Azure: ${retired.join(', ')}` : ''}`;
}

/** Names of the models that take an operation, current ones first; retired ones marked. */
export function modelsFor(operation: ModelOperation, now: number): string {
  const able = MODELS.filter((m) => modelOperations(m).includes(operation));
  const current = able.filter((m) => !isRetired(m, now)).map((m) => m.name);
  const retired = able.filter((m) => isRetired(m, now)).map((m) => shownName(m, now));
  return [...current, ...retired].join(', ') || 'none';
}
