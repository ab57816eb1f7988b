/** Validation before a request is sent: find the deployment's model, run the rules, throw every issue at once. */
import type { AzureOpenAIMedia } from './client.js';
import { ValidationError, type Issue } from './errors.js';
import type { ModelSpec } from './models.js';

/**
 * Runs `rules` against the deployment's table entry (unless the client's validation is off) and
 * throws a ValidationError naming every problem. A deployment whose model is unknown gets the
 * generic checks only, with a logged note.
 */
export function preflight(
  client: AzureOpenAIMedia,
  deployment: unknown,
  context: string,
  rules: (model: ModelSpec | undefined) => Issue[],
): ModelSpec | undefined {
  const model = typeof deployment === 'string' && deployment !== '' ? client.modelFor(deployment) : undefined;
  if (client.validation === 'off') return model;
  if (!model && typeof deployment === 'string' && deployment !== '') {
    client.logger?.info?.(
      `${context}: deployment "${deployment}" has no known model; only generic checks ran`,
      {
        operation: context,
        deployment,
      },
    );
  }
  const issues = rules(model);
  if (issues.length > 0) throw new ValidationError(issues, context);
  return model;
}
