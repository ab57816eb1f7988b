#!/usr/bin/env node
// Writes MODELS.md at the repository root from core's model table (run `pnpm models`, which builds
// core first). A core test fails when the file and the table disagree.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { modelsMarkdown } = await import('../packages/core/dist/models-markdown.js');
const target = fileURLToPath(new URL('../MODELS.md', import.meta.url));
writeFileSync(target, modelsMarkdown());
console.log(`wrote ${target}`);
