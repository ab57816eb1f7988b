/** What n8n's editor shows for a node's saved values in a version, decided by n8n-workflow itself. */
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';
import { isGuard } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/descriptions';
import { node, resolvedParameters } from './fake-context';

/** The fields named `name` drawn for these values (guards, which show only stale values, left out). */
export function shown(values: Record<string, unknown>, name: string, typeVersion = 2): INodeProperties[] {
  const resolved = resolvedParameters(values, typeVersion);
  return node.description.properties.filter(
    (p) =>
      p.name === name &&
      !isGuard(p) &&
      NodeHelpers.displayParameter(resolved, p, { typeVersion }, node.description, resolved),
  );
}

/** The one field named `name` drawn for these values; fails when there is none or more. */
export function field(values: Record<string, unknown>, name: string, typeVersion = 2): INodeProperties {
  const found = shown(values, name, typeVersion);
  if (found.length !== 1)
    throw new Error(
      `${found.length} fields "${name}" shown for ${JSON.stringify(values)} in version ${typeVersion}`,
    );
  return found[0]!;
}

export const optionValues = (p: INodeProperties | undefined) =>
  (p?.options as { value: string }[] | undefined)?.map((o) => o.value) ?? [];
