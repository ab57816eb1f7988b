/** The README's example workflows must stay importable and use only parameters the node has. */
import { readFileSync } from 'node:fs';
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { node, resolvedParameters } from './fake-context';

const readme = readFileSync(new URL('../../../n8n-nodes-aoai-media/README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
const ours = examples.flatMap((wf) =>
  wf.nodes.filter((n: { type: string }) => n.type === 'n8n-nodes-aoai-media.azureOpenAiMedia'),
);

/** Whether n8n shows the property for the example's values in the example's version. */
function isShown(property: INodeProperties, values: Record<string, unknown>, typeVersion: number): boolean {
  const resolved = resolvedParameters(values, typeVersion);
  return NodeHelpers.displayParameter(resolved, property, { typeVersion }, node.description, resolved);
}

describe('README examples', () => {
  it('are version 2 nodes, what n8n adds to new workflows', () => {
    for (const example of ours) expect(example.typeVersion, example.name).toBe(2);
  });

  it('cover every operation', () => {
    const operations = new Set(ours.map((n: any) => `${n.parameters.resource}:${n.parameters.operation}`));
    const expected = node.description.properties
      .filter((p) => p.name === 'operation')
      .flatMap((p) =>
        (p.options as { value: string }[]).map((o) => `${p.displayOptions!.show!.resource![0]}:${o.value}`),
      );
    expect([...operations].sort()).toEqual(expected.sort());
  });

  it('connect existing nodes and set only parameters the node shows for that operation and model', () => {
    for (const wf of examples) {
      const names = new Set(wf.nodes.map((n: { name: string }) => n.name));
      for (const [from, { main }] of Object.entries<any>(wf.connections)) {
        expect(names.has(from)).toBe(true);
        for (const link of main.flat()) expect(names.has(link.node), link.node).toBe(true);
      }
    }
    for (const example of ours) {
      const values = example.parameters;
      for (const [name, value] of Object.entries(example.parameters)) {
        const shown = node.description.properties.filter(
          (p) => p.name === name && p.type !== 'hidden' && isShown(p, values, example.typeVersion),
        );
        expect(shown.length, `${example.name}: ${name}`).toBeGreaterThan(0);
        const property = shown[0]!;
        if (property.type === 'options' && typeof value === 'string' && !value.startsWith('=')) {
          expect(
            (property.options as { value: string }[]).map((o) => o.value),
            `${example.name}: ${name}`,
          ).toContain(value);
        }
        if (property.type === 'collection') {
          const allowed = (property.options as INodeProperties[]).map((o) => o.name);
          for (const key of Object.keys(value as object))
            expect(allowed, `${example.name}: options.${key}`).toContain(key);
          const option = (key: string) =>
            (property.options as INodeProperties[]).find((o) => o.name === key)!;
          for (const key of Object.keys(value as object))
            if (option(key).displayOptions)
              expect(
                isShown(option(key), values, example.typeVersion),
                `${example.name}: options.${key}`,
              ).toBe(true);
        }
      }
    }
  });
});
