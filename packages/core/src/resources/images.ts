import type { AzureOpenAIMedia } from '../client.js';

export class Images {
  constructor(protected readonly client: AzureOpenAIMedia) {}
}
