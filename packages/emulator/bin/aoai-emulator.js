#!/usr/bin/env node
// Thin launcher so package managers can link the command before the TypeScript build exists.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
