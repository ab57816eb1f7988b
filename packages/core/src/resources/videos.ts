import type { AzureOpenAIMedia } from '../client.js';

export class Videos {
  constructor(protected readonly client: AzureOpenAIMedia) {}
}
