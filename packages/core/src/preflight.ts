/**
 * Checks before a request is sent: find the deployment's model, run the rules and the model's
 * lifecycle, throw every error at once, log and return the warnings.
 */
import type { AzureOpenAIMedia } from './client.js';
import { ValidationError, type Issue } from './errors.js';
import type { ModelSpec } from './models.js';
import { errorsOf, lifecycleIssues, warningsOf } from './validate/index.js';

export interface Preflight {
  model: ModelSpec | undefined;
  /** What Azure accepts but ignores, what the sources disagree on, a model near retirement. */
  warnings: Issue[];
}

/**
 * Runs `rules` and the lifecycle check against the deployment's table entry (unless the client's
 * validation is off) and throws a ValidationError naming every error. Warnings are logged at
 * `warn` and returned. A deployment whose model is unknown gets the generic checks only, with a
 * logged note.
 */
export function preflightChecked(
  client: AzureOpenAIMedia,
  deployment: unknown,
  context: string,
  rules: (model: ModelSpec | undefined) => Issue[],
): Preflight {
  const model = typeof deployment === 'string' && deployment !== '' ? client.modelFor(deployment) : undefined;
  if (client.validation === 'off') return { model, warnings: [] };
  if (!model && typeof deployment === 'string' && deployment !== '') {
    client.logger?.info?.(
      `${context}: deployment "${deployment}" has no known model; only generic checks ran`,
      { operation: context, deployment },
    );
  }
  const found = rules(model);
  if (model) found.push(...lifecycleIssues(model, client.now(), client.allowRetiredModels));
  const errors = errorsOf(found);
  if (errors.length > 0) throw new ValidationError(errors, context);
  const warnings = warningsOf(found);
  for (const warning of warnings) {
    client.logger?.warn?.(`${context}: ${warning.message}`, {
      operation: context,
      deployment,
      path: warning.path,
      code: warning.code,
    });
  }
  return { model, warnings };
}

/** `preflightChecked` for callers that need only the model (warnings are still logged). */
export function preflight(
  client: AzureOpenAIMedia,
  deployment: unknown,
  context: string,
  rules: (model: ModelSpec | undefined) => Issue[],
): ModelSpec | undefined {
  return preflightChecked(client, deployment, context, rules).model;
}
