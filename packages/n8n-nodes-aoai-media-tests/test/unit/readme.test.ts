/** The README's example workflows must stay importable and use only parameters the node has. */
import { readFileSync } from 'node:fs';
import type { INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { node } from './fake-context';

const readme = readFileSync(new URL('../../../n8n-nodes-aoai-media/README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
const ours = examples.flatMap((wf) =>
  wf.nodes.filter((n: { type: string }) => n.type === 'n8n-nodes-aoai-media.azureOpenAiMedia'),
);

function isShown(property: INodeProperties, values: Record<string, unknown>): boolean {
  return Object.entries(property.displayOptions?.show ?? {}).every(([key, allowed]) =>
    (allowed as unknown[]).includes(values[key]),
  );
}

describe('README examples', () => {
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
      const values = { model: undefined, ...example.parameters };
      for (const [name, value] of Object.entries(example.parameters)) {
        const shown = node.description.properties.filter((p) => p.name === name && isShown(p, values));
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
        }
      }
    }
  });
});
