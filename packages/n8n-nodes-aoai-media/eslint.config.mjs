// n8n's own lint rules for community nodes (from @n8n/node-cli), unchanged.
import { config } from '@n8n/node-cli/eslint';

export default config;
